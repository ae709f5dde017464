"""`RunStats`: what a pipeline run did, as counted by the sidecar (a sidestream extension).

Example:
    >>> app.run(sdf)
    >>> stats = app.last_run_stats
    >>> stats.consumed, stats.produced, stats.invocations   # invocations == 0: no per-message client calls
    (1000, 980, 0)
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

__all__ = ["RunStats"]


@dataclass(frozen=True)
class RunStats:
    """Counters of a run, summed over its sessions when `run()` reconnected.

    Attributes:
        consumed: messages consumed from Kafka.
        produced: messages produced by `to_topic` steps.
        filtered: records dropped by filters.
        skipped: records skipped after an error callback returned True.
        invocations: batches of records sent to the application's functions
            (0 for a pipeline of native steps only).
        commits: offset commits at checkpoints.
        native_evaluations: expressions evaluated natively by the sidecar.
    """

    consumed: int = 0
    produced: int = 0
    filtered: int = 0
    skipped: int = 0
    invocations: int = 0
    commits: int = 0
    native_evaluations: int = 0

    @classmethod
    def from_proto(cls, stats: Any) -> RunStats:
        """From a `PipelineStats` message."""
        return cls(**{f.name: int(getattr(stats, f.name)) for f in fields(cls)})

    def __add__(self, other: RunStats) -> RunStats:
        return RunStats(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

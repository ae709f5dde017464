"""The steps a `StreamingDataFrame` records: plain data, turned into the proto
graph by `sidestream._graph` when the pipeline is run or tested.

Column expressions (`sdf["x"]`, StreamingSeries) will add their own step kinds
here (see series.py when it lands).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sidestream.models.topics import Topic

__all__ = ["CallbackStep", "ToTopicStep", "Step", "CallbackKind"]

CallbackKind = Literal["apply", "update", "filter"]


@dataclass(frozen=True)
class CallbackStep:
    """`sdf.apply/update/filter(func, stateful=...)`."""

    kind: CallbackKind
    func: Callable[..., Any]
    stateful: bool = False


@dataclass(frozen=True)
class ToTopicStep:
    """`sdf.to_topic(topic, key=...)`."""

    topic: Topic
    key: Callable[[Any], Any] | None = None


Step = CallbackStep | ToTopicStep

"""The dry-run session behind `test()` / `compile()` of a dataframe or a series:
one session per graph version, reopened when the graph changed or the session
ended, and closed when its owner is garbage-collected.

Thread-safety: `DryRunCache.runner` may be called from any thread.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

from sidestream._channel import SidecarTarget
from sidestream._graph import BuiltPipeline

__all__ = ["DryRunCache", "Compiled"]


class DryRunCache:
    """The dry runner of one owner (a dataframe's step chain, or a series).

    Example:
        >>> cache = DryRunCache(owner)
        >>> cache.runner(version, build, SidecarTarget()).process({"x": 1})
    """

    def __init__(self, owner: object) -> None:
        self._owner = weakref.ref(owner)
        self._lock = threading.Lock()
        self._entry: tuple[object, Any] | None = None  # (graph version, DryRunner)

    def runner(self, version: object, build: Callable[[], BuiltPipeline], sidecar: SidecarTarget) -> Any:
        """The session for graph `version`, opened with `build()` when needed."""
        from sidestream._dryrun import DryRunner  # grpc session machinery, loaded on demand

        with self._lock:
            if self._entry is not None:
                seen, runner = self._entry
                if seen == version and runner.usable:
                    return runner
                runner.close()
                self._entry = None
            runner = DryRunner(sidecar, build())
            self._entry = (version, runner)
            owner = self._owner()
            if owner is not None:
                # The session ends with its owner, not only at interpreter exit.
                weakref.finalize(owner, runner.close)
            return runner


class Compiled:
    """What `compile()` returns: a function running a value through a dry run.

    It keeps the owner of the session alive (the session closes when its owner
    is collected), so `sdf = sdf.compile()` works as in the seed.
    """

    __slots__ = ("_owner", "_runner")

    def __init__(self, runner: Any, owner: object) -> None:
        self._runner = runner
        self._owner = owner

    def __call__(self, value: Any) -> Any:
        return self._runner.process(value)

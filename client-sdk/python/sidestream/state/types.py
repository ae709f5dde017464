"""The `State` protocol handed to stateful functions (mirrors `quixstreams.state.types`).

Stateful processing needs state support in the sidecar, which comes in a later
version: a dataframe with `stateful=True` functions is rejected when its graph
is built. The protocol is here so that type hints written for the seed work.

Example:
    >>> def count(value: dict, state: State) -> dict:
    ...     n = state.get("n", 0) + 1
    ...     state.set("n", n)
    ...     return {**value, "n": n}
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["State"]


class State(Protocol):
    """Key-value state of the current message key, scoped to a topic partition."""

    def get(self, key: Any, default: Any = None) -> Any | None:
        """Return the value of `key`, or `default` when it is not set."""
        ...

    def set(self, key: Any, value: Any) -> None:
        """Set `key` to `value`."""
        ...

    def delete(self, key: Any) -> None:
        """Delete `key` (no error when it is not set)."""
        ...

    def exists(self, key: Any) -> bool:
        """Whether `key` is set."""
        ...

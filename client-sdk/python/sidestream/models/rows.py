"""A message value with its Kafka properties (mirrors `quixstreams.models.rows`).

`Row` is what error callbacks receive: `on_processing_error(exc, row, logger)`.

Example:
    >>> def on_processing_error(exc, row, logger):
    ...     logger.warning("skipping %s@%s: %s", row.topic, row.offset, exc)
    ...     return True
"""

from __future__ import annotations

from collections.abc import KeysView
from typing import Any

from sidestream.models.messagecontext import MessageContext, MessageHeadersTuples
from sidestream.models.timestamps import MessageTimestamp

__all__ = ["Row"]


class Row:
    """A value (usually a dict) and the context of the message it came from."""

    __slots__ = ("context", "value")

    def __init__(self, value: Any, context: MessageContext) -> None:
        self.value = value
        self.context = context

    @property
    def key(self) -> Any:
        """The deserialized message key."""
        return self.context.key

    @property
    def topic(self) -> str:
        """Source topic."""
        return self.context.topic

    @property
    def partition(self) -> int:
        """Source partition."""
        return self.context.partition

    @property
    def offset(self) -> int:
        """Source offset."""
        return self.context.offset

    @property
    def size(self) -> int:
        """Size of the source message value."""
        return self.context.size

    @property
    def timestamp(self) -> MessageTimestamp:
        """Source message timestamp."""
        return self.context.timestamp

    @property
    def headers(self) -> MessageHeadersTuples | None:
        """Source message headers."""
        return self.context.headers

    def __getitem__(self, item: str) -> Any:
        return self.value[item]

    def __setitem__(self, key: str, value: Any) -> None:
        self.value[key] = value

    def keys(self) -> KeysView:
        """Keys of the (dict) value; also allows `**row`."""
        return self.value.keys()

    def clone(self, value: Any) -> Row:
        """A new Row with `value` and the same context."""
        return Row(value=value, context=self.context)

    def __repr__(self) -> str:
        return f"Row(value={self.value!r}, context={self.context!r})"

"""Properties of the Kafka message being processed (mirrors `quixstreams.models.messagecontext`).

Example:
    >>> from sidestream import message_context
    >>> def enrich(value: dict) -> dict:
    ...     ctx = message_context()
    ...     return {**value, "partition": ctx.partition, "offset": ctx.offset}
"""

from __future__ import annotations

from typing import Any

from sidestream.models.timestamps import MessageTimestamp

__all__ = ["MessageContext", "MessageHeadersTuples"]

MessageHeadersTuples = list[tuple[str, bytes | None]]


class MessageContext:
    """Kafka message properties; read-only (it must not change during processing)."""

    __slots__ = (
        "_headers",
        "_key",
        "_latency",
        "_leader_epoch",
        "_offset",
        "_partition",
        "_size",
        "_timestamp",
        "_topic",
    )

    def __init__(
        self,
        key: Any,
        topic: str,
        partition: int,
        offset: int,
        size: int,
        timestamp: MessageTimestamp,
        headers: MessageHeadersTuples | None = None,
        latency: float | None = None,
        leader_epoch: int | None = None,
    ) -> None:
        self._key = key
        self._topic = topic
        self._partition = partition
        self._offset = offset
        self._size = size
        self._timestamp = timestamp
        self._headers = headers
        self._latency = latency
        self._leader_epoch = leader_epoch

    @property
    def key(self) -> Any:
        """The deserialized message key."""
        return self._key

    @property
    def topic(self) -> str:
        """Source topic name."""
        return self._topic

    @property
    def partition(self) -> int:
        """Source partition."""
        return self._partition

    @property
    def offset(self) -> int:
        """Offset of the source message."""
        return self._offset

    @property
    def size(self) -> int:
        """Size in bytes of the source message value."""
        return self._size

    @property
    def timestamp(self) -> MessageTimestamp:
        """Timestamp of the source message."""
        return self._timestamp

    @property
    def headers(self) -> MessageHeadersTuples | None:
        """Headers of the source message as (key, value) tuples, or None when it has none."""
        return self._headers

    @property
    def latency(self) -> float | None:
        """Not provided by the sidecar; always None (kept for seed compatibility)."""
        return self._latency

    @property
    def leader_epoch(self) -> int | None:
        """Not provided by the sidecar; always None (kept for seed compatibility)."""
        return self._leader_epoch

    def __repr__(self) -> str:
        return (
            f"MessageContext(topic={self._topic!r}, partition={self._partition}, "
            f"offset={self._offset}, key={self._key!r})"
        )

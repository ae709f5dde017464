"""Kafka message timestamps (mirrors `quixstreams.models.timestamps`).

Example:
    >>> ts = MessageTimestamp.create(TimestampType.TIMESTAMP_CREATE_TIME, 1700000000000)
    >>> ts.milliseconds, ts.type
    (1700000000000, <TimestampType.TIMESTAMP_CREATE_TIME: 1>)
"""

from __future__ import annotations

import enum

__all__ = ["TimestampType", "MessageTimestamp"]


class TimestampType(enum.IntEnum):
    """Kind of a Kafka message timestamp, numbered as librdkafka numbers it."""

    TIMESTAMP_NOT_AVAILABLE = 0  # timestamps not supported by broker
    TIMESTAMP_CREATE_TIME = 1  # message creation time (or source / producer time)
    TIMESTAMP_LOG_APPEND_TIME = 2  # broker receive time


class MessageTimestamp:
    """The timestamp of an incoming Kafka message; read-only."""

    __slots__ = ("_milliseconds", "_type")

    def __init__(self, milliseconds: int | None, _type: TimestampType) -> None:
        self._milliseconds = milliseconds
        self._type = _type

    @property
    def type(self) -> TimestampType:
        """The timestamp kind."""
        return self._type

    @property
    def milliseconds(self) -> int | None:
        """Milliseconds since the Unix epoch; None when not available."""
        return self._milliseconds

    @classmethod
    def create(cls, timestamp_type: int, milliseconds: int) -> MessageTimestamp:
        """Create a timestamp from `confluent_kafka.Message.timestamp()`-style data.

        With TIMESTAMP_NOT_AVAILABLE the milliseconds are None.
        """
        kind = TimestampType(timestamp_type)
        if kind == TimestampType.TIMESTAMP_NOT_AVAILABLE:
            return cls(None, kind)
        return cls(milliseconds, kind)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MessageTimestamp):
            return NotImplemented
        return (self._milliseconds, self._type) == (other._milliseconds, other._type)

    def __hash__(self) -> int:
        return hash((self._milliseconds, self._type))

    def __repr__(self) -> str:
        return f"MessageTimestamp(milliseconds={self._milliseconds!r}, type={self._type.name})"

"""The context of the message being processed (mirrors `quixstreams.context`).

Functions of a dataframe run in the SDK's segment runner, which makes the
current message available through `message_context()` and `message_key()`.
The `MessageContext` is built lazily, only when asked for.

Thread-safety: the current message lives in a `contextvars.ContextVar`, so
each thread (and asyncio task) sees its own.

Example:
    >>> from sidestream import message_context, message_key
    >>> def tag(value: dict) -> dict:
    ...     return {**value, "key": message_key(), "offset": message_context().offset}
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from sidestream._payload import decode
from sidestream.exceptions import MessageContextNotSetError
from sidestream.models.messagecontext import MessageContext
from sidestream.models.timestamps import MessageTimestamp

__all__ = ["message_context", "message_key", "set_message_context"]


class _Current:
    """The message being processed, and the context built from it: a proto
    `InvokeRecord` (`record`), or record `index` of a packed batch (`batch`, a
    `sidestream._packed.PackedView`)."""

    __slots__ = ("batch", "ctx", "index", "record")

    def __init__(self) -> None:
        self.record: Any = None  # sidestream.v1.InvokeRecord, or None
        self.batch: Any = None  # PackedView, or None
        self.index = 0
        self.ctx: MessageContext | None = None


_current: ContextVar[_Current | None] = ContextVar("sidestream_message_context", default=None)


def current_holder() -> _Current:
    """The holder of this context, created on first use (the runner updates it per record)."""
    holder = _current.get()
    if holder is None:
        holder = _Current()
        _current.set(holder)
    return holder


def context_from_record(record: Any) -> MessageContext:
    """Builds the seed's `MessageContext` from a proto `InvokeRecord`."""
    c = record.context
    headers: list[tuple[str, bytes | None]] | None = None
    if c.headers:
        headers = [(h.key, h.value if h.HasField("value") else None) for h in c.headers]
    return MessageContext(
        key=decode(record.key),
        topic=c.topic,
        partition=c.partition,
        offset=c.offset,
        size=c.size,
        timestamp=MessageTimestamp.create(int(c.timestamp_type), c.timestamp_ms),
        headers=headers,
    )


def set_message_context(context: MessageContext | None) -> None:
    """Set the MessageContext of the current message in this `contextvars.Context`."""
    holder = current_holder()
    holder.record = None
    holder.batch = None
    holder.ctx = context


def message_context() -> MessageContext:
    """The MessageContext of the message being processed.

    Raises:
        MessageContextNotSetError: called outside of message processing.
    """
    holder = _current.get()
    if holder is not None:
        if holder.ctx is not None:
            return holder.ctx
        if holder.batch is not None:
            holder.ctx = holder.batch.context(holder.index)
            return holder.ctx
        if holder.record is not None:
            holder.ctx = context_from_record(holder.record)
            return holder.ctx
    raise MessageContextNotSetError("message context is not set (not processing a message)")


def message_key() -> Any:
    """The deserialized key of the message being processed.

    Raises:
        MessageContextNotSetError: called outside of message processing.
    """
    return message_context().key

"""Serving `ErrorReport`s: the sidecar asks the application's error callbacks
(`on_consumer_error`, `on_processing_error`, `on_producer_error`) whether to
ignore an error. Without a callback for the stage, the answer is "don't ignore"
(the seed's default: the error stops the application).

Callbacks get the seed's arguments `(exc, message_or_row, logger)`:
- consumer: a `ReportedMessage` (the confluent_kafka.Message interface) or None;
- processing and producer: a `Row` (value None: the sidecar does not ship it) or None.

A processing report comes from a native step (a column expression evaluated by
the sidecar); its exception is a `NativeEvaluationError` that is also the
builtin Python exception the sidecar named (see `_errors.pipeline_error`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sidestream._errors import pipeline_error
from sidestream._rpc.sidestream.v1 import session_pb2
from sidestream.context import context_from_record
from sidestream.models.messagecontext import MessageContext
from sidestream.models.rows import Row
from sidestream.models.serializers.exceptions import SerializationError

__all__ = ["ErrorCallbacks", "ReportedMessage", "decide"]

ErrorCallback = Callable[[Exception, Any, logging.Logger], bool]


@dataclass(frozen=True)
class ErrorCallbacks:
    """The Application's error callbacks (None = seed default: stop)."""

    on_consumer_error: ErrorCallback | None = None
    on_processing_error: ErrorCallback | None = None
    on_producer_error: ErrorCallback | None = None
    # Not an error callback, but carried with them to the segment runner:
    # `(topic, partition, offset)` when a record's processing ended in the application.
    on_message_processed: Callable[[str, int, int], None] | None = None


class ReportedMessage:
    """The Kafka message at fault, with the `confluent_kafka.Message` accessors."""

    __slots__ = ("_ctx", "_value")

    def __init__(self, ctx: MessageContext, value: bytes | None) -> None:
        self._ctx = ctx
        self._value = value

    def topic(self) -> str:
        return self._ctx.topic

    def partition(self) -> int:
        return self._ctx.partition

    def offset(self) -> int:
        return self._ctx.offset

    def key(self) -> Any:
        return self._ctx.key

    def value(self) -> bytes | None:
        return self._value

    def headers(self) -> list[tuple[str, bytes | None]] | None:
        return self._ctx.headers

    def timestamp(self) -> tuple[int, int]:
        ts = self._ctx.timestamp
        return int(ts.type), ts.milliseconds or 0

    def error(self) -> None:
        return None

    def __repr__(self) -> str:
        return f"ReportedMessage({self.topic()}[{self.partition()}]@{self.offset()})"


def _context(report: session_pb2.ErrorReport) -> MessageContext | None:
    if not report.HasField("context"):
        return None
    return context_from_record(session_pb2.InvokeRecord(context=report.context))


def decide(report: session_pb2.ErrorReport, callbacks: ErrorCallbacks, logger: logging.Logger) -> bool:
    """Runs the callback of the report's stage; True = ignore the error."""
    stage = report.stage
    ctx = _context(report)
    exc: Exception
    arg: Any
    if stage == session_pb2.ERROR_STAGE_CONSUMER:
        callback = callbacks.on_consumer_error
        exc = SerializationError(report.error.message) if ctx is not None else pipeline_error(report.error)
        arg = ReportedMessage(ctx, report.raw_value) if ctx is not None else None
    else:
        callback = (
            callbacks.on_processing_error
            if stage == session_pb2.ERROR_STAGE_PROCESSING
            else callbacks.on_producer_error
        )
        exc = pipeline_error(report.error)
        arg = Row(None, ctx) if ctx is not None else None
    if callback is None:
        return False
    try:
        return bool(callback(exc, arg, logger))
    except Exception:  # a failing callback means "don't ignore"
        logger.exception("error callback for %s failed", session_pb2.ErrorStage.Name(stage))
        return False

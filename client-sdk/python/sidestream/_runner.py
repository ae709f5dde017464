"""The segment runner: runs the client functions of an `InvokeBatch`.

The sidecar compiles a pipeline into segments of consecutive client functions
(`CompiledPlan`); for each batch the runner executes a segment's ops in order
on every record and answers one `RecordResult` per record:

- APPLY replaces the value; UPDATE calls the function and keeps the value;
- FILTER with a falsy result drops the record (`filtered`);
- TO_TOPIC_KEY computes the key of the next produce (`produce_key`);
- DESERIALIZE_KEY / DESERIALIZE_VALUE run a custom deserializer on the raw
  message bytes (the plan's first segment): the key comes back in
  `produce_key`, the value (with `split_values`, a list) in `value`; the
  seed's `IgnoreMessage` filters the message, any other exception is a
  consumer error offered to `on_consumer_error(exc, message, logger)`;
- SERIALIZE_KEY / SERIALIZE_VALUE run a custom serializer right before a
  `to_topic` produces (key in `produce_key`, value in `value`); a result that
  is not bytes or None is a `SerializationError`; exceptions are producer
  errors offered to `on_producer_error(exc, row, logger)`;
- an exception is offered to `on_processing_error(exc, row, logger)`: True
  skips the record (`skipped`), anything else fails it (`error`) and the
  remaining records of the batch are not run (they get the same error, so the
  answer keeps one result per record). The first such exception is kept in
  `failure` so that `Application.run()` can re-raise it.

`on_message_processed(topic, partition, offset)` (the seed's callback) is
called for a record whose processing ends here: it was filtered, skipped by
`on_processing_error`, or went through the segment that holds the pipeline's
last step when that step is a client function (`final_function_id`). Records
that a native step finishes (to_topic, column expressions) never reach the
client after their last step, so `Application.run()` accepts the callback only
for pipelines whose last step is a client function. If the callback raises, the
record fails with that exception (not offered to `on_processing_error`, as in
the seed) and the pipeline stops.

No gRPC here: the runner maps proto messages to proto messages, so it is tested
in-process.

Thread-safety: use from one thread at a time (the session's reader thread).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Mapping
from typing import Any

from sidestream._errors import CODE_INTERNAL, exception_type_name, fill_error
from sidestream._payload import decode, encode_into
from sidestream._rpc.sidestream.v1 import pipeline_pb2, session_pb2
from sidestream.context import context_from_record, current_holder
from sidestream._reports import ReportedMessage
from sidestream.exceptions import ProtocolError
from sidestream.models.rows import Row
from sidestream.models.serializers.exceptions import IgnoreMessage, SerializationError
from sidestream.state._client import PartitionCaches, RecordState, StateReader

__all__ = ["SegmentRunner", "ProcessingErrorCallback", "MessageProcessedCallback", "final_function_id"]

ProcessingErrorCallback = Callable[[Exception, Row | None, logging.Logger], bool]
MessageProcessedCallback = Callable[[str, int, int], None]

_CLIENT_STEP_KINDS = ("apply", "update", "filter")


def final_function_id(pipeline: pipeline_pb2.Pipeline) -> str | None:
    """The function id of the pipeline's last step when it is a client function, else None."""
    if not pipeline.steps:
        return None
    last = pipeline.steps[-1]
    kind = last.WhichOneof("kind")
    if kind not in _CLIENT_STEP_KINDS:
        return None
    return getattr(last, kind).function.function_id or last.id


_APPLY = pipeline_pb2.SegmentOp.APPLY
_UPDATE = pipeline_pb2.SegmentOp.UPDATE
_FILTER = pipeline_pb2.SegmentOp.FILTER
_TO_TOPIC_KEY = pipeline_pb2.SegmentOp.TO_TOPIC_KEY
_DESERIALIZE_KEY = pipeline_pb2.SegmentOp.DESERIALIZE_KEY
_DESERIALIZE_VALUE = pipeline_pb2.SegmentOp.DESERIALIZE_VALUE
_SERIALIZE_KEY = pipeline_pb2.SegmentOp.SERIALIZE_KEY
_SERIALIZE_VALUE = pipeline_pb2.SegmentOp.SERIALIZE_VALUE
_KINDS = (
    _APPLY,
    _UPDATE,
    _FILTER,
    _TO_TOPIC_KEY,
    _DESERIALIZE_KEY,
    _DESERIALIZE_VALUE,
    _SERIALIZE_KEY,
    _SERIALIZE_VALUE,
)
_SERDE_KINDS = (_DESERIALIZE_KEY, _DESERIALIZE_VALUE, _SERIALIZE_KEY, _SERIALIZE_VALUE)

# Which error callback decides a failure (the seed's three stages).
_CONSUMER, _PROCESSING, _PRODUCER = "consumer", "processing", "producer"

# (kind, function, step id, stateful)
_Op = tuple[int, Callable[..., Any], str, bool]

_NO_KEY = object()


def _no_state(topic: str, partition: int, requests: list[tuple[bytes, list[bytes]]]) -> list[list[bytes | None]]:
    raise ProtocolError("the sidecar sent a stateful segment, but this session cannot read state")


class _RecordFailed(Exception):
    """Internal: wraps an exception of client code with the step it came from
    and the stage whose error callback decides it."""

    def __init__(self, exc: BaseException, step_id: str, value: Any, stage: str = _PROCESSING) -> None:
        self.exc = exc
        self.step_id = step_id
        self.value = value
        self.stage = stage


def _serialized(out: Any, func: Any, what: str) -> bytes | None:
    """Checks a custom serializer's result: bytes or None."""
    if out is None or isinstance(out, bytes):
        return out
    if isinstance(out, (bytearray, memoryview)):
        return bytes(out)
    raise SerializationError(
        f"{getattr(func, 'role', 'serializer')} {type(getattr(func, 'serde', func)).__qualname__} "
        f"must return bytes or None for the {what}, got {type(out).__name__}: {out!r:.80}"
    )


class SegmentRunner:
    """Executes segments of a compiled plan with the session's functions.

    Example:
        >>> runner = SegmentRunner(registered.plan, {"apply-1": lambda v: v + 1})
        >>> result = runner.run(invoke_batch)   # session_pb2.InvokeResult
    """

    def __init__(
        self,
        plan: pipeline_pb2.CompiledPlan,
        functions: Mapping[str, Callable[[Any], Any]],
        on_processing_error: ProcessingErrorCallback | None = None,
        logger: logging.Logger | None = None,
        log_failures: bool = True,
        state_reader: StateReader | None = None,
        on_message_processed: MessageProcessedCallback | None = None,
        final_function_id: str | None = None,
        on_consumer_error: ProcessingErrorCallback | None = None,
        on_producer_error: ProcessingErrorCallback | None = None,
    ) -> None:
        """Prepares every segment's op list.

        `state_reader` answers the sidecar's state for keys not cached yet
        (stateful segments only).

        Raises:
            ProtocolError: the plan names a function this session did not register,
                or an op kind this SDK does not know.
        """
        self._logger = logger or logging.getLogger("sidestream")
        self._on_error = on_processing_error
        self._on_stage_error = {_CONSUMER: on_consumer_error, _PRODUCER: on_producer_error}
        self._log_failures = log_failures
        self._segments: dict[int, tuple[_Op, ...]] = {}
        self._stateful: set[int] = set()
        self.state = PartitionCaches(state_reader or _no_state)
        self.failure: BaseException | None = None
        self._on_processed = on_message_processed
        self._terminal: set[int] = set()  # segments holding the pipeline's last step
        for seg in plan.segments:
            if final_function_id is not None and seg.ops and seg.ops[-1].function.function_id == final_function_id:
                self._terminal.add(seg.segment_id)
            ops: list[_Op] = []
            for op in seg.ops:
                func = functions.get(op.function.function_id)
                if func is None:
                    raise ProtocolError(
                        f"the plan's segment {seg.segment_id} calls function "
                        f"'{op.function.function_id}' (step '{op.step_id}'), which this client did not register"
                    )
                if op.kind not in _KINDS:
                    raise ProtocolError(f"segment {seg.segment_id}: unknown op kind {op.kind} at step '{op.step_id}'")
                ops.append((op.kind, func, op.step_id, op.function.stateful))
                if op.function.stateful:
                    self._stateful.add(seg.segment_id)
            self._segments[seg.segment_id] = tuple(ops)

    @property
    def segment_ids(self) -> list[int]:
        """Ids of the prepared segments."""
        return sorted(self._segments)

    def run(
        self, batch: session_pb2.InvokeBatch, answer: session_pb2.InvokeResult | None = None
    ) -> session_pb2.InvokeResult:
        """Runs `batch` and returns its answer (same request id, one result per record).

        The answer is written into `answer` when given (e.g. a field of the
        outgoing ClientMessage, which saves a copy), else into a new message.
        """
        if answer is None:
            answer = session_pb2.InvokeResult()
        answer.request_id = batch.request_id
        ops = self._segments.get(batch.segment_id)
        if ops is None:
            answer.error.code = CODE_INTERNAL
            answer.error.message = f"unknown segment_id {batch.segment_id} (plan has {self.segment_ids})"
            return answer
        holder = current_holder()
        results = answer.results
        records = batch.records
        stateful = batch.segment_id in self._stateful
        on_processed = self._on_processed
        terminal = batch.segment_id in self._terminal
        if stateful and records:
            # An InvokeBatch holds one partition: prefetch what its keys will read.
            c0 = records[0].context
            self.state.prefetch(
                c0.topic, c0.partition, records[0].state_epoch, [r.state_prefix for r in records]
            )
        try:
            for i, record in enumerate(records):
                holder.record = record
                holder.ctx = None
                result = results.add()
                state = None
                if stateful:
                    c = record.context
                    state = RecordState(self.state, c.topic, c.partition, record.state_epoch, record.state_prefix)
                try:
                    self._run_record(ops, record, result, state)
                    if state is not None and not record.state_replay:
                        state.commit()
                        for k, v in state.updates:
                            u = result.state_updates.add(key=k)
                            if v is not None:
                                u.value = v
                except _RecordFailed as failed:
                    if not self._skip(failed, record, result):
                        for _ in range(i + 1, len(records)):
                            results.add().error.CopyFrom(result.error)
                        break
                if (
                    on_processed is not None
                    and (terminal or result.filtered or result.HasField("skipped"))
                    and not self._report_processed(on_processed, record, result, ops)
                ):
                    for _ in range(i + 1, len(records)):
                        results.add().error.CopyFrom(result.error)
                    break
        finally:
            holder.record = None
            holder.ctx = None
        return answer

    def _report_processed(
        self, on_processed: MessageProcessedCallback, record: Any, result: Any, ops: tuple[_Op, ...]
    ) -> bool:
        """Calls on_message_processed; False (and `result` failed) when it raised."""
        c = record.context
        try:
            on_processed(c.topic, c.partition, c.offset)
            return True
        except Exception as exc:  # the seed propagates it: the application stops
            tb_text = "".join(traceback.format_exception(exc))
            step_id = ops[-1][2] if ops else ""
            result.Clear()
            fill_error(result.error, exc, step_id, tb_text=tb_text)
            self._logger.error(
                "on_message_processed raised for %s[%d]@%d:\n%s", c.topic, c.partition, c.offset, tb_text.rstrip()
            )
            if self.failure is None:
                self.failure = exc
            return False

    @staticmethod
    def _run_record(ops: tuple[_Op, ...], record: Any, result: Any, state: RecordState | None = None) -> None:
        """Runs the ops on one record, filling `result`; raises _RecordFailed."""
        step_id = ops[0][2] if ops else ""
        stage = _PROCESSING
        value: Any = None
        produce_key: Any = _NO_KEY
        try:
            value = decode(record.value)
            for kind, func, step_id, stateful in ops:  # noqa: B007 - step_id names the failing step
                if kind in _SERDE_KINDS:
                    stage = _CONSUMER if kind in (_DESERIALIZE_KEY, _DESERIALIZE_VALUE) else _PRODUCER
                    value, produce_key = _run_serde(kind, func, record, value, produce_key)
                    stage = _PROCESSING
                    continue
                out = func(value, state) if stateful else func(value)
                if kind == _APPLY:
                    value = out
                elif kind == _UPDATE:
                    pass
                elif kind == _FILTER:
                    if not out:
                        result.filtered = True
                        return
                else:
                    produce_key = out
            # Encoding errors (a value JSON can't carry) belong to the last step.
            encode_into(value, result.value)
            result.value.SetInParent()
            if produce_key is not _NO_KEY:
                encode_into(produce_key, result.produce_key)
                result.produce_key.SetInParent()
        except IgnoreMessage:
            if stage != _CONSUMER:
                raise _RecordFailed(IgnoreMessage("IgnoreMessage is only for deserializers"), step_id, value) from None
            result.Clear()
            result.filtered = True
        except Exception as exc:  # user code may raise anything
            result.Clear()
            raise _RecordFailed(exc, step_id, value, stage) from exc

    def _skip(self, failed: _RecordFailed, record: Any, result: Any) -> bool:
        """Decides a failed record: True = skipped (filled), False = fatal (filled)."""
        exc = failed.exc
        tb_text = "".join(traceback.format_exception(exc))
        callback = self._on_error if failed.stage == _PROCESSING else self._on_stage_error[failed.stage]
        if callback is not None:
            try:
                arg: Any
                if failed.stage == _CONSUMER:  # the seed passes the Kafka message
                    raw = record.value.raw if record.value.WhichOneof("kind") == "raw" else None
                    arg = ReportedMessage(context_from_record(record), raw)
                else:
                    arg = Row(failed.value, context_from_record(record))
                ignore = bool(callback(exc, arg, self._logger))  # type: ignore[arg-type]
            except Exception as cb_exc:  # the callback itself failed: fatal
                self._logger.error("on_%s_error raised %s: %s", failed.stage, exception_type_name(cb_exc), cb_exc)
                exc = cb_exc
                tb_text = "".join(traceback.format_exception(cb_exc))
                ignore = False
            if ignore:
                fill_error(result.skipped, exc, failed.step_id, tb_text=tb_text)
                self._logger.debug("skipped a record at step '%s': %s", failed.step_id, exc)
                return True
        fill_error(result.error, exc, failed.step_id, tb_text=tb_text)
        c = record.context
        if self._log_failures:
            self._logger.error(
                "%s %s[%d]@%d failed at step '%s':\n%s",
                {_CONSUMER: "deserializing", _PRODUCER: "serializing"}.get(failed.stage, "processing"),
                c.topic,
                c.partition,
                c.offset,
                failed.step_id,
                tb_text.rstrip(),
            )
        if self.failure is None:
            self.failure = exc
        return False


def _headers(record: Any) -> list[tuple[str, bytes | None]] | None:
    """The message headers as the seed's SerializationContext has them."""
    hs = record.context.headers
    if not hs:
        return None
    return [(h.key, h.value if h.HasField("value") else None) for h in hs]


def _run_serde(kind: int, func: Any, record: Any, value: Any, produce_key: Any) -> tuple[Any, Any]:
    """Runs one (de)serializer op; returns the new (value, produce_key).

    A None key or value is not passed to the (de)serializer: it stays None.
    `func` is called as `func(value, headers)` (a `_graph.ClientSerde`).
    """
    if kind == _DESERIALIZE_VALUE:
        if value is None:
            return None, produce_key
        out = func(value, _headers(record))
        if getattr(getattr(func, "serde", None), "split_values", False) and not isinstance(out, list):
            out = list(out)  # the seed accepts any iterable
        return out, produce_key
    if kind == _DESERIALIZE_KEY:
        key = decode(record.key)
        return value, (None if key is None else func(key, _headers(record)))
    if kind == _SERIALIZE_KEY:
        key = decode(record.key) if produce_key is _NO_KEY else produce_key
        return value, (None if key is None else _serialized(func(key, _headers(record)), func, "key"))
    # _SERIALIZE_VALUE
    if value is None:
        return None, produce_key
    return _serialized(func(value, _headers(record)), func, "value"), produce_key

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

A batch comes in the per-record layout (`InvokeBatch.records`, answered with
one `RecordResult` each) or, on sessions that negotiated "packed-batch/1", in
the packed layout (`InvokeBatch.packed`, answered with `PackedResults`; see
`sidestream._packed`). Both give the same outcomes; the packed loop is
written for speed (one JSON parse per batch, no proto object per record);
segments without (de)serializer ops never look at the serde machinery.

`on_message_processed` is not called here: the sidecar reports the messages
whose processing ended (`MessagesProcessed`, handled by the session).

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
from sidestream._json import dumps
from sidestream._packed import FILTERED, JSON, NULL, RAW, PackedResultsWriter, PackedView, encode_packed
from sidestream._payload import decode, encode_into
from sidestream._reports import ReportedMessage
from sidestream._rpc.sidestream.v1 import common_pb2, pipeline_pb2, session_pb2
from sidestream.context import context_from_record, current_holder
from sidestream.exceptions import ProtocolError
from sidestream.models.messagecontext import MessageContext
from sidestream.models.rows import Row
from sidestream.models.serializers.exceptions import IgnoreMessage, SerializationError
from sidestream.state._client import PartitionCaches, RecordState, StateReader

__all__ = ["SegmentRunner", "ProcessingErrorCallback"]

ProcessingErrorCallback = Callable[[Exception, Row | None, logging.Logger], bool]

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
_BYTES_TYPES = (bytes, bytearray, memoryview)


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


class _RecordSource:
    """The message of a per-record-layout record, as (de)serializers and error
    callbacks see it. Built only for serde segments and failed records."""

    __slots__ = ("record",)

    def __init__(self, record: session_pb2.InvokeRecord) -> None:
        self.record = record

    def key(self) -> Any:
        return decode(self.record.key)

    def headers(self) -> list[tuple[str, bytes | None]] | None:
        hs = self.record.context.headers
        if not hs:
            return None
        return [(h.key, h.value if h.HasField("value") else None) for h in hs]

    def raw_value(self) -> bytes | None:
        v = self.record.value
        return v.raw if v.WhichOneof("kind") == "raw" else None

    def context(self) -> MessageContext:
        return context_from_record(self.record)

    def where(self) -> tuple[str, int, int]:
        c = self.record.context
        return c.topic, c.partition, c.offset


class _PackedSource:
    """Record `index` of a packed batch, with the accessors of `_RecordSource`."""

    __slots__ = ("index", "view")

    def __init__(self, view: PackedView, index: int) -> None:
        self.view = view
        self.index = index

    def key(self) -> Any:
        return self.view.key(self.index)

    def headers(self) -> list[tuple[str, bytes | None]] | None:
        return self.view.headers(self.index)

    def raw_value(self) -> bytes | None:
        p = self.view.packed
        if p.value_kinds[self.index] != RAW:
            return None
        return p.raw_values[p.value_kinds[: self.index].count(RAW)]

    def context(self) -> MessageContext:
        return self.view.context(self.index)

    def where(self) -> tuple[str, int, int]:
        return self.view.where(self.index)


_Source = _RecordSource | _PackedSource


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


def _run_serde(kind: int, func: Any, src: _Source, value: Any, produce_key: Any) -> tuple[Any, Any]:
    """Runs one (de)serializer op; returns the new (value, produce_key).

    A None key or value is not passed to the (de)serializer: it stays None.
    `func` is called as `func(value, headers)` (a `_graph.ClientSerde`).
    """
    if kind == _DESERIALIZE_VALUE:
        if value is None:
            return None, produce_key
        out = func(value, src.headers())
        if getattr(getattr(func, "serde", None), "split_values", False) and not isinstance(out, list):
            out = list(out)  # the seed accepts any iterable
        return out, produce_key
    if kind == _DESERIALIZE_KEY:
        key = src.key()
        return value, (None if key is None else func(key, src.headers()))
    if kind == _SERIALIZE_KEY:
        key = src.key() if produce_key is _NO_KEY else produce_key
        return value, (None if key is None else _serialized(func(key, src.headers()), func, "key"))
    # _SERIALIZE_VALUE
    if value is None:
        return None, produce_key
    return _serialized(func(value, src.headers()), func, "value"), produce_key


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
        self._serde: set[int] = set()  # segments with (de)serializer ops
        self.state = PartitionCaches(state_reader or _no_state)
        self.failure: BaseException | None = None
        for seg in plan.segments:
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
                if op.kind in _SERDE_KINDS:
                    self._serde.add(seg.segment_id)
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
        if batch.HasField("packed"):
            self._run_packed(batch, answer, ops)
            return answer
        holder = current_holder()
        results = answer.results
        records = batch.records
        stateful = batch.segment_id in self._stateful
        serde = batch.segment_id in self._serde
        if stateful and records:
            # An InvokeBatch holds one partition: prefetch what its keys will read.
            c0 = records[0].context
            self.state.prefetch(
                c0.topic, c0.partition, records[0].state_epoch, [r.state_prefix for r in records]
            )
        holder.batch = None
        try:
            for i, record in enumerate(records):
                holder.record = record
                holder.ctx = None
                result = results.add()
                state = None
                if stateful:
                    c = record.context
                    state = self.state.batch(c.topic, c.partition, record.state_epoch).record(record.state_prefix)
                try:
                    self._run_record(ops, record, result, state, serde)
                    if state is not None and not record.state_replay:
                        state.commit()
                        for k, v in state.updates:
                            u = result.state_updates.add(key=k)
                            if v is not None:
                                u.value = v
                except _RecordFailed as failed:
                    skipped, exc, tb_text = self._decide(failed, _RecordSource(record))
                    fill_error(result.skipped if skipped else result.error, exc, failed.step_id, tb_text=tb_text)
                    if not skipped:
                        for _ in range(i + 1, len(records)):
                            results.add().error.CopyFrom(result.error)
                        break
        finally:
            holder.record = None
            holder.ctx = None
        return answer

    def _run_packed(
        self, batch: session_pb2.InvokeBatch, answer: session_pb2.InvokeResult, ops: tuple[_Op, ...]
    ) -> None:
        """Runs a batch in the packed layout and answers in it (`PackedResults`).

        The same steps as the per-record loop of `run`, written for speed: the
        ops run inline and the outputs go straight into the writer's columns.
        """
        packed = batch.packed
        view = PackedView(packed)
        try:
            values = view.values()
            n = len(values)
            stateful = batch.segment_id in self._stateful
            prefixes: list[bytes] = []
            if stateful and n:
                prefixes = list(packed.state_prefixes)
                if len(prefixes) != n or len(packed.state_replays) not in (0, n):
                    raise ProtocolError("the state columns do not match the records")
        except ProtocolError as exc:
            answer.error.code = CODE_INTERNAL
            answer.error.message = f"malformed packed batch: {exc}"
            return
        topic, partition, epoch = view.topic, view.partition, packed.state_epoch
        batch_state = None
        if prefixes:
            self.state.prefetch(topic, partition, epoch, prefixes)
            batch_state = self.state.batch(topic, partition, epoch, prefixes)
        replays = packed.state_replays
        bad = view.decode_errors
        serde = batch.segment_id in self._serde
        first_step = ops[0][2] if ops else ""
        last_step = ops[-1][2] if ops else ""
        writer = PackedResultsWriter()
        outcomes, json_out, json_sizes, raw_out = writer.outcomes, writer.json, writer.json_sizes, writer.raw
        holder = current_holder()
        holder.record = None
        holder.batch = view
        try:
            for i in range(n):
                holder.index = i
                holder.ctx = None
                value = values[i]
                state = batch_state.record(prefixes[i]) if batch_state is not None else None
                step_id = first_step
                produce_key: Any = _NO_KEY
                filtered = False
                try:
                    if bad and i in bad:
                        value = None
                        raise bad[i]
                    if serde:
                        done = _run_serde_ops(ops, value, state, _PackedSource(view, i))
                        if done is None:
                            filtered = True
                        else:
                            value, produce_key = done
                    else:
                        for kind, func, step_id, op_stateful in ops:  # noqa: B007 - step_id names the failing step
                            out = func(value, state) if op_stateful else func(value)
                            if kind == _APPLY:
                                value = out
                            elif kind == _FILTER:
                                if not out:
                                    filtered = True
                                    break
                            elif kind == _TO_TOPIC_KEY:
                                produce_key = out
                    # Encoding errors (a value JSON can't carry) belong to the last step.
                    step_id = last_step
                    if filtered:
                        out_kind = FILTERED
                    elif value is None:
                        out_kind = NULL
                    elif isinstance(value, _BYTES_TYPES):
                        out_kind, encoded = RAW, bytes(value)
                    else:
                        out_kind, encoded = JSON, dumps(value)
                    if produce_key is not _NO_KEY and not filtered:
                        key = encode_packed(produce_key)
                except _RecordFailed as failed:  # from _run_serde_ops
                    if self._packed_failed(failed, view, i, writer):
                        continue
                    break
                except Exception as exc:  # user code may raise anything
                    if self._packed_failed(_RecordFailed(exc, step_id, value), view, i, writer):
                        continue
                    break
                writes = None
                if state is not None and not (replays and replays[i]):
                    writes = state.commit()
                outcomes.append(out_kind)
                if out_kind == JSON:
                    json_out += encoded
                    json_out.append(44)  # ","
                    json_sizes.append(len(encoded))
                elif out_kind == RAW:
                    raw_out.append(encoded)
                if produce_key is not _NO_KEY and not filtered:
                    writer.produce_key(i, key)
                if writes:
                    writer.state_writes(i, writes)
        finally:
            holder.batch = None
            holder.ctx = None
        writer.finish(answer.packed)

    def _packed_failed(self, failed: _RecordFailed, view: PackedView, i: int, writer: PackedResultsWriter) -> bool:
        """Record `i` of a packed batch failed: True when skipped (written, processing
        goes on), else the rest of the batch is written failed with its error."""
        skipped, exc, tb_text = self._decide(failed, _PackedSource(view, i))
        err = common_pb2.Error()
        fill_error(err, exc, failed.step_id, tb_text=tb_text)
        if not skipped:
            writer.errors(err, len(view) - i)
            return False
        writer.error(err, skipped=True)
        return True

    @staticmethod
    def _run_ops(ops: tuple[_Op, ...], value: Any, state: RecordState | None) -> tuple[Any, Any] | None:
        """Runs the ops on one value: (value, produce key or _NO_KEY), or None when a
        filter dropped it. Raises _RecordFailed."""
        step_id = ops[0][2] if ops else ""
        produce_key: Any = _NO_KEY
        try:
            for kind, func, step_id, stateful in ops:  # noqa: B007 - step_id names the failing step
                out = func(value, state) if stateful else func(value)
                if kind == _APPLY:
                    value = out
                elif kind == _UPDATE:
                    pass
                elif kind == _FILTER:
                    if not out:
                        return None
                else:
                    produce_key = out
        except Exception as exc:  # user code may raise anything
            raise _RecordFailed(exc, step_id, value) from exc
        return value, produce_key

    @staticmethod
    def _run_record(
        ops: tuple[_Op, ...], record: Any, result: Any, state: RecordState | None = None, serde: bool = False
    ) -> None:
        """Runs the ops on one proto record, filling `result`; raises _RecordFailed.
        `serde`: the ops include (de)serializer ops."""
        try:
            value = decode(record.value)
        except Exception as exc:
            raise _RecordFailed(exc, ops[0][2] if ops else "", None) from exc
        if serde:
            done = _run_serde_ops(ops, value, state, _RecordSource(record))
        else:
            done = SegmentRunner._run_ops(ops, value, state)
        if done is None:
            result.filtered = True
            return
        value, produce_key = done
        try:
            # Encoding errors (a value JSON can't carry) belong to the last step.
            encode_into(value, result.value)
            result.value.SetInParent()
            if produce_key is not _NO_KEY:
                encode_into(produce_key, result.produce_key)
                result.produce_key.SetInParent()
        except Exception as exc:
            result.Clear()
            raise _RecordFailed(exc, ops[-1][2] if ops else "", value) from exc

    def _decide(self, failed: _RecordFailed, src: _Source) -> tuple[bool, BaseException, str]:
        """Offers a failed record to the error callback of its stage: (skipped, the
        exception to report, its traceback). A fatal failure is logged and kept in
        `failure`."""
        if failed.stage != _CONSUMER and isinstance(failed.exc, IgnoreMessage):
            # The seed's IgnoreMessage only means something in a deserializer.
            failed.exc = IgnoreMessage("IgnoreMessage is only for deserializers")
            failed.stage = _PROCESSING
        exc: BaseException = failed.exc
        tb_text = "".join(traceback.format_exception(exc))
        callback = self._on_error if failed.stage == _PROCESSING else self._on_stage_error[failed.stage]
        if callback is not None:
            try:
                arg: Any
                if failed.stage == _CONSUMER:  # the seed passes the Kafka message
                    arg = ReportedMessage(src.context(), src.raw_value())
                else:
                    arg = Row(failed.value, src.context())
                ignore = bool(callback(exc, arg, self._logger))  # type: ignore[arg-type]
            except Exception as cb_exc:  # the callback itself failed: fatal
                self._logger.error("on_%s_error raised %s: %s", failed.stage, exception_type_name(cb_exc), cb_exc)
                exc = cb_exc
                tb_text = "".join(traceback.format_exception(cb_exc))
                ignore = False
            if ignore:
                self._logger.debug("skipped a record at step '%s': %s", failed.step_id, exc)
                return True, exc, tb_text
        if self._log_failures:
            topic, partition, offset = src.where()
            self._logger.error(
                "%s %s[%d]@%d failed at step '%s':\n%s",
                {_CONSUMER: "deserializing", _PRODUCER: "serializing"}.get(failed.stage, "processing"),
                topic,
                partition,
                offset,
                failed.step_id,
                tb_text.rstrip(),
            )
        if self.failure is None:
            self.failure = exc
        return False, exc, tb_text


def _run_serde_ops(ops: tuple[_Op, ...], value: Any, state: RecordState | None, src: _Source) -> tuple[Any, Any] | None:
    """`SegmentRunner._run_ops` for a segment with (de)serializer ops, which read the
    message (`src`) and set the stage of a failure. IgnoreMessage from a
    deserializer drops the record (None, as a filter)."""
    step_id = ops[0][2] if ops else ""
    stage = _PROCESSING
    produce_key: Any = _NO_KEY
    try:
        for kind, func, step_id, stateful in ops:  # noqa: B007 - step_id names the failing step
            if kind in _SERDE_KINDS:
                stage = _CONSUMER if kind in (_DESERIALIZE_KEY, _DESERIALIZE_VALUE) else _PRODUCER
                value, produce_key = _run_serde(kind, func, src, value, produce_key)
                stage = _PROCESSING
                continue
            out = func(value, state) if stateful else func(value)
            if kind == _APPLY:
                value = out
            elif kind == _UPDATE:
                pass
            elif kind == _FILTER:
                if not out:
                    return None
            else:
                produce_key = out
    except IgnoreMessage as exc:
        if stage == _CONSUMER:
            return None
        raise _RecordFailed(exc, step_id, value) from None
    except Exception as exc:  # user code may raise anything
        raise _RecordFailed(exc, step_id, value, stage) from exc
    return value, produce_key

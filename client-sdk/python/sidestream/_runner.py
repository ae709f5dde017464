"""The segment runner: runs the client functions of an `InvokeBatch`.

The sidecar compiles a pipeline into segments of consecutive client functions
(`CompiledPlan`); for each batch the runner executes a segment's ops in order
on every record and answers one `RecordResult` per record:

- APPLY replaces the value; UPDATE calls the function and keeps the value;
- FILTER with a falsy result drops the record (`filtered`);
- TO_TOPIC_KEY computes the key of the next produce (`produce_key`);
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

A batch comes in the per-record layout (`InvokeBatch.records`, answered with
one `RecordResult` each) or, on sessions that negotiated "packed-batch/1", in
the packed layout (`InvokeBatch.packed`, answered with `PackedResults`; see
`sidestream._packed`). Both give the same outcomes; the packed loop is
written for speed (one JSON parse per batch, no proto object per record).

No gRPC here: the runner maps proto messages to proto messages, so it is tested
in-process.

Thread-safety: use from one thread at a time (the session's reader thread).
"""

from __future__ import annotations

import functools
import logging
import traceback
from collections.abc import Callable, Mapping
from typing import Any

from sidestream._errors import CODE_INTERNAL, exception_type_name, fill_error
from sidestream._json import dumps
from sidestream._packed import FILTERED, JSON, NULL, RAW, PackedResultsWriter, PackedView, encode_packed
from sidestream._payload import decode, encode_into
from sidestream._rpc.sidestream.v1 import common_pb2, pipeline_pb2, session_pb2
from sidestream.context import context_from_record, current_holder
from sidestream.exceptions import ProtocolError
from sidestream.models.messagecontext import MessageContext
from sidestream.models.rows import Row
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
_KINDS = (_APPLY, _UPDATE, _FILTER, _TO_TOPIC_KEY)

# (kind, function, step id, stateful)
_Op = tuple[int, Callable[..., Any], str, bool]

_NO_KEY = object()
_BYTES_TYPES = (bytes, bytearray, memoryview)


def _no_state(topic: str, partition: int, requests: list[tuple[bytes, list[bytes]]]) -> list[list[bytes | None]]:
    raise ProtocolError("the sidecar sent a stateful segment, but this session cannot read state")


class _RecordFailed(Exception):
    """Internal: wraps an exception of client code with the step it came from."""

    def __init__(self, exc: BaseException, step_id: str, value: Any) -> None:
        self.exc = exc
        self.step_id = step_id
        self.value = value


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
        if batch.HasField("packed"):
            self._run_packed(batch, answer, ops)
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
        holder.batch = None
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
                    c = record.context
                    skipped, exc, tb_text = self._decide(
                        failed, functools.partial(context_from_record, record), (c.topic, c.partition, c.offset)
                    )
                    fill_error(result.skipped if skipped else result.error, exc, failed.step_id, tb_text=tb_text)
                    if not skipped:
                        for _ in range(i + 1, len(records)):
                            results.add().error.CopyFrom(result.error)
                        break
                if on_processed is not None and (terminal or result.filtered or result.HasField("skipped")):
                    c = record.context
                    err = self._report_processed(on_processed, (c.topic, c.partition, c.offset), ops)
                    if err is not None:
                        result.Clear()
                        result.error.CopyFrom(err)
                        for _ in range(i + 1, len(records)):
                            results.add().error.CopyFrom(err)
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
        if prefixes:
            self.state.prefetch(topic, partition, epoch, prefixes)
        replays = packed.state_replays
        bad = view.decode_errors
        on_processed = self._on_processed
        terminal = batch.segment_id in self._terminal
        first_step = ops[0][2] if ops else ""
        last_step = ops[-1][2] if ops else ""
        caches = self.state
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
                state = RecordState(caches, topic, partition, epoch, prefixes[i]) if stateful else None
                step_id = first_step
                produce_key: Any = _NO_KEY
                filtered = False
                try:
                    if bad and i in bad:
                        value = None
                        raise bad[i]
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
                except Exception as exc:  # user code may raise anything
                    if self._packed_failed(_RecordFailed(exc, step_id, value), view, i, writer, ops):
                        continue
                    break
                updates = None
                if state is not None and not (replays and replays[i]):
                    state.commit()
                    updates = state.updates
                if on_processed is not None and (terminal or filtered):
                    err = self._report_processed(on_processed, view.where(i), ops)
                    if err is not None:
                        writer.errors(err, n - i)
                        break
                outcomes.append(out_kind)
                if out_kind == JSON:
                    json_out += encoded
                    json_out.append(44)  # ","
                    json_sizes.append(len(encoded))
                elif out_kind == RAW:
                    raw_out.append(encoded)
                if produce_key is not _NO_KEY and not filtered:
                    writer.produce_key(i, key)
                if updates:
                    writer.state_updates(i, updates)
        finally:
            holder.batch = None
            holder.ctx = None
        writer.finish(answer.packed)

    def _packed_failed(
        self, failed: _RecordFailed, view: PackedView, i: int, writer: PackedResultsWriter, ops: tuple[_Op, ...]
    ) -> bool:
        """Record `i` of a packed batch failed: True when skipped (written, processing
        goes on), else the rest of the batch is written failed with its error."""
        n = len(view)
        skipped, exc, tb_text = self._decide(failed, lambda: view.context(i), view.where(i))
        err = common_pb2.Error()
        fill_error(err, exc, failed.step_id, tb_text=tb_text)
        if not skipped:
            writer.errors(err, n - i)
            return False
        if self._on_processed is not None:
            perr = self._report_processed(self._on_processed, view.where(i), ops)
            if perr is not None:
                writer.errors(perr, n - i)
                return False
        writer.error(err, skipped=True)
        return True

    def _report_processed(
        self, on_processed: MessageProcessedCallback, where: tuple[str, int, int], ops: tuple[_Op, ...]
    ) -> common_pb2.Error | None:
        """Calls on_message_processed; the record's error when it raised, else None."""
        topic, partition, offset = where
        try:
            on_processed(topic, partition, offset)
            return None
        except Exception as exc:  # the seed propagates it: the application stops
            tb_text = "".join(traceback.format_exception(exc))
            step_id = ops[-1][2] if ops else ""
            err = common_pb2.Error()
            fill_error(err, exc, step_id, tb_text=tb_text)
            self._logger.error(
                "on_message_processed raised for %s[%d]@%d:\n%s", topic, partition, offset, tb_text.rstrip()
            )
            if self.failure is None:
                self.failure = exc
            return err

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
    def _run_record(ops: tuple[_Op, ...], record: Any, result: Any, state: RecordState | None = None) -> None:
        """Runs the ops on one proto record, filling `result`; raises _RecordFailed."""
        try:
            value = decode(record.value)
        except Exception as exc:
            raise _RecordFailed(exc, ops[0][2] if ops else "", None) from exc
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

    def _decide(
        self, failed: _RecordFailed, context: Callable[[], MessageContext], where: tuple[str, int, int]
    ) -> tuple[bool, BaseException, str]:
        """Offers a failed record to on_processing_error: (skipped, the exception to
        report, its traceback). A fatal failure is logged and kept in `failure`."""
        exc: BaseException = failed.exc
        tb_text = "".join(traceback.format_exception(exc))
        if self._on_error is not None:
            try:
                row = Row(failed.value, context())
                ignore = bool(self._on_error(exc, row, self._logger))  # type: ignore[arg-type]
            except Exception as cb_exc:  # the callback itself failed: fatal
                self._logger.error("on_processing_error raised %s: %s", exception_type_name(cb_exc), cb_exc)
                exc = cb_exc
                tb_text = "".join(traceback.format_exception(cb_exc))
                ignore = False
            if ignore:
                self._logger.debug("skipped a record at step '%s': %s", failed.step_id, exc)
                return True, exc, tb_text
        if self._log_failures:
            topic, partition, offset = where
            self._logger.error(
                "processing %s[%d]@%d failed at step '%s':\n%s",
                topic,
                partition,
                offset,
                failed.step_id,
                tb_text.rstrip(),
            )
        if self.failure is None:
            self.failure = exc
        return False, exc, tb_text

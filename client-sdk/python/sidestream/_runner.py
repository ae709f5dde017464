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
from sidestream.exceptions import ProtocolError
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
        value: Any = None
        produce_key: Any = _NO_KEY
        try:
            value = decode(record.value)
            for kind, func, step_id, stateful in ops:  # noqa: B007 - step_id names the failing step
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
        except Exception as exc:  # user code may raise anything
            result.Clear()
            raise _RecordFailed(exc, step_id, value) from exc

    def _skip(self, failed: _RecordFailed, record: Any, result: Any) -> bool:
        """Decides a failed record: True = skipped (filled), False = fatal (filled)."""
        exc = failed.exc
        tb_text = "".join(traceback.format_exception(exc))
        if self._on_error is not None:
            try:
                row = Row(failed.value, context_from_record(record))
                ignore = bool(self._on_error(exc, row, self._logger))  # type: ignore[arg-type]
            except Exception as cb_exc:  # the callback itself failed: fatal
                self._logger.error("on_processing_error raised %s: %s", exception_type_name(cb_exc), cb_exc)
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
                "processing %s[%d]@%d failed at step '%s':\n%s",
                c.topic,
                c.partition,
                c.offset,
                failed.step_id,
                tb_text.rstrip(),
            )
        if self.failure is None:
            self.failure = exc
        return False

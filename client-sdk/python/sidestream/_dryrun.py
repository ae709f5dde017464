"""Dry runs: a dataframe's graph run by the sidecar on given values, without Kafka.

`StreamingDataFrame.test()` and `.compile()` open a `Connect` session in
SESSION_MODE_DRY_RUN, send `TestInput`s and serve the function invocations as
a running pipeline would. The sidecar is the configured one; where none is
configured and none answers at the default address, an ephemeral local
`sidestreamd` is started (see `_sidecar`).

Thread-safety: `DryRunner.process` serializes callers with a lock.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
import weakref
from typing import Any, cast

from sidestream._channel import SidecarTarget, env_seconds, is_retryable, registration_error
from sidestream._config import AppSettings, make_register
from sidestream._errors import pipeline_error
from sidestream._graph import BuiltPipeline
from sidestream._payload import decode, encode_into
from sidestream._rpc.sidestream.v1 import common_pb2, session_pb2
from sidestream._session import RegistrationFailed, Session
from sidestream._sidecar import ephemeral_sidecar, is_reachable
from sidestream.core.stream.functions import Filtered
from sidestream.exceptions import SidecarUnavailableError, SidestreamError
from sidestream.models.messagecontext import MessageContext

__all__ = ["DryRunner", "dry_run_address"]

_OUTPUT_TIMEOUT = 60.0
_open_runners: weakref.WeakSet[DryRunner] = weakref.WeakSet()


def dry_run_address(target: SidecarTarget) -> str:
    """The sidecar for dry runs: the configured one, else a reachable default, else an ephemeral one."""
    address, explicit = target.resolve()
    if explicit or is_reachable(address, timeout=0.5):
        return address
    return ephemeral_sidecar().address


def _fill_context(msg: session_pb2.TestInput, ctx: MessageContext) -> None:
    encode_into(ctx.key, msg.key)
    c: common_pb2.MessageContext = msg.context
    c.topic = ctx.topic or ""
    c.partition = int(ctx.partition or 0)
    c.offset = int(ctx.offset or 0)
    c.size = int(ctx.size or 0)
    if ctx.timestamp is not None:
        c.timestamp_type = cast("common_pb2.TimestampType", int(ctx.timestamp.type))
        c.timestamp_ms = int(ctx.timestamp.milliseconds or 0)
    for key, value in ctx.headers or ():
        h = c.headers.add(key=key)
        if value is not None:
            h.value = value if isinstance(value, bytes) else str(value).encode()


class DryRunner:
    """A dry-run session for one graph.

    Example:
        >>> runner = DryRunner(SidecarTarget(), build_pipeline(topic, steps))
        >>> runner.process({"x": 1})
        {'x': 2}
        >>> runner.close()
    """

    def __init__(self, target: SidecarTarget, built: BuiltPipeline, logger: logging.Logger | None = None):
        self._logger = logger or logging.getLogger("sidestream")
        self._lock = threading.Lock()
        self._output_ready = threading.Event()
        self._output: session_pb2.TestOutput | None = None
        self._next_id = 0
        address = dry_run_address(target)
        register = make_register(
            AppSettings(consumer_group="sidestream-dry-run"), built.pipeline, session_pb2.SESSION_MODE_DRY_RUN
        )
        self._session = Session(
            address,
            register,
            built.functions,
            logger=self._logger,
            log_failures=False,
            on_test_output=self._on_output,
        )
        self._session.start()
        try:
            self._session.wait_registered(env_seconds("SIDESTREAM_REGISTER_TIMEOUT", 60.0))
        except RegistrationFailed as failed:
            self._session.close()
            if is_retryable(failed.error):
                raise SidecarUnavailableError(f"no sidecar answered at {address}: {failed.error.details()}") from None
            raise registration_error(failed.error) from None
        except BaseException:
            self._session.close()
            raise
        _open_runners.add(self)

    def _on_output(self, output: session_pb2.TestOutput) -> None:
        self._output = output
        self._output_ready.set()

    def process(self, value: Any, ctx: MessageContext | None = None) -> Any:
        """Runs `value` through the graph and returns the result.

        Raises:
            Filtered: a filter dropped the value.
            Exception: what a client function raised (the original exception).
            PipelineError: a native step failed.
            SidestreamError: the session ended.
        """
        with self._lock:
            self._next_id += 1
            msg = session_pb2.ClientMessage()
            test_input = msg.test_input
            test_input.request_id = self._next_id
            encode_into(value, test_input.value)
            test_input.value.SetInParent()
            if ctx is not None:
                _fill_context(test_input, ctx)
            self._output = None
            self._output_ready.clear()
            self._session.send(msg)
            if not self._wait_output():
                raise SidestreamError(self._why_no_output())
            output = self._output
            assert output is not None
            outcome = output.WhichOneof("outcome")
            if outcome == "filtered":
                raise Filtered()
            if outcome == "error":
                runner = self._session.runner
                failure = runner.failure if runner is not None else None
                if runner is not None:
                    runner.failure = None
                if failure is not None:
                    raise failure
                raise pipeline_error(output.error)
            return decode(output.value) if outcome == "value" else None

    def _wait_output(self) -> bool:
        waited = 0.0
        while waited < _OUTPUT_TIMEOUT:
            if self._output_ready.wait(0.05):
                return True
            if self._session.done.is_set():
                return self._output_ready.is_set()
            waited += 0.05
        return False

    def _why_no_output(self) -> str:
        s = self._session
        if s.rpc_error is not None:
            return f"the dry-run session ended: {s.rpc_error.code()}: {s.rpc_error.details()}"
        if s.internal_error is not None:
            return f"the dry-run session failed: {s.internal_error!r}"
        if s.done.is_set():
            return "the dry-run session ended without an answer"
        return f"no dry-run answer within {_OUTPUT_TIMEOUT:g}s"

    @property
    def usable(self) -> bool:
        """Whether the session is still open."""
        return not self._session.done.is_set()

    def close(self) -> None:
        """Ends the session."""
        _open_runners.discard(self)
        self._session.close(grace=2.0)


@atexit.register
def _close_all() -> None:
    for runner in list(_open_runners):
        with contextlib.suppress(Exception):  # best effort at exit
            runner.close()

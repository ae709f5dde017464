"""The run loop behind `Application.run()`: connect, register, serve until the
pipeline stops, and reconnect when the sidecar goes away.

- The sidecar is not there when the run starts (gRPC UNAVAILABLE): retry with
  backoff for SIDESTREAM_CONNECT_TIMEOUT seconds, then `SidecarUnavailableError`.
- Registration refused: INVALID_ARGUMENT → `PipelineValidationError`;
  UNAVAILABLE naming the Kafka broker → `BrokerUnavailableError`, at once.
- The stream breaks mid-run (sidecar killed or restarted), or the sidecar says
  it is shutting down (`Stopped` with UNAVAILABLE): log a warning, reconnect and
  re-register with backoff for SIDESTREAM_RECONNECT_TIMEOUT seconds. The sidecar
  resumes from committed offsets (at-least-once); the batch in flight is dropped.
- `Stopped` with another error: re-raise the exception a client function
  raised, if any, else a `PipelineError` with the sidecar's message.
- A stop request (`app.stop()`, SIGTERM, Ctrl+C) sends `StopRequest`; the loop
  keeps serving until `Stopped` arrives, then returns normally.

Thread-safety: `run()` is called from one thread; `stop_event` may be set from any.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sidestream._channel import env_seconds, is_retryable, registration_error
from sidestream._errors import CODE_UNAVAILABLE, pipeline_error
from sidestream._reports import ErrorCallbacks
from sidestream._rpc.sidestream.v1 import session_pb2
from sidestream._session import RegistrationFailed, Session
from sidestream.exceptions import PipelineValidationError, ProtocolError, SidecarUnavailableError
from sidestream.stats import RunStats

__all__ = ["RunLoop", "RunSettings"]

_POLL = 0.1
_BACKOFF_START = 0.1
_BACKOFF_MAX = 2.0
_STOP_GRACE = 60.0  # seconds to wait for Stopped after a StopRequest


@dataclass(frozen=True)
class RunSettings:
    """Timeouts of a run, in seconds (from the environment by default)."""

    connect_timeout: float
    reconnect_timeout: float
    register_timeout: float

    @classmethod
    def from_env(cls) -> RunSettings:
        return cls(
            connect_timeout=env_seconds("SIDESTREAM_CONNECT_TIMEOUT", 30.0),
            reconnect_timeout=env_seconds("SIDESTREAM_RECONNECT_TIMEOUT", 60.0),
            register_timeout=env_seconds("SIDESTREAM_REGISTER_TIMEOUT", 60.0),
        )


class _Retry(Exception):
    """Internal: this attempt failed in a way worth retrying."""

    def __init__(self, reason: str, final: Exception) -> None:
        super().__init__(reason)
        self.reason = reason
        self.final = final


class RunLoop:
    """Runs one registered pipeline until it stops; see the module docstring.

    Example:
        >>> RunLoop(address, register_msg, functions, ErrorCallbacks(), stop_event).run()
    """

    def __init__(
        self,
        address: str,
        register: session_pb2.Register,
        functions: Mapping[str, Callable[[Any], Any]],
        callbacks: ErrorCallbacks,
        stop_event: threading.Event,
        *,
        settings: RunSettings | None = None,
        logger: logging.Logger | None = None,
        on_session: Callable[[Session | None], None] | None = None,
    ) -> None:
        self._address = address
        self._register = register
        self._functions = functions
        self._callbacks = callbacks
        self._stop = stop_event
        self._settings = settings or RunSettings.from_env()
        self._logger = logger or logging.getLogger("sidestream")
        self._on_session = on_session or (lambda s: None)
        self.last_stats: session_pb2.PipelineStats | None = None
        self.stats: RunStats | None = None  # summed over the sessions of this run
        self._waiting_logged = False

    def _log_waiting(self) -> None:
        if not self._waiting_logged:
            self._waiting_logged = True
            self._logger.info("waiting for the sidecar at %s", self._address)

    def run(self) -> None:
        """Serves the pipeline until it stops; raises what stopped it abnormally."""
        deadline = time.monotonic() + self._settings.connect_timeout
        backoff = _BACKOFF_START
        reconnecting = False
        while True:
            if self._stop.is_set() and reconnecting:
                self._logger.info("stop requested while reconnecting; not reconnecting")
                return
            try:
                finished = self._attempt(reconnecting)
            except _Retry as retry:
                if self._stop.is_set():
                    return
                if time.monotonic() >= deadline:
                    raise retry.final from None
                self._logger.debug("retrying in %.1fs: %s", backoff, retry.reason)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, _BACKOFF_MAX)
                continue
            if finished:
                return
            self._waiting_logged = False
            # The session was up and went away: reconnect with a fresh deadline.
            reconnecting = True
            deadline = time.monotonic() + self._settings.reconnect_timeout
            backoff = _BACKOFF_START

    def _attempt(self, reconnecting: bool) -> bool:
        """One session. True: the pipeline finished; False: reconnect. Raises _Retry or the final error."""
        session = Session(
            self._address, self._register, self._functions, callbacks=self._callbacks, logger=self._logger
        )
        try:
            session.start()
            self._on_session(session)  # after start: Register must be the first message
            try:
                registered = session.wait_registered(self._settings.register_timeout, self._stop)
            except RegistrationFailed as failed:
                err = failed.error
                if is_retryable(err):
                    self._log_waiting()
                    raise _Retry(
                        f"sidecar at {self._address} unavailable: {err.details()}",
                        SidecarUnavailableError(
                            f"no sidecar answered at {self._address} "
                            f"(sidecar_address / SIDESTREAM_ADDRESS): {err.details()}"
                        ),
                    ) from None
                final = registration_error(err)
                # A sidecar coming back may refuse calls for a moment, or not
                # reach the broker yet: keep trying until the reconnect deadline.
                if reconnecting and not isinstance(final, PipelineValidationError):
                    raise _Retry(str(final), final) from None
                raise final from None
            except ProtocolError as e:
                if reconnecting:
                    raise _Retry(str(e), e) from None
                raise
            if registered is None:  # stop requested before the answer
                return True
            self._logger.info(
                "pipeline registered with %s (plan %s, %d client segment(s))",
                registered.server_name or "the sidecar",
                registered.plan.plan_id,
                len(registered.plan.segments),
            )
            return self._serve(session)
        finally:
            self._on_session(None)
            session.close()

    def _serve(self, session: Session) -> bool:
        """Waits for the session to end; True when the pipeline finished."""
        stop_deadline: float | None = None
        while not session.done.wait(_POLL):
            if self._stop.is_set() and stop_deadline is None:
                self._logger.info("stopping the pipeline (finishing in-flight work)")
                session.request_stop()
                stop_deadline = time.monotonic() + _STOP_GRACE
            if stop_deadline is not None and time.monotonic() > stop_deadline:
                self._logger.warning("the sidecar did not confirm the stop within %gs; closing", _STOP_GRACE)
                return True
        if session.internal_error is not None:
            raise session.internal_error
        stopped = session.stopped
        if stopped is not None:
            self.last_stats = stopped.stats if stopped.HasField("stats") else None
            if self.last_stats is not None:
                session_stats = RunStats.from_proto(self.last_stats)
                self.stats = session_stats if self.stats is None else self.stats + session_stats
            if not stopped.HasField("error"):
                st = stopped.stats
                self._logger.info(
                    "pipeline stopped (consumed %d, produced %d, filtered %d, skipped %d, commits %d, "
                    "client invocations %d, native evaluations %d)",
                    st.consumed,
                    st.produced,
                    st.filtered,
                    st.skipped,
                    st.commits,
                    st.invocations,
                    st.native_evaluations,
                )
                return True
            if stopped.error.code == CODE_UNAVAILABLE and not self._stop.is_set():
                self._logger.warning("the sidecar is going away (%s); reconnecting", stopped.error.message)
                return False
            if stopped.error.code == CODE_UNAVAILABLE:
                return True
            failure = session.runner.failure if session.runner is not None else None
            if failure is not None:
                raise failure
            raise pipeline_error(stopped.error)
        # The stream ended or broke without Stopped.
        if self._stop.is_set():
            self._logger.warning("the session ended before the sidecar confirmed the stop")
            return True
        why = session.rpc_error.details() if session.rpc_error is not None else "stream ended without Stopped"
        self._logger.warning("lost the sidecar at %s (%s); reconnecting", self._address, why)
        return False

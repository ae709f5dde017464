"""One `Connect` session with the sidecar: register, then serve its requests.

A session owns a gRPC channel and one bidirectional call. Outgoing messages go
through a queue that feeds the call's request iterator; a background thread
reads the server's messages and serves them in arrival order:

- `Registered` → prepares the segment runner from the compiled plan;
- `InvokeBatch` → runs the segment, answers `InvokeResult`;
- `ErrorReport` → asks the error callbacks, answers `ErrorVerdict`;
- `TestOutput` → handed to `on_test_output` (dry runs);
- `Stopped` → kept in `stopped`; the client then ends its side of the stream.

The owner (the run loop, or a dry runner) waits on `done` and looks at
`stopped`, `rpc_error` and `internal_error` to decide what happened.

Thread-safety: `send`, `request_stop` and `close` may be called from any thread.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import grpc

from sidestream._channel import open_channel
from sidestream._reports import ErrorCallbacks, decide
from sidestream._rpc.sidestream.v1 import service_pb2_grpc, session_pb2
from sidestream._errors import fill_error
from sidestream._runner import SegmentRunner
from sidestream.state._client import STATE_READ_GROUPS_CAPABILITY
from sidestream.exceptions import ProtocolError, SidestreamError

__all__ = ["Session", "RegistrationFailed"]

_END = object()


class RegistrationFailed(Exception):
    """Internal: the call failed before `Registered`; `error` is the gRPC error."""

    def __init__(self, error: grpc.RpcError) -> None:
        super().__init__(f"{error.code()}: {error.details()}")
        self.error = error


class Session:
    """A Connect call serving one pipeline registration.

    Example:
        >>> s = Session("127.0.0.1:50051", register_msg, functions)
        >>> s.start()
        >>> s.wait_registered(timeout=60)
        >>> s.done.wait()
    """

    def __init__(
        self,
        address: str,
        register: session_pb2.Register,
        functions: Mapping[str, Callable[[Any], Any]],
        *,
        callbacks: ErrorCallbacks | None = None,
        logger: logging.Logger | None = None,
        log_failures: bool = True,
        on_test_output: Callable[[session_pb2.TestOutput], None] | None = None,
    ) -> None:
        self._address = address
        self._register = register
        self._functions = functions
        self._callbacks = callbacks or ErrorCallbacks()
        self._logger = logger or logging.getLogger("sidestream")
        self._log_failures = log_failures
        self._on_test_output = on_test_output

        self._outbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._requests_ended = False  # guarded by _lock
        self._stop_sent = False  # guarded by _lock
        self._registered_event = threading.Event()
        self._channel: grpc.Channel | None = None
        self._call: Any = None
        self._thread: threading.Thread | None = None
        # Server messages are served by a worker thread so that the reader can
        # deliver StateReadResults while a batch waits for state.
        self._work: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None
        self._reads: dict[int, tuple[threading.Event, list[Any]]] = {}  # guarded by _lock
        self._next_read = 0  # guarded by _lock

        # Written by the reader thread; read by the owner after the events fire.
        self.done = threading.Event()
        self.registered: session_pb2.Registered | None = None
        # The sidecar accepted StateRead.groups (set from Registered).
        self._state_read_groups = False
        self.runner: SegmentRunner | None = None
        self.stopped: session_pb2.Stopped | None = None
        self.rpc_error: grpc.RpcError | None = None
        self.internal_error: BaseException | None = None

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> None:
        """Opens the channel and the call, sends Register, starts the reader thread."""
        self._channel = open_channel(self._address)
        stub = service_pb2_grpc.SidestreamStub(self._channel)
        self._outbox.put(session_pb2.ClientMessage(register=self._register))
        self._call = stub.Connect(self._requests())
        self._worker = threading.Thread(target=self._serve_work, name="sidestream-worker", daemon=True)
        self._worker.start()
        self._thread = threading.Thread(target=self._read, name="sidestream-session", daemon=True)
        self._thread.start()

    def wait_registered(self, timeout: float, stop: threading.Event | None = None) -> session_pb2.Registered | None:
        """Waits for `Registered`; None if `stop` was set first.

        Raises:
            RegistrationFailed: the call failed (the caller reads its status).
            SidestreamError: no answer within `timeout` seconds.
            ProtocolError: the stream ended without an answer or with a bad plan.
        """
        deadline = time.monotonic() + timeout
        while not self._registered_event.wait(0.05):
            if stop is not None and stop.is_set():
                return None
            if time.monotonic() > deadline:
                raise SidestreamError(f"the sidecar at {self._address} did not answer Register within {timeout:g}s")
        if self.registered is not None and self.runner is not None:
            return self.registered
        if self.internal_error is not None:
            raise self.internal_error
        if self.rpc_error is not None:
            raise RegistrationFailed(self.rpc_error)
        raise ProtocolError("the sidecar ended the session without answering Register")

    def send(self, message: session_pb2.ClientMessage) -> None:
        """Queues a message for the sidecar (dropped once our side has ended)."""
        with self._lock:
            if not self._requests_ended:
                self._outbox.put(message)

    def request_stop(self) -> None:
        """Asks the sidecar to stop the pipeline gracefully (once)."""
        with self._lock:
            if self._stop_sent or self._requests_ended:
                return
            self._stop_sent = True
            self._outbox.put(session_pb2.ClientMessage(stop=session_pb2.StopRequest()))

    @property
    def stop_sent(self) -> bool:
        """Whether a StopRequest was sent."""
        with self._lock:
            return self._stop_sent

    def end_requests(self) -> None:
        """Half-closes the stream: no more client messages."""
        with self._lock:
            if not self._requests_ended:
                self._requests_ended = True
                self._outbox.put(_END)

    def close(self, grace: float = 0.0) -> None:
        """Ends the session: half-close, wait up to `grace` seconds, then cancel."""
        self.end_requests()
        if grace > 0:
            self.done.wait(grace)
        if self._call is not None and not self.done.is_set():
            self._call.cancel()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        if self._channel is not None:
            self._channel.close()

    # -- reader thread -----------------------------------------------------

    def _requests(self) -> Iterator[session_pb2.ClientMessage]:
        while True:
            item = self._outbox.get()
            if item is _END:
                return
            yield item

    def _read(self) -> None:
        try:
            for message in self._call:
                if message.WhichOneof("kind") == "state_read_result":
                    self._resolve_read(message.state_read_result)
                else:
                    self._work.put(message)
        except grpc.RpcError as e:
            self.rpc_error = e
        except BaseException as e:  # reported to the owner, never lost
            self.internal_error = e
            self._call.cancel()
        finally:
            self._work.put(_END)
            self._fail_reads()
            if self._worker is not None and self._worker is not threading.current_thread():
                self._worker.join()
            self.end_requests()
            self._registered_event.set()
            self.done.set()

    def _serve_work(self) -> None:
        while True:
            message = self._work.get()
            if message is _END:
                return
            try:
                self._dispatch(message)
            except BaseException as e:  # reported to the owner, never lost
                if self.internal_error is None:
                    self.internal_error = e
                self._call.cancel()
                return

    # -- state reads (worker thread asks, reader thread answers) -------------

    def read_state(
        self, topic: str, partition: int, requests: list[tuple[bytes, list[bytes]]]
    ) -> list[list[bytes | None]]:
        """Asks the sidecar for state values of (message key prefix, keys) pairs:
        every StateRead is sent at once, then the answers are awaited (one
        round-trip for the lot). Blocks until all arrived.

        Raises:
            SidestreamError: the session ended or the sidecar could not read.
        """
        waits: list[tuple[threading.Event, list[Any]]] = []
        messages = []
        if len(requests) > 1 and self._state_read_groups:
            return self._read_state_grouped(topic, partition, requests)
        with self._lock:
            if self._requests_ended:
                raise SidestreamError("the session ended while reading state")
            for prefix, keys in requests:
                self._next_read += 1
                event, slot = threading.Event(), []
                self._reads[self._next_read] = (event, slot)
                waits.append((event, slot))
                messages.append(
                    session_pb2.ClientMessage(
                        state_read=session_pb2.StateRead(
                            request_id=self._next_read, topic=topic, partition=partition, prefix=prefix, keys=keys
                        )
                    )
                )
        for m in messages:
            self.send(m)
        out: list[list[bytes | None]] = []
        for event, slot in waits:
            event.wait()
            answer = slot[0] if slot else None
            if answer is None:
                raise SidestreamError("the session ended while reading state")
            if answer.HasField("error"):
                raise SidestreamError(f"the sidecar could not read state: {answer.error.message}")
            out.append([v.value if v.HasField("value") else None for v in answer.values])
        return out

    def _read_state_grouped(
        self, topic: str, partition: int, requests: list[tuple[bytes, list[bytes]]]
    ) -> list[list[bytes | None]]:
        """`read_state` in one StateRead (negotiated "state-read-groups/1"): the first request in
        `prefix`/`keys`, the others in `groups`; the answer holds every key's value in that order."""
        event, slot = threading.Event(), []
        (prefix, keys), rest = requests[0], requests[1:]
        with self._lock:
            if self._requests_ended:
                raise SidestreamError("the session ended while reading state")
            self._next_read += 1
            request_id = self._next_read
            self._reads[request_id] = (event, slot)
        read = session_pb2.StateRead(
            request_id=request_id, topic=topic, partition=partition, prefix=prefix, keys=keys
        )
        add = read.groups.add
        for p, ks in rest:
            add(prefix=p, keys=ks)
        self.send(session_pb2.ClientMessage(state_read=read))
        event.wait()
        answer = slot[0] if slot else None
        if answer is None:
            raise SidestreamError("the session ended while reading state")
        if answer.HasField("error"):
            raise SidestreamError(f"the sidecar could not read state: {answer.error.message}")
        values = [v.value if v.HasField("value") else None for v in answer.values]
        if len(values) != sum(len(ks) for _, ks in requests):
            raise ProtocolError(
                f"StateReadResult {request_id}: {len(values)} values for {sum(len(ks) for _, ks in requests)} keys"
            )
        out: list[list[bytes | None]] = []
        pos = 0
        for _, ks in requests:
            out.append(values[pos : pos + len(ks)])
            pos += len(ks)
        return out

    def _resolve_read(self, result: session_pb2.StateReadResult) -> None:
        with self._lock:
            waiting = self._reads.pop(result.request_id, None)
        if waiting is None:
            self._logger.warning("ignoring a StateReadResult for unknown request %d", result.request_id)
            return
        waiting[1].append(result)
        waiting[0].set()

    def _fail_reads(self) -> None:
        with self._lock:
            reads, self._reads = self._reads, {}
        for event, _ in reads.values():
            event.set()

    def _report_processed(self, report: session_pb2.MessagesProcessed) -> session_pb2.ProcessedAck:
        """Calls on_message_processed for each offset; an exception is acknowledged
        as an error (the pipeline stops; `run()` re-raises it)."""
        ack = session_pb2.ProcessedAck(request_id=report.request_id)
        callback = self._callbacks.on_message_processed
        if callback is None:
            return ack
        offset = -1
        try:
            for offset in report.offsets:
                callback(report.topic, report.partition, offset)
        except Exception as exc:  # the seed propagates it: the application stops
            tb_text = "".join(traceback.format_exception(exc))
            fill_error(ack.error, exc, "on_message_processed", tb_text=tb_text)
            self._logger.error(
                "on_message_processed raised for %s[%d]@%d:\n%s", report.topic, report.partition, offset, tb_text.rstrip()
            )
            if self.runner is not None and self.runner.failure is None:
                self.runner.failure = exc
        return ack

    def _dispatch(self, message: session_pb2.ServerMessage) -> None:
        kind = message.WhichOneof("kind")
        if kind == "invoke":
            if self.runner is None:
                raise ProtocolError("InvokeBatch before Registered")
            out = session_pb2.ClientMessage()
            self.runner.run(message.invoke, out.invoke_result)
            self.send(out)
        elif kind == "error_report":
            report = message.error_report
            ignore = decide(report, self._callbacks, self._logger)
            self.send(
                session_pb2.ClientMessage(
                    error_verdict=session_pb2.ErrorVerdict(request_id=report.request_id, ignore=ignore)
                )
            )
        elif kind == "messages_processed":
            self.send(session_pb2.ClientMessage(processed_ack=self._report_processed(message.messages_processed)))
        elif kind == "test_output":
            if self._on_test_output is not None:
                self._on_test_output(message.test_output)
        elif kind == "registered":
            if self.registered is not None:
                raise ProtocolError("Registered received twice")
            self.runner = SegmentRunner(
                message.registered.plan,
                self._functions,
                on_processing_error=self._callbacks.on_processing_error,
                on_consumer_error=self._callbacks.on_consumer_error,
                on_producer_error=self._callbacks.on_producer_error,
                logger=self._logger,
                log_failures=self._log_failures,
                state_reader=self.read_state,
            )
            self.registered = message.registered
            self._state_read_groups = STATE_READ_GROUPS_CAPABILITY in message.registered.capabilities
            self._registered_event.set()
        elif kind == "stopped":
            self.stopped = message.stopped
            self.end_requests()
        else:
            self._logger.warning("ignoring an unknown message from the sidecar (%s)", kind)

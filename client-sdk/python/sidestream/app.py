"""`Application`: the entry point (mirrors `quixstreams.app`).

An Application holds the settings of one consumer group, creates topics and
dataframes, and runs a dataframe on the sidecar (`sidestreamd`), which owns the
Kafka consumer and producer and calls the dataframe's functions back over gRPC.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import grpc

from sidestream._channel import SidecarTarget, open_channel
from sidestream._config import AppSettings, make_register, rocksdb_options_to_dict
from sidestream._reports import ErrorCallbacks
from sidestream._rpc.sidestream.v1 import service_pb2, service_pb2_grpc
from sidestream._run import RunLoop
from sidestream._session import Session
from sidestream._signals import stop_on_signals
from sidestream.dataframe.dataframe import StreamingDataFrame
from sidestream.dataframe.series import StreamingSeries
from sidestream.exceptions import NotSupportedError, SidestreamError
from sidestream.logging import configure_logging
from sidestream.models.serializers import DeserializerType, SerializerType
from sidestream.models.topics import Topic, TopicCreationConfigs
from sidestream.stats import RunStats

__all__ = ["Application"]

logger = logging.getLogger("sidestream")

ErrorCallback = Callable[[Exception, Any, logging.Logger], bool]
MessageProcessedCallback = Callable[[str, int, int], None]


class Application:
    """The main class: configure, define topics and a dataframe, then `run()` it.

    Args:
        broker_address: Kafka bootstrap servers "host:port"; None means the
            sidecar's default broker (its `--broker`).
        consumer_group: Kafka consumer group; required to run a pipeline.
        auto_offset_reset: "earliest", "latest" or "error".
        auto_commit_enable: commit processed offsets at checkpoints.
        assignment_strategy: "range", "roundrobin" or "cooperative-sticky".
        partitioner: producer partitioner, as librdkafka names it.
        consumer_extra_config: extra librdkafka consumer settings.
        producer_extra_config: extra librdkafka producer settings.
        state_dir: state directory, confined under the sidecar's `--state-dir`.
        rocksdb_options: RocksDB settings of the sidecar's stores for this application
            (`sidestream.state.rocksdb.RocksDBOptions` or a dict; extra keys are RocksDB option names).
        on_consumer_error: `(exc, message, logger) -> bool`; True ignores a Kafka
            poll or deserialization error.
        on_processing_error: `(exc, row, logger) -> bool`; True skips a record
            whose processing raised. For a native step (column expression) the
            sidecar asks it too: `exc` is then a `NativeEvaluationError` that is
            also the Python exception (e.g. a KeyError), and `row.value` is None.
        on_producer_error: `(exc, row, logger) -> bool`; True skips a record
            that could not be serialized or produced.
        on_message_processed: `(topic, partition, offset) -> None`, called once per
            message whose processing ended: it went through the pipeline, or was
            filtered, or was skipped by `on_processing_error`/`on_producer_error`
            (not for messages skipped at deserialization, as in the seed). The
            sidecar reports the offsets after each batch, whichever step ended the
            message (native or a function), and commits them only after the
            callback returned; if it raises, `run()` stops with that exception
            and the batch is not committed. Cost: one round trip per batch.
        consumer_poll_timeout: seconds the consumer waits per poll.
        producer_poll_timeout: seconds the producer waits per poll.
        loglevel: level of the "sidestream" logger (None: leave logging alone).
            Also sent to the sidecar (`AppConfig.loglevel`): its log lines about
            this pipeline (registration, processing loop, checkpoints, state) use
            this level instead of its `--log-level`; librdkafka's own lines do not.
        sidecar_address: "host:port" of the sidecar; default: env
            SIDESTREAM_ADDRESS, else 127.0.0.1:50051.
        commit_interval: seconds between checkpoints (flush + commit).

    Example:
        >>> from sidestream import Application
        >>> app = Application(broker_address="127.0.0.1:9092", consumer_group="orders",
        ...                   auto_offset_reset="earliest")
        >>> orders = app.topic("orders")
        >>> sdf = app.dataframe(orders).apply(lambda o: {**o, "seen": True})
        >>> app.run(sdf)       # until app.stop(), SIGTERM or Ctrl+C
    """

    def __init__(
        self,
        broker_address: str | None = None,
        consumer_group: str | None = None,
        auto_offset_reset: str = "latest",
        auto_commit_enable: bool = True,
        assignment_strategy: str = "range",
        partitioner: str = "murmur2",
        consumer_extra_config: dict | None = None,
        producer_extra_config: dict | None = None,
        state_dir: str = "state",
        rocksdb_options: Any | None = None,
        on_consumer_error: ErrorCallback | None = None,
        on_processing_error: ErrorCallback | None = None,
        on_producer_error: ErrorCallback | None = None,
        on_message_processed: MessageProcessedCallback | None = None,
        consumer_poll_timeout: float = 1.0,
        producer_poll_timeout: float = 0.0,
        loglevel: str | None = "INFO",
        sidecar_address: str | None = None,
        commit_interval: float = 1.0,
    ) -> None:
        configure_logging(loglevel)
        self._settings = AppSettings(
            broker_address=broker_address,
            consumer_group=consumer_group or "",
            auto_offset_reset=auto_offset_reset,
            auto_commit_enable=auto_commit_enable,
            assignment_strategy=assignment_strategy,
            partitioner=partitioner,
            consumer_extra_config=dict(consumer_extra_config or {}),
            producer_extra_config=dict(producer_extra_config or {}),
            state_dir=state_dir,
            consumer_poll_timeout=consumer_poll_timeout,
            producer_poll_timeout=producer_poll_timeout,
            loglevel=loglevel,
            commit_interval=commit_interval,
            has_on_consumer_error=on_consumer_error is not None,
            has_on_producer_error=on_producer_error is not None,
            has_on_processing_error=on_processing_error is not None,
            report_processed=on_message_processed is not None,
            rocksdb_options=dict(rocksdb_options_to_dict(rocksdb_options)),
        )
        self._callbacks = ErrorCallbacks(
            on_consumer_error=on_consumer_error,
            on_processing_error=on_processing_error,
            on_producer_error=on_producer_error,
            on_message_processed=on_message_processed,
        )
        self._on_message_processed = on_message_processed
        self._sidecar = SidecarTarget(sidecar_address)
        self._stop_event = threading.Event()
        self._session_lock = threading.Lock()
        self._session: Session | None = None  # guarded by _session_lock
        self._running = False
        self._last_run_stats: RunStats | None = None

    @property
    def consumer_group(self) -> str:
        """The Kafka consumer group."""
        return self._settings.consumer_group

    @property
    def last_run_stats(self) -> RunStats | None:
        """sidestream extension: what the last `run()` did, as the sidecar counted it
        (None before a run, or when the sidecar sent no counters).

        Example:
            >>> app.run(sdf)
            >>> app.last_run_stats.invocations     # 0: a native-only pipeline never calls the app
            0
        """
        return self._last_run_stats

    @property
    def sidecar_address(self) -> str:
        """The sidecar this application talks to."""
        return self._sidecar.resolve()[0]

    def topic(
        self,
        name: str,
        value_deserializer: DeserializerType = "json",
        key_deserializer: DeserializerType = "bytes",
        value_serializer: SerializerType = "json",
        key_serializer: SerializerType = "bytes",
        creation_configs: TopicCreationConfigs | None = None,
    ) -> Topic:
        """Define a topic and how the sidecar (de)serializes its keys and values.

        Serializers are names ("json", "bytes", "string", "integer", "double")
        or descriptors such as `StringSerializer(codec="ascii")`.

        Raises:
            NotSupportedError: a custom serializer subclass with its own `__call__`.

        Example:
            >>> out = app.topic("out", key_serializer="string")
        """
        return Topic(
            name,
            value_deserializer=value_deserializer,
            key_deserializer=key_deserializer,
            value_serializer=value_serializer,
            key_serializer=key_serializer,
            creation_configs=creation_configs,
        )

    def dataframe(self, topic: Topic) -> StreamingDataFrame:
        """A new `StreamingDataFrame` consuming `topic`.

        Example:
            >>> sdf = app.dataframe(app.topic("in"))
        """
        return StreamingDataFrame(topic, sidecar=self._sidecar)

    def stop(self) -> None:
        """Stop the pipeline gracefully: the sidecar finishes in-flight work, commits
        and confirms, then `run()` returns. Safe from any thread and from callbacks.
        """
        self._stop_event.set()
        with self._session_lock:
            session = self._session
        if session is not None:
            session.request_stop()

    def clear_state(self) -> None:
        """Delete this application's state (its consumer group's stores) in the sidecar.

        Call it before `run()`; the sidecar refuses while the group runs a pipeline there.

        Raises:
            SidestreamError: no consumer group, or the sidecar refused / is unreachable.
        """
        if not self._settings.consumer_group:
            raise SidestreamError("clear_state() needs Application(consumer_group=...)")
        address, _ = self._sidecar.resolve()
        channel = open_channel(address)
        try:
            stub = service_pb2_grpc.SidestreamStub(channel)
            stub.ClearState(
                service_pb2.ClearStateRequest(
                    consumer_group=self._settings.consumer_group, state_dir=self._settings.state_dir
                ),
                timeout=30,
            )
        except grpc.RpcError as e:
            raise SidestreamError(f"clear_state() failed: {e.code().name}: {e.details()}") from e
        finally:
            channel.close()

    def _set_session(self, session: Session | None) -> None:
        with self._session_lock:
            self._session = session
        if session is not None and self._stop_event.is_set():
            session.request_stop()

    def run(self, dataframe: StreamingDataFrame | StreamingSeries) -> None:
        """Run `dataframe` on the sidecar until it is stopped.

        Blocks until `stop()` is called, SIGTERM/SIGINT arrive (a second signal
        aborts at once), or the pipeline fails. Survives sidecar restarts by
        reconnecting (see the README: SIDESTREAM_RECONNECT_TIMEOUT). Afterwards
        `last_run_stats` tells what the run did.

        A `StreamingSeries` taken from a dataframe can be run too: its result
        becomes the value at the end of the dataframe's steps.

        Raises:
            PipelineValidationError: the sidecar rejected the graph (names the step).
            SidecarUnavailableError: no sidecar within SIDESTREAM_CONNECT_TIMEOUT.
            BrokerUnavailableError: the sidecar cannot reach the Kafka broker.
            Exception: the exception a function raised, when it stopped the pipeline.
            PipelineError: the pipeline stopped on an error reported by the sidecar.
        """
        if not isinstance(dataframe, (StreamingDataFrame, StreamingSeries)):
            raise TypeError(f"run() needs a StreamingDataFrame, got {dataframe!r}")
        if not self._settings.consumer_group:
            raise SidestreamError("Application(consumer_group=...) is required to run a pipeline")
        if self._running:
            raise SidestreamError("this Application is already running")
        built = dataframe.build()
        source = built.pipeline.source_topic
        register = make_register(self._settings, built.pipeline)
        loop = RunLoop(
            self._sidecar.resolve()[0],
            register,
            built.functions,
            self._callbacks,
            self._stop_event,
            logger=logger,
            on_session=self._set_session,
        )
        self._running = True
        self._last_run_stats = None
        try:
            logger.info(
                "running pipeline %s → %d step(s) on the sidecar at %s (consumer group %s)",
                source,
                len(built.pipeline.steps),
                self.sidecar_address,
                self._settings.consumer_group,
            )
            with stop_on_signals(self.stop, logger):
                loop.run()
        finally:
            self._last_run_stats = loop.stats
            self._running = False
            self._stop_event.clear()

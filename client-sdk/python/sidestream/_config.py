"""`AppConfig` and `Register` messages from an Application's settings."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sidestream._packed import PACKED_CAPABILITY
from sidestream.state._client import STATE_READ_GROUPS_CAPABILITY
from sidestream._rpc.sidestream.v1 import pipeline_pb2, session_pb2
from sidestream._version import __version__
from sidestream.exceptions import SidestreamError

__all__ = ["AppSettings", "make_register", "CLIENT_NAME", "PROTOCOL_VERSION"]

PROTOCOL_VERSION = 1
CLIENT_NAME = f"sidestream-python/{__version__}"


def _config_value(value: Any) -> str:
    """librdkafka wants "true"/"false", not Python's "True"/"False"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class AppSettings:
    """What of `Application.__init__` the sidecar needs (see `AppConfig` in session.proto)."""

    broker_address: str | None = None
    consumer_group: str = ""
    auto_offset_reset: str = "latest"
    auto_commit_enable: bool = True
    assignment_strategy: str = "range"
    partitioner: str = "murmur2"
    consumer_extra_config: Mapping[str, Any] = field(default_factory=dict)
    producer_extra_config: Mapping[str, Any] = field(default_factory=dict)
    state_dir: str = "state"
    consumer_poll_timeout: float = 1.0
    producer_poll_timeout: float = 0.0
    loglevel: str | int | None = "INFO"
    commit_interval: float = 1.0
    has_on_consumer_error: bool = False
    has_on_producer_error: bool = False
    has_on_processing_error: bool = False
    report_processed: bool = False
    rocksdb_options: Mapping[str, Any] = field(default_factory=dict)

    def to_proto(self) -> session_pb2.AppConfig:
        """The `AppConfig` message."""
        c = session_pb2.AppConfig(
            broker_address=self.broker_address or "",
            consumer_group=self.consumer_group,
            auto_offset_reset=self.auto_offset_reset,
            auto_commit_enable=self.auto_commit_enable,
            assignment_strategy=self.assignment_strategy,
            partitioner=self.partitioner,
            state_dir=self.state_dir,
            consumer_poll_timeout=float(self.consumer_poll_timeout),
            producer_poll_timeout=float(self.producer_poll_timeout),
            loglevel=_level_name(self.loglevel),
            commit_interval=float(self.commit_interval),
            has_on_consumer_error=self.has_on_consumer_error,
            has_on_producer_error=self.has_on_producer_error,
            has_on_processing_error=self.has_on_processing_error,
            report_processed=self.report_processed,
        )
        extra_c: dict[str, str] = {str(k): _config_value(v) for k, v in self.consumer_extra_config.items()}
        extra_p: dict[str, str] = {str(k): _config_value(v) for k, v in self.producer_extra_config.items()}
        ro = dict(self.rocksdb_options)
        if ro:
            opts = c.rocksdb_options
            for name in ("write_buffer_size", "target_file_size_base", "block_cache_size"):
                if ro.get(name) is not None:
                    setattr(opts, name, int(ro.pop(name)))
            if ro.get("open_max_retries") is not None:
                c.state_open_max_retries = int(ro.pop("open_max_retries"))
            if ro.get("open_retry_backoff") is not None:
                c.state_open_retry_backoff = float(ro.pop("open_retry_backoff"))
            opts.extra.update({str(k): _config_value(v) for k, v in ro.items() if v is not None})
        c.consumer_extra_config.update(extra_c)
        c.producer_extra_config.update(extra_p)
        return c


def make_register(
    settings: AppSettings,
    pipeline: pipeline_pb2.Pipeline,
    mode: session_pb2.SessionMode = session_pb2.SESSION_MODE_RUN,
) -> session_pb2.Register:
    """The first message of a session."""
    return session_pb2.Register(
        protocol_version=PROTOCOL_VERSION,
        capabilities=[PACKED_CAPABILITY, STATE_READ_GROUPS_CAPABILITY],
        client_name=CLIENT_NAME,
        config=settings.to_proto(),
        pipeline=pipeline,
        mode=mode,
    )


def rocksdb_options_to_dict(options: Any) -> Mapping[str, Any]:
    """The seed's `rocksdb_options` (a RocksDBOptions, a mapping, or None) as a mapping.

    Raises:
        SidestreamError: any other type.
    """
    if options is None:
        return {}
    if isinstance(options, Mapping):
        return options
    fields = {}
    for name in ("write_buffer_size", "target_file_size_base", "block_cache_size", "open_max_retries",
                 "open_retry_backoff"):
        if hasattr(options, name):
            fields[name] = getattr(options, name)
    extra = getattr(options, "extra", None) or {}
    if not fields and not extra:
        raise SidestreamError(f"rocksdb_options must be a RocksDBOptions or a dict, not {type(options).__name__}")
    return {**fields, **dict(extra)}


def _level_name(level: str | int | None) -> str:
    """A Python logging level (name or number) as the name `AppConfig.loglevel` carries."""
    if level is None:
        return ""
    if isinstance(level, int):
        name = logging.getLevelName(level)
        return name if isinstance(name, str) and not name.startswith("Level ") else ""
    return str(level)

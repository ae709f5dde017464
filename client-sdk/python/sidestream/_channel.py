"""Where the sidecar is and how to reach it: address resolution, gRPC channels,
timeouts from the environment, and the reading of registration errors.

Environment:
    SIDESTREAM_ADDRESS            sidecar address when the Application names none
                                  (default 127.0.0.1:50051)
    SIDESTREAM_CONNECT_TIMEOUT    seconds to keep trying a sidecar that is not
                                  there yet when a pipeline starts (default 30)
    SIDESTREAM_RECONNECT_TIMEOUT  seconds to keep trying after the stream broke
                                  mid-run (default 60)
    SIDESTREAM_REGISTER_TIMEOUT   seconds to wait for the answer to Register
                                  (default 60)
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import grpc

from sidestream.exceptions import (
    BrokerUnavailableError,
    PipelineValidationError,
    SidestreamError,
)

__all__ = [
    "DEFAULT_ADDRESS",
    "SidecarTarget",
    "open_channel",
    "env_seconds",
    "registration_error",
    "is_retryable",
]

DEFAULT_ADDRESS = "127.0.0.1:50051"
_MAX_MESSAGE = 64 * 1024 * 1024

_CHANNEL_OPTIONS = [
    ("grpc.max_receive_message_length", _MAX_MESSAGE),
    ("grpc.max_send_message_length", _MAX_MESSAGE),
    # A sidecar that restarts must be found again quickly: keep gRPC's own
    # reconnect backoff short (we add our own, bounded, on top).
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.min_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 1000),
    ("grpc.enable_retries", 0),
]


@dataclass(frozen=True)
class SidecarTarget:
    """The sidecar an Application (or a bare dataframe) talks to.

    Args:
        address: the `sidecar_address` given in code, if any.
    """

    address: str | None = None

    def resolve(self) -> tuple[str, bool]:
        """(address, explicit): explicit when set in code or by SIDESTREAM_ADDRESS."""
        if self.address:
            return self.address, True
        env = os.environ.get("SIDESTREAM_ADDRESS", "").strip()
        if env:
            return env, True
        return DEFAULT_ADDRESS, False


def open_channel(address: str) -> grpc.Channel:
    """A new insecure channel to `address` with the SDK's options."""
    return grpc.insecure_channel(address, options=_CHANNEL_OPTIONS)


def env_seconds(name: str, default: float) -> float:
    """A non-negative number of seconds from the environment, else `default`."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SidestreamError(f"{name}={raw!r} is not a number of seconds") from None
    if value < 0:
        raise SidestreamError(f"{name}={raw!r} must not be negative")
    return value


def is_retryable(error: grpc.RpcError) -> bool:
    """Whether a failed call means "the sidecar is not reachable (yet)"."""
    code = error.code()
    if code == grpc.StatusCode.UNAVAILABLE:
        return "broker" not in (error.details() or "").lower()
    return False


def registration_error(error: grpc.RpcError) -> SidestreamError:
    """The SDK error for a Connect call that failed before `Registered`."""
    code = error.code()
    details = error.details() or ""
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        return PipelineValidationError(details)
    if code == grpc.StatusCode.UNAVAILABLE and "broker" in details.lower():
        return BrokerUnavailableError(details)
    name = code.name if code is not None else "UNKNOWN"
    return SidestreamError(f"the sidecar refused the pipeline ({name}): {details}")

"""An ephemeral local `sidestreamd` for dry runs when no sidecar is configured.

`sdf.test()` and `sdf.compile()` run on the sidecar engine. When the Application
names no sidecar (no `sidecar_address`, no SIDESTREAM_ADDRESS) and none answers
at the default address, the SDK starts `sidestreamd` (from SIDESTREAM_BIN or
PATH) on a free 127.0.0.1 port with a temporary `--state-dir`, shares it across
the process, and stops it when the interpreter exits (on Linux it also dies
with its parent).

Thread-safety: `ephemeral_sidecar()` may be called from any thread.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import IO

import grpc

from sidestream._channel import open_channel
from sidestream.exceptions import SidecarUnavailableError

__all__ = ["EphemeralSidecar", "ephemeral_sidecar", "is_reachable", "find_binary"]

_READY_TIMEOUT = 20.0


def is_reachable(address: str, timeout: float = 1.0) -> bool:
    """Whether a gRPC server accepts connections at `address` within `timeout` seconds."""
    channel = open_channel(address)
    try:
        grpc.channel_ready_future(channel).result(timeout=timeout)
        return True
    except grpc.FutureTimeoutError:
        return False
    finally:
        channel.close()


def find_binary() -> str:
    """Path of `sidestreamd`: SIDESTREAM_BIN, else PATH.

    Raises:
        SidecarUnavailableError: no binary found.
    """
    env = os.environ.get("SIDESTREAM_BIN", "").strip()
    if env:
        if not os.access(env, os.X_OK):
            raise SidecarUnavailableError(f"SIDESTREAM_BIN={env} is not an executable file")
        return env
    found = shutil.which("sidestreamd")
    if found is None:
        raise SidecarUnavailableError(
            "no sidecar is configured or reachable, and no sidestreamd binary was found to start "
            "one (set SIDESTREAM_ADDRESS, or SIDESTREAM_BIN, or put sidestreamd on PATH)"
        )
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn that makes the child get SIGTERM when this process dies (Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        return None
    pr_set_pdeathsig = 1

    def preexec() -> None:
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)

    return preexec


class EphemeralSidecar:
    """A `sidestreamd` child process on a free port.

    Example:
        >>> sc = EphemeralSidecar.start()
        >>> sc.address
        '127.0.0.1:40123'
        >>> sc.stop()
    """

    def __init__(self, process: subprocess.Popen[bytes], address: str, state_dir: str, log: IO[bytes]):
        self.process = process
        self.address = address
        self.state_dir = state_dir
        self._log = log

    @classmethod
    def start(cls, binary: str | None = None) -> EphemeralSidecar:
        """Starts `sidestreamd` and waits until it accepts connections.

        Raises:
            SidecarUnavailableError: no binary, or it did not become ready.
        """
        binary = binary or find_binary()
        state_dir = tempfile.mkdtemp(prefix="sidestream-ephemeral-")
        address = f"127.0.0.1:{_free_port()}"
        log = open(os.path.join(state_dir, "sidestreamd.log"), "w+b")  # noqa: SIM115 - the sidecar object owns it
        args: list[str] = [binary, "--listen", address, "--state-dir", state_dir, "--log-level", "warning"]
        process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl+C meant for the app must not stop it first
            preexec_fn=_die_with_parent(),
        )
        sidecar = cls(process, address, state_dir, log)
        deadline = time.monotonic() + _READY_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                tail = sidecar.log_tail()
                sidecar.stop()
                raise SidecarUnavailableError(f"{binary} exited with {process.returncode} at start:\n{tail}")
            if is_reachable(address, timeout=0.5):
                return sidecar
        sidecar.stop()
        raise SidecarUnavailableError(f"{binary} did not accept connections at {address} within {_READY_TIMEOUT:g}s")

    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.process.poll() is None

    def log_tail(self, limit: int = 4000) -> str:
        """The end of the sidecar's log."""
        try:
            self._log.flush()
            with open(self._log.name, "rb") as f:
                return f.read()[-limit:].decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 5 s; removes the state dir."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()
        shutil.rmtree(self.state_dir, ignore_errors=True)


_lock = threading.Lock()
_instance: EphemeralSidecar | None = None
_atexit_registered = False


def _stop_instance() -> None:
    global _instance
    with _lock:
        if _instance is not None:
            _instance.stop()
            _instance = None


def ephemeral_sidecar() -> EphemeralSidecar:
    """The process-wide ephemeral sidecar, started on first use."""
    global _instance, _atexit_registered
    with _lock:
        if _instance is not None and not _instance.alive():
            _instance.stop()
            _instance = None
        if _instance is None:
            _instance = EphemeralSidecar.start()
            if not _atexit_registered:
                atexit.register(_stop_instance)
                _atexit_registered = True
        return _instance

"""Child processes of the end-to-end tests: `sidestreamd` and Python app scripts.

Each child logs to a file; `describe()` returns the tail for failure reports.
Every wait is bounded.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import grpc

APPS = Path(__file__).resolve().parent / "apps"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Child:
    """A subprocess with its output in a log file."""

    def __init__(self, name: str, args: Sequence[str], log_path: Path, env: dict[str, str] | None = None):
        self.name = name
        self.args = list(args)
        self.log_path = log_path
        self.env = env
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> Child:
        assert self.proc is None or self.proc.poll() is not None, f"{self.name} is already running"
        self.starts += 1
        with open(self.log_path, "ab") as log:
            log.write(f"\n===== start #{self.starts}: {' '.join(self.args)}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                self.args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=self.env
            )
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def send(self, sig: int) -> None:
        if self.running:
            assert self.proc is not None
            self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int:
        assert self.proc is not None
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{self.name} did not exit within {timeout}s\n{self.describe()}") from None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int | None:
        """Signals and waits; SIGKILL when it doesn't exit in time. Returns the exit code."""
        if self.proc is None:
            return None
        if self.running:
            self.proc.send_signal(sig)
            try:
                return self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.wait(timeout=10)

    def kill(self) -> None:
        self.stop(signal.SIGKILL, timeout=10)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def describe(self, limit: int = 6000) -> str:
        return f"----- {self.name} log ({self.log_path}) -----\n{self.log()[-limit:]}"


class Sidecar(Child):
    """`sidestreamd` on a fixed port (kept across restarts)."""

    def __init__(self, binary: str, broker: str, state_dir: Path, log_path: Path, port: int | None = None):
        self.port = port or free_port()
        self.address = f"127.0.0.1:{self.port}"
        state_dir.mkdir(parents=True, exist_ok=True)
        self.state_dir = state_dir
        args = [
            binary,
            "--listen", self.address,
            "--broker", broker,
            "--state-dir", str(state_dir),
            "--log-level", "info",
            "--progress-interval", "5",
        ]  # fmt: skip
        super().__init__(f"sidestreamd@{self.port}", args, log_path)

    def start(self, ready_timeout: float = 20) -> Sidecar:
        super().start()
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise AssertionError(f"sidestreamd exited at start\n{self.describe()}")
            channel = grpc.insecure_channel(self.address)
            try:
                grpc.channel_ready_future(channel).result(timeout=0.5)
                return self
            except grpc.FutureTimeoutError:
                pass
            finally:
                channel.close()
        raise AssertionError(f"sidestreamd not ready within {ready_timeout}s\n{self.describe()}")


class App(Child):
    """A Python app script from tests/e2e/apps, run with this interpreter."""

    def __init__(self, script: str, args: list[str], log_path: Path, sidecar_address: str):
        env = {**os.environ, "SIDESTREAM_ADDRESS": sidecar_address, "PYTHONUNBUFFERED": "1"}
        super().__init__(f"app:{script}", [sys.executable, str(APPS / script), *args], log_path, env)

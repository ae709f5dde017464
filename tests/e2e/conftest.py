"""Fixtures of the end-to-end tests: a real Kafka broker, real `sidestreamd`
processes, and Python apps run as subprocesses.

Environment:
    SIDESTREAM_TEST_BROKER   use this running broker ("host:port") instead of starting one
    SIDESTREAM_E2E_KAFKA_PORT  port of the broker the tests start (default 39092)
    SIDESTREAM_KEEP_BROKER=1 leave the started broker running after the session
    SIDESTREAM_BIN           sidestreamd binary (default <repo>/build/server/sidestreamd)
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

from processes import App, Child, Sidecar  # noqa: E402


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def broker(tmp_path_factory) -> str:
    given = os.environ.get("SIDESTREAM_TEST_BROKER", "").strip()
    if given:
        yield given
        return
    port = os.environ.get("SIDESTREAM_E2E_KAFKA_PORT", "39092")
    env = {
        **os.environ,
        "KAFKA_PORT": port,
        "KAFKA_FRESH": "1",
        "KAFKA_DATA_DIR": str(tmp_path_factory.mktemp("kafka")),
    }
    script = str(REPO / "scripts" / "kafka.sh")
    started = subprocess.run(["bash", script, "start"], env=env, capture_output=True, text=True, timeout=300)
    if started.returncode != 0:
        pytest.fail(f"could not start the test broker:\n{started.stdout}\n{started.stderr}", pytrace=False)
    yield f"127.0.0.1:{port}"
    if os.environ.get("SIDESTREAM_KEEP_BROKER") != "1":
        subprocess.run(["bash", script, "stop"], env=env, capture_output=True, timeout=120)


@pytest.fixture(scope="session")
def sidecar_bin() -> str:
    path = os.environ.get("SIDESTREAM_BIN") or str(REPO / "build" / "server" / "sidestreamd")
    if not os.access(path, os.X_OK):
        pytest.fail(
            f"sidestreamd not found at {path}: build it (scripts/build.sh) or set SIDESTREAM_BIN", pytrace=False
        )
    return path


@pytest.fixture
def children(request) -> list[Child]:
    """Every child process of the test; stopped at teardown, logs printed on failure."""
    started: list[Child] = []
    yield started
    gc.collect()  # finalizers close the test's dry-run sessions before their sidecar stops
    for child in reversed(started):
        child.stop()
    failed = any(
        getattr(request.node, f"rep_{w}", None) is not None and getattr(request.node, f"rep_{w}").failed
        for w in ("setup", "call")
    )
    if failed:
        for child in started:
            print(child.describe())


@pytest.fixture
def start_sidecar(sidecar_bin, broker, tmp_path, children) -> Callable[..., Sidecar]:
    """Starts a sidestreamd (a new one per call) on a free port."""

    def start(**kwargs) -> Sidecar:
        n = sum(isinstance(c, Sidecar) for c in children)
        sc = Sidecar(sidecar_bin, broker, tmp_path / f"state-{n}", tmp_path / f"sidestreamd-{n}.log", **kwargs)
        children.append(sc)
        return sc.start()

    return start


@pytest.fixture
def sidecar(start_sidecar) -> Sidecar:
    return start_sidecar()


@pytest.fixture
def start_app(tmp_path, children) -> Callable[..., App]:
    """Starts an app script from tests/e2e/apps as a subprocess."""

    def start(script: str, args: list[str], sidecar: Sidecar) -> App:
        n = sum(isinstance(c, App) for c in children)
        app = App(script, args, tmp_path / f"app-{n}.log", sidecar.address)
        children.append(app)
        return app.start()  # type: ignore[return-value]

    return start

"""Acceptance: a keyed JSON pipeline through the real broker and sidecar —
exactly once in the happy path, at least once across a killed client and a
restarted sidecar, per-key order kept, offsets committed to the end."""

from __future__ import annotations

import signal
import time

import pytest

import workload
from kafka_helpers import (
    committed_offsets,
    create_topics,
    end_offsets,
    produce_json,
    read_all,
    unique_name,
    wait_committed,
)

pytestmark = pytest.mark.timeout(240)

P = workload.PARTITIONS


@pytest.fixture
def job(broker):
    """Fresh input/output topics with the 10,000-message workload in the input."""
    name = unique_name("pipe")
    job = {"input": f"{name}-in", "output": f"{name}-out", "group": f"{name}-group"}
    create_topics(broker, [job["input"], job["output"]], partitions=P)
    items = workload.inputs()
    produce_json(broker, job["input"], items)
    job["expected"] = workload.expected(items)
    return job


def app_args(broker, job, sleep_ms=0.0):
    return ["--broker", broker, "--group", job["group"], "--input", job["input"], "--output", job["output"],
            "--sleep-ms", str(sleep_ms)]  # fmt: skip


def alive(app):
    def check():
        assert app.running, f"the app exited early\n{app.describe()}"

    return check


def produced_count(broker, topic) -> int:
    return sum(end_offsets(broker, topic, P).values())


def wait_output(broker, topic, at_least, app, timeout=60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive(app)()
        n = produced_count(broker, topic)
        if n >= at_least:
            return n
        time.sleep(0.05)
    raise AssertionError(f"fewer than {at_least} outputs after {timeout}s")


def stop_app(app):
    app.send(signal.SIGTERM)
    assert app.wait(timeout=40) == 0, app.describe()
    assert "APP EXITED CLEANLY" in app.log()


def test_happy_path_exactly_once_in_order(broker, job, sidecar, start_app):
    app = start_app("pipeline_app.py", app_args(broker, job), sidecar)
    wait_committed(broker, job["group"], job["input"], P, timeout=120, check=alive(app))
    stop_app(app)

    messages = read_all(broker, job["output"], P)
    out = workload.outputs(messages)
    assert len(out) == len(job["expected"]), f"{workload.duplicates(out)} duplicates"
    assert set(out) == job["expected"]
    workload.check_per_key_order(messages, strict=True)
    assert committed_offsets(broker, job["group"], job["input"], P) == end_offsets(broker, job["input"], P)


def test_killed_client_restarts_at_least_once(broker, job, sidecar, start_app):
    args = app_args(broker, job, sleep_ms=0.5)
    app = start_app("pipeline_app.py", args, sidecar)
    at_kill = wait_output(broker, job["output"], 1500, app)
    app.kill()
    assert at_kill < len(job["expected"]), "the run finished before the kill; slow it down"

    app.start()
    wait_committed(broker, job["group"], job["input"], P, timeout=150, check=alive(app))
    stop_app(app)

    messages = read_all(broker, job["output"], P)
    out = workload.outputs(messages)
    assert set(out) == job["expected"], "missing or unexpected outputs"
    workload.check_per_key_order(messages, strict=False)
    print(f"outputs {len(out)}, expected {len(job['expected'])}, duplicates {workload.duplicates(out)}")


@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_sidecar_restart_client_reconnects(broker, job, sidecar, start_app, how):
    args = app_args(broker, job, sleep_ms=0.5)
    app = start_app("pipeline_app.py", args, sidecar)
    wait_output(broker, job["output"], 1500, app)

    if how == "SIGTERM":  # graceful: the sidecar finishes the batch, commits, says "reconnect"
        sidecar.send(signal.SIGTERM)
        assert sidecar.wait(timeout=45) == 0, sidecar.describe()
    else:  # crash: the stream breaks; the killed consumer leaves the group by session timeout
        sidecar.kill()
    time.sleep(1.0)  # the client is now retrying against a closed port
    assert app.running, app.describe()
    sidecar.start()  # same port

    wait_committed(broker, job["group"], job["input"], P, timeout=150, check=alive(app))
    stop_app(app)
    assert "reconnecting" in app.log()

    messages = read_all(broker, job["output"], P)
    out = workload.outputs(messages)
    assert set(out) == job["expected"], "missing or unexpected outputs"
    workload.check_per_key_order(messages, strict=False)
    print(f"outputs {len(out)}, expected {len(job['expected'])}, duplicates {workload.duplicates(out)}")

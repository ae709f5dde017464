"""Operations surface of a running sidestreamd: the standard gRPC health
service answers SERVING, server reflection lists the service, and the
Prometheus endpoint shows counts that match the messages a pipeline processed."""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from kafka_helpers import create_topics, produce_json, unique_name
from processes import free_port

from sidestream import Application

pytestmark = pytest.mark.timeout(120)


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
        return resp.read().decode()


def sample(text: str, name: str, group: str) -> float:
    m = re.search(rf'^{name}{{pipeline="{re.escape(group)}"[^}}]*}} (\S+)$', text, re.M)
    assert m, f"{name} for {group} not in metrics:\n{text[:3000]}"
    return float(m.group(1))


def test_health_reflection_and_metrics(broker, sidecar_bin, tmp_path, children):
    from processes import Sidecar

    metrics_port = free_port()
    sc = Sidecar(sidecar_bin, broker, tmp_path / "state", tmp_path / "sidestreamd.log")
    sc.args += ["--metrics-listen", f"127.0.0.1:{metrics_port}"]
    children.append(sc)
    sc.start()

    channel = grpc.insecure_channel(sc.address)
    deadline = time.monotonic() + 10  # the first broker check runs right after start
    while True:
        health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
        if health.status == health_pb2.HealthCheckResponse.SERVING or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert health.status == health_pb2.HealthCheckResponse.SERVING

    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    answers = stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=5)
    services = {s.name for a in answers for s in a.list_services_response.service}
    assert "sidestream.v1.Sidestream" in services
    assert "grpc.health.v1.Health" in services

    # The same through grpcurl (built via the Go module proxy by scripts/grpcurl.sh).
    grpcurl = str(Path(__file__).resolve().parents[2] / "scripts" / "grpcurl.sh")
    listed = subprocess.run([grpcurl, "-plaintext", sc.address, "list"], capture_output=True, text=True, timeout=300)
    assert listed.returncode == 0, listed.stderr
    assert "sidestream.v1.Sidestream" in listed.stdout.split()
    checked = subprocess.run([grpcurl, "-plaintext", sc.address, "grpc.health.v1.Health/Check"],
                             capture_output=True, text=True, timeout=60)  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["status"] == "SERVING"
    described = subprocess.run([grpcurl, "-plaintext", sc.address, "describe", "sidestream.v1.Sidestream"],
                               capture_output=True, text=True, timeout=60)  # fmt: skip
    assert "rpc Connect" in described.stdout, described.stdout + described.stderr

    name = unique_name("ops")
    source, out, group = f"{name}-in", f"{name}-out", f"{name}-group"
    create_topics(broker, [source, out], partitions=2)
    n = 500
    produce_json(broker, source, [(f"k{i % 5}", {"i": i}) for i in range(n)])

    app = Application(broker_address=broker, consumer_group=group, auto_offset_reset="earliest",
                      sidecar_address=sc.address)
    seen = 0
    lock = threading.Lock()

    def count(value):
        nonlocal seen
        with lock:
            seen += 1
            if seen >= n:
                app.stop()

    sdf = app.dataframe(app.topic(source))
    sdf = sdf.update(count)
    sdf = sdf.filter(lambda v: v["i"] % 4 != 0)
    sdf = sdf.to_topic(app.topic(out))
    runner = threading.Thread(target=app.run, args=(sdf,), daemon=True)
    runner.start()
    runner.join(timeout=60)
    assert not runner.is_alive(), sc.describe()

    text = scrape(metrics_port)
    assert sample(text, "sidestream_messages_consumed_total", group) == n
    assert sample(text, "sidestream_messages_produced_total", group) == n - n // 4
    assert sample(text, "sidestream_messages_filtered_total", group) == n // 4
    assert sample(text, "sidestream_callback_invocations_total", group) >= 1
    assert sample(text, "sidestream_checkpoint_commits_total", group) >= 1
    assert re.search(rf'^sidestream_callback_latency_ms_count{{pipeline="{group}"[^}}]*}} [1-9]', text, re.M)
    assert re.search(r"^sidestream_client_sessions \d+$", text, re.M)
    with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/healthz", timeout=5) as resp:
        assert resp.read() == b"ok\n"
    channel.close()
    assert sc.stop() == 0  # graceful SIGTERM exit


def test_health_is_not_serving_without_a_broker(sidecar_bin, tmp_path, children):
    """A sidecar whose default broker does not answer cannot accept pipelines."""
    from processes import Sidecar

    sc = Sidecar(sidecar_bin, "127.0.0.1:1", tmp_path / "state", tmp_path / "sidestreamd.log")
    children.append(sc)
    sc.start()
    channel = grpc.insecure_channel(sc.address)
    health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""), timeout=10)
    assert health.status == health_pb2.HealthCheckResponse.NOT_SERVING
    deadline = time.monotonic() + 15
    while "health.broker_unreachable" not in sc.log():
        assert time.monotonic() < deadline, sc.describe()
        time.sleep(0.2)
    health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""), timeout=10)
    assert health.status == health_pb2.HealthCheckResponse.NOT_SERVING
    channel.close()

"""Acceptance (issue #6): a client that stops answering does not make the
sidecar buffer without limit.

The application's function stalls for 30 s on its first record while a
backlog of 120 MB waits in the input topic. The sidecar pauses fetching
after 1 s without an answer (log `pipeline.paused`, metric
`sidestream_fetch_pauses_total`), and its prefetch queue is bounded
(queued.max.messages.kbytes = 8 MiB per partition by default; librdkafka's
64 MiB default let it grow by ~90 MB here), so its resident memory stays
bounded; when the client answers again, fetching resumes and every message
is processed exactly as without the stall.
"""

from __future__ import annotations

import re
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from app_runner import Runner
from kafka_helpers import create_topics, end_offsets, produce, read_all, unique_name, wait_committed
from processes import free_port

from sidestream import Application

pytestmark = pytest.mark.timeout(300)

P = 2
N = 60_000
VALUE_BYTES = 2_000  # N * VALUE_BYTES = 120 MB of backlog
STALL_S = 30.0
# Growth of sidestreamd's RSS allowed during the stall (measured: ~36 MB with
# the sidecar's prefetch bound, ~90 MB with librdkafka's defaults).
RSS_GROWTH_BOUND_MB = 60


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for pid {pid}")


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
        return resp.read().decode()


def pauses(port: int, group: str) -> float:
    text = scrape(port)
    m = re.search(rf'^sidestream_fetch_pauses_total{{pipeline="{re.escape(group)}"[^}}]*}} (\S+)$', text, re.M)
    assert m, f"sidestream_fetch_pauses_total for {group} not in metrics"
    return float(m.group(1))


def test_stalled_client_pauses_fetching_and_memory_stays_bounded(broker, start_sidecar):
    metrics_port = free_port()
    sidecar = start_sidecar()
    # Restart with the metrics endpoint (the fixture starts with default args).
    sidecar.stop()
    sidecar.args += ["--metrics-listen", f"127.0.0.1:{metrics_port}"]
    sidecar.start()
    assert sidecar.proc is not None
    pid = sidecar.proc.pid

    source, out_name = unique_name("bp-in"), unique_name("bp-out")
    create_topics(broker, [source, out_name], partitions=P)
    pad = "x" * VALUE_BYTES
    produce(broker, source, ((f"k{i % 13}".encode(), b'{"n":%d,"pad":"%s"}' % (i, pad.encode())) for i in range(N)))
    assert sum(end_offsets(broker, source, P).values()) == N

    group = unique_name("bp")
    app = Application(
        broker_address=broker,
        consumer_group=group,
        auto_offset_reset="earliest",
        sidecar_address=sidecar.address,
        commit_interval=1.0,
        loglevel=None,
    )
    stalled = threading.Event()
    release = threading.Event()

    def work(value):
        if not stalled.is_set():
            stalled.set()
            release.wait(STALL_S)
        return {"n": value["n"]}

    sdf = app.dataframe(app.topic(source))
    sdf = sdf.apply(work)
    sdf.to_topic(app.topic(out_name))

    baseline = rss_mb(pid)
    runner = Runner(app, sdf)
    assert stalled.wait(60), "the function was never called"
    start = time.monotonic()
    peak = baseline
    timeline = []
    while time.monotonic() - start < STALL_S:
        timeline.append(round(rss_mb(pid)))
        peak = max(peak, timeline[-1])
        time.sleep(0.25)
    during = pauses(metrics_port, group)
    release.set()

    wait_committed(broker, group, source, P, timeout=180)
    app.stop()
    assert runner.join(60) is None

    assert during >= 1, "fetching was not paused while the client stalled"
    assert "pipeline.paused" in sidecar.log() and "pipeline.resumed" in sidecar.log()
    assert peak - baseline <= RSS_GROWTH_BOUND_MB, (
        f"sidestreamd RSS grew from {baseline:.0f} MB to {peak:.0f} MB while the client stalled: {timeline}"
    )
    out = read_all(broker, out_name, P, timeout=120)
    assert sorted(int(v.split(b":")[1].rstrip(b"}")) for _, _, _, v in out) == list(range(N))

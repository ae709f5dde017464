"""Stateful processing through the sidecar against the real broker: a per-key
running sum over 100,000 messages survives a SIGKILL of sidestreamd mid-run
with exact state (no update applied twice, none lost), and every input still
produces its output at least once."""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict

import pytest

from running_sum import check_exact_sums
from kafka_helpers import create_topics, end_offsets, produce, unique_name, wait_committed

pytestmark = pytest.mark.timeout(300)

P = 4
KEYS = 100
N = 100_000



@pytest.mark.parametrize("crash", ["sigkill", "after_state_flush"])
def test_running_sum_is_exact_after_sidecar_crash(broker, sidecar, start_app, crash):
    """sigkill: killed at a random point. after_state_flush: the sidecar dies right
    after writing state and before committing offsets, so the records of that
    checkpoint are replayed and must not apply their state updates again."""
    name = unique_name("state")
    source, out, group = f"{name}-in", f"{name}-out", f"{name}-group"
    create_topics(broker, [source, out], partitions=P)
    expected = defaultdict(int)
    messages = []
    for seq in range(N):
        key = f"k{seq % KEYS}"
        n = seq % 7 + 1
        expected[key] += n
        messages.append((key.encode(), json.dumps({"seq": seq, "n": n}).encode()))
    produce(broker, source, messages)

    args = ["--broker", broker, "--group", group, "--input", source, "--output", out, "--sleep-ms", "0.02"]
    if crash == "after_state_flush":
        sidecar.stop()
        sidecar.env = {**os.environ, "SIDESTREAM_TEST_CRASH_AFTER_STATE_FLUSH": "4"}
        sidecar.start()
    app = start_app("stateful_sum_app.py", args, sidecar)

    deadline = time.monotonic() + 120
    if crash == "sigkill":
        while sum(end_offsets(broker, out, P).values()) < N // 4:
            assert app.running, app.describe()
            assert time.monotonic() < deadline, "no progress before the kill"
            time.sleep(0.05)
        sidecar.kill()  # crash: nothing flushed or committed after this point
    else:
        assert sidecar.wait(timeout=120) == 137, sidecar.describe()
        assert "test.crash_after_state_flush" in sidecar.log()
        sidecar.env = None
    time.sleep(0.5)
    sidecar.start()  # same port, same state dir; the client reconnects

    wait_committed(broker, group, source, P, timeout=200, check=lambda: None)
    assert app.running, app.describe()

    check_exact_sums(broker, source, out, P, KEYS, N, expected, app, timeout=90)
    assert "reconnecting" in app.log()


def test_clear_state_deletes_the_groups_stores(broker, sidecar):
    """Application.clear_state(): refused while the group runs, then the group's stores are gone."""
    from app_runner import Runner

    from sidestream import Application
    from sidestream.exceptions import SidestreamError

    name = unique_name("clear")
    source, out, group = f"{name}-in", f"{name}-out", f"{name}-group"
    create_topics(broker, [source, out], partitions=2)
    produce(broker, source, [(b"k", json.dumps({"seq": i, "n": 1}).encode()) for i in range(20)])

    def run_once() -> list[int]:
        app = Application(broker_address=broker, consumer_group=group, auto_offset_reset="earliest",
                          sidecar_address=sidecar.address, loglevel=None)  # fmt: skip
        sums: list[int] = []
        refused: list[str] = []

        def add(value: dict, state) -> dict:
            if not sums:  # while the group runs here, clear_state() is refused
                try:
                    Application(consumer_group=group, sidecar_address=sidecar.address, loglevel=None).clear_state()
                except SidestreamError as e:
                    refused.append(str(e))
            total = state.get("sum", 0) + value["n"]
            state.set("sum", total)
            sums.append(total)
            if len(sums) == 20:
                app.stop()
            return {"sum": total}

        sdf = app.dataframe(app.topic(source)).apply(add, stateful=True).to_topic(app.topic(out))
        runner = Runner(app, sdf)
        assert runner.join(60) is None, repr(runner.error)
        assert refused and "running a pipeline" in refused[0], refused
        return sums

    assert run_once()[-1] == 20
    group_dirs = [p for p in sidecar.state_dir.rglob("*") if p.name == group]
    assert group_dirs, f"no state directory for {group} under {sidecar.state_dir}"
    app = Application(consumer_group=group, sidecar_address=sidecar.address, loglevel=None)
    app.clear_state()
    assert not any(p.exists() for p in group_dirs)

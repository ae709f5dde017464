"""Rebalancing with state: two `sidestreamd` instances, each with its own client, in one
consumer group over a 4-partition topic, sharing ONE --state-dir. When one sidecar stops
gracefully (SIGTERM: it checkpoints — state flushed with the offsets — and leaves the group),
the other is assigned its partitions, opens their stores from the shared directory and carries
on with exact per-key running sums.

(State does not move between machines yet: that needs changelog topics. A sidecar with a
different state directory would start those partitions from empty stores — see docs/state.md.)"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict

import pytest

from running_sum import check_exact_sums
from kafka_helpers import create_topics, end_offsets, produce, unique_name, wait_committed

pytestmark = pytest.mark.timeout(120)

P = 4
KEYS = 40
N = 8_000



def owned_partitions(log: str, topic: str) -> set[int]:
    """The partitions of `topic` a sidecar owns now, replaying its partitions.assigned /
    partitions.revoked events (a rebalance logs the revoke before the new assignment)."""
    owned: set[int] = set()
    for line in log.splitlines():
        parts = {int(p) for p in re.findall(re.escape(topic) + r"\[(\d+)\]", line)}
        if "event=partitions.assigned" in line:
            owned |= parts
        elif "event=partitions.revoked" in line or "event=partitions.lost" in line:
            owned -= parts
    return owned


def test_stores_follow_partitions_to_the_remaining_sidecar(broker, start_sidecar, start_app, tmp_path):
    name = unique_name("rebalance")
    source, out, group = f"{name}-in", f"{name}-out", f"{name}-group"
    create_topics(broker, [source, out], partitions=P)
    expected = defaultdict(int)
    messages = []
    for seq in range(N):
        key = f"k{seq % KEYS}"
        n = seq % 7 + 1
        expected[key] += n
        messages.append((key.encode(), json.dumps({"seq": seq, "n": n}).encode()))

    shared = tmp_path / "shared-state"
    a = start_sidecar()
    b = start_sidecar()
    for sc in (a, b):  # both on one state directory
        i = sc.args.index("--state-dir")
        sc.args[i + 1] = str(shared)
        sc.stop()
        sc.start()

    args = ["--broker", broker, "--group", group, "--input", source, "--output", out, "--sleep-ms", "1"]
    app_a = start_app("stateful_sum_app.py", args, a)
    app_b = start_app("stateful_sum_app.py", args, b)

    # Both members own partitions before any input arrives.
    deadline = time.monotonic() + 40
    while True:
        owned_a, owned_b = owned_partitions(a.log(), source), owned_partitions(b.log(), source)
        if owned_a and owned_b and not owned_a & owned_b and owned_a | owned_b == set(range(P)):
            break
        assert app_a.running and app_b.running, app_a.describe() + app_b.describe()
        assert time.monotonic() < deadline, f"group did not split the partitions: a={owned_a} b={owned_b}"
        time.sleep(0.2)

    # First half; both sidecars write state into their own partitions' stores.
    half = N // 2
    produce(broker, source, messages[:half])
    deadline = time.monotonic() + 40
    while sum(end_offsets(broker, out, P).values()) < half * 3 // 4:
        assert time.monotonic() < deadline, "no progress before stopping sidecar a"
        time.sleep(0.1)

    # Sidecar a goes away gracefully; b must take over a's partitions and their stores.
    assert a.stop() == 0, a.describe()
    app_a.send(15)
    app_a.wait(timeout=40)
    produce(broker, source, messages[half:])

    deadline = time.monotonic() + 40
    while (owned_b := owned_partitions(b.log(), source)) != set(range(P)):
        assert app_b.running, app_b.describe()
        assert time.monotonic() < deadline, f"b was not assigned every partition: {owned_b}"
        time.sleep(0.2)
    wait_committed(broker, group, source, P, timeout=60, check=lambda: None)

    check_exact_sums(broker, source, out, P, KEYS, N, expected, app_b, timeout=40)
    # Stores of a's partitions were opened by b from the shared directory: one database per partition.
    dbs = sorted(p.parent.name for p in shared.rglob("CURRENT"))
    assert dbs == [str(i) for i in range(P)], dbs
    assert "partitions.revoked" in b.log()

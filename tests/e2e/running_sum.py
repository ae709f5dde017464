"""Shared checks of the stateful running-sum workload (apps/stateful_sum_app.py)."""

from __future__ import annotations

import json
import time
from typing import Any

from kafka_helpers import produce, read_all


def outputs(broker: str, topic: str, partitions: int) -> list[dict[str, Any]]:
    """Every output of the app, decoded."""
    return [json.loads(v) for _, _, _, v in read_all(broker, topic, partitions)]


def check_exact_sums(broker, source, out, partitions, keys, n, expected, app, timeout) -> None:
    """Reads the state back through the running app — one probe per key adds 0 and
    reports the sum — stops the app, and checks every sum is exact and every input
    of seq 0..n-1 has an output."""
    produce(broker, source, [(f"k{i}".encode(), json.dumps({"seq": -1, "n": 0, "probe": True}).encode())
                             for i in range(keys)])  # fmt: skip
    deadline = time.monotonic() + timeout
    probes: dict[str, int] = {}
    while len(probes) < keys:
        assert time.monotonic() < deadline, f"only {len(probes)} probes answered\n{app.describe()}"
        time.sleep(0.3)
        probes = {o["key"]: o["sum"] for o in outputs(broker, out, partitions) if o["probe"]}
    app.send(15)
    assert app.wait(timeout=40) == 0, app.describe()

    wrong = {k: (probes[k], expected[k]) for k in expected if probes[k] != expected[k]}
    assert not wrong, f"state differs from the exact sums for {len(wrong)} keys, e.g. {list(wrong.items())[:5]}"
    seen = {o["seq"] for o in outputs(broker, out, partitions) if not o["probe"]}
    assert seen == set(range(n)), f"{n - len(seen)} inputs have no output"

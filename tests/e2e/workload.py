"""The keyed JSON workload of the pipeline tests and what the pipeline must make of it."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

N_MESSAGES = 10_000
N_USERS = 17
PARTITIONS = 3


def inputs(n: int = N_MESSAGES) -> list[tuple[str, dict[str, Any]]]:
    """(key, value) pairs keyed `user-<n % 17>`, with a per-key sequence number."""
    seqs: dict[str, int] = defaultdict(int)
    out = []
    for i in range(n):
        user = f"user-{i % N_USERS}"
        out.append((user, {"user": user, "seq": seqs[user], "n": i}))
        seqs[user] += 1
    return out


def canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def expected(items: list[tuple[str, dict[str, Any]]]) -> set[tuple[str, str]]:
    """(key, canonical value) of every output of tests/e2e/apps/pipeline_app.py."""
    return {(v["user"], canon({**v, "processed": True, "double": v["seq"] * 2})) for _, v in items if v["n"] % 7 != 3}


def outputs(messages) -> list[tuple[str, str]]:
    """(key, canonical value) of messages read from the output topic."""
    return [(k.decode(), canon(json.loads(v))) for _, _, k, v in messages]


def check_per_key_order(messages, strict: bool) -> None:
    """Each key lives in one output partition; its seq numbers increase there
    (strictly without replays; with replays, each seq reappears only after a restart point)."""
    partitions: dict[str, set[int]] = defaultdict(set)
    seqs: dict[str, list[int]] = defaultdict(list)
    for p, _, k, v in messages:
        key = k.decode()
        partitions[key].add(p)
        seqs[key].append(json.loads(v)["seq"])
    for key, parts in partitions.items():
        assert len(parts) == 1, f"key {key} was produced to partitions {parts}"
    for key, s in seqs.items():
        if strict:
            assert s == sorted(s) and len(set(s)) == len(s), f"key {key}: seqs out of order {s[:20]}"
        else:
            # At-least-once replays restart from a committed point: every drop in the sequence goes back
            # to a seq already seen, and the sequence of first occurrences is increasing.
            firsts = list(dict.fromkeys(s))
            assert firsts == sorted(firsts), f"key {key}: first occurrences out of order"


def duplicates(out: list[tuple[str, str]]) -> int:
    return sum(c - 1 for c in Counter(out).values())

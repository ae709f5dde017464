"""Acceptance: column expressions run natively in the sidecar over a real broker.

A pipeline of native steps only never calls the application per message (its
run's `invocations` counter stays 0); `series.apply` inside an expression is
batched like any client function; a native KeyError stops the run with the
Python exception, or goes to `on_processing_error`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pytest

from kafka_helpers import committed_offsets, create_topics, produce, read_all, unique_name, wait_committed
from app_runner import Runner
from sidestream import Application
from sidestream.exceptions import NativeEvaluationError

pytestmark = pytest.mark.timeout(180)

P = 3
N = 3000


def make_app(sidecar, broker, **kwargs) -> Application:
    return Application(
        broker_address=broker,
        consumer_group=unique_name("native"),
        auto_offset_reset="earliest",
        sidecar_address=sidecar.address,
        commit_interval=0.2,
        loglevel=None,
        **kwargs,
    )


def dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def inputs(n: int = N) -> list[tuple[str, dict[str, Any]]]:
    """(key, value): x cycles through -5..5, y is an int or a float with a fraction."""
    return [(f"k{i % 7}", {"x": i % 11 - 5, "y": i if i % 2 else i + 0.25, "n": i}) for i in range(n)]


def setup_topics(broker, items, partitions=P) -> tuple[str, str]:
    source, out = unique_name("in"), unique_name("out")
    create_topics(broker, [source, out], partitions=partitions)
    produce(broker, source, [(k.encode(), dumps(v)) for k, v in items])
    return source, out


def run_to_end(app: Application, sdf: Any, broker: str, source: str, partitions: int = P) -> None:
    """Runs until every input message is committed, then stops gracefully."""
    runner = Runner(app, sdf)
    wait_committed(broker, app.consumer_group, source, partitions, timeout=90)
    app.stop()
    assert runner.join(30) is None


def by_key(messages) -> dict[bytes, list[bytes]]:
    """Output values per key, in order (a key lives in one partition)."""
    out: dict[bytes, list[bytes]] = defaultdict(list)
    for _, _, key, value in messages:
        out[key].append(value)
    return dict(out)


def test_native_pipeline_never_calls_the_client(broker, sidecar):
    items = inputs()
    source, out_name = setup_topics(broker, items)
    app = make_app(sidecar, broker)

    sdf = app.dataframe(app.topic(source))
    sdf = sdf[sdf["x"] > 0]
    sdf["z"] = sdf["x"] + sdf["y"]
    sdf = sdf[["x", "z"]]
    sdf.to_topic(app.topic(out_name))
    run_to_end(app, sdf, broker, source)

    expected: dict[bytes, list[bytes]] = defaultdict(list)
    for key, v in items:
        if v["x"] > 0:
            expected[key.encode()].append(dumps({"x": v["x"], "z": v["x"] + v["y"]}))
    n_out = sum(len(vs) for vs in expected.values())
    assert by_key(read_all(broker, out_name, P)) == dict(expected)

    stats = app.last_run_stats
    assert stats is not None
    assert stats.invocations == 0, "a native-only pipeline called the application"
    assert (stats.consumed, stats.produced, stats.filtered, stats.skipped) == (N, n_out, N - n_out, 0)
    assert stats.native_evaluations >= N + n_out  # the filter on every message, the assignment on the kept ones


def test_series_apply_mixed_with_native_steps(broker, sidecar):
    items = inputs()
    source, out_name = setup_topics(broker, items)
    app = make_app(sidecar, broker)
    called_with: list[Any] = []

    def bump(v):
        called_with.append(v)
        return v + 1

    sdf = app.dataframe(app.topic(source))
    sdf = sdf[sdf["n"] % 3 != 0]
    sdf["w"] = (sdf["x"] * 2).apply(bump) - sdf["y"]
    sdf["tag"] = sdf["n"].apply(str).apply(len) + 100
    sdf = sdf[["n", "w", "tag"]]
    sdf.to_topic(app.topic(out_name))
    run_to_end(app, sdf, broker, source)

    expected: dict[bytes, list[bytes]] = defaultdict(list)
    kept = 0
    for key, v in items:
        if v["n"] % 3 != 0:
            kept += 1
            expected[key.encode()].append(
                dumps({"n": v["n"], "w": v["x"] * 2 + 1 - v["y"], "tag": len(str(v["n"])) + 100})
            )
    assert by_key(read_all(broker, out_name, P)) == dict(expected)
    assert sorted(called_with) == sorted(v["x"] * 2 for _, v in items if v["n"] % 3 != 0)

    stats = app.last_run_stats
    assert stats is not None and stats.invocations > 0
    assert (stats.consumed, stats.produced, stats.filtered) == (N, kept, N - kept)


def key_error_inputs() -> list[tuple[bytes, bytes]]:
    values = [{"x": i, "y": 1} if i != 50 else {"x": i} for i in range(100)]
    return [(b"k", dumps(v)) for v in values]


def native_sum(app: Application, source: str, out_name: str):
    sdf = app.dataframe(app.topic(source))
    sdf["z"] = sdf["x"] + sdf["y"]
    return sdf.to_topic(app.topic(out_name))


def test_native_key_error_stops_the_run(broker, sidecar):
    source, out_name = unique_name("in"), unique_name("out")
    create_topics(broker, [source, out_name])
    produce(broker, source, key_error_inputs())
    app = make_app(sidecar, broker)

    error = Runner(app, native_sum(app, source, out_name)).join(60)
    assert isinstance(error, KeyError) and isinstance(error, NativeEvaluationError), repr(error)
    assert error.step_id == "assign-1" and error.exception_type == "KeyError"
    assert "@50" in str(error) and "KeyError: 'y' in value['y']" in str(error)
    committed = committed_offsets(broker, app.consumer_group, source, 1)[0]
    assert committed <= 50, f"committed {committed} is past the failing message"
    assert 50 not in [json.loads(v)["x"] for _, _, _, v in read_all(broker, out_name, 1)]
    assert app.last_run_stats is not None and app.last_run_stats.invocations == 0


def test_native_key_error_goes_to_on_processing_error(broker, sidecar):
    source, out_name = unique_name("in"), unique_name("out")
    create_topics(broker, [source, out_name])
    produce(broker, source, key_error_inputs())
    seen = []

    def on_processing_error(exc, row, logger):
        seen.append((isinstance(exc, KeyError), row.offset, exc.step_id))
        return True

    app = make_app(sidecar, broker, on_processing_error=on_processing_error)
    run_to_end(app, native_sum(app, source, out_name), broker, source, partitions=1)

    assert seen == [(True, 50, "assign-1")]
    values = [json.loads(v) for _, _, _, v in read_all(broker, out_name, 1)]
    assert values == [{"x": i, "y": 1, "z": i + 1} for i in range(100) if i != 50]
    stats = app.last_run_stats
    assert stats is not None
    assert (stats.consumed, stats.produced, stats.skipped, stats.invocations) == (100, 99, 1, 0)

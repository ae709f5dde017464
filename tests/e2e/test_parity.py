"""Seed parity (Quix Streams 2.x `Application`): error callbacks, `on_message_processed`,
message context, and the options of `Application.__init__`, each shown by its effect
over a real broker and a real sidestreamd.

Error-callback cases already covered elsewhere (not repeated here):
test_errors.py — non-JSON without callback stops, `on_consumer_error` True skips,
function error without callback stops, `on_processing_error` True skips a function error;
test_native.py — native KeyError without callback stops, `on_processing_error` True skips it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

from kafka_helpers import (
    committed_offsets,
    create_topics,
    end_offsets,
    produce,
    read_all,
    unique_name,
    wait_committed,
)
from processes import App, Sidecar
from app_runner import Runner
from sidestream import Application, message_context, message_key
from sidestream.exceptions import PipelineError, PipelineValidationError
from sidestream.models.timestamps import TimestampType

pytestmark = pytest.mark.timeout(90)

NO_OFFSET = -1001


@pytest.fixture(scope="module")
def psidecar(sidecar_bin, broker, tmp_path_factory):
    """One sidestreamd for the module (every test uses its own topics and groups)."""
    d = tmp_path_factory.mktemp("parity")
    sc = Sidecar(sidecar_bin, broker, d / "state", d / "sidestreamd.log")
    sc.start()
    yield sc
    code = sc.stop()
    if code not in (0, None):
        print(sc.describe())


def make_app(sidecar, broker, **kwargs) -> Application:
    kwargs.setdefault("auto_offset_reset", "earliest")
    kwargs.setdefault("consumer_group", unique_name("grp"))
    return Application(broker_address=broker, sidecar_address=sidecar.address, commit_interval=0.2, **kwargs)


def jmsgs(values: list[Any]) -> list[tuple]:
    return [(b"k", json.dumps(v).encode()) for v in values]


def out_values(broker: str, topic: str, partitions: int = 1) -> list[Any]:
    return [json.loads(v) for _, _, _, v in read_all(broker, topic, partitions)]


def run_to_end(app: Application, sdf: Any, broker: str, topic: str, partitions: int = 1) -> None:
    runner = Runner(app, sdf)
    wait_committed(broker, app.consumer_group, topic, partitions, timeout=40, check=lambda: _alive(runner))
    runner.stop()


def _alive(runner: Runner) -> None:
    if not runner.thread.is_alive():
        raise AssertionError(f"app.run() ended early: {runner.error!r}")


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Kaput(Exception):
    pass


# -- 1. error callbacks ---------------------------------------------------------------------------


def test_on_consumer_error_false_stops_at_the_bad_message(broker, psidecar):
    topic, out = unique_name("in"), unique_name("out")
    create_topics(broker, [topic, out])
    produce(broker, topic, [*jmsgs([0, 1, 2, 3, 4]), (b"k", b"{not json"), *jmsgs([6, 7])])
    seen = []

    def on_consumer_error(exc, message, logger):
        seen.append(message.offset())
        return False

    app = make_app(psidecar, broker, on_consumer_error=on_consumer_error)
    sdf = app.dataframe(app.topic(topic)).apply(lambda v: v * 10).to_topic(app.topic(out))
    error = Runner(app, sdf).join(40)
    assert isinstance(error, PipelineError) and "@5" in str(error), repr(error)
    assert seen == [5]
    assert committed_offsets(broker, app.consumer_group, topic, 1)[0] <= 5
    assert not {60, 70} & set(out_values(broker, out))


def test_on_processing_error_false_raises_the_function_error(broker, psidecar):
    topic = unique_name("in")
    create_topics(broker, [topic])
    produce(broker, topic, jmsgs(list(range(20))))
    seen = []

    def on_processing_error(exc, row, logger):
        seen.append((type(exc), row.value, row.offset))
        return False

    def f(v):
        if v == 10:
            raise Kaput("ten")
        return v

    app = make_app(psidecar, broker, on_processing_error=on_processing_error)
    error = Runner(app, app.dataframe(app.topic(topic)).apply(f)).join(40)
    assert isinstance(error, Kaput), repr(error)
    assert seen == [(Kaput, 10, 10)]
    assert committed_offsets(broker, app.consumer_group, topic, 1)[0] <= 10


def test_native_error_on_processing_error_false_raises_key_error(broker, psidecar):
    topic, out = unique_name("in"), unique_name("out")
    create_topics(broker, [topic, out])
    produce(broker, topic, jmsgs([{"x": i} if i != 7 else {"y": i} for i in range(12)]))
    seen = []

    def on_processing_error(exc, row, logger):
        seen.append((isinstance(exc, KeyError), row.offset))
        return False

    app = make_app(psidecar, broker, on_processing_error=on_processing_error)
    sdf = app.dataframe(app.topic(topic))
    sdf["z"] = sdf["x"] * 2  # KeyError: 'x' on the record without it
    sdf = sdf.to_topic(app.topic(out))
    error = Runner(app, sdf).join(40)
    assert isinstance(error, KeyError), repr(error)
    assert seen == [(True, 7)]
    assert committed_offsets(broker, app.consumer_group, topic, 1)[0] <= 7
    assert all(v["x"] < 7 for v in out_values(broker, out))


def _producer_error_pipeline(app: Application, topic: str, out: str, which: str):
    """Record 5 cannot be serialized by the output topic: a dict for an integer value
    serializer, or an int key for a string key serializer."""
    sdf = app.dataframe(app.topic(topic))
    if which == "value":
        sdf = sdf.apply(lambda v: {"bad": v} if v == 5 else v)
        return sdf.to_topic(app.topic(out, value_serializer="integer"))
    return sdf.to_topic(app.topic(out, key_serializer="string"), key=lambda v: v if v == 5 else f"k{v}")


def _decode_out(which: str, raw: bytes) -> int:
    return int.from_bytes(raw, "big", signed=True) if which == "value" else json.loads(raw)


@pytest.mark.parametrize("which", ["value", "key"])
@pytest.mark.parametrize("ignore", [True, False])
def test_on_producer_error_serializer_failure(broker, psidecar, which, ignore):
    topic, out = unique_name("in"), unique_name("out")
    create_topics(broker, [topic, out])
    produce(broker, topic, jmsgs(list(range(10))))
    seen = []

    def on_producer_error(exc, row, logger):
        seen.append((row.offset if row is not None else None, str(exc)))
        return ignore

    app = make_app(psidecar, broker, on_producer_error=on_producer_error)
    sdf = _producer_error_pipeline(app, topic, out, which)
    if ignore:
        run_to_end(app, sdf, broker, topic)
        assert [o for o, _ in seen] == [5]
        assert [_decode_out(which, v) for _, _, _, v in read_all(broker, out, 1)] == [v for v in range(10) if v != 5]
        assert committed_offsets(broker, app.consumer_group, topic, 1)[0] == 10
    else:
        error = Runner(app, sdf).join(40)
        assert isinstance(error, PipelineError) and "to_topic" in str(error), repr(error)
        assert [o for o, _ in seen] == [5]
        assert committed_offsets(broker, app.consumer_group, topic, 1)[0] <= 5
        assert all(_decode_out(which, v) < 5 for _, _, _, v in read_all(broker, out, 1))
    assert which in seen[0][1]  # "key: ..." / "value: ..." names what could not be serialized


# -- 2. on_message_processed ------------------------------------------------------------------------


def test_on_message_processed_once_per_finished_message(broker, psidecar):
    topic, out = unique_name("in"), unique_name("out")
    create_topics(broker, [topic, out])
    n = 30
    produce(broker, topic, jmsgs(list(range(n))))
    processed: list[tuple[str, int, int]] = []
    produced_when_processed: list[int] = []

    def f(v):
        if v == 6:
            raise Kaput("six")
        return v

    app = make_app(
        psidecar,
        broker,
        on_processing_error=lambda exc, row, logger: True,
        on_message_processed=lambda t, p, o: processed.append((t, p, o)),
    )
    # filter/apply run before the native to_topic (filtered and skipped records end there).
    sdf = app.dataframe(app.topic(topic)).filter(lambda v: v % 4 != 1).apply(f).to_topic(app.topic(out))
    sdf = sdf.update(lambda v: produced_when_processed.append(v))
    run_to_end(app, sdf, broker, topic)
    # Every message exactly once, in offset order (reported by the sidecar after each batch).
    assert processed == [(topic, 0, o) for o in range(n)]
    expected = [v for v in range(n) if v % 4 != 1 and v != 6]
    assert out_values(broker, out) == expected
    assert produced_when_processed == expected


def test_on_message_processed_after_native_steps(broker, psidecar):
    """The last steps are native (a column filter, an assignment, to_topic): the sidecar
    still reports every message, natively filtered ones included."""
    topic, out = unique_name("in"), unique_name("out")
    create_topics(broker, [topic, out])
    n = 40
    produce(broker, topic, [(b"k", json.dumps({"x": i}).encode()) for i in range(n)])
    processed: list[tuple[str, int, int]] = []
    app = make_app(psidecar, broker, on_message_processed=lambda t, p, o: processed.append((t, p, o)))
    sdf = app.dataframe(app.topic(topic))
    sdf = sdf[sdf["x"] % 3 != 0]
    sdf["y"] = sdf["x"] * 10
    sdf.to_topic(app.topic(out))
    run_to_end(app, sdf, broker, topic)
    assert processed == [(topic, 0, o) for o in range(n)]
    assert out_values(broker, out) == [{"x": i, "y": i * 10} for i in range(n) if i % 3 != 0]
    assert app.last_run_stats is not None and app.last_run_stats.invocations == 0


def test_on_message_processed_raising_stops_without_committing_the_batch(broker, psidecar):
    topic, out = unique_name("in"), unique_name("out")
    create_topics(broker, [topic, out])
    produce(broker, topic, jmsgs(list(range(10))))

    def on_processed(t, p, o):
        if o == 7:
            raise Kaput("seven")

    app = make_app(psidecar, broker, on_message_processed=on_processed)
    sdf = app.dataframe(app.topic(topic))
    sdf.to_topic(app.topic(out))
    with pytest.raises(Kaput, match="seven"):
        app.run(sdf)
    committed = committed_offsets(broker, app.consumer_group, topic, 1)[0]
    assert committed == NO_OFFSET or committed <= 7, committed  # the batch of offset 7 is not committed


# -- 3. message context --------------------------------------------------------------------------------


@pytest.mark.parametrize("log_append_time", [False, True])
def test_message_context_inside_functions(broker, psidecar, log_append_time):
    topic = unique_name("ctx")
    admin = AdminClient({"bootstrap.servers": broker})
    config = {"message.timestamp.type": "LogAppendTime"} if log_append_time else {}
    admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1, config=config)])[topic].result(30)
    wait_for(lambda: admin.list_topics(topic, timeout=5).topics[topic].error is None, 30, "the topic")
    ts = 1_600_000_000_123
    p = Producer({"bootstrap.servers": broker})
    values = [json.dumps({"n": 0}).encode(), json.dumps({"n": 1, "pad": "x" * 50}).encode()]
    t_before = int(time.time() * 1000)
    p.produce(topic, key=b"key-0", value=values[0], timestamp=ts, headers=[("h1", b"v1"), ("h2", None)])
    p.produce(topic, key=b"key-1", value=values[1], timestamp=ts + 1)
    assert p.flush(30) == 0

    seen = []

    def probe(v):
        ctx = message_context()
        seen.append((ctx, message_key()))
        return v

    app = make_app(psidecar, broker)
    run_to_end(app, app.dataframe(app.topic(topic)).apply(probe), broker, topic)
    assert len(seen) == 2
    for i, (ctx, key) in enumerate(seen):
        assert key == ctx.key == f"key-{i}".encode()  # default key deserializer: bytes
        assert (ctx.topic, ctx.partition, ctx.offset, ctx.size) == (topic, 0, i, len(values[i]))
        if log_append_time:
            assert ctx.timestamp.type == TimestampType.TIMESTAMP_LOG_APPEND_TIME
            assert t_before - 5000 <= ctx.timestamp.milliseconds <= int(time.time() * 1000) + 5000
        else:
            assert ctx.timestamp.type == TimestampType.TIMESTAMP_CREATE_TIME
            assert ctx.timestamp.milliseconds == ts + i
    assert seen[0][0].headers == [("h1", b"v1"), ("h2", None)]
    assert seen[1][0].headers is None


# -- 4. Application options ----------------------------------------------------------------------------


def test_auto_offset_reset_earliest_vs_latest(broker, psidecar):
    topic = unique_name("in")
    create_topics(broker, [topic])
    produce(broker, topic, jmsgs([{"old": i} for i in range(3)]))
    seen: dict[str, list] = {"earliest": [], "latest": []}
    runners = {}
    for reset in seen:
        app = make_app(psidecar, broker, auto_offset_reset=reset)
        runners[reset] = Runner(app, app.dataframe(app.topic(topic)).update(seen[reset].append))
    # "latest" starts at the end once assigned; probe until it has seen something.
    deadline = time.monotonic() + 40
    probe = 0
    while not seen["latest"]:
        assert time.monotonic() < deadline, "the latest app never saw a probe"
        produce(broker, topic, jmsgs([{"probe": probe}]))
        probe += 1
        time.sleep(0.5)
    wait_for(lambda: len(seen["earliest"]) == 3 + probe, 20, "earliest to see everything")
    for r in runners.values():
        r.stop()
    assert seen["earliest"][:3] == [{"old": 0}, {"old": 1}, {"old": 2}]
    assert seen["latest"] and all("probe" in v for v in seen["latest"])


def test_auto_offset_reset_error_without_committed_offset(broker, psidecar):
    topic = unique_name("in")
    create_topics(broker, [topic])
    produce(broker, topic, jmsgs([1, 2, 3]))
    called = []
    app = make_app(psidecar, broker, auto_offset_reset="error")
    error = Runner(app, app.dataframe(app.topic(topic)).update(called.append)).join(40)
    assert isinstance(error, PipelineError), repr(error)
    assert "offset" in str(error).lower()
    assert called == []
    assert committed_offsets(broker, app.consumer_group, topic, 1)[0] == NO_OFFSET


def test_auto_commit_disabled_commits_nothing(broker, psidecar):
    topic, out = unique_name("in"), unique_name("out")
    create_topics(broker, [topic, out])
    produce(broker, topic, jmsgs(list(range(10))))
    app = make_app(psidecar, broker, auto_commit_enable=False)
    runner = Runner(app, app.dataframe(app.topic(topic)).to_topic(app.topic(out)))
    wait_for(lambda: end_offsets(broker, out, 1)[0] == 10, 40, "all outputs")
    time.sleep(1.0)  # several commit intervals (0.2 s) pass
    runner.stop()
    assert committed_offsets(broker, app.consumer_group, topic, 1)[0] == NO_OFFSET
    assert app.last_run_stats is not None and app.last_run_stats.commits == 0


@pytest.mark.parametrize(
    "strategy,expected",
    [
        ("range", [{0, 1}, {2, 3}]),
        ("roundrobin", [{0, 2}, {1, 3}]),
        ("cooperative-sticky", None),
    ],
)
def test_assignment_strategy(broker, psidecar, strategy, expected):
    topic = unique_name("in")
    create_topics(broker, [topic], partitions=4)
    group = unique_name("grp")
    seen: list[list[tuple[int, int]]] = [[], []]  # per member: (round, partition)

    def recorder(member: int):
        return lambda v: seen[member].append((v["round"], message_context().partition))

    runners = []
    for member in range(2):
        app = make_app(psidecar, broker, consumer_group=group, assignment_strategy=strategy)
        runners.append(Runner(app, app.dataframe(app.topic(topic)).update(recorder(member))))
    p = Producer({"bootstrap.servers": broker, "linger.ms": 0})
    deadline = time.monotonic() + 40
    rnd = 0
    split: list[set[int]] | None = None
    while split is None:
        assert time.monotonic() < deadline, f"no stable 2-member assignment: {seen}"
        for part in range(4):
            p.produce(topic, value=json.dumps({"round": rnd}).encode(), partition=part)
        p.flush(10)
        time.sleep(0.7)
        parts = [{pt for r, pt in s if r == rnd} for s in seen]
        if all(len(x) == 2 for x in parts) and parts[0] | parts[1] == {0, 1, 2, 3}:
            split = parts
        rnd += 1
    for r in runners:
        r.stop()
    if expected is not None:
        assert sorted(split, key=min) == expected
    # Every message of every round was processed by some member.
    for r in range(rnd):
        assert {pt for s in seen for rr, pt in s if rr == r} == {0, 1, 2, 3}


def test_partitioner_matches_librdkafka(broker, psidecar):
    keys = [f"key-{i}".encode() for i in range(40)]
    src = unique_name("in")
    outs = {name: unique_name(f"out-{name}") for name in ("murmur2", "fnv1a")}
    refs = {name: unique_name(f"ref-{name}") for name in outs}
    create_topics(broker, [src])
    create_topics(broker, [*outs.values(), *refs.values()], partitions=4)
    produce(broker, src, [(k, b"1") for k in keys])
    expected = {}
    for name, ref in refs.items():
        p = Producer({"bootstrap.servers": broker, "partitioner": name})
        for k in keys:
            p.produce(ref, key=k, value=b"1")
        assert p.flush(30) == 0
        expected[name] = {k: part for part, _, k, _ in read_all(broker, ref, 4)}
    assert expected["murmur2"] != expected["fnv1a"]  # the setting matters for these keys
    runners = []
    for name, out in outs.items():
        app = make_app(psidecar, broker, partitioner=name)
        runners.append((app, Runner(app, app.dataframe(app.topic(src)).to_topic(app.topic(out)))))
    for app, runner in runners:
        wait_committed(broker, app.consumer_group, src, 1, timeout=40, check=lambda r=runner: _alive(r))
        runner.stop()
    for name, out in outs.items():
        got = {k: part for part, _, k, _ in read_all(broker, out, 4)}
        assert got == expected[name], name


def _stateful_sum(app: Application, topic: str):
    def add(value, state):
        total = state.get("total", 0) + value
        state.set("total", total)
        return total

    return app.dataframe(app.topic(topic)).apply(add, stateful=True)


@pytest.mark.parametrize(
    "kwargs,stateful,names",
    [
        ({"consumer_extra_config": {"no.such.setting": 1}}, False, ["consumer_extra_config", "no.such.setting"]),
        ({"producer_extra_config": {"no.such.setting": 1}}, False, ["producer_extra_config", "no.such.setting"]),
        ({"consumer_extra_config": {"enable.auto.offset.store": True}}, False, ["enable.auto.offset.store"]),
        ({"consumer_extra_config": {"enable.auto.commit": True}}, False, ["enable.auto.commit"]),
        ({"consumer_poll_timeout": -1}, False, ["consumer_poll_timeout"]),
        ({"state_dir": "../escape"}, True, ["state_dir", "'..'"]),
        ({"state_dir": "/abs/state"}, True, ["state_dir", "relative"]),
        ({"rocksdb_options": {"no_such_rocksdb_option": 1}}, True, ["no_such_rocksdb_option"]),
    ],
    ids=[
        "consumer-unknown",
        "producer-unknown",
        "reserved-offset-store",
        "reserved-auto-commit",
        "negative-poll-timeout",
        "state-dir-dotdot",
        "state-dir-absolute",
        "rocksdb-unknown",
    ],
)
def test_bad_options_fail_run_before_consuming(broker, psidecar, kwargs, stateful, names):
    topic = unique_name("in")
    create_topics(broker, [topic])
    produce(broker, topic, jmsgs([1, 2]))
    called = []
    app = make_app(psidecar, broker, **kwargs)
    if stateful:
        sdf = _stateful_sum(app, topic).update(called.append)
    else:
        sdf = app.dataframe(app.topic(topic)).update(called.append)
    t0 = time.monotonic()
    error = Runner(app, sdf).join(30)
    assert isinstance(error, (PipelineValidationError, PipelineError)), repr(error)
    for name in names:
        assert name in str(error), str(error)
    assert time.monotonic() - t0 < 15
    assert called == []
    assert committed_offsets(broker, app.consumer_group, topic, 1)[0] == NO_OFFSET


def test_consumer_extra_config_client_id_reaches_the_group(broker, psidecar):
    topic = unique_name("in")
    create_topics(broker, [topic])
    produce(broker, topic, jmsgs([1]))
    client_id = unique_name("cid")
    seen = []
    app = make_app(psidecar, broker, consumer_extra_config={"client.id": client_id, "max.poll.interval.ms": 60000})
    runner = Runner(app, app.dataframe(app.topic(topic)).update(seen.append))
    wait_for(lambda: seen == [1], 30, "the message")
    admin = AdminClient({"bootstrap.servers": broker})
    desc = admin.describe_consumer_groups([app.consumer_group])[app.consumer_group].result(timeout=15)
    runner.stop()
    assert [m.client_id for m in desc.members] == [client_id]


def test_producer_extra_config_message_max_bytes(broker, psidecar):
    """producer_extra_config reaches librdkafka: message.max.bytes=2000 makes a 5 kB output
    fail on the producer-error path (without it, the 1 MB default takes it)."""
    topic, out = unique_name("in"), unique_name("out")
    create_topics(broker, [topic, out])
    produce(broker, topic, jmsgs([{"n": 0}, {"n": 1, "pad": "x" * 5000}, {"n": 2}]))
    seen = []

    def on_producer_error(exc, row, logger):
        seen.append((row.offset, str(exc)))
        return True

    app = make_app(
        psidecar, broker, producer_extra_config={"message.max.bytes": 2000}, on_producer_error=on_producer_error
    )
    run_to_end(app, app.dataframe(app.topic(topic)).to_topic(app.topic(out)), broker, topic)
    assert [o for o, _ in seen] == [1] and "too large" in seen[0][1].lower(), seen
    assert [v["n"] for v in out_values(broker, out)] == [0, 2]


def test_state_dir_relative_is_confined_under_the_sidecar_root(broker, psidecar):
    topic = unique_name("in")
    create_topics(broker, [topic])
    produce(broker, topic, jmsgs([1, 2, 3]))
    sub = unique_name("sd")
    totals = []
    app = make_app(psidecar, broker, state_dir=f"{sub}/inner")
    run_to_end(app, _stateful_sum(app, topic).update(totals.append), broker, topic)
    assert totals == [1, 3, 6]
    root = Path(psidecar.args[psidecar.args.index("--state-dir") + 1])
    assert (root / sub / "inner").is_dir() and any((root / sub / "inner").iterdir())


def test_loglevel_and_stop_from_another_thread(broker, psidecar, tmp_path):
    topic, out = unique_name("in"), unique_name("out")
    create_topics(broker, [topic, out])
    produce(broker, topic, jmsgs(list(range(5))))
    group = unique_name("grp")
    args = ["--broker", broker, "--group", group, "--input", topic, "--output", out, "--count", "5"]
    app = App("parity_stop_app.py", [*args, "--loglevel", "WARNING"], tmp_path / "app.log", psidecar.address)
    app.start()
    try:
        assert app.wait(60) == 0, app.describe()
    finally:
        app.stop()
    log = app.log()
    assert "sidestream logger level WARNING" in log
    assert "processed 5" in log and "run returned" in log
    assert "[INFO]" not in log  # the SDK logger is at WARNING
    assert committed_offsets(broker, group, topic, 1)[0] == 5  # the stop checkpointed
    assert len(read_all(broker, out, 1)) == 5


def test_loglevel_governs_the_sidecar_lines_of_its_pipeline(broker, psidecar):
    """The sidecar runs at --log-level info: a pipeline at WARNING leaves no info line,
    one at DEBUG (as the int logging.DEBUG) adds debug lines, another at the default INFO
    logs as before; an unknown level is refused at registration."""
    topic = unique_name("in")
    create_topics(broker, [topic])
    produce(broker, topic, jmsgs(list(range(5))))
    groups = {}
    for level in ("WARNING", 10, "INFO"):
        app = make_app(psidecar, broker, loglevel=level)
        groups[level] = app.consumer_group
        sdf = app.dataframe(app.topic(topic)).apply(lambda v: v)
        run_to_end(app, sdf, broker, topic)

    def lines(group: str) -> list[str]:
        return [ln for ln in psidecar.log().splitlines() if f"pipeline={group} " in ln or ln.endswith(f"pipeline={group}")]

    quiet, debug, info = lines(groups["WARNING"]), lines(groups[10]), lines(groups["INFO"])
    assert not any("level=info" in ln or "level=debug" in ln for ln in quiet), quiet
    assert any("level=debug" in ln and "event=checkpoint.committed" in ln for ln in debug), debug
    assert any("event=pipeline.started" in ln for ln in info)
    assert not any("level=debug" in ln for ln in info), info

    app = make_app(psidecar, broker, loglevel="LOUD")
    with pytest.raises(PipelineValidationError, match="loglevel: 'LOUD'"):
        app.run(app.dataframe(app.topic(topic)))

"""Acceptance: bad graphs, an unreachable broker, bad input and failing functions
are reported by `app.run()` with clear errors, and nothing past a failure is committed."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from kafka_helpers import committed_offsets, create_topics, produce, read_all, unique_name, wait_committed
from app_runner import Runner
from sidestream import Application, message_context
from sidestream.exceptions import BrokerUnavailableError, PipelineError, PipelineValidationError

pytestmark = pytest.mark.timeout(120)


def make_app(sidecar, broker, **kwargs) -> Application:
    return Application(
        broker_address=broker,
        consumer_group=unique_name("grp"),
        auto_offset_reset="earliest",
        sidecar_address=sidecar.address,
        commit_interval=0.2,
        **kwargs,
    )


def json_messages(values: list[Any]) -> list[tuple]:
    return [(b"k", json.dumps(v).encode()) for v in values]


def test_invalid_graph_names_the_step(broker, sidecar):
    app = make_app(sidecar, broker)
    src, out = app.topic(unique_name("in")), app.topic(unique_name("out"))
    sdf = app.dataframe(src).apply(lambda v: v).to_topic(out)
    built = sdf.build()
    # The public API always declares to_topic's topic; drop it from the graph by hand.
    kept = [t for t in built.pipeline.topics if t.name != out.name]
    del built.pipeline.topics[:]
    built.pipeline.topics.extend(kept)
    sdf.build = lambda: built  # type: ignore[method-assign]
    t0 = time.monotonic()
    with pytest.raises(PipelineValidationError) as info:
        app.run(sdf)
    assert "to_topic-2" in str(info.value) and out.name in str(info.value)
    assert time.monotonic() - t0 < 10


def test_split_values_a_sidecar_deserializer_would_ignore_is_refused(broker, sidecar):
    """A subclass of a built-in deserializer that turns on split_values has no __call__: the sidecar's
    "json" would run and ignore it, so registration refuses it with the topic and the reason."""
    from sidestream.models.serializers import JSONDeserializer

    class SplitJson(JSONDeserializer):
        @property
        def split_values(self) -> bool:
            return True

    app = make_app(sidecar, broker)
    src = app.topic(unique_name("in"), value_deserializer=SplitJson())
    sdf = app.dataframe(src).apply(lambda v: v)
    with pytest.raises(PipelineValidationError, match="split_values would be ignored") as info:
        app.run(sdf)
    assert src.name in str(info.value)


def test_unreachable_broker_fails_fast(sidecar):
    app = Application(consumer_group="g", broker_address="127.0.0.1:1", sidecar_address=sidecar.address)
    sdf = app.dataframe(app.topic("whatever")).apply(lambda v: v)
    t0 = time.monotonic()
    with pytest.raises(BrokerUnavailableError, match=r"127\.0\.0\.1:1"):
        app.run(sdf)
    assert time.monotonic() - t0 < 15


def test_non_json_message_stops_and_is_not_committed(broker, sidecar):
    topic, out = unique_name("in"), unique_name("out")
    create_topics(broker, [topic, out])
    bad_offset = 5
    msgs = [*json_messages(list(range(bad_offset))), (b"k", b"{not json"), *json_messages([6, 7, 8])]
    produce(broker, topic, msgs)
    app = make_app(sidecar, broker)
    sdf = app.dataframe(app.topic(topic)).apply(lambda v: v * 10).to_topic(app.topic(out))
    error = Runner(app, sdf).join(60)
    assert isinstance(error, PipelineError), repr(error)
    assert "deserialize" in str(error) and f"@{bad_offset}" in str(error)
    committed = committed_offsets(broker, app.consumer_group, topic, 1)[0]
    assert committed <= bad_offset, f"committed {committed} is past the bad message at {bad_offset}"
    values = [json.loads(v) for _, _, _, v in read_all(broker, out, 1)]
    assert 60 not in values  # nothing after the bad message was produced


def test_on_consumer_error_true_skips_the_bad_message(broker, sidecar):
    topic, out = unique_name("in"), unique_name("out")
    create_topics(broker, [topic, out])
    produce(broker, topic, [*json_messages([1, 2]), (b"k", b"{not json"), *json_messages([3])])
    seen = []

    def on_consumer_error(exc, message, logger):
        seen.append((type(exc).__name__, message.offset(), message.value()))
        return True

    app = make_app(sidecar, broker, on_consumer_error=on_consumer_error)
    runner = Runner(app, app.dataframe(app.topic(topic)).apply(lambda v: v * 10).to_topic(app.topic(out)))
    wait_committed(broker, app.consumer_group, topic, 1, timeout=60)
    app.stop()
    assert runner.join(30) is None
    assert seen == [("SerializationError", 2, b"{not json")]
    assert [json.loads(v) for _, _, _, v in read_all(broker, out, 1)] == [10, 20, 30]


class Kaput(Exception):
    pass


def test_function_error_is_raised_and_not_committed(broker, sidecar):
    topic = unique_name("in")
    create_topics(broker, [topic])
    produce(broker, topic, json_messages(list(range(100))))
    app = make_app(sidecar, broker)

    def f(v):
        if v == 50:
            raise Kaput(f"cannot handle {v} at offset {message_context().offset}")
        return v

    error = Runner(app, app.dataframe(app.topic(topic)).apply(f)).join(60)
    assert isinstance(error, Kaput) and "cannot handle 50 at offset 50" in str(error)
    committed = committed_offsets(broker, app.consumer_group, topic, 1)[0]
    assert committed <= 50, f"committed {committed} is past the failing message"


def test_on_processing_error_skips_the_bad_record(broker, sidecar):
    topic, out = unique_name("in"), unique_name("out")
    create_topics(broker, [topic, out])
    produce(broker, topic, json_messages(list(range(100))))
    skipped = []

    def on_processing_error(exc, row, logger):
        skipped.append((type(exc), row.value, row.offset))
        return True

    app = make_app(sidecar, broker, on_processing_error=on_processing_error)

    def f(v):
        if v == 50:
            raise Kaput("fifty")
        return v + 1000

    sdf = app.dataframe(app.topic(topic)).apply(f).to_topic(app.topic(out))
    runner = Runner(app, sdf)
    wait_committed(broker, app.consumer_group, topic, 1, timeout=60)
    app.stop()
    assert runner.join(30) is None
    assert skipped == [(Kaput, 50, 50)]
    values = [json.loads(v) for _, _, _, v in read_all(broker, out, 1)]
    assert values == [v + 1000 for v in range(100) if v != 50]

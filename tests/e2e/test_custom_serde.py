"""Acceptance: custom (de)serializer classes written in Python, run by the client.

A source topic holds "CSV-ish" lines (`name,qty;name,qty`, keys `user:<n>`): a
custom value deserializer with `split_values` makes one row per item, raises
`IgnoreMessage` for comment lines and fails on a broken line, which
`on_consumer_error` skips; a custom key deserializer parses the key. The rows
are written with a custom value serializer (`name|qty|total`, with static
`extra_headers`) and a custom key serializer. The output topic must hold
exactly the expected bytes and headers, and every input offset (the ignored and
skipped ones too) must be committed.
"""

from __future__ import annotations

import json
import time
import uuid

import pytest
from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition

from app_runner import Runner
from kafka_helpers import committed_offsets, create_topics, unique_name, wait_committed
from sidestream import Application
from sidestream.models.serializers import (
    Deserializer,
    IgnoreMessage,
    SerializationContext,
    SerializationError,
    Serializer,
)

pytestmark = pytest.mark.timeout(180)

OUT_HEADERS = [("content-type", b"text/pipe"), ("x-version", b"1")]


class CsvRows(Deserializer):
    """`apple,2;pear,3` → [{"name": "apple", "qty": 2}, ...]; `#...` is ignored."""

    seen_topics: set[str] = set()

    @property
    def split_values(self) -> bool:
        return True

    def __call__(self, value: bytes, ctx: SerializationContext):
        self.seen_topics.add(ctx.topic)
        text = value.decode()
        if text.startswith("#"):
            raise IgnoreMessage("comment line")
        rows = []
        for item in text.split(";"):
            name, qty = item.split(",")  # ValueError on a broken line
            rows.append({"name": name, "qty": int(qty)})
        return rows


class UserKey(Deserializer):
    """b"user:7" → {"user": 7}."""

    def __call__(self, value: bytes, ctx: SerializationContext):
        prefix, _, n = value.decode().partition(":")
        assert prefix == "user"
        return {"user": int(n)}


class PipeRow(Serializer):
    """A row → b"name|qty|total"."""

    def __call__(self, value, ctx: SerializationContext) -> bytes:
        return f"{value['name']}|{value['qty']}|{value['total']}".encode()

    @property
    def extra_headers(self):
        return {"content-type": "text/pipe", "x-version": b"1"}


class UserKeyBytes(Serializer):
    """{"user": 7} → b"U7"."""

    def __call__(self, value, ctx: SerializationContext) -> bytes:
        return f"U{value['user']}".encode()


def produce_raw(broker: str, topic: str, messages: list[tuple[bytes, bytes]]) -> None:
    p = Producer({"bootstrap.servers": broker, "enable.idempotence": True})
    for key, value in messages:
        p.produce(topic, key=key, value=value)
    assert p.flush(30) == 0


def read_with_headers(broker: str, topic: str, count: int, timeout: float = 60) -> list[tuple]:
    """`count` messages of partition 0 as (key, value, headers); then checks there are no more."""
    c = Consumer({"bootstrap.servers": broker, "group.id": unique_name("reader"), "enable.auto.commit": False})
    out: list[tuple] = []
    try:
        c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
        deadline = time.monotonic() + timeout
        while len(out) < count:
            assert time.monotonic() < deadline, f"read {len(out)} of {count} messages from {topic}"
            msg = c.poll(0.5)
            if msg is None:
                continue
            assert msg.error() is None, msg.error()
            out.append((msg.key(), msg.value(), msg.headers() or []))
        extra = c.poll(2.0)
        assert extra is None, f"unexpected extra message {extra.value()!r}"
    finally:
        c.close()
    return out


def make_app(broker, sidecar, **kwargs) -> Application:
    return Application(
        broker_address=broker,
        consumer_group=f"serde-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        sidecar_address=sidecar.address,
        commit_interval=0.2,
        loglevel=None,
        **kwargs,
    )


def test_custom_serde_round_trip(broker, sidecar):
    source, out_name = unique_name("csv-in"), unique_name("pipe-out")
    create_topics(broker, [source, out_name], partitions=1)
    produce_raw(
        broker,
        source,
        [
            (b"user:1", b"apple,2;pear,3"),  # two rows
            (b"user:2", b"# a comment"),  # IgnoreMessage
            (b"user:3", b"broken"),  # ValueError → on_consumer_error → skipped
            (b"user:4", b"fig,5"),
        ],
    )
    consumer_errors: list[tuple] = []
    processing_errors: list[BaseException] = []

    def on_consumer_error(exc, message, logger):
        consumer_errors.append((type(exc).__name__, message.offset(), message.key(), message.value()))
        return True

    def on_processing_error(exc, row, logger):
        processing_errors.append(exc)
        return False

    app = make_app(broker, sidecar, on_consumer_error=on_consumer_error, on_processing_error=on_processing_error)
    src = app.topic(source, value_deserializer=CsvRows(), key_deserializer=UserKey())
    out = app.topic(out_name, value_serializer=PipeRow(), key_serializer=UserKeyBytes())
    sdf = app.dataframe(src)
    sdf = sdf.apply(lambda row: {**row, "total": row["qty"] * 2})
    sdf = sdf.to_topic(out)
    runner = Runner(app, sdf)
    wait_committed(broker, app.consumer_group, source, 1, timeout=90)  # ignored and skipped ones too
    runner.stop()

    assert consumer_errors == [("ValueError", 2, b"user:3", b"broken")]
    assert processing_errors == []
    assert CsvRows.seen_topics == {source}
    assert read_with_headers(broker, out_name, 3) == [
        (b"U1", b"apple|2|4", OUT_HEADERS),
        (b"U1", b"pear|3|6", OUT_HEADERS),
        (b"U4", b"fig|5|10", OUT_HEADERS),
    ]
    stats = app.last_run_stats
    assert stats is not None and stats.produced == 3


def test_deserializer_error_without_callback_stops_before_committing(broker, sidecar):
    source = unique_name("csv-in")
    create_topics(broker, [source], partitions=1)
    produce_raw(broker, source, [(b"user:1", b"a,1"), (b"user:2", b"broken"), (b"user:3", b"b,2")])
    app = make_app(broker, sidecar)
    seen: list[str] = []
    sdf = app.dataframe(app.topic(source, value_deserializer=CsvRows())).update(lambda row: seen.append(row["name"]))
    error = Runner(app, sdf).join(60)
    assert isinstance(error, ValueError), repr(error)
    assert "b" not in seen  # nothing after the broken message ran
    assert committed_offsets(broker, app.consumer_group, source, 1)[0] <= 1


def test_serializer_returning_str_is_reported(broker, sidecar):
    source, out_name = unique_name("json-in"), unique_name("out")
    create_topics(broker, [source, out_name], partitions=1)
    produce_raw(broker, source, [(b"k", json.dumps({"name": "a"}).encode())])

    class NotBytes(Serializer):
        def __call__(self, value, ctx):
            return value["name"]  # str

    app = make_app(broker, sidecar)
    sdf = app.dataframe(app.topic(source)).to_topic(app.topic(out_name, value_serializer=NotBytes()))
    error = Runner(app, sdf).join(60)
    assert isinstance(error, SerializationError), repr(error)
    assert "NotBytes must return bytes or None for the value, got str: 'a'" in str(error)


def test_dry_run_skips_deserializers_and_runs_serializers(broker, sidecar):
    class MustNotRun(Deserializer):
        def __call__(self, value, ctx):
            raise AssertionError("inputs of sdf.test() are already deserialized")

    calls: list[tuple] = []

    class Recording(Serializer):
        def __call__(self, value, ctx):
            calls.append((value["x"], ctx.topic))
            return b"x"

    app = make_app(broker, sidecar)
    sdf = app.dataframe(app.topic("dry-in", value_deserializer=MustNotRun()))
    sdf = sdf.apply(lambda v: {**v, "y": 1}).to_topic(app.topic("dry-out", value_serializer=Recording()))
    assert sdf.test({"x": 5}) == {"x": 5, "y": 1}
    assert calls == [(5, "dry-out")]

"""Acceptance: Quix-format topics end to end (seed parity: serializers).

Messages in the Quix Streams 2.x formats — TimeseriesData with headers, the
legacy ParameterData envelope without headers, and a StreamProperties protocol
message — go through a pipeline that reads them with the sidecar's "quix"
deserializer (one row per timestamp), computes a column natively and one in a
client function, and writes each row back with QuixTimeseriesSerializer. The
output must be byte-for-byte what Quix Streams writes for those rows (orjson
text, the seed's key order) with the model key and codec headers, and the
ignored message must still be committed.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import orjson
import pytest
from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition

from kafka_helpers import create_topics, wait_committed
from sidestream import Application
from sidestream.models.serializers import QuixDeserializer, QuixTimeseriesSerializer

pytestmark = pytest.mark.timeout(180)

TS_HEADERS = [("__Q_ModelKey", b"TimeseriesData"), ("__Q_CodecId", b"JT")]
OUT_HEADERS = [("__Q_ModelKey", b"TimeseriesData"), ("__Q_CodecId", b"JT")]


def timeseries_message() -> bytes:
    """A TimeseriesData value with three rows, as the Quix SDKs write it."""
    return orjson.dumps(
        {
            "Timestamps": [1_000_000_001, 1_000_000_002, 1_000_000_003],
            "NumericValues": {"x": [1, 2.5, -3]},
            "StringValues": {"s": ["a", "b\u00e9", "c"]},
            "TagValues": {"room": ["r1", "r1", "r2"]},
        }
    )


def legacy_message() -> bytes:
    """Two rows in the legacy envelope (what QuixTimeseriesSerializer(as_legacy=True) frames)."""
    inner = orjson.dumps(
        {
            "BinaryValues": {},
            "StringValues": {"s": ["d", "e"]},
            "NumericValues": {"x": [10, 20]},
            "Timestamps": [2_000_000_001, 2_000_000_002],
            "TagValues": {},
        }
    )
    start = b'{"C":"JT","K":"ParameterData","V":'
    return start + inner + b',"S":%d,"E":%d}' % (len(start), len(start) + len(inner))


def expected_output(row: dict[str, Any]) -> bytes:
    """QuixTimeseriesSerializer(as_legacy=False) of a row, as Quix Streams 2.x builds it."""
    result: dict[str, Any] = {
        "BinaryValues": {},
        "StringValues": {},
        "NumericValues": {},
        "Timestamps": [],
        "TagValues": {},
    }
    for k, v in row.items():
        if v is None or k == "Timestamp":
            continue
        if k == "Tags":
            result["TagValues"].update({t: [tv] for t, tv in v.items()})
        elif isinstance(v, str):
            result["StringValues"].setdefault(k, []).append(v)
        else:
            result["NumericValues"].setdefault(k, []).append(v)
    result["Timestamps"].append(row["Timestamp"])
    return orjson.dumps(result)


def produce_with_headers(broker: str, topic: str, messages: list[tuple[bytes, bytes, list]]) -> None:
    p = Producer({"bootstrap.servers": broker, "enable.idempotence": True})
    for key, value, headers in messages:
        p.produce(topic, key=key, value=value, headers=headers or None)
    assert p.flush(30) == 0


def read_with_headers(broker: str, topic: str, count: int, timeout: float = 60) -> list[tuple[bytes, bytes, list]]:
    group = f"reader-{uuid.uuid4().hex[:8]}"
    c = Consumer({"bootstrap.servers": broker, "group.id": group, "enable.auto.commit": False})
    out: list[tuple[bytes, bytes, list]] = []
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
    finally:
        c.close()
    return out


def test_quix_timeseries_rows_round_trip(broker, sidecar):
    suffix = uuid.uuid4().hex[:8]
    source, out_name = f"quix-in-{suffix}", f"quix-out-{suffix}"
    create_topics(broker, [source, out_name], partitions=1)
    produce_with_headers(
        broker,
        source,
        [
            (b"k1", timeseries_message(), TS_HEADERS),
            (b"k2", b'{"Name":"stream"}', [("__Q_ModelKey", b"StreamProperties"), ("__Q_CodecId", b"JT")]),
            (b"k3", legacy_message(), []),
        ],
    )

    app = Application(
        broker_address=broker,
        consumer_group=f"quix-{suffix}",
        auto_offset_reset="earliest",
        sidecar_address=sidecar.address,
        commit_interval=0.2,
        loglevel=None,
    )
    assert QuixDeserializer().split_values
    sdf = app.dataframe(app.topic(source, value_deserializer="quix"))
    sdf["x2"] = sdf["x"] * 2  # native
    sdf = sdf.apply(lambda row: {**row, "up": row["s"].upper()})  # client function
    sdf.to_topic(app.topic(out_name, value_serializer=QuixTimeseriesSerializer(as_legacy=False)))

    error: list[BaseException] = []

    def run() -> None:
        try:
            app.run(sdf)
        except BaseException as e:  # handed to the test
            error.append(e)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        wait_committed(broker, app.consumer_group, source, 1, timeout=90)  # the ignored message too
    finally:
        app.stop()
        thread.join(30)
    assert not thread.is_alive() and not error, error

    rows = [
        (b"k1", {"x": 1, "s": "a", "Tags": {"room": "r1"}, "Timestamp": 1_000_000_001}),
        (b"k1", {"x": 2.5, "s": "b\u00e9", "Tags": {"room": "r1"}, "Timestamp": 1_000_000_002}),
        (b"k1", {"x": -3, "s": "c", "Tags": {"room": "r2"}, "Timestamp": 1_000_000_003}),
        (b"k3", {"s": "d", "x": 10, "Tags": {}, "Timestamp": 2_000_000_001}),
        (b"k3", {"s": "e", "x": 20, "Tags": {}, "Timestamp": 2_000_000_002}),
    ]
    expected = [(k, expected_output({**r, "x2": r["x"] * 2, "up": r["s"].upper()}), OUT_HEADERS) for k, r in rows]
    got = read_with_headers(broker, out_name, len(expected))
    assert got == expected
    stats = app.last_run_stats
    assert stats is not None and stats.produced == len(expected)

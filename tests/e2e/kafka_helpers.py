"""Kafka helpers for the end-to-end tests (confluent_kafka; used only by tests).

Everything is bounded in time: helpers take a timeout and fail when it passes.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from typing import Any

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic


def unique_name(prefix: str) -> str:
    return f"e2e-{prefix}-{uuid.uuid4().hex[:8]}"


def create_topics(broker: str, names: Iterable[str], partitions: int = 1, timeout: float = 30) -> None:
    admin = AdminClient({"bootstrap.servers": broker})
    futures = admin.create_topics(
        [NewTopic(n, num_partitions=partitions, replication_factor=1) for n in names], operation_timeout=timeout
    )
    for f in futures.values():
        f.result(timeout=timeout)
    # Wait until the metadata shows every partition with a leader.
    deadline = time.monotonic() + timeout
    pending = set(names)
    while pending and time.monotonic() < deadline:
        md = admin.list_topics(timeout=5)
        for n in list(pending):
            t = md.topics.get(n)
            ready = t is not None and t.error is None and len(t.partitions) == partitions
            if ready and all(p.leader >= 0 for p in t.partitions.values()):
                pending.discard(n)
        if pending:
            time.sleep(0.1)
    assert not pending, f"topics not ready: {pending}"


def produce(broker: str, topic: str, messages: Iterable[tuple[bytes | None, bytes | None]], timeout: float = 60):
    """Produces (key, value) byte pairs in order (idempotent producer keeps per-partition order)."""
    p = Producer({"bootstrap.servers": broker, "enable.idempotence": True, "linger.ms": 5})
    errors: list[Any] = []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(err)

    for key, value in messages:
        while True:
            try:
                p.produce(topic, key=key, value=value, on_delivery=on_delivery)
                break
            except BufferError:
                p.poll(0.1)
        p.poll(0)
    remaining = p.flush(timeout)
    assert remaining == 0 and not errors, f"produce failed: {remaining} undelivered, errors {errors[:3]}"


def produce_json(broker: str, topic: str, items: Iterable[tuple[str, Any]], timeout: float = 60) -> None:
    """Produces (key string, JSON value) pairs."""
    produce(broker, topic, ((k.encode(), json.dumps(v).encode()) for k, v in items), timeout)


def end_offsets(broker: str, topic: str, partitions: int) -> dict[int, int]:
    c = Consumer({"bootstrap.servers": broker, "group.id": unique_name("wm")})
    try:
        return {p: c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in range(partitions)}
    finally:
        c.close()


def committed_offsets(broker: str, group: str, topic: str, partitions: int) -> dict[int, int]:
    """The group's committed offsets (-1001 = none)."""
    c = Consumer({"bootstrap.servers": broker, "group.id": group, "enable.auto.commit": False})
    try:
        tps = c.committed([TopicPartition(topic, p) for p in range(partitions)], timeout=10)
        return {tp.partition: tp.offset for tp in tps}
    finally:
        c.close()


def wait_committed(broker: str, group: str, topic: str, partitions: int, timeout: float, check=None) -> dict[int, int]:
    """Waits until the group committed the end offset of every partition."""
    ends = end_offsets(broker, topic, partitions)
    deadline = time.monotonic() + timeout
    last: dict[int, int] = {}
    while time.monotonic() < deadline:
        if check is not None:
            check()
        try:
            last = committed_offsets(broker, group, topic, partitions)
        except KafkaException:
            last = {}
        if last == ends:
            return last
        time.sleep(0.3)
    raise AssertionError(f"group {group} did not commit the end offsets {ends} within {timeout}s (committed {last})")


def read_all(
    broker: str, topic: str, partitions: int, timeout: float = 60
) -> list[tuple[int, int, bytes | None, bytes | None]]:
    """Every message of the topic as (partition, offset, key, value), in offset order per partition."""
    ends = end_offsets(broker, topic, partitions)
    c = Consumer(
        {
            "bootstrap.servers": broker,
            "group.id": unique_name("reader"),
            "enable.auto.commit": False,
            "enable.partition.eof": False,
        }
    )
    out: list[tuple[int, int, bytes | None, bytes | None]] = []
    try:
        todo = {p for p, end in ends.items() if end > 0}
        c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in todo])
        deadline = time.monotonic() + timeout
        next_offset = {p: 0 for p in todo}
        while todo:
            assert time.monotonic() < deadline, f"reading {topic} timed out; missing partitions {todo}"
            msg = c.poll(0.5)
            if msg is None:
                continue
            assert msg.error() is None, msg.error()
            p = msg.partition()
            out.append((p, msg.offset(), msg.key(), msg.value()))
            next_offset[p] = msg.offset() + 1
            if next_offset[p] >= ends[p]:
                todo.discard(p)
    finally:
        c.close()
    return out

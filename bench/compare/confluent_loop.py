"""Contender of the side-by-side benchmark: what a hand-written Python service does with confluent-kafka.

    poll one message → json.loads → pipelines.project (x > 0 → {"x", "z": x + y}) → json.dumps → produce

with the at-least-once discipline of the other contenders: group from earliest, no auto commit; every
`--commit-interval` s (1 s) flush the producer, then commit the next offsets of what was processed
(synchronously); producer idempotent, murmur2, key forwarded. Stdlib `json`. Runs until SIGTERM,
then flushes, commits and prints one JSON line. Run with `.venv-bench`.

    .venv-bench/bin/python bench/compare/confluent_loop.py --broker 127.0.0.1:39792 --input in --output out --group g
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pipelines import project


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--broker", required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--group", required=True)
    ap.add_argument("--commit-interval", type=float, default=1.0)
    args = ap.parse_args()

    stopping = False

    def on_term(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)

    consumer = Consumer({"bootstrap.servers": args.broker, "group.id": args.group, "auto.offset.reset": "earliest",
                         "enable.auto.commit": False, "enable.auto.offset.store": False,
                         "partition.assignment.strategy": "range"})
    producer = Producer({"bootstrap.servers": args.broker, "enable.idempotence": True, "linger.ms": 5,
                         "partitioner": "murmur2"})
    consumer.subscribe([args.input])
    out = args.output
    pending: dict[tuple[str, int], int] = {}  # next offsets of processed, not yet committed messages
    consumed = produced = commits = 0

    def checkpoint() -> None:
        nonlocal commits
        producer.flush()
        if pending:
            consumer.commit(offsets=[TopicPartition(t, p, o) for (t, p), o in pending.items()], asynchronous=False)
            pending.clear()
            commits += 1

    last_commit = time.monotonic()
    while not stopping:
        msg = consumer.poll(0.1)
        if msg is not None:
            err = msg.error()
            if err is not None:
                if err.code() != KafkaError._PARTITION_EOF:
                    print(f"confluent_loop: consumer error: {err}", file=sys.stderr)
            else:
                consumed += 1
                result = project(json.loads(msg.value()))
                if result is not None:
                    while True:
                        try:
                            producer.produce(out, json.dumps(result).encode(), msg.key())
                            break
                        except BufferError:
                            producer.poll(0.01)
                    produced += 1
                pending[(msg.topic(), msg.partition())] = msg.offset() + 1
                producer.poll(0)
        now = time.monotonic()
        if now - last_commit >= args.commit_interval:
            checkpoint()
            last_commit = now
    checkpoint()
    consumer.close()
    print(json.dumps({"library": "confluent-kafka", "consumed": consumed, "produced": produced,
                      "commits": commits}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

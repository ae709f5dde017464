"""Fills the input of the state benchmark: --count JSON messages {"seq": i, "n": 1, "pad": "..."}
(~80 B) with keys "k<i % keys>", partitioned by key (librdkafka's default consistent_random), so
every key lives in one partition. Prints one JSON line: count, keys, per-key count, elapsed.

    .venv/bin/python bench/fill_state_input.py --broker 127.0.0.1:39692 --topic in --count 1000000 --keys 10000
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from confluent_kafka import Producer


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--broker", required=True)
    ap.add_argument("--topic", required=True)
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--keys", type=int, default=10_000)
    args = ap.parse_args()
    p = Producer({"bootstrap.servers": args.broker, "linger.ms": 50, "batch.size": 1_000_000,
                  "queue.buffering.max.messages": 1_000_000, "acks": "all", "compression.type": "none"})
    t0 = time.monotonic()
    pad = "x" * 40
    for i in range(args.count):
        key = b"k%d" % (i % args.keys)
        value = b'{"seq": %d, "n": 1, "pad": "%s"}' % (i, pad.encode())
        while True:
            try:
                p.produce(args.topic, value, key)
                break
            except BufferError:
                p.poll(0.05)
        if i % 10_000 == 0:
            p.poll(0)
    left = p.flush(120)
    if left:
        print(f"fill_state_input: {left} messages not delivered", file=sys.stderr)
        return 1
    per_key = args.count // args.keys  # exact when keys divides count
    print(json.dumps({"count": args.count, "keys": args.keys, "per_key": per_key,
                      "elapsed_s": round(time.monotonic() - t0, 3)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

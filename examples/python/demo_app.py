"""sidestream demo: a Quix Streams 2.x-style pipeline run by the sidecar.

Produces a few JSON orders to a fresh topic, then runs

    sdf = app.dataframe(orders)
    sdf = sdf.apply(add_total)                 # Python function, called in batches by the sidecar
    sdf = sdf.update(show)                     # prints what was processed
    sdf = sdf.filter(lambda o: o["total"] >= 100)
    sdf = sdf.to_topic(big_orders, key=lambda o: o["customer"])

through sidestreamd (address from SIDESTREAM_ADDRESS), stops once every order was processed and reads back
the output topic. Usage: python demo_app.py --broker 127.0.0.1:9092
"""

from __future__ import annotations

import argparse
import json
import random
import time
import uuid

from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from sidestream import Application, message_context

N_ORDERS = 20


def add_total(order: dict) -> dict:
    return {**order, "total": round(order["qty"] * order["price"], 2)}


def make_topics(broker: str, names: list[str]) -> None:
    admin = AdminClient({"bootstrap.servers": broker})
    futures = admin.create_topics([NewTopic(n, num_partitions=2, replication_factor=1) for n in names])
    for f in futures.values():
        f.result(timeout=30)


def produce_orders(broker: str, topic: str) -> list[dict]:
    producer = Producer({"bootstrap.servers": broker})
    rng = random.Random(7)
    orders = []
    for i in range(N_ORDERS):
        order = {"id": i, "customer": f"c{i % 4}", "qty": rng.randint(1, 5), "price": rng.choice([9.5, 20, 35])}
        producer.produce(topic, key=order["customer"].encode(), value=json.dumps(order).encode())
        orders.append(order)
    producer.flush(30)
    return orders


def read_all(broker: str, topic: str, expected: int, timeout: float = 30.0) -> list[tuple[str, dict]]:
    consumer = Consumer({"bootstrap.servers": broker, "group.id": f"demo-reader-{uuid.uuid4().hex[:6]}",
                         "auto.offset.reset": "earliest"})
    consumer.subscribe([topic])
    out: list[tuple[str, dict]] = []
    deadline = time.monotonic() + timeout
    while len(out) < expected and time.monotonic() < deadline:
        msg = consumer.poll(0.5)
        if msg is None or msg.error():
            continue
        out.append((msg.key().decode(), json.loads(msg.value())))
    consumer.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--broker", default="127.0.0.1:9092")
    args = parser.parse_args()

    run = uuid.uuid4().hex[:8]
    orders_name, big_name = f"demo-orders-{run}", f"demo-big-orders-{run}"
    make_topics(args.broker, [orders_name, big_name])
    sent = produce_orders(args.broker, orders_name)
    print(f"produced {N_ORDERS} orders to {orders_name}")

    app = Application(broker_address=args.broker, consumer_group=f"demo-{run}", auto_offset_reset="earliest")
    orders = app.topic(orders_name)
    big_orders = app.topic(big_name, key_serializer="string")

    processed = 0


    def show(order: dict) -> None:
        nonlocal processed
        processed += 1
        ctx = message_context()
        print(f"processed partition={ctx.partition} offset={ctx.offset} order={order}")
        if processed >= N_ORDERS:
            app.stop()

    sdf = app.dataframe(orders)
    sdf = sdf.apply(add_total)
    sdf = sdf.update(show)
    sdf = sdf.filter(lambda o: o["total"] >= 100)
    sdf = sdf.to_topic(big_orders, key=lambda o: o["customer"])
    app.run(sdf)

    expected = [o for o in map(add_total, sent) if o["total"] >= 100]
    big = read_all(args.broker, big_name, expected=len(expected))
    print(f"{processed} orders processed by the sidecar; {len(big)} big orders in {big_name}:")
    for key, order in big:
        print(f"  key={key} id={order['id']} total={order['total']}")
    if len(big) != len(expected):
        raise SystemExit(f"expected {len(expected)} big orders, found {len(big)}")


if __name__ == "__main__":
    main()

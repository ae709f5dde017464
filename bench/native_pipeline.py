"""Pipeline (b) of the native benchmark, registered through the sidestream SDK:

    sdf = sdf[sdf["x"] > 0]; sdf["z"] = sdf["x"] + sdf["y"]; sdf = sdf[["x", "z"]]; sdf.to_topic(out)

Runs against a running sidestreamd until the consumer group's committed offsets
reach the input's end offsets (watched from another thread with confluent_kafka),
then calls app.stop(). Prints one JSON line with timings, this process's CPU
seconds and peak RSS, and app.last_run_stats when the SDK has it.

When the installed SDK does not have column expressions yet (`sdf["x"]` raises
TypeError), the same native steps (FilterExprStep, AssignStep, ProjectStep) are
put into the Pipeline proto that the SDK registers — the sidecar runs the very
same graph; the JSON says which way was used ("graph": "sdk" | "proto-shim").

    .venv/bin/python bench/native_pipeline.py --broker 127.0.0.1:39592 \
        --sidecar 127.0.0.1:50951 --input in --output out --group g [--expected-out N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import threading
import time
from typing import Any

from confluent_kafka import Consumer, TopicPartition

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import proc_status_kb


class Monitor:
    """Watches a group's committed offsets and an output topic's end offsets.

    done_committed_s: seconds from t0 until every input partition's committed
    offset reached the end offset taken at start; done_output_s: seconds until
    the output topic held `expected_out` messages (when given).
    """

    def __init__(self, broker: str, group: str, input_topic: str, output_topic: str,
                 expected_out: int | None = None, interval: float = 0.25) -> None:
        self.group, self.input, self.output = group, input_topic, output_topic
        self.expected_out = expected_out
        self.interval = interval
        self._c = Consumer({"bootstrap.servers": broker, "group.id": group,
                            "enable.auto.commit": False, "log_level": 3})
        md = self._c.list_topics(timeout=10)
        self.in_parts = sorted(md.topics[input_topic].partitions)
        self.out_parts = sorted(md.topics[output_topic].partitions)
        self.end = {p: self._c.get_watermark_offsets(TopicPartition(input_topic, p), timeout=10)[1]
                    for p in self.in_parts}
        self.total_in = sum(self.end.values())
        self.done_committed_s: float | None = None
        self.done_output_s: float | None = None
        self.t0 = time.monotonic()
        self.done = threading.Event()

    def out_count(self) -> int:
        n = 0
        for p in self.out_parts:
            lo, hi = self._c.get_watermark_offsets(TopicPartition(self.output, p), timeout=10, cached=False)
            n += hi - lo
        return n

    def committed_all(self) -> bool:
        got = self._c.committed([TopicPartition(self.input, p) for p in self.in_parts], timeout=10)
        return all(tp.offset >= self.end[tp.partition] for tp in got)

    def run(self, on_done=None, timeout: float = 3600) -> None:
        deadline = self.t0 + timeout
        while time.monotonic() < deadline:
            now = time.monotonic() - self.t0
            if self.done_output_s is None and self.expected_out is not None and self.out_count() >= self.expected_out:
                self.done_output_s = now
            if self.committed_all():
                self.done_committed_s = time.monotonic() - self.t0
                if self.done_output_s is None and self.expected_out is not None:
                    self.done_output_s = self.done_committed_s
                break
            time.sleep(self.interval)
        self.done.set()
        if on_done is not None:
            on_done()

    def close(self) -> None:
        self._c.close()


def build_dataframe(app: Any, input_topic: str, output_topic: str) -> tuple[Any, str]:
    src = app.topic(input_topic)  # json value deserializer (default)
    out = app.topic(output_topic)  # json value serializer (default); key bytes forwarded
    sdf = app.dataframe(src)
    try:
        sdf = sdf[sdf["x"] > 0]
        sdf["z"] = sdf["x"] + sdf["y"]
        sdf = sdf[["x", "z"]]
        sdf = sdf.to_topic(out)
        return sdf, "sdk"
    except TypeError:
        pass
    # The SDK has no column expressions yet: register the same native steps in the proto.
    from sidestream._rpc.sidestream.v1 import pipeline_pb2 as pb

    sdf = app.dataframe(src).to_topic(out)
    built = sdf.build()
    pipe = built.pipeline
    to_topic = pipe.steps[-1]

    def col(name: str) -> pb.Expr:
        return pb.Expr(get_item=pb.GetItem(operand=pb.Expr(value=pb.ValueRef()),
                                           key=pb.Literal(json=json.dumps(name).encode())))

    steps = [
        pb.Step(id="filter_expr-1", input=pipe.source_topic, filter_expr=pb.FilterExprStep(
            predicate=pb.Expr(binary=pb.BinaryExpr(op=pb.BinaryExpr.GT, left=col("x"),
                                                   right=pb.Expr(literal=pb.Literal(json=b"0")))))),
        pb.Step(id="assign-2", input="filter_expr-1", assign=pb.AssignStep(
            column="z", expr=pb.Expr(binary=pb.BinaryExpr(op=pb.BinaryExpr.ADD, left=col("x"), right=col("y"))))),
        pb.Step(id="project-3", input="assign-2", project=pb.ProjectStep(columns=["x", "z"])),
    ]
    last = pb.Step()
    last.CopyFrom(to_topic)
    last.id, last.input = "to_topic-4", "project-3"
    del pipe.steps[:]
    pipe.steps.extend(steps + [last])
    sdf.build = lambda: built  # what app.run() registers
    return sdf, "proto-shim"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--broker", required=True)
    ap.add_argument("--sidecar", required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--group", required=True)
    ap.add_argument("--expected-out", type=int, default=None)
    ap.add_argument("--timeout", type=float, default=1800)
    args = ap.parse_args()

    from sidestream import Application

    app = Application(broker_address=args.broker, consumer_group=args.group, auto_offset_reset="earliest",
                      sidecar_address=args.sidecar, loglevel="WARNING", commit_interval=1.0)
    sdf, how = build_dataframe(app, args.input, args.output)
    mon = Monitor(args.broker, args.group, args.input, args.output, args.expected_out)
    watcher = threading.Thread(target=mon.run, kwargs={"on_done": app.stop, "timeout": args.timeout}, daemon=True)
    mon.t0 = time.monotonic()
    watcher.start()
    app.run(sdf)
    run_returned_s = time.monotonic() - mon.t0
    mon.close()
    ru = resource.getrusage(resource.RUSAGE_SELF)
    stats = getattr(app, "last_run_stats", None)
    if stats is not None:
        try:
            import dataclasses
            stats = dataclasses.asdict(stats) if dataclasses.is_dataclass(stats) else repr(stats)
        except Exception:
            stats = repr(stats)
    print(json.dumps({
        "graph": how,
        "input_messages": mon.total_in,
        "committed_s": mon.done_committed_s,
        "output_done_s": mon.done_output_s,
        "run_returned_s": run_returned_s,
        "client_cpu_s": ru.ru_utime + ru.ru_stime,
        "client_vm_hwm_kb": proc_status_kb("self", "VmHWM"),
        "last_run_stats": stats,
    }, default=str), flush=True)
    return 0 if mon.done_committed_s is not None else 1


if __name__ == "__main__":
    sys.exit(main())

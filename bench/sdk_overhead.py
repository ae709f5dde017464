"""Per-record cost of the Python SDK's hot path, without gRPC and without user code.

Builds InvokeBatch messages as sidestreamd sends them (1,000 records of ~200 B JSON, a bytes key and a full
MessageContext each), serializes them to the bytes that arrive from the wire, then times, per record:

    ServerMessage.FromString(wire) → SegmentRunner.run(batch) → ClientMessage.SerializeToString()

with an identity `apply`, and subtracts the user function's own cost (the same function called on the same
values in a bare loop). Run it for each layout the SDK speaks:

    .venv/bin/python bench/sdk_overhead.py                       # every layout, table on stdout
    .venv/bin/python bench/sdk_overhead.py --layout records      # per-record InvokeRecord messages (v1.0)
    .venv/bin/python bench/sdk_overhead.py --layout packed       # capability "packed-batch/1"
    .venv/bin/python bench/sdk_overhead.py --headers 2           # every record carries 2 headers
    .venv/bin/python bench/sdk_overhead.py --profile out.prof    # cProfile of the packed path
    .venv/bin/python bench/sdk_overhead.py --stateful            # + a stateful counter (state.get/set per record)

With --stateful the function is the state benchmark's counter (`n = state.get("count", 0) + 1;
state.set("count", n); return {"id": v["id"], "count": n}`) over records carrying state prefixes (the
message keys, drawn from 10,000); the state reader is a fake that answers "no value", so after the
first batch every read hits the client cache (the steady state of a key seen before). The user's own
cost subtracted is the same function body with the state calls replaced by constants, so the overhead
includes State creation, get/set/commit and the state-update columns.

PYTHONPATH=client-sdk/python runs the SDK of the working tree instead of the installed one.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from sidestream._rpc.sidestream.v1 import common_pb2, pipeline_pb2, session_pb2
from sidestream._runner import SegmentRunner

try:  # the packed layout exists from the SDK version that negotiates it
    from sidestream._packed import PACKED_CAPABILITY
except ImportError:  # pragma: no cover - older SDK
    PACKED_CAPABILITY = None


def make_value(rng: random.Random, i: int) -> bytes:
    """A ~200 B JSON object like the benchmarks' inputs (compact, as producers usually write it)."""
    v = {
        "id": i,
        "user": f"user-{rng.randrange(10_000):05d}",
        "x": rng.randrange(-1000, 1000),
        "y": rng.randrange(0, 1000),
        "price": round(rng.uniform(1, 500), 2),
        "qty": rng.randrange(1, 20),
        "ok": rng.random() < 0.5,
        "tags": ["a", "bb", "ccc"][: rng.randrange(1, 4)],
        "note": "x" * rng.randrange(40, 60),
    }
    return json.dumps(v, separators=(",", ":")).encode()


def make_records(n: int, headers: int, seed: int = 1) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        value = make_value(rng, i)
        out.append(
            {
                "value": value,
                "key": f"user-{rng.randrange(10_000):05d}".encode(),
                "offset": 1_000_000 + i,
                "size": len(value),
                "ts": 1_764_000_000_000 + i,
                "headers": [(f"h{j}", b"v" * 8) for j in range(headers)],
            }
        )
    return out


def wire_records(
    recs: list[dict[str, Any]], topic: str, partition: int, request_id: int, stateful: bool = False
) -> bytes:
    """The ServerMessage(invoke) sidestreamd sends in the per-record layout (rpc/session.cc)."""
    msg = session_pb2.ServerMessage()
    b = msg.invoke
    b.request_id = request_id
    b.segment_id = 0
    for r in recs:
        ir = b.records.add()
        ir.value.json = r["value"]
        ir.key.raw = r["key"]
        c = ir.context
        c.topic = topic
        c.partition = partition
        c.offset = r["offset"]
        c.size = r["size"]
        c.timestamp_type = common_pb2.TIMESTAMP_CREATE_TIME
        c.timestamp_ms = r["ts"]
        for hk, hv in r["headers"]:
            c.headers.add(key=hk, value=hv)
        if stateful:
            ir.state_prefix = r["key"]
            ir.state_epoch = 1
    return msg.SerializeToString()


def wire_packed(
    recs: list[dict[str, Any]], topic: str, partition: int, request_id: int, stateful: bool = False
) -> bytes:
    """The ServerMessage(invoke) sidestreamd sends in the packed layout (rpc/packed.cc ToPacked)."""
    msg = session_pb2.ServerMessage()
    b = msg.invoke
    b.request_id = request_id
    b.segment_id = 0
    p = b.packed
    p.topic = topic
    p.partition = partition
    p.value_kinds = bytes([1]) * len(recs)  # PAYLOAD_JSON
    p.json_values = b"[" + b",".join(r["value"] for r in recs) + b"]"
    p.json_sizes.extend(len(r["value"]) for r in recs)
    p.key_kinds = bytes([2]) * len(recs)  # PAYLOAD_RAW
    p.keys.extend(r["key"] for r in recs)
    p.offsets.extend(r["offset"] for r in recs)
    p.sizes.extend(r["size"] for r in recs)
    p.timestamp_types = bytes([common_pb2.TIMESTAMP_CREATE_TIME]) * len(recs)
    p.timestamps_ms.extend(r["ts"] for r in recs)
    if any(r["headers"] for r in recs):
        for r in recs:
            p.header_counts.append(len(r["headers"]))
            for hk, hv in r["headers"]:
                p.headers.add(key=hk, value=hv)
    if stateful:  # rpc/packed.cc: the message key is the state prefix
        p.state_prefixes.extend(r["key"] for r in recs)
        p.state_epoch = 1
    return msg.SerializeToString()


def identity(value: Any) -> Any:
    return value


def count(value: Any, state: Any) -> Any:
    """The state benchmark's per-key counter."""
    n = state.get("count", 0) + 1
    state.set("count", n)
    return {"id": value["id"], "count": n}


def count_without_state(value: Any) -> Any:
    """`count`'s own work: the same body with the state calls replaced by constants."""
    n = 0 + 1
    return {"id": value["id"], "count": n}


def no_state(topic: str, partition: int, requests: list[tuple[bytes, list[bytes]]]) -> list[list[bytes | None]]:
    """A state reader that knows no values."""
    return [[None] * len(keys) for _, keys in requests]


def make_runner(stateful: bool) -> SegmentRunner:
    if stateful:
        return SegmentRunner(one_op_plan(stateful=True), {"f": count}, state_reader=no_state)
    return SegmentRunner(one_op_plan(), {"f": identity})


def one_op_plan(stateful: bool = False) -> pipeline_pb2.CompiledPlan:
    plan = pipeline_pb2.CompiledPlan(plan_id="bench")
    seg = plan.segments.add(segment_id=0)
    fn = pipeline_pb2.FunctionRef(function_id="f", stateful=stateful)
    seg.ops.add(kind=pipeline_pb2.SegmentOp.APPLY, function=fn, step_id="apply-1")
    return plan


def time_loop(batches: list[bytes], runner: SegmentRunner, rounds: int) -> float:
    """CPU seconds per pass over `batches`: parse → run → serialize the answer (best of `rounds`).

    CPU time of this process, not wall time: the figure the issue tracks ("client CPU per record"), and one
    that other processes on a shared machine do not inflate."""
    from_string = session_pb2.ServerMessage.FromString
    best = float("inf")
    for _ in range(rounds):
        gc.collect()
        t0 = time.process_time()
        for data in batches:
            msg = from_string(data)
            out = session_pb2.ClientMessage()
            runner.run(msg.invoke, out.invoke_result)
            out.SerializeToString()
        best = min(best, time.process_time() - t0)
    return best


def time_user(func: Callable[[Any], Any], values: list[Any], rounds: int) -> float:
    """CPU seconds for calling `func` once per value in a bare loop (the user code's own cost)."""
    best = float("inf")
    for _ in range(rounds):
        t0 = time.process_time()
        for v in values:
            func(v)
        best = min(best, time.process_time() - t0)
    return best


def check_answer(data: bytes, runner: SegmentRunner, recs: list[dict[str, Any]], stateful: bool = False) -> None:
    """The answer carries every value unchanged (whatever the layout); stateful: one count per record,
    and one state update per record."""
    out = session_pb2.ClientMessage()
    runner.run(session_pb2.ServerMessage.FromString(data).invoke, out.invoke_result)
    res = session_pb2.InvokeResult.FromString(out.invoke_result.SerializeToString())
    if stateful:
        if res.HasField("packed"):
            got = json.loads(res.packed.json_values)
            assert list(res.packed.state_update_counts) == [1] * len(recs), "one state update per record"
        else:
            got = [json.loads(r.value.json) for r in res.results]
            assert all(len(r.state_updates) == 1 for r in res.results), "one state update per record"
        seen: dict[bytes, int] = {}
        for r, g in zip(recs, got):
            seen[r["key"]] = seen.get(r["key"], 0) + 1
            assert g == {"id": json.loads(r["value"])["id"], "count": seen[r["key"]]}, g
        return
    if "packed" in res.DESCRIPTOR.fields_by_name and res.HasField("packed"):
        got = json.loads(res.packed.json_values)
        assert res.packed.outcomes == bytes([1]) * len(recs), res.packed.outcomes[:10]
    else:
        got = [json.loads(r.value.json) for r in res.results]
    assert got == [json.loads(r["value"]) for r in recs], "answer differs from the input"


def measure(layouts: list[str], args: argparse.Namespace) -> list[dict[str, Any]]:
    """Times every layout, interleaved round by round (so that a busy machine slows them alike); the best
    round of each counts."""
    recs = make_records(args.records, args.headers)
    setups = []
    for layout in layouts:
        build = wire_packed if layout == "packed" else wire_records
        batches = [build(recs, "orders", 3, request_id=i + 1, stateful=args.stateful) for i in range(args.batches)]
        check_answer(batches[0], make_runner(args.stateful), recs, args.stateful)
        setups.append((layout, batches, make_runner(args.stateful)))
    n = args.records * args.batches
    best = {layout: float("inf") for layout in layouts}
    for _ in range(args.rounds):
        for layout, batches, runner in setups:
            best[layout] = min(best[layout], time_loop(batches, runner, 1))
    values = [json.loads(r["value"]) for r in recs] * args.batches
    user = time_user(count_without_state if args.stateful else identity, values, args.rounds)
    return [
        {
            "layout": layout,
            "records": n,
            "batch_bytes": len(batches[0]),
            "total_us": best[layout] / n * 1e6,
            "user_us": user / n * 1e6,
            "overhead_us": (best[layout] - user) / n * 1e6,
        }
        for layout, batches, _ in setups
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--layout", choices=["records", "packed", "all"], default="all")
    ap.add_argument("--records", type=int, default=1000, help="records per InvokeBatch (sidestreamd sends ≤1000)")
    ap.add_argument("--batches", type=int, default=20, help="batches per timed pass")
    ap.add_argument("--rounds", type=int, default=15, help="timed passes per layout (interleaved); the best counts")
    ap.add_argument("--headers", type=int, default=0, help="headers per record")
    ap.add_argument("--repeat", type=int, default=1, help="repeat the whole measurement, report the median")
    ap.add_argument("--stateful", action="store_true", help="a stateful counter (state.get/set) instead of identity")
    ap.add_argument("--profile", metavar="FILE", help="write a cProfile of the packed path (or --layout) to FILE")
    args = ap.parse_args()

    layouts = ["records", "packed"] if args.layout == "all" else [args.layout]
    if PACKED_CAPABILITY is None:
        layouts = [lo for lo in layouts if lo != "packed"]
    if args.profile:
        import cProfile

        layout = layouts[-1]
        recs = make_records(args.records, args.headers)
        build = wire_packed if layout == "packed" else wire_records
        batches = [build(recs, "orders", 3, request_id=i + 1, stateful=args.stateful) for i in range(args.batches)]
        runner = make_runner(args.stateful)
        time_loop(batches[:1], runner, 1)  # warm the state cache
        cProfile.runctx("time_loop(batches, runner, 1)", globals(), locals(), args.profile)
        print(f"profile of the {layout} layout written to {args.profile}")
        return 0

    from google.protobuf.internal import api_implementation

    print(
        f"# python {platform.python_version()}, protobuf {api_implementation.Type()}, "
        f"{args.records} records/batch, {args.batches} batches, best of {args.rounds}, headers/record {args.headers}"
        + (", stateful counter" if args.stateful else "")
    )
    print("| layout | batch size | total µs/record | user fn µs/record | **SDK overhead µs/record** |")
    print("|---|---:|---:|---:|---:|")
    runs = [measure(layouts, args) for _ in range(args.repeat)]
    for i, layout in enumerate(layouts):
        m = dict(runs[0][i])
        for key in ("overhead_us", "total_us", "user_us"):
            m[key] = statistics.median(r[i][key] for r in runs)
        print(
            f"| {layout} | {m['batch_bytes'] / 1024:.0f} KiB | {m['total_us']:.2f} | {m['user_us']:.3f} "
            f"| **{m['overhead_us']:.2f}** |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

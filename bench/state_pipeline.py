"""Client of the state benchmark (bench/run_state.sh): a per-key counter through the sidestream SDK.

    --mode stateful:   sdf = sdf.apply(count, stateful=True)   # state.get("count", 0) + 1; state.set(...)
    --mode stateless:  sdf = sdf.apply(count)                  # same output shape, no state
    sdf = sdf.to_topic(out)                                    # {"seq", "count"}, key forwarded

Runs against a running sidestreamd until the group's committed offsets reach the input's end
offsets (bench/native_pipeline.Monitor), then app.stop(). Prints one JSON line: timings, this
process's CPU seconds and peak RSS (VmHWM), and app.last_run_stats.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import proc_status_kb
from native_pipeline import Monitor


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["stateful", "stateless"], required=True)
    ap.add_argument("--broker", required=True)
    ap.add_argument("--sidecar", required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--group", required=True)
    ap.add_argument("--expected-out", type=int, default=None)
    ap.add_argument("--timeout", type=float, default=1800)
    args = ap.parse_args()

    from sidestream import Application, State

    app = Application(broker_address=args.broker, consumer_group=args.group, auto_offset_reset="earliest",
                      sidecar_address=args.sidecar, loglevel="WARNING", commit_interval=1.0)
    sdf = app.dataframe(app.topic(args.input))
    if args.mode == "stateful":
        def count(value: dict, state: State) -> dict:
            c = state.get("count", 0) + value["n"]
            state.set("count", c)
            return {"seq": value["seq"], "count": c}

        sdf = sdf.apply(count, stateful=True)
    else:
        def count(value: dict) -> dict:  # same work minus the state
            return {"seq": value["seq"], "count": value["n"]}

        sdf = sdf.apply(count)
    sdf = sdf.to_topic(app.topic(args.output))

    mon = Monitor(args.broker, args.group, args.input, args.output, args.expected_out)
    watcher = threading.Thread(target=mon.run, kwargs={"on_done": app.stop, "timeout": args.timeout}, daemon=True)
    mon.t0 = time.monotonic()
    watcher.start()
    app.run(sdf)
    run_returned_s = time.monotonic() - mon.t0
    mon.close()
    ru = resource.getrusage(resource.RUSAGE_SELF)
    stats = getattr(app, "last_run_stats", None)
    if stats is not None and dataclasses.is_dataclass(stats):
        stats = dataclasses.asdict(stats)
    print(json.dumps({
        "mode": args.mode,
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

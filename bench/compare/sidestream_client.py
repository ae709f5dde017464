"""Contender client of the side-by-side benchmark: one pipeline of bench/compare/pipelines.py on sidestream.

Runs against an already running sidestreamd (a fresh one per run, started by run_compare.py) until
SIGTERM — the SDK then stops gracefully (the sidecar finishes in-flight work and commits) — and prints
one JSON line with `app.last_run_stats`. The orchestrator watches the consumer group's commits and
measures this process and the sidecar from outside. Run with `.venv-bench`, where run_compare.sh
installs the SDK of the working tree (client-sdk/python), next to quixstreams.

    .venv-bench/bin/python bench/compare/sidestream_client.py --mode apply \
        --broker 127.0.0.1:39792 --sidecar 127.0.0.1:50951 --input in --output out --group g
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pipelines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=["native", "apply", "stateful"], required=True)
    ap.add_argument("--broker", required=True)
    ap.add_argument("--sidecar", required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--group", required=True)
    ap.add_argument("--commit-interval", type=float, default=1.0)
    args = ap.parse_args()

    import sidestream
    from sidestream import Application

    app = Application(broker_address=args.broker, consumer_group=args.group, auto_offset_reset="earliest",
                      sidecar_address=args.sidecar, loglevel="WARNING", commit_interval=args.commit_interval)
    sdf = pipelines.build(app.dataframe(app.topic(args.input)), app.topic(args.output), args.mode)
    app.run(sdf)  # until SIGTERM
    stats = app.last_run_stats
    print(json.dumps({"library": "sidestream", "version": getattr(sidestream, "__version__", "?"),
                      "sdk_path": os.path.dirname(sidestream.__file__), "mode": args.mode,
                      "stats": dataclasses.asdict(stats) if stats is not None else None}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

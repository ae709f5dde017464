"""Contender client of the side-by-side benchmark: one pipeline of bench/compare/pipelines.py on quixstreams
(in-process: its own consumer, producer and RocksDB state), from PyPI in `.venv-bench`.

Runs until SIGTERM (quixstreams then stops gracefully: it commits its checkpoint) and prints one JSON
line. Settings matched to the other contenders: consumer group from earliest, commit every 1 s
(`commit_interval`; quixstreams' default is 5 s); its producer is idempotent with murmur2 by
default like sidestreamd's. `--changelog` keeps quixstreams' default of backing state with a Kafka
changelog topic; without it the state lives in local RocksDB only, like sidestreamd's.

    .venv-bench/bin/python bench/compare/quix_client.py --mode apply --broker 127.0.0.1:39792 \
        --input in --output out --group g --state-dir /tmp/x
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pipelines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=["apply", "stateful"], required=True)
    ap.add_argument("--broker", required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--group", required=True)
    ap.add_argument("--state-dir", required=True)
    ap.add_argument("--changelog", action="store_true", help="back state with a changelog topic (quixstreams' default)")
    ap.add_argument("--commit-interval", type=float, default=1.0)
    args = ap.parse_args()

    import quixstreams
    from quixstreams import Application

    app = Application(broker_address=args.broker, consumer_group=args.group, auto_offset_reset="earliest",
                      commit_interval=args.commit_interval, state_dir=args.state_dir,
                      use_changelog_topics=args.changelog, loglevel=logging.WARNING)
    pipelines.build(app.dataframe(app.topic(args.input)), app.topic(args.output), args.mode)
    app.run()  # quixstreams 3.x tracks the dataframes itself; runs until SIGTERM
    print(json.dumps({"library": "quixstreams", "version": quixstreams.__version__, "mode": args.mode,
                      "changelog": args.changelog}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

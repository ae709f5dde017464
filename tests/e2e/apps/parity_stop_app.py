"""Seed parity: `Application(loglevel=...)` and `Application.stop()` from another thread.

Prints the level of the "sidestream" logger, runs apply → to_topic(out) and, from a
timer thread, calls `app.stop()` once `--count` records were processed; `app.run()`
must then return normally. Prints "processed N" and "run returned" and exits 0.
Usage:
    parity_stop_app.py --broker B --group G --input IN --output OUT --count N --loglevel LEVEL
(the sidecar address comes from SIDESTREAM_ADDRESS)
"""

import argparse
import logging
import threading

from sidestream import Application


def main() -> None:
    parser = argparse.ArgumentParser()
    for name in ("--broker", "--group", "--input", "--output", "--loglevel"):
        parser.add_argument(name, required=True)
    parser.add_argument("--count", type=int, required=True)
    args = parser.parse_args()

    app = Application(
        broker_address=args.broker,
        consumer_group=args.group,
        auto_offset_reset="earliest",
        commit_interval=0.2,
        loglevel=args.loglevel,
    )
    print(f"sidestream logger level {logging.getLevelName(logging.getLogger('sidestream').level)}", flush=True)
    processed = 0
    enough = threading.Event()

    def count(value):
        nonlocal processed
        processed += 1
        if processed >= args.count:
            enough.set()
        return value

    def stopper() -> None:
        enough.wait(60)
        app.stop()  # from a thread that is neither the run() caller nor the session's

    threading.Thread(target=stopper, daemon=True).start()
    sdf = app.dataframe(app.topic(args.input)).apply(count).to_topic(app.topic(args.output))
    app.run(sdf)
    print(f"processed {processed}", flush=True)
    print("run returned", flush=True)


if __name__ == "__main__":
    main()

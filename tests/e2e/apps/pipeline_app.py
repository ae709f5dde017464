"""The e2e pipeline: apply (add a field) → filter (drop n % 7 == 3) → to_topic(out, key=user).

Runs until SIGTERM/SIGINT (graceful stop). Usage:
    pipeline_app.py --broker B --group G --input IN --output OUT [--sleep-ms MS]
(the sidecar address comes from SIDESTREAM_ADDRESS)
"""

import argparse
import time

from sidestream import Application


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--broker", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--sleep-ms", type=float, default=0.0, help="pause per record, to make runs last")
    parser.add_argument(
        "--session-timeout-ms", type=int, default=6000, help="how soon a killed sidecar's consumer leaves the group"
    )
    args = parser.parse_args()
    pause = args.sleep_ms / 1000.0

    app = Application(
        broker_address=args.broker,
        consumer_group=args.group,
        auto_offset_reset="earliest",
        commit_interval=0.5,
        consumer_extra_config={"session.timeout.ms": args.session_timeout_ms},
    )
    source = app.topic(args.input)
    out = app.topic(args.output, key_serializer="string")

    def enrich(value: dict) -> dict:
        if pause:
            time.sleep(pause)
        return {**value, "processed": True, "double": value["seq"] * 2}

    sdf = app.dataframe(source)
    sdf = sdf.apply(enrich)
    sdf = sdf.filter(lambda v: v["n"] % 7 != 3)
    sdf = sdf.to_topic(out, key=lambda v: v["user"])
    app.run(sdf)
    print("APP EXITED CLEANLY", flush=True)


if __name__ == "__main__":
    main()

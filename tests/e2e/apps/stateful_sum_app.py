"""The stateful e2e pipeline: a per-key running sum kept in sidecar state.

    sdf = sdf.apply(add_to_sum, stateful=True)   # state.get/set under the message key
    sdf = sdf.to_topic(out)

Each output is {"key", "seq", "sum", "probe"}. Runs until SIGTERM/SIGINT. Usage:
    stateful_sum_app.py --broker B --group G --input IN --output OUT [--sleep-ms MS]
"""

import argparse
import time

from sidestream import Application, State, message_key


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--broker", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--sleep-ms", type=float, default=0.0)
    args = parser.parse_args()
    pause = args.sleep_ms / 1000.0

    app = Application(
        broker_address=args.broker,
        consumer_group=args.group,
        auto_offset_reset="earliest",
        commit_interval=0.5,
        consumer_extra_config={"session.timeout.ms": 6000},
    )

    def add_to_sum(value: dict, state: State) -> dict:
        if pause:
            time.sleep(pause)
        total = state.get("sum", 0) + value["n"]
        state.set("sum", total)
        return {"key": message_key().decode(), "seq": value["seq"], "sum": total, "probe": value.get("probe", False)}

    sdf = app.dataframe(app.topic(args.input))
    sdf = sdf.apply(add_to_sum, stateful=True)
    sdf = sdf.to_topic(app.topic(args.output))
    app.run(sdf)
    print("APP EXITED CLEANLY", flush=True)


if __name__ == "__main__":
    main()

"""Callback transport benchmark (issue #6; bench/RESULTS.md, "Callback transport"): the same Python `apply`
pipeline over a real broker, with sidestreamd sending its records to the client

  (1) one record per InvokeBatch:     sidestreamd --max-batch 1 --invoke-layout records (one round trip per record)
  (2) batched, per-record layout:     sidestreamd --invoke-layout records (≤1000 InvokeRecord messages per batch)
  (3) batched, packed layout:         sidestreamd (default: --max-batch 1000, packed-batch/1 negotiated)

Each run gets a fresh sidestreamd, consumer group and output topic; the client is bench/state_pipeline.py
--mode stateless (`sdf.apply(count).to_topic(out)`, the value rebuilt from two keys). Run (1) reads a smaller
input topic (--count-single) than (2) and (3) (--count): one round trip per record is slow.

The rate is the steady one: this process samples the group's committed offsets every 0.1 s and divides the
records committed between 10 % and 90 % of the input by the time between those samples, so group join,
interpreter start-up and the last checkpoint do not count. CPU µs/record = (sidestreamd + client CPU s) / N.

    KAFKA_PORT=39392 bash scripts/kafka.sh start
    .venv/bin/python bench/run_transport.py --broker 127.0.0.1:39392 [--count 400000 --count-single 20000]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import signal
import subprocess
import sys
import threading
import time

from confluent_kafka import Consumer, TopicPartition

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from native_pipeline import proc_cpu_s  # noqa: E402
from run_native import create_topics, free_port, git_commit, log, machine, wait_port, wait_rusage  # noqa: E402

PY = os.path.join(REPO, ".venv", "bin", "python")

RUNS = [
    ("(1) one record per message", ["--max-batch", "1", "--invoke-layout", "records"], True),
    ("(2) batched, per-record layout", ["--invoke-layout", "records"], False),
    ("(3) batched, packed layout", [], False),
]


class CommitSampler:
    """Samples the sum of a group's committed offsets on an input topic, with timestamps."""

    def __init__(self, broker: str, group: str, topic: str) -> None:
        self._c = Consumer({"bootstrap.servers": broker, "group.id": group, "enable.auto.commit": False,
                            "log_level": 3})
        self.topic = topic
        self.parts = sorted(self._c.list_topics(topic, timeout=10).topics[topic].partitions)
        self.samples: list[tuple[float, int]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            got = self._c.committed([TopicPartition(self.topic, p) for p in self.parts], timeout=10)
            self.samples.append((time.monotonic(), sum(max(tp.offset, 0) for tp in got)))
            time.sleep(0.1)
        self._c.close()

    def steady_rate(self, n: int) -> float:
        """Records per second between the first samples at ≥10 % and ≥90 % of `n`."""
        lo = next(s for s in self.samples if s[1] >= 0.1 * n)
        hi = next(s for s in self.samples if s[1] >= 0.9 * n)
        return (hi[1] - lo[1]) / (hi[0] - lo[0])


def run(args, name: str, flags: list[str], inp: str, n: int, tag: int) -> dict:
    group = f"bench-transport-{tag}-{int(time.time())}"
    out = f"transport-out-{tag}-{int(time.time())}"
    create_topics(args.broker, [out], args.partitions)
    port = free_port()
    state = os.path.join(args.work, f"state-{tag}")
    os.makedirs(state, exist_ok=True)
    with open(os.path.join(args.work, f"sidestreamd-{tag}.log"), "w") as errlog:
        sd = subprocess.Popen([args.sidestreamd, "--listen", f"127.0.0.1:{port}", "--broker", args.broker,
                               "--log-level", "info", "--state-dir", state, "--progress-interval", "3600", *flags],
                              stdout=errlog, stderr=subprocess.STDOUT)
    sampler = CommitSampler(args.broker, group, inp)
    watcher = threading.Thread(target=sampler.run, daemon=True)
    try:
        wait_port(port)
        watcher.start()
        client = subprocess.Popen([PY, os.path.join(HERE, "state_pipeline.py"), "--mode", "stateless",
                                   "--broker", args.broker, "--sidecar", f"127.0.0.1:{port}", "--input", inp,
                                   "--output", out, "--group", group, "--expected-out", str(n),
                                   "--timeout", str(args.timeout)], stdout=subprocess.PIPE, text=True)
        holder: list[str] = []
        reader = threading.Thread(target=lambda: holder.append(client.stdout.read()), daemon=True)
        reader.start()
        crc, client_cpu, _ = wait_rusage(client)
        reader.join()
        sd_cpu = proc_cpu_s(sd.pid)
    finally:
        sampler.stop.set()
        watcher.join(15)
        if sd.poll() is None:
            sd.send_signal(signal.SIGTERM)
            try:
                sd.wait(60)
            except subprocess.TimeoutExpired:
                sd.kill()
    if crc != 0:
        raise RuntimeError(f"{name}: state_pipeline.py failed (exit {crc}): {holder}")
    with open(os.path.join(args.work, f"sidestreamd-{tag}.log")) as f:
        layout = next((w.split("=", 1)[1] for line in f if "session.registered" in line
                       for w in line.split() if w.startswith("layout=")), "?")
    own = json.loads(holder[0].strip().splitlines()[-1])
    stats = own.get("last_run_stats") or {}
    return {"name": name, "flags": " ".join(flags) or "(defaults)", "n": n, "layout": layout,
            "rate": sampler.steady_rate(n), "committed_s": own["committed_s"],
            "cpu_us": (sd_cpu + client_cpu) / n * 1e6, "sd_cpu_s": sd_cpu, "client_cpu_s": client_cpu,
            "invocations": stats.get("invocations")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--broker", required=True)
    ap.add_argument("--count", type=int, default=400_000, help="input of the batched runs (2), (3)")
    ap.add_argument("--count-single", type=int, default=20_000, help="input of run (1), one record per message")
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--sidestreamd", default=os.path.join(REPO, "build", "server", "sidestreamd"))
    ap.add_argument("--work", default="/tmp/sidestream-bench-transport")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--no-results", action="store_true", help="do not append to bench/RESULTS.md")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    stamp = int(time.time())
    inputs = {}
    for count in sorted({args.count, args.count_single}):
        topic = f"transport-in-{count}-{stamp}"
        create_topics(args.broker, [topic], args.partitions)
        subprocess.run([PY, os.path.join(HERE, "fill_state_input.py"), "--broker", args.broker, "--topic", topic,
                        "--count", str(count), "--keys", "1000"], capture_output=True, text=True, check=True)
        inputs[count] = topic
        log(f"filled {topic} with {count} messages")
    results = []
    for tag, (name, flags, single) in enumerate(RUNS, start=1):
        n = args.count_single if single else args.count
        r = run(args, name, flags, inputs[n], n, tag)
        log(json.dumps(r))
        results.append(r)
    base = results[0]["rate"]
    rows = ["| run | sidestreamd flags | layout | records | **records/s (steady)** | × (1) | "
            "CPU µs/record (sidestreamd + client) | launch → all committed s |",
            "|---|---|---|---:|---:|---:|---:|---:|"]
    for r in results:
        rows.append(f"| {r['name']} | `{r['flags']}` | {r['layout']} | {r['n']:,} | **{r['rate']:,.0f}** | "
                    f"{r['rate'] / base:.1f} | {r['cpu_us']:.1f} ({r['sd_cpu_s']:.2f} s + {r['client_cpu_s']:.2f} s) | "
                    f"{r['committed_s']:.1f} |")
    table = "\n".join(rows)
    when = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
    text = (f"### {when} — commit {git_commit()} — callback transport\n\n"
            f"{args.partitions} partitions; machine: {machine()}; "
            f"load average before/after not controlled (shared machine)\n\n{table}\n")
    print(text)
    if not args.no_results:
        with open(os.path.join(HERE, "RESULTS.md"), "a") as f:
            f.write("\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""State benchmark (see bench/RESULTS.md, "State benchmark"). Run via bench/run_state.sh.

Fills a 4-partition input topic with N keyed JSON messages (10,000 distinct keys, partitioned by
key; bench/fill_state_input.py), then runs, one after the other on the same input, each with a
fresh sidestreamd (--metrics-listen, own --state-dir), consumer group and output topic:
  (1) stateless: sdf.apply(count) → to_topic
  (2) stateful:  sdf.apply(count, stateful=True) (state.get/set of a per-key counter) → to_topic
Wall time is from launching the client to "all input offsets committed". Reads the sidecar's
Prometheus counters (state read round-trips, keys read, writes, consumed) before stopping it,
peak RSS = VmHWM of sidestreamd (/proc) and of the client (its own VmHWM). Checks both outputs
(one output per input; stateful: every key's highest count == N / keys) and prints a Markdown
table; appends it to bench/RESULTS.md unless --no-results.
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
import urllib.request

from confluent_kafka import Consumer, TopicPartition

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from benchlib import (  # noqa: E402
    create_topics,
    free_port,
    git_commit,
    log,
    machine,
    mb,
    proc_cpu_s,
    proc_status_kb,
    wait_port,
    wait_rusage,
)

PY = os.path.join(REPO, ".venv", "bin", "python")


def scrape(port: int) -> dict[str, float]:
    """Sums every sidestream_* sample over its labels."""
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    out: dict[str, float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name_labels, _, value = line.rpartition(" ")
        name = name_labels.split("{", 1)[0]
        try:
            out[name] = out.get(name, 0.0) + float(value)
        except ValueError:
            pass
    return out


def du_kb(path: str) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(root, f))
            except OSError:
                pass
    return total // 1024


def run(args, mode: str, inp: str, out: str, n: int) -> dict:
    group = f"bench-state-{mode}-{int(time.time())}"
    port, mport = free_port(), free_port()
    state = os.path.join(args.work, f"state-{mode}")
    os.makedirs(state, exist_ok=True)
    with open(os.path.join(args.work, f"sidestreamd-{mode}.log"), "w") as errlog:
        sd = subprocess.Popen([args.sidestreamd, "--listen", f"127.0.0.1:{port}", "--broker", args.broker,
                               "--log-level", "warning", "--state-dir", state, "--progress-interval", "3600",
                               "--metrics-listen", f"127.0.0.1:{mport}"], stdout=errlog, stderr=subprocess.STDOUT)
    try:
        wait_port(port)
        wait_port(mport)
        t0 = time.monotonic()
        client = subprocess.Popen([PY, os.path.join(HERE, "state_pipeline.py"), "--mode", mode,
                                   "--broker", args.broker, "--sidecar", f"127.0.0.1:{port}", "--input", inp,
                                   "--output", out, "--group", group, "--expected-out", str(n),
                                   "--timeout", str(args.timeout)], stdout=subprocess.PIPE, text=True)
        holder: list[str] = []
        reader = threading.Thread(target=lambda: holder.append(client.stdout.read()), daemon=True)
        reader.start()
        crc, client_cpu, client_maxrss = wait_rusage(client)
        reader.join()
        wall_launch = time.monotonic() - t0
        metrics = scrape(mport)
        sd_cpu = proc_cpu_s(sd.pid)
        sd_rss = proc_status_kb(sd.pid, "VmHWM")
    finally:
        if sd.poll() is None:
            sd.send_signal(signal.SIGTERM)
            try:
                sd.wait(60)
            except subprocess.TimeoutExpired:
                sd.kill()
    if crc != 0:
        raise RuntimeError(f"state_pipeline.py --mode {mode} failed (exit {crc}): {holder}")
    own = json.loads(holder[0].strip().splitlines()[-1])
    return {"mode": mode, "wall_s": own["committed_s"], "output_done_s": own["output_done_s"],
            "wall_launch_s": wall_launch, "sd_cpu_s": sd_cpu, "sd_rss_kb": sd_rss, "client_cpu_s": client_cpu,
            "client_rss_kb": own.get("client_vm_hwm_kb") or client_maxrss, "state_kb": du_kb(state),
            "metrics": {k: v for k, v in metrics.items() if "state" in k or "consumed" in k or "invocations" in k},
            "group": group}


def check_output(broker: str, topic: str, n: int, keys: int, per_key: int, stateful: bool,
                 timeout: float = 300) -> str:
    c = Consumer({"bootstrap.servers": broker, "group.id": f"bench-verify-{time.time()}",
                  "auto.offset.reset": "earliest", "enable.auto.commit": False})
    parts = sorted(c.list_topics(topic, timeout=10).topics[topic].partitions)
    c.assign([TopicPartition(topic, p, 0) for p in parts])
    ends = {p: c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in parts}
    total = sum(ends.values())
    seqs: set[int] = set()
    best: dict[bytes, int] = {}
    got = 0
    deadline = time.monotonic() + timeout
    while got < total and time.monotonic() < deadline:
        for m in c.consume(10000, timeout=1.0):
            if m.error():
                continue
            got += 1
            v = json.loads(m.value())
            seqs.add(v["seq"])
            if v["count"] > best.get(m.key(), 0):
                best[m.key()] = v["count"]
    c.close()
    ok = len(seqs) == n and got >= n
    msg = f"{got} outputs ({total - n} duplicates), {len(seqs)}/{n} inputs answered"
    if stateful:
        wrong = [k for k, v in best.items() if v != per_key]
        ok = ok and len(best) == keys and not wrong
        msg += f"; {len(best)} keys, highest count == {per_key} for {len(best) - len(wrong)}"
    return ("OK: " if ok else "MISMATCH: ") + msg


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--keys", type=int, default=10_000)
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--sidestreamd", default=os.path.join(REPO, "build", "server", "sidestreamd"))
    ap.add_argument("--broker", default=f"127.0.0.1:{os.environ.get('KAFKA_PORT', '39692')}")
    ap.add_argument("--work", default="/tmp/sidestream-bench-state")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--no-results", action="store_true", help="do not append to bench/RESULTS.md")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    stamp = str(int(time.time()))
    inp, out_sl, out_sf = f"state-in-{stamp}", f"state-out-stateless-{stamp}", f"state-out-stateful-{stamp}"
    create_topics(args.broker, [inp, out_sl, out_sf], args.partitions)
    log(f"filling {inp} with {args.count} messages over {args.keys} keys")
    fill = subprocess.run([PY, os.path.join(HERE, "fill_state_input.py"), "--broker", args.broker, "--topic", inp,
                           "--count", str(args.count), "--keys", str(args.keys)],
                          capture_output=True, text=True, check=True)
    filled = json.loads(fill.stdout.strip().splitlines()[-1])
    log(f"filled: {filled}")
    n = filled["count"]
    load_before = os.getloadavg()

    log("(1) stateless apply")
    a = run(args, "stateless", inp, out_sl, n)
    log(f"(1) {json.dumps(a)}")
    log("(2) stateful apply")
    b = run(args, "stateful", inp, out_sf, n)
    log(f"(2) {json.dumps(b)}")
    load_after = os.getloadavg()
    notes = [f"(1) output: {check_output(args.broker, out_sl, n, args.keys, filled['per_key'], False)}",
             f"(2) output: {check_output(args.broker, out_sf, n, args.keys, filled['per_key'], True)}"]
    for line in notes:
        log(line)

    def rt(r: dict) -> str:
        m = r["metrics"]
        consumed = m.get("sidestream_messages_consumed_total", 0) or 1
        return (f"{m.get('sidestream_state_read_requests_total', 0) / consumed:.4f} "
                f"({m.get('sidestream_state_read_requests_total', 0):,.0f} StateRead; "
                f"{m.get('sidestream_state_reads_total', 0):,.0f} keys read, "
                f"{m.get('sidestream_state_writes_total', 0):,.0f} writes)")

    ra, rb = n / a["wall_s"], n / b["wall_s"]
    oa, ob = n / a["output_done_s"], n / b["output_done_s"]
    table = "\n".join([
        "| run | msgs/s (launch → all committed) | msgs/s (launch → output complete) | wall s | "
        "state round-trips per message | CPU s | peak RSS |",
        "|---|---:|---:|---:|---|---:|---:|",
        f"| (1) stateless Python `apply` | {ra:,.0f} | {oa:,.0f} | {a['wall_s']:.2f} | {rt(a)} | "
        f"{a['sd_cpu_s'] + a['client_cpu_s']:.2f} (sidestreamd {a['sd_cpu_s']:.2f} + client {a['client_cpu_s']:.2f}) | "
        f"sidestreamd {mb(a['sd_rss_kb'])}, client {mb(a['client_rss_kb'])} |",
        f"| (2) stateful Python `apply` (per-key counter) | {rb:,.0f} | {ob:,.0f} | {b['wall_s']:.2f} | {rt(b)} | "
        f"{b['sd_cpu_s'] + b['client_cpu_s']:.2f} (sidestreamd {b['sd_cpu_s']:.2f} + client {b['client_cpu_s']:.2f}) | "
        f"sidestreamd {mb(b['sd_rss_kb'])}, client {mb(b['client_rss_kb'])} |",
        f"| **2/1** | **{rb / ra:.2f}** | {ob / oa:.2f} | | | | |",
    ])
    when = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
    header = (f"### {when} — commit {git_commit()} — state benchmark\n\n"
              f"{n:,} messages, {args.keys:,} keys, {args.partitions} partitions; machine: {machine()}; "
              f"load average (1/5/15 min) before: {load_before[0]:.2f}/{load_before[1]:.2f}/{load_before[2]:.2f}, "
              f"after: {load_after[0]:.2f}/{load_after[1]:.2f}/{load_after[2]:.2f}; state dir after (2): "
              f"{mb(b['state_kb'])}. Target 2/1 ≥ 0.7: **{'met' if rb / ra >= 0.7 else 'NOT met'}**.\n")
    block = header + "\n" + table + "\n\n" + "\n".join(f"- {x}" for x in notes) + "\n"
    print(block)
    if not args.no_results:
        with open(os.path.join(HERE, "RESULTS.md"), "a") as f:
            f.write("\n" + block)
    return 0 if all(x.split(": ", 1)[1].startswith("OK") for x in notes) else 1


if __name__ == "__main__":
    sys.exit(main())

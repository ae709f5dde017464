"""One-command native-step benchmark (see bench/RESULTS.md). Run via bench/run_native.sh.

Starts a fresh broker on KAFKA_PORT (default 39592), fills a 4-partition input
topic with N JSON messages of ~200 B, then runs, one after the other:
  (a) bench/raw_forward: librdkafka consume → produce, bytes unchanged;
  (b) a fresh sidestreamd (--log-level warning) running
      sdf = sdf[sdf["x"] > 0]; sdf["z"] = sdf["x"] + sdf["y"]; sdf = sdf[["x", "z"]]; to_topic
      registered by bench/native_pipeline.py through the Python SDK.
Each with a fresh consumer group and output topic. Wall time is from launch to
"all input offsets committed" (polled every 50 ms). Prints a Markdown table, checks
the outputs, appends the table to bench/RESULTS.md, stops the broker.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
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
from native_pipeline import Monitor  # noqa: E402

PY = os.path.join(REPO, ".venv", "bin", "python")


def run_raw(args, bin_dir: str, inp: str, out: str, n: int) -> dict:
    group = f"bench-raw-{int(time.time())}"
    mon = Monitor(args.broker, group, inp, out, expected_out=n)
    outfile = os.path.join(args.work, "raw_forward.json")
    with open(outfile, "w") as fo:
        mon.t0 = time.monotonic()
        proc = subprocess.Popen([os.path.join(bin_dir, "raw_forward"), "--broker", args.broker, "--input", inp,
                                 "--output", out, "--group", group, "--count", str(n)], stdout=fo)
        th = threading.Thread(target=mon.run, kwargs={"timeout": args.timeout}, daemon=True)
        th.start()
        rc, cpu, maxrss = wait_rusage(proc)
    th.join()
    mon.close()
    if rc != 0 or mon.done_committed_s is None:
        raise RuntimeError(f"raw_forward failed (exit {rc})")
    with open(outfile) as f:
        own = json.loads(f.read().strip().splitlines()[-1])
    return {"wall_s": mon.done_committed_s, "output_done_s": mon.done_output_s, "cpu_s": cpu,
            "rss_kb": own.get("vm_hwm_kb") or maxrss, "own": own, "group": group}


def start_sidestreamd(args, bin_path: str, tag: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    state = os.path.join(args.work, f"state-{tag}")
    os.makedirs(state, exist_ok=True)
    errlog = open(os.path.join(args.work, f"sidestreamd-{tag}.log"), "w")
    proc = subprocess.Popen([bin_path, "--listen", f"127.0.0.1:{port}", "--broker", args.broker,
                             "--log-level", "warning", "--state-dir", state, "--progress-interval", "3600"],
                            stdout=errlog, stderr=subprocess.STDOUT)
    wait_port(port)
    return proc, port


def stop_sidestreamd(proc: subprocess.Popen) -> tuple[int, float, int]:
    proc.send_signal(signal.SIGTERM)
    return wait_rusage(proc)


def run_native(args, bin_path: str, inp: str, out: str, expected_out: int, tag: str,
               perf_out: str | None = None) -> dict:
    group = f"bench-native-{tag}-{int(time.time())}"
    sd, port = start_sidestreamd(args, bin_path, tag)
    perf = None
    try:
        if perf_out:
            perf = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-F", "999", "-g", "-p", str(sd.pid),
                                     "-o", perf_out], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)
        t0 = time.monotonic()
        client = subprocess.Popen([PY, os.path.join(HERE, "native_pipeline.py"), "--broker", args.broker,
                                   "--sidecar", f"127.0.0.1:{port}", "--input", inp, "--output", out,
                                   "--group", group, "--expected-out", str(expected_out),
                                   "--timeout", str(args.timeout)], stdout=subprocess.PIPE, text=True)
        stdout_holder: list[str] = []
        reader = threading.Thread(target=lambda: stdout_holder.append(client.stdout.read()), daemon=True)
        reader.start()
        crc, client_cpu, client_maxrss = wait_rusage(client)
        reader.join()
        wall_launch = time.monotonic() - t0
        if perf is not None:
            perf.send_signal(signal.SIGINT)
            perf.wait()
        # sidestreamd: CPU and peak RSS just before stopping it
        sd_cpu = proc_cpu_s(sd.pid)
        sd_rss = proc_status_kb(sd.pid, "VmHWM")
    finally:
        if sd.poll() is None:
            stop_sidestreamd(sd)
    if crc != 0:
        raise RuntimeError(f"native_pipeline.py failed (exit {crc}): {stdout_holder}")
    own = json.loads(stdout_holder[0].strip().splitlines()[-1])
    return {"wall_s": own["committed_s"], "output_done_s": own["output_done_s"], "wall_launch_s": wall_launch,
            "sd_cpu_s": sd_cpu, "sd_rss_kb": sd_rss, "client_cpu_s": client_cpu,
            "client_rss_kb": own.get("client_vm_hwm_kb") or client_maxrss, "own": own, "group": group}


def read_all(broker: str, topic: str, expected: int, timeout: float = 120) -> dict:
    c = Consumer({"bootstrap.servers": broker, "group.id": f"bench-verify-{time.time()}",
                  "auto.offset.reset": "earliest", "enable.auto.commit": False})
    parts = sorted(c.list_topics(topic, timeout=10).topics[topic].partitions)
    c.assign([TopicPartition(topic, p, 0) for p in parts])
    got: dict = {}
    n = 0
    deadline = time.monotonic() + timeout
    while n < expected and time.monotonic() < deadline:
        for m in c.consume(10000, timeout=1.0):
            if m.error():
                continue
            got[m.key()] = m.value()
            n += 1
    c.close()
    return {"messages": n, "by_key": got}


def verify(args, inp: str, out_raw: str, out_native: str, n: int, positives: int) -> list[str]:
    notes = []
    mon_raw = Monitor(args.broker, "bench-verify", inp, out_raw)
    raw_count = mon_raw.out_count()
    mon_raw.close()
    notes.append(f"(a) output count {raw_count} (expected {n}): {'OK' if raw_count == n else 'MISMATCH'}")
    res = read_all(args.broker, out_native, positives)
    nat = res["by_key"]
    ok_count = res["messages"] == positives and len(nat) == positives
    notes.append(f"(b) output count {res['messages']} ({len(nat)} distinct keys), inputs with x > 0: {positives}: "
                 f"{'OK' if ok_count else 'MISMATCH'}")
    # sample: the first `sample` input messages of every partition
    c = Consumer({"bootstrap.servers": args.broker, "group.id": f"bench-verify-in-{time.time()}",
                  "enable.auto.commit": False})
    c.assign([TopicPartition(inp, p, 0) for p in range(args.partitions)])
    checked = bad = 0
    per_part = {p: 0 for p in range(args.partitions)}
    deadline = time.monotonic() + 60
    while min(per_part.values()) < args.sample and time.monotonic() < deadline:
        for m in c.consume(5000, timeout=1.0):
            if m.error() or per_part[m.partition()] >= args.sample:
                continue
            per_part[m.partition()] += 1
            v = json.loads(m.value())
            o = nat.get(m.key())
            checked += 1
            if v["x"] > 0:
                ov = json.loads(o) if o is not None else None
                if (ov is None or set(ov) != {"x", "z"} or ov["x"] != v["x"]
                        or not math.isclose(ov["z"], v["x"] + v["y"], rel_tol=0, abs_tol=1e-9)
                        or ov["z"] != v["x"] + v["y"]):
                    bad += 1
                    if bad <= 3:
                        notes.append(f"  bad: key={m.key()!r} in={m.value()[:80]!r} out={o!r}")
            elif o is not None:
                bad += 1
                if bad <= 3:
                    notes.append(f"  x <= 0 but present: key={m.key()!r} out={o!r}")
    c.close()
    notes.append(f"(b) sample of {checked} inputs: z == x + y, keys == {{x, z}}, x <= 0 dropped: "
                 f"{'OK' if bad == 0 and checked > 0 else f'{bad} BAD'}")
    return notes


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--bin-dir", required=True, help="build dir (raw_forward, fill_input, server/sidestreamd)")
    ap.add_argument("--broker", default=f"127.0.0.1:{os.environ.get('KAFKA_PORT', '39592')}")
    ap.add_argument("--work", default="/tmp/sidestream-bench")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--sample", type=int, default=5000, help="input messages per partition checked against (b)")
    ap.add_argument("--profile", action="store_true", help="afterwards, one more (b) run under perf record")
    ap.add_argument("--no-results", action="store_true", help="do not append to bench/RESULTS.md")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    bench_bin = os.path.join(args.bin_dir, "bench")
    sd_bin = os.path.join(args.bin_dir, "server", "sidestreamd")
    stamp = str(int(time.time()))
    inp, out_raw, out_native = f"bench-in-{stamp}", f"bench-out-raw-{stamp}", f"bench-out-native-{stamp}"
    create_topics(args.broker, [inp, out_raw, out_native], args.partitions)

    log(f"filling {inp} with {args.count} messages")
    fill = subprocess.run([os.path.join(bench_bin, "fill_input"), "--broker", args.broker, "--topic", inp,
                           "--count", str(args.count), "--partitions", str(args.partitions)],
                          capture_output=True, text=True, check=True)
    filled = json.loads(fill.stdout.strip().splitlines()[-1])
    log(f"filled: {filled}")
    n, positives = filled["count"], filled["x_positive"]

    log("(a) raw_forward")
    a = run_raw(args, bench_bin, inp, out_raw, n)
    log(f"(a) {json.dumps(a)}")
    log("(b) sidestreamd native pipeline")
    b = run_native(args, sd_bin, inp, out_native, positives, "b")
    log(f"(b) {json.dumps(b)}")
    notes = verify(args, inp, out_raw, out_native, n, positives)
    for line in notes:
        log(line)

    a_rate, b_rate = n / a["wall_s"], n / b["wall_s"]
    a_rate_out, b_rate_out = n / a["output_done_s"], n / b["output_done_s"]
    b_cpu = b["sd_cpu_s"] + b["client_cpu_s"]
    table = "\n".join([
        "| run | msgs/s (launch → all committed) | msgs/s (launch → output complete) | wall s | CPU s | peak RSS |",
        "|---|---:|---:|---:|---:|---:|",
        f"| (a) raw librdkafka forward | {a_rate:,.0f} | {a_rate_out:,.0f} | {a['wall_s']:.2f} | {a['cpu_s']:.2f} | "
        f"{mb(a['rss_kb'])} |",
        f"| (b) sidestreamd native filter/assign/project | {b_rate:,.0f} | {b_rate_out:,.0f} | {b['wall_s']:.2f} | "
        f"{b_cpu:.2f} (sidestreamd {b['sd_cpu_s']:.2f} + client {b['client_cpu_s']:.2f}) | "
        f"sidestreamd {mb(b['sd_rss_kb'])}, client {mb(b['client_rss_kb'])} |",
        f"| **b/a** | **{b_rate / a_rate:.2f}** | {b_rate_out / a_rate_out:.2f} | | "
        f"{b['sd_cpu_s'] / a['cpu_s']:.2f} (sidestreamd only) | |",
    ])
    header = (f"### {datetime.datetime.now().astimezone().isoformat(timespec='seconds')} — commit {git_commit()}\n\n"
              f"Machine: {machine()}. Input: {n:,} JSON messages, {filled['avg_value_bytes']:.0f} B average value, "
              f"{args.partitions} partitions ({positives:,} with x > 0); (b) graph registered via "
              f"{b['own']['graph']}.\n")
    report = header + "\n" + table + "\n\nChecks: " + "; ".join(notes) + "\n"
    print(report)

    if args.profile:
        out_prof = f"bench-out-native-prof-{stamp}"
        create_topics(args.broker, [out_prof], args.partitions)
        perf_data = os.path.join(args.work, "perf-native.data")
        log("profiling run of (b) under perf record")
        p = run_native(args, sd_bin, inp, out_prof, positives, "prof", perf_out=perf_data)
        log(f"(b, under perf) wall {p['wall_s']:.2f}s, sidestreamd CPU {p['sd_cpu_s']:.2f}s")
        for mode, fname in (("--no-children", "perf-self.txt"), ("--children", "perf-children.txt")):
            with open(os.path.join(args.work, fname), "w") as f:
                subprocess.run(["perf", "report", "-i", perf_data, mode, "--stdio", "--percent-limit", "0.5",
                                "-g", "none", "--sort", "symbol"], stdout=f, stderr=subprocess.DEVNULL)
        with open(os.path.join(args.work, "perf-threads.txt"), "w") as f:
            subprocess.run(["perf", "report", "-i", perf_data, "--no-children", "--stdio", "-g", "none",
                            "--sort", "comm"], stdout=f, stderr=subprocess.DEVNULL)
        log(f"profile in {args.work}/perf-self.txt, perf-children.txt, perf-threads.txt")

    if not args.no_results:
        with open(os.path.join(HERE, "RESULTS.md"), "a") as f:
            f.write("\n" + report)
    return 0


if __name__ == "__main__":
    sys.exit(main())

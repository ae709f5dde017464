"""Side-by-side benchmark of issue #6 (see bench/RESULTS.md, "Side-by-side benchmark"). Run via bench/run_compare.sh.

On one broker (started by run_compare.sh), one input topic of N JSON messages (~200 B, 4 partitions,
keys k<i % 10,000>, pre-produced once by fill_input), every contender consumes the whole input from
the beginning with a fresh consumer group into its own fresh 4-partition output topic:

  raw       C++ librdkafka consume → produce, bytes forwarded (bench/raw_forward.cc; the limit here)
  ss-native sidestream, native pipeline: sdf[sdf["x"] > 0]; sdf["z"] = sdf["x"] + sdf["y"]; sdf[["x", "z"]]
  ss-apply  sidestream, the same pipeline as one Python apply (+ filter of None)   — pipelines.py
  ss-state  sidestream, Python stateful per-key counter                           — pipelines.py
  qs-apply  quixstreams (PyPI, in-process), the very same apply pipeline
  qs-state  quixstreams, the very same stateful counter (local RocksDB state, no changelog, like sidestream)
  ck-loop   confluent-kafka-python poll → json → produce loop (same project function)
  (+ qs-state-cl with --quix-changelog: quixstreams stateful with its default changelog topic)
  (+ ss-apply-seq with --pipeline-ab: ss-apply with sidestreamd --pipeline-batches=false)

Repetitions alternate the contenders (rep 1: all in order, rep 2: all in order, …). Per run:
  wall      = from launching the contender's first process (sidestreamd, else the client) to the
              moment a watcher sees the group's committed offsets at the input's end offsets
              (polled every 50 ms); msgs/s = N / wall;
  CPU s     = utime + stime of sidestreamd + the client (from /proc at that moment; wait4 for a
              process that had already exited, i.e. raw_forward);
  peak RSS  = VmHWM of each process at that moment (ru_maxrss for an exited one);
  checks    = the output topic is read back: forward: N messages; project: exactly the inputs
              with x > 0, as {"x", "z"} with z == x + y (order-free fingerprint of the (x, z)
              multiset); stateful: one output per input and every key's highest count == N / keys.
              A run that fails its check is reported and left out of the medians.
Latency (separate runs, --skip-latency to skip): for each rate (1k and 10k msgs/s) and each
latency contender, a fresh input/output topic pair and a fresh contender; bench/compare/latency_probe
produces at the fixed rate and consumes the output: latency = receive − send on one clock.
--latency-reps repetitions (3; 1 when --count < 1,000,000), the contenders' order reversed every
other repetition so that a change of the machine's load does not favour the ones run last; the
tables show the median of each percentile over the repetitions and the p99's min–max.

Prints the tables and ratios; appends a dated block to bench/RESULTS.md and writes bench/compare.png
unless --no-results (then the chart goes to the work dir). Raw results: <work>/results.json.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from confluent_kafka import Consumer, TopicPartition

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
REPO = os.path.dirname(BENCH)
sys.path.insert(0, BENCH)
sys.path.insert(0, HERE)
import benchlib  # noqa: E402
import report  # noqa: E402
from benchlib import CommitWatcher, ProcSample, log  # noqa: E402

MASK64 = (1 << 64) - 1


@dataclass(frozen=True)
class Contender:
    key: str
    label: str
    kind: str  # raw | sidestream | quix | confluent
    output: str  # forward | project | stateful: what its output must be
    mode: str = ""  # pipelines.py mode for sidestream / quix
    changelog: bool = False
    latency: bool = False  # part of the latency runs
    sidecar_args: tuple[str, ...] = ()  # more sidestreamd flags


CONTENDERS = [
    Contender("raw", "1 raw C++ librdkafka forward", "raw", "forward", latency=True),
    Contender("ss-native", "2 sidestream native pipeline", "sidestream", "project", "native", latency=True),
    Contender("ss-apply", "3 sidestream Python apply", "sidestream", "project", "apply", latency=True),
    Contender("ss-state", "4 sidestream Python stateful", "sidestream", "stateful", "stateful"),
    Contender("qs-apply", "5a quixstreams Python apply", "quix", "project", "apply", latency=True),
    Contender("qs-state", "5b quixstreams stateful", "quix", "stateful", "stateful"),
    Contender("ck-loop", "6 confluent-kafka Python loop", "confluent", "project", latency=True),
]
QUIX_CHANGELOG = Contender("qs-state-cl", "5c quixstreams stateful + changelog", "quix", "stateful", "stateful",
                           changelog=True)
# --pipeline-ab: the apply pipeline with pipelined client batches off, alternating with ss-apply.
APPLY_SEQUENTIAL = Contender("ss-apply-seq", "3b sidestream Python apply, --pipeline-batches=false", "sidestream",
                             "project", "apply", latency=True, sidecar_args=("--pipeline-batches=false",))


@dataclass
class RunResult:
    contender: str
    rep: int
    ok: bool = False
    wall_s: float | None = None
    msgs_per_s: float | None = None
    sidecar_cpu_s: float | None = None
    client_cpu_s: float | None = None
    sidecar_rss_kb: int | None = None
    client_rss_kb: int | None = None
    check: str = ""
    error: str = ""
    client_report: Any = None
    load_before: str = ""

    @property
    def cpu_s(self) -> float | None:
        if self.client_cpu_s is None:
            return None
        return self.client_cpu_s + (self.sidecar_cpu_s or 0.0)


# ---------------------------------------------------------------- processes of one contender


@dataclass
class Running:
    sidecar: subprocess.Popen | None
    client: subprocess.Popen
    client_out: str
    files: list = field(default_factory=list)


def launch(c: Contender, args, inp: str, out: str, group: str, tag: str, count: int) -> Running:
    """Starts the contender's processes (a fresh sidestreamd first for sidestream); does not wait."""
    work = args.work
    files = []

    def outfile(name: str):
        f = open(os.path.join(work, name), "w")
        files.append(f)
        return f

    sidecar = None
    env = dict(os.environ)
    if c.kind == "raw":
        cmd = [os.path.join(args.bin_dir, "bench", "raw_forward"), "--broker", args.broker, "--input", inp,
               "--output", out, "--group", group, "--count", str(count)]
    elif c.kind == "sidestream":
        port = benchlib.free_port()
        state = os.path.join(work, f"state-{tag}")
        os.makedirs(state, exist_ok=True)
        sidecar = subprocess.Popen([os.path.join(args.bin_dir, "server", "sidestreamd"), "--listen",
                                    f"127.0.0.1:{port}", "--broker", args.broker, "--log-level", "warning",
                                    "--state-dir", state, "--progress-interval", "3600", *c.sidecar_args],
                                   stdout=outfile(f"{tag}.sidestreamd.log"), stderr=subprocess.STDOUT)
        benchlib.wait_port(port, proc=sidecar)
        cmd = [sys.executable, os.path.join(HERE, "sidestream_client.py"), "--mode", c.mode, "--broker", args.broker,
               "--sidecar", f"127.0.0.1:{port}", "--input", inp, "--output", out, "--group", group]
    elif c.kind == "quix":
        state = os.path.join(work, f"quix-state-{tag}")
        cmd = [sys.executable, os.path.join(HERE, "quix_client.py"), "--mode", c.mode, "--broker", args.broker,
               "--input", inp, "--output", out, "--group", group, "--state-dir", state]
        if c.changelog:
            cmd.append("--changelog")
    elif c.kind == "confluent":
        cmd = [sys.executable, os.path.join(HERE, "confluent_loop.py"), "--broker", args.broker, "--input", inp,
               "--output", out, "--group", group]
    else:
        raise ValueError(c.kind)
    client_out = os.path.join(work, f"{tag}.out")
    client = subprocess.Popen(cmd, stdout=outfile(f"{tag}.out"), stderr=outfile(f"{tag}.err"), env=env)
    return Running(sidecar, client, client_out, files)


def stop(r: Running, c: Contender, ends_itself: bool = False) -> tuple[tuple[int, float, int],
                                                                      tuple[int, float, int] | None]:
    """Stops the client, then the sidecar, with SIGTERM (graceful in every contender). With
    `ends_itself` (raw_forward in a throughput run: it stops after --count, once it has flushed,
    committed and closed) the client gets 60 s to exit before the signal.
    Returns the wait4 results (exit code, CPU s, maxrss kB) of the client and the sidecar."""
    if ends_itself:
        client = benchlib.reap(r.client, 60, signal.SIGTERM)
    else:
        with contextlib.suppress(ProcessLookupError):
            r.client.send_signal(signal.SIGTERM)
        client = benchlib.reap(r.client, 120)
    sidecar = None
    if r.sidecar is not None:
        r.sidecar.send_signal(signal.SIGTERM)
        sidecar = benchlib.reap(r.sidecar, 60)
    for f in r.files:
        f.close()
    return client, sidecar


def client_report(path: str) -> Any:
    try:
        with open(path) as f:
            lines = [ln for ln in f.read().splitlines() if ln.strip().startswith("{")]
        return json.loads(lines[-1]) if lines else None
    except (OSError, json.JSONDecodeError):
        return None


def tail(path: str, n: int = 15) -> str:
    try:
        with open(path) as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


# ---------------------------------------------------------------- checks


def read_topic(broker: str, topic: str, on_message, timeout: float = 600) -> int:
    """Reads `topic` from the beginning to its current end offsets; calls on_message(msg) for each."""
    ends = benchlib.end_offsets(broker, topic)
    c = Consumer({"bootstrap.servers": broker, "group.id": f"bench-read-{time.time()}",
                  "enable.auto.commit": False, "log_level": 3})
    c.assign([TopicPartition(topic, p, 0) for p in ends])
    left = {p: e for p, e in ends.items() if e > 0}
    n = 0
    deadline = time.monotonic() + timeout
    try:
        while left and time.monotonic() < deadline:
            for m in c.consume(10000, timeout=1.0):
                if m.error():
                    continue
                on_message(m)
                n += 1
                if m.offset() + 1 >= ends[m.partition()]:
                    left.pop(m.partition(), None)
    finally:
        c.close()
    if left:
        raise RuntimeError(f"reading {topic}: partitions {sorted(left)} not read to their end in {timeout}s")
    return n


@dataclass
class Expected:
    count: int
    keys: int
    per_key: int
    positives: int
    project_fp: int  # sum of hash((x, x + y)) over inputs with x > 0, mod 2^64


def expected_from_input(broker: str, topic: str, count: int, keys: int) -> Expected:
    fp = 0
    positives = 0

    def on(m) -> None:
        nonlocal fp, positives
        v = json.loads(m.value())
        if v["x"] > 0:
            positives += 1
            fp = (fp + hash((v["x"], v["x"] + v["y"]))) & MASK64

    n = read_topic(broker, topic, on)
    if n != count:
        raise RuntimeError(f"input {topic} holds {n} messages, expected {count}")
    return Expected(count, keys, count // keys, positives, fp)


def check_output(broker: str, topic: str, c: Contender, exp: Expected) -> tuple[bool, str]:
    if c.output == "forward":
        n = benchlib.topic_count(broker, topic)
        return n == exp.count, f"{n:,} outputs (expected {exp.count:,})"
    if c.output == "project":
        st = {"n": 0, "fp": 0, "bad": 0, "example": ""}

        def on(m) -> None:
            st["n"] += 1
            v = json.loads(m.value())
            if not isinstance(v, dict) or set(v) != {"x", "z"} or not v["x"] > 0:
                st["bad"] += 1
                st["example"] = st["example"] or repr(m.value()[:80])
                return
            st["fp"] = (st["fp"] + hash((v["x"], v["z"]))) & MASK64

        read_topic(broker, topic, on)
        ok = st["n"] == exp.positives and st["bad"] == 0 and st["fp"] == exp.project_fp
        msg = (f"{st['n']:,} outputs (expected {exp.positives:,} = inputs with x > 0), "
               f"(x, z = x + y) multiset {'equal' if st['fp'] == exp.project_fp else 'DIFFERENT'}")
        if st["bad"]:
            msg += f", {st['bad']} malformed (e.g. {st['example']})"
        return ok, msg
    if c.output == "stateful":
        best: dict[bytes, int] = {}
        ids: set[int] = set()
        st = {"n": 0}

        def on(m) -> None:
            st["n"] += 1
            v = json.loads(m.value())
            ids.add(v["id"])
            k = m.key()
            if v["count"] > best.get(k, 0):
                best[k] = v["count"]

        read_topic(broker, topic, on)
        wrong = sum(1 for v in best.values() if v != exp.per_key)
        ok = st["n"] == exp.count and len(ids) == exp.count and len(best) == exp.keys and wrong == 0
        return ok, (f"{st['n']:,} outputs for {len(ids):,}/{exp.count:,} inputs, {len(best):,} keys, "
                    f"highest count == {exp.per_key} for {len(best) - wrong:,}")
    raise ValueError(c.output)


# ---------------------------------------------------------------- one throughput run


def died_early(p: subprocess.Popen, may_end: bool) -> bool:
    """Whether `p` exited before the watcher saw the end (`may_end`: exit code 0 is its normal end)."""
    code = benchlib.peek_exit(p)
    return code is not None and not (may_end and code == 0)


def throughput_run(c: Contender, rep: int, args, inp: str, exp: Expected, stamp: str) -> RunResult:
    tag = f"{c.key}-r{rep}"
    out = f"cmp-out-{tag}-{stamp}"
    group = f"cmp-{tag}-{stamp}"
    res = RunResult(c.key, rep, load_before=benchlib.load_average())
    benchlib.create_topics(args.broker, [out], args.partitions)
    watcher = CommitWatcher(args.broker, group, inp)
    samples: dict[str, ProcSample] = {}
    running: Running | None = None
    holder: dict[str, Running] = {}

    def on_done() -> None:  # watcher thread, the moment the last commit was seen
        r = holder.get("r")
        if r is not None:
            samples["client"] = ProcSample.of(r.client.pid)
            if r.sidecar is not None:
                samples["sidecar"] = ProcSample.of(r.sidecar.pid)

    try:
        t0 = time.monotonic()
        running = launch(c, args, inp, out, group, tag, exp.count)
        holder["r"] = running
        watcher.start(t0, args.timeout, on_done)
        while not watcher.done.wait(0.2):
            died = [p for p in (running.client, running.sidecar) if p is not None
                    and died_early(p, may_end=p is running.client and c.kind == "raw")]
            if died:
                watcher.stop()
                watcher.done.wait()
                break
        res.wall_s = watcher.done_s
    except Exception as e:
        res.error = f"{type(e).__name__}: {e}"
    finally:
        watcher.close()
        if running is not None:
            (crc, ccpu, crss), sd = stop(running, c, ends_itself=c.kind == "raw")
            s = samples.get("client")
            res.client_cpu_s = s.cpu_s if s and s.cpu_s is not None else ccpu
            res.client_rss_kb = s.hwm_kb if s and s.hwm_kb else crss
            if sd is not None:
                s = samples.get("sidecar")
                res.sidecar_cpu_s = s.cpu_s if s and s.cpu_s is not None else sd[1]
                res.sidecar_rss_kb = s.hwm_kb if s and s.hwm_kb else sd[2]
            res.client_report = client_report(running.client_out)
            if crc != 0:
                res.error = res.error or f"client exit {crc}: {tail(running.client_out.replace('.out', '.err'))}"
            if sd is not None and sd[0] not in (0, -signal.SIGTERM):
                res.error = res.error or f"sidestreamd exit {sd[0]}"
    if res.wall_s is None and not res.error:
        res.error = f"group {group} did not commit the input's end within {args.timeout:.0f}s"
    if res.wall_s is not None:
        res.msgs_per_s = exp.count / res.wall_s
        try:
            ok, res.check = check_output(args.broker, out, c, exp)
            res.ok = ok and not res.error
        except Exception as e:
            res.check = f"check failed: {e}"
    if not args.keep_topics:
        benchlib.delete_topics(args.broker, [out])
    return res


# ---------------------------------------------------------------- latency


def latency_run(c: Contender, rate: int, args, stamp: str, rep: int) -> dict:
    tag = f"lat{rate}-{c.key}-r{rep}"
    inp, out, group = f"cmp-lat-in-{tag}-{stamp}", f"cmp-lat-out-{tag}-{stamp}", f"cmp-{tag}-{stamp}"
    benchlib.create_topics(args.broker, [inp, out], args.partitions)
    result: dict = {"contender": c.key, "rate": rate, "rep": rep}
    running = launch(c, args, inp, out, group, tag, 10**12)
    try:
        probe = subprocess.run([os.path.join(args.bin_dir, "bench", "latency_probe"), "--broker", args.broker,
                                "--input", inp, "--output", out, "--rate", str(rate),
                                "--warmup-s", str(args.latency_warmup), "--duration-s", str(args.latency_duration)],
                               capture_output=True, text=True, timeout=args.latency_duration * 5 + 300)
        if probe.returncode != 0:
            result["error"] = f"latency_probe exit {probe.returncode}: {probe.stderr.strip()[-300:]}"
        else:
            result.update(json.loads(probe.stdout.strip().splitlines()[-1]))
    except Exception as e:
        result["error"] = f"{type(e).__name__}: {e}"
    finally:
        (crc, _, _), _ = stop(running, c)
        if crc not in (0, -signal.SIGTERM) and "error" not in result:
            result["error"] = f"client exit {crc}"
    if not args.keep_topics:
        benchlib.delete_topics(args.broker, [inp, out])
    return result


# ---------------------------------------------------------------- profiles (py-spy)


def profile_run(c: Contender, args, inp: str, exp: Expected, stamp: str) -> str:
    """One more throughput run with py-spy sampling the Python client; returns a summary."""
    tag = f"{c.key}-prof"
    out, group = f"cmp-out-{tag}-{stamp}", f"cmp-{tag}-{stamp}"
    benchlib.create_topics(args.broker, [out], args.partitions)
    watcher = CommitWatcher(args.broker, group, inp)
    raw = os.path.join(args.work, f"pyspy-{c.key}.txt")
    spy_bin = os.path.join(os.path.dirname(sys.executable), "py-spy")
    if not os.path.exists(spy_bin):
        return f"{c.key}: no py-spy in {os.path.dirname(sys.executable)} (pip install py-spy)"
    running = launch(c, args, inp, out, group, tag, exp.count)
    spy = subprocess.Popen([spy_bin, "record", "--pid",
                            str(running.client.pid), "--format", "raw", "--rate", "250", "--output", raw,
                            "--nonblocking", "--threads"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    watcher.start(time.monotonic(), args.timeout, None)
    watcher.done.wait()
    spy.send_signal(signal.SIGINT)
    try:
        spy.wait(60)
    except subprocess.TimeoutExpired:
        spy.kill()
    watcher.close()
    stop(running, c)
    if not args.keep_topics:
        benchlib.delete_topics(args.broker, [out])
    return summarize_pyspy(raw, c.key)


def summarize_pyspy(path: str, name: str, top: int = 12) -> str:
    """Self time by function and time by thread from py-spy's collapsed stacks."""
    if not os.path.exists(path):
        return f"{name}: no py-spy output"
    self_t: Counter = Counter()
    thread_t: Counter = Counter()
    total = 0
    with open(path) as f:
        for line in f:
            stack, _, n = line.rstrip("\n").rpartition(" ")
            if not stack or not n.isdigit():
                continue
            k = int(n)
            total += k
            frames = stack.split(";")
            thread_t[frames[0]] += k
            leaf = frames[-1]
            self_t[leaf.split(" (")[0] + " (" + leaf.split(" (")[-1] if " (" in leaf else leaf] += k
    if not total:
        return f"{name}: empty profile"
    lines = [f"py-spy {name}: {total} samples; by thread: " +
             ", ".join(f"{t} {100 * v / total:.0f}%" for t, v in thread_t.most_common(4))]
    for fn, v in self_t.most_common(top):
        lines.append(f"  {100 * v / total:5.1f}%  {fn}")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--keys", type=int, default=10_000)
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--bin-dir", required=True, help="build dir (bench/raw_forward, bench/fill_input, "
                                                     "bench/latency_probe, server/sidestreamd)")
    ap.add_argument("--broker", default=f"127.0.0.1:{os.environ.get('KAFKA_PORT', '39792')}")
    ap.add_argument("--work", default="/tmp/sidestream-compare")
    ap.add_argument("--timeout", type=float, default=1800, help="per throughput run")
    ap.add_argument("--only", default="", help="comma-separated contender keys (default: all)")
    ap.add_argument("--quix-changelog", action="store_true", help="add quixstreams stateful with a changelog topic")
    ap.add_argument("--pipeline-ab", action="store_true",
                    help="add ss-apply-seq: the apply pipeline with --pipeline-batches=false")
    ap.add_argument("--skip-latency", action="store_true")
    ap.add_argument("--rates", default="1000,10000")
    ap.add_argument("--latency-duration", type=float, default=None,
                    help="measured seconds per latency run (default 20; 5 when --count < 1,000,000)")
    ap.add_argument("--latency-warmup", type=float, default=None, help="default 5 (2 when --count < 1,000,000)")
    ap.add_argument("--latency-reps", type=int, default=None, help="default 3 (1 when --count < 1,000,000)")
    ap.add_argument("--profile", action="store_true", help="afterwards, py-spy one run of each Python client")
    ap.add_argument("--keep-topics", action="store_true", help="keep output topics (default: deleted after checks)")
    ap.add_argument("--no-results", action="store_true", help="neither RESULTS.md nor bench/compare.png")
    args = ap.parse_args()
    small = args.count < 1_000_000
    if args.latency_duration is None:
        args.latency_duration = 5.0 if small else 20.0
    if args.latency_warmup is None:
        args.latency_warmup = 2.0 if small else 5.0
    if args.latency_reps is None:
        args.latency_reps = 1 if small else 3
    if args.count % args.keys or args.keys % args.partitions:
        ap.error("--count must be a multiple of --keys and --keys of --partitions (exact per-key counts)")
    os.makedirs(args.work, exist_ok=True)
    contenders = (list(CONTENDERS) + ([QUIX_CHANGELOG] if args.quix_changelog else [])
                  + ([APPLY_SEQUENTIAL] if args.pipeline_ab else []))
    if args.only:
        keep = set(args.only.split(","))
        contenders = [c for c in contenders if c.key in keep]
    rates = [int(r) for r in args.rates.split(",") if r]
    stamp = str(int(time.time()))
    started = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
    load_start = benchlib.load_average()

    inp = f"cmp-in-{stamp}"
    benchlib.create_topics(args.broker, [inp], args.partitions)
    log(f"filling {inp} with {args.count:,} messages, {args.keys:,} keys")
    fill = subprocess.run([os.path.join(args.bin_dir, "bench", "fill_input"), "--broker", args.broker, "--topic", inp,
                           "--count", str(args.count), "--partitions", str(args.partitions), "--keys", str(args.keys)],
                          capture_output=True, text=True, check=True)
    filled = json.loads(fill.stdout.strip().splitlines()[-1])
    log(f"filled: {filled}")
    exp = expected_from_input(args.broker, inp, args.count, args.keys)
    if exp.positives != filled["x_positive"]:
        raise RuntimeError(f"input has {exp.positives} messages with x > 0, fill_input said {filled['x_positive']}")

    results: list[RunResult] = []
    for rep in range(1, args.reps + 1):
        for c in contenders:
            log(f"rep {rep}/{args.reps}: {c.key} (load {benchlib.load_average()})")
            r = throughput_run(c, rep, args, inp, exp, stamp)
            results.append(r)
            rate = f"{r.msgs_per_s:,.0f} msgs/s" if r.msgs_per_s else "—"
            cpu = f"{r.cpu_s:.2f}" if r.cpu_s is not None else "?"
            log(f"  {c.key}: {'OK' if r.ok else 'FAILED'} {rate}, wall {r.wall_s or 0:.2f}s, CPU {cpu}s; "
                f"{r.check}{' ERROR ' + r.error if r.error else ''}")
    latency_runs: list[dict] = []
    if not args.skip_latency:
        lat_contenders = [c for c in contenders if c.latency]
        for rep in range(1, args.latency_reps + 1):
            for rate in rates:
                for c in (lat_contenders if rep % 2 else lat_contenders[::-1]):
                    log(f"latency rep {rep}/{args.latency_reps}, {rate} msgs/s: {c.key} "
                        f"(load {benchlib.load_average()})")
                    x = latency_run(c, rate, args, stamp, rep)
                    latency_runs.append(x)
                    log(f"  {c.key}: " + (x["error"] if "error" in x else
                                          f"p50 {x['p50_ms']} p99 {x['p99_ms']} p99.9 {x['p999_ms']} ms, "
                                          f"missing {x['missing']}/{x['measured']}"))
    latency = report.latency_medians(latency_runs)
    profiles = []
    if args.profile:
        for c in contenders:
            if c.kind in ("sidestream", "quix", "confluent") and c.mode != "native":
                log(f"py-spy profile: {c.key}")
                profiles.append(profile_run(c, args, inp, exp, stamp))
                log(profiles[-1])
    load_end = benchlib.load_average()

    summ = report.summarize(contenders, results, args.count)
    ratios, ratio_values = report.ratio_lines(summ, results, latency)
    versions = report.library_versions()
    header = (f"### {started} — commit {benchlib.git_commit()} — side-by-side\n\n"
              f"{args.count:,} input messages ({filled['avg_value_bytes']:.0f} B average value, {exp.positives:,} "
              f"with x > 0), {args.keys:,} keys, {args.partitions} partitions; {args.reps} repetition(s), "
              f"contenders alternating. Machine: {benchlib.machine()}. Load average (1/5/15 min) at start "
              f"{load_start}, at end {load_end}. {versions}.\n")
    block = header + ("\nThroughput (median over repetitions, min–max in parentheses; "
                      "msgs/s = input messages / wall):\n\n")
    block += report.throughput_table(contenders, summ, results) + "\n"
    if latency:
        block += (f"\nEnd-to-end latency at a fixed rate ({args.latency_warmup:g} s warm-up, "
                  f"{args.latency_duration:g} s measured; median of {args.latency_reps} run(s) each, "
                  f"contenders' order reversed every other repetition):\n\n"
                  + report.latency_table(contenders, latency, rates) + "\n")
    block += "\nRatios (of the medians):\n\n" + "\n".join(ratios) + "\n"
    failed = [r for r in results if not r.ok]
    if failed:
        block += "\nFailed runs (left out of the medians):\n\n" + "\n".join(
            f"- {r.contender} rep {r.rep}: {r.error or ''} {r.check}" for r in failed) + "\n"
    if profiles:
        block += ("\nProfiles (py-spy, one extra run each, self time by function):\n\n```\n"
                  + "\n".join(profiles) + "\n```\n")
    print("\n" + block)

    with open(os.path.join(args.work, "results.json"), "w") as f:
        json.dump({"args": vars(args), "filled": filled, "expected": asdict(exp), "runs": [asdict(r) for r in results],
                   "latency": latency, "latency_runs": latency_runs, "ratios": ratio_values, "profiles": profiles},
                  f, indent=1, default=str)
    import chart

    png = os.path.join(args.work, "compare.png") if args.no_results else os.path.join(BENCH, "compare.png")
    try:
        chart.render(contenders, summ, latency, rates, args.count, f"{started[:10]}, commit {benchlib.git_commit()}",
                     png)
        log(f"chart: {png}")
    except Exception as e:
        log(f"chart failed: {type(e).__name__}: {e}")
    if not args.no_results:
        report.write_results(block, report.INTRO)
        log("appended to bench/RESULTS.md")
    return 0 if not failed and all("error" not in x for x in latency_runs) else 1


if __name__ == "__main__":
    sys.exit(main())

"""The report of a side-by-side run (run_compare.py): summaries, Markdown tables, the target ratios, and
the bench/RESULTS.md section (its introduction `INTRO`, `write_results`).

Pure functions of the run's results; no Kafka, no processes (except `library_versions`, which asks
pkg-config for the Debian librdkafka version).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from typing import TYPE_CHECKING

from benchlib import mb

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECTION_TITLE = "# Side-by-side benchmark: sidestream vs quixstreams vs hand-written loops (issue #6)"
if TYPE_CHECKING:
    from run_compare import Contender, RunResult

def library_versions() -> str:
    from importlib import metadata

    import confluent_kafka

    def v(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"

    sd = v("sidestream")
    rd = subprocess.run(["pkg-config", "--modversion", "rdkafka"], capture_output=True, text=True).stdout.strip()
    return (f"quixstreams {v('quixstreams')}, confluent-kafka {v('confluent-kafka')} (librdkafka "
            f"{confluent_kafka.libversion()[0]}), sidestream SDK {sd}, Debian librdkafka {rd or '?'} "
            f"(raw_forward, sidestreamd), Python {sys.version.split()[0]}")


def med_range(vals: list[float], fmt: str) -> str:
    if not vals:
        return "—"
    m = statistics.median(vals)
    if len(vals) == 1:
        return fmt.format(m)
    return f"{fmt.format(m)} ({fmt.format(min(vals))}–{fmt.format(max(vals))})"


def summarize(contenders: list[Contender], results: list[RunResult], n: int) -> dict[str, dict]:
    out = {}
    for c in contenders:
        runs = [r for r in results if r.contender == c.key]
        good = [r for r in runs if r.ok]
        out[c.key] = {
            "runs": len(runs), "ok": len(good),
            "rate": [r.msgs_per_s for r in good], "wall": [r.wall_s for r in good],
            "cpu": [r.cpu_s for r in good], "sd_cpu": [r.sidecar_cpu_s for r in good if r.sidecar_cpu_s is not None],
            "cl_cpu": [r.client_cpu_s for r in good],
            "sd_rss": [r.sidecar_rss_kb for r in good if r.sidecar_rss_kb],
            "cl_rss": [r.client_rss_kb for r in good if r.client_rss_kb],
            "us_per_msg": [r.cpu_s / n * 1e6 for r in good],
        }
    return out


def throughput_table(contenders: list[Contender], summ: dict, results: list[RunResult]) -> str:
    rows = ["| contender | msgs/s median (min–max) | wall s | CPU s: total = sidecar + client | CPU µs/msg | "
            "peak RSS | runs OK |",
            "|---|---:|---:|---|---:|---|---:|"]
    for c in contenders:
        s = summ[c.key]
        if s["ok"]:
            cpu = f"{statistics.median(s['cpu']):.2f}"
            if s["sd_cpu"]:
                cpu += f" = {statistics.median(s['sd_cpu']):.2f} + {statistics.median(s['cl_cpu']):.2f}"
            rss = (f"sidestreamd {mb(statistics.median(s['sd_rss']))}, client {mb(statistics.median(s['cl_rss']))}"
                   if s["sd_rss"] else mb(statistics.median(s["cl_rss"])))
            rows.append(f"| {c.label} | {med_range(s['rate'], '{:,.0f}')} | {statistics.median(s['wall']):.2f} | "
                        f"{cpu} | {statistics.median(s['us_per_msg']):.1f} | {rss} | {s['ok']}/{s['runs']} |")
        else:
            errs = "; ".join(sorted({(r.error or r.check)[:120] for r in results if r.contender == c.key}))
            rows.append(f"| {c.label} | FAILED | | | | | 0/{s['runs']}: {errs} |")
    return "\n".join(rows)


def ratio_lines(summ: dict, results: list[RunResult], latency: list[dict]) -> tuple[list[str], dict]:
    targets = [("ss-apply", "qs-apply", 3.0, 5.0, "sidestream Python-callback pipeline / quixstreams apply"),
               ("ss-state", "qs-state", 3.0, None, "sidestream stateful / quixstreams stateful"),
               ("ss-native", "raw", 0.8, None, "sidestream native pipeline / raw librdkafka loop")]
    lines, ratios = [], {}
    for a, b, target, stretch, what in targets:
        if a not in summ or b not in summ:
            continue
        if not summ[a]["ok"] or not summ[b]["ok"]:
            lines.append(f"- {what}: n/a (a contender failed) — target ≥ {target:g}×: **NOT met**")
            continue
        r = statistics.median(summ[a]["rate"]) / statistics.median(summ[b]["rate"])
        per_rep = []
        for rep in sorted({x.rep for x in results}):
            ra = [x for x in results if x.contender == a and x.rep == rep and x.ok]
            rb = [x for x in results if x.contender == b and x.rep == rep and x.ok]
            if ra and rb:
                per_rep.append(ra[0].msgs_per_s / rb[0].msgs_per_s)
        rng = f" (per repetition {min(per_rep):.2f}–{max(per_rep):.2f})" if len(per_rep) > 1 else ""
        met = "met" if r >= target else "NOT met"
        st = ""
        if stretch is not None:
            st = f"; stretch {stretch:g}×: **{'met' if r >= stretch else 'NOT met'}**"
        lines.append(f"- {what}: **{r:.2f}×**{rng} — target ≥ {target:g}×: **{met}**{st}")
        ratios[f"{a}/{b}"] = r
    by = {(x["contender"], x["rate"]): x for x in latency if "error" not in x and x.get("p99_ms") is not None}
    for key, what, judged in (("ss-native", "sidecar hop (native pipeline)", True),
                              ("ss-apply", "sidecar + Python callback hop (apply pipeline)", False)):
        if (key, 10000) in by and ("raw", 10000) in by:
            added = by[(key, 10000)]["p99_ms"] - by[("raw", 10000)]["p99_ms"]
            ratios[f"added_p99_10k/{key}"] = added
            verdict = f" — target ≤ 2 ms: **{'met' if added <= 2.0 else 'NOT met'}**" if judged else \
                " (informational)"
            lines.append(f"- added p99 latency of the {what} over raw at 10k msgs/s: **{added:+.2f} ms**{verdict}")
        elif judged and any(x["contender"] in (key, "raw") and x["rate"] == 10000 for x in latency):
            lines.append(f"- added p99 latency of the {what} at 10k msgs/s: n/a (a latency run failed) — "
                         f"target ≤ 2 ms: **NOT met**")
    return lines, ratios


def latency_medians(latency: list[dict]) -> list[dict]:
    """One entry per (contender, rate): the median of each percentile over its successful runs, the p99's
    min and max, missing/measured summed; {"error": ...} when no run succeeded."""
    out = []
    for key, rate in dict.fromkeys((x["contender"], x["rate"]) for x in latency):
        runs = [x for x in latency if x["contender"] == key and x["rate"] == rate]
        good = [x for x in runs if "error" not in x and x.get("p99_ms") is not None]
        m: dict = {"contender": key, "rate": rate, "runs": len(runs), "ok": len(good)}
        if not good:
            m["error"] = runs[-1].get("error", "no percentiles")
        else:
            for q in ("p50_ms", "p99_ms", "p999_ms"):
                m[q] = statistics.median(x[q] for x in good)
            m["p99_min_ms"] = min(x["p99_ms"] for x in good)
            m["p99_max_ms"] = max(x["p99_ms"] for x in good)
            m["missing"] = sum(x["missing"] for x in good)
            m["measured"] = sum(x["measured"] for x in good)
        out.append(m)
    return out


def latency_table(contenders: list[Contender], latency: list[dict], rates: list[int]) -> str:
    head = "| contender |"
    sep = "|---|"
    for r in rates:
        head += f" {r // 1000}k/s p50 / p99 / p99.9 ms | added p99 vs raw |"
        sep += "---:|---:|"
    rows = [head + " missing |", sep + "---:|"]
    by = {(x["contender"], x["rate"]): x for x in latency}
    for c in contenders:
        if not c.latency:
            continue
        row = f"| {c.label} |"
        missing = []
        for r in rates:
            x = by.get((c.key, r))
            raw = by.get(("raw", r))
            if x is None or "error" in x or x.get("p99_ms") is None:
                row += f" FAILED{': ' + x['error'][:80] if x and 'error' in x else ''} | |"
                continue
            row += f" {x['p50_ms']:.2f} / {x['p99_ms']:.2f} / {x['p999_ms']:.2f} |"
            if x.get("ok", 1) > 1:
                row = row[:-1] + f"(p99 {x['p99_min_ms']:.2f}–{x['p99_max_ms']:.2f}) |"
            if c.key != "raw" and raw and raw.get("p99_ms") is not None:
                row += f" {x['p99_ms'] - raw['p99_ms']:+.2f} |"
            else:
                row += " |"
            missing.append(f"{x['missing']}/{x['measured']}")
        rows.append(row + f" {', '.join(missing)} |")
    return "\n".join(rows)


def _next_top_heading(text: str, pos: int) -> int:
    """Offset of the newline before the next top-level Markdown heading ("# ...") after `pos`,
    skipping fenced code blocks (whose shell comments also start with "# "); -1 if none."""
    in_fence = False
    offset = text.find("\n", pos)
    while offset >= 0:
        end = text.find("\n", offset + 1)
        line = text[offset + 1 : end if end >= 0 else len(text)]
        if line.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and line.startswith("# "):
            return offset
        offset = end
    return -1


def write_results(block: str, intro: str) -> None:
    path = os.path.join(BENCH, "RESULTS.md")
    with open(path) as f:
        text = f.read()
    if SECTION_TITLE not in text:
        with open(path, "a") as f:
            f.write("\n" + intro + "\n" + block)
        return
    start = text.index(SECTION_TITLE)
    nxt = _next_top_heading(text, start + len(SECTION_TITLE))
    if nxt < 0:
        text = text.rstrip("\n") + "\n\n" + block
    else:
        text = text[:nxt].rstrip("\n") + "\n\n" + block + text[nxt:]
    with open(path, "w") as f:
        f.write(text)


INTRO = f"""{SECTION_TITLE}

Issue #6: all contenders in the same run on one local single-node broker, each consuming the same
pre-produced input from the beginning with its own consumer group into its own output topic,
alternating, ≥ 3 repetitions; medians and min–max. Targets (ratios of medians in the same run):
sidestream Python-callback pipeline ≥ 3× quixstreams in-process (stretch 5×); sidestream stateful
≥ 3× quixstreams stateful; native pipeline ≥ 0.8× the raw librdkafka loop; added p99 latency of the
sidecar hop at 10k msgs/s ≤ 2 ms over the raw loop.

```sh
# build, fresh broker on :39792, fill, 3 reps, latency → this file + bench/compare.png
bash bench/run_compare.sh
# smoke test (a few minutes)
bash bench/run_compare.sh --count 20000 --reps 1 --no-results
# + one py-spy profile of each Python client (needs py-spy in .venv-bench)
bash bench/run_compare.sh --skip-latency --profile
# env: KAFKA_PORT=39792  BENCH_BUILD_DIR=/tmp/sidestream-bench-build  BENCH_WORK=/tmp/sidestream-compare
#      BENCH_SKIP_BUILD=1
```

- input: N JSON messages like the native benchmark's (`{{"id", "x" (int, > 0 for ~half), "y" (float),
  "name", "city", "active", "pad"}}`, ~200 B), keys `k<i % 10000>`, 4 partitions, every key in one
  partition (`fill_input --keys 10000`), produced once per run;
- contenders (`bench/compare/`; the Python ones run the *same function objects* from `pipelines.py`):
  1. `raw` — `bench/raw_forward` (C++, librdkafka), bytes forwarded: the limit of this machine;
  2. `ss-native` — sidestream, `sdf[sdf["x"] > 0]; sdf["z"] = sdf["x"] + sdf["y"]; sdf[["x", "z"]]`
     (C++ in the sidecar);
  3. `ss-apply` — sidestream, `sdf.apply(project).filter(is_not_none)`, `project(v)` = `{{"x", "z": x + y}}`
     if x > 0 else None;
  4. `ss-state` — sidestream, `sdf.apply(count, stateful=True)`: `state.get("count", 0) + 1`, `state.set`,
     → `{{"id", "count"}}`;
  5. `qs-apply` / `qs-state` — quixstreams (PyPI, pinned in `bench/requirements-bench.txt`, in-process), the
     same two pipelines; state in local RocksDB without a changelog topic (`use_changelog_topics=False`), as
     sidestreamd keeps it (`--quix-changelog` adds a run with quixstreams' default changelog);
  6. `ck-loop` — confluent-kafka-python: `poll()` one message, `json.loads`, `project`, `json.dumps`, `produce`.
  All with at-least-once checkpoints every 1 s (flush, then commit), consumer groups from earliest, idempotent
  murmur2 producers; a fresh `sidestreamd --log-level warning` (own `--state-dir`) per sidestream run. Every
  Python contender runs in `.venv-bench`: quixstreams and confluent-kafka as pinned, the SDK of the working
  tree installed from `client-sdk/python`. raw_forward and sidestreamd link Debian's librdkafka; the Python
  clients use the confluent-kafka wheel's (the SDK's own Kafka I/O is in sidestreamd).
- wall = launch of the contender's first process (sidestreamd, else the client) → a watcher sees the group's
  committed offsets at the input's end offsets (every 50 ms); msgs/s = N / wall (Python start-up and imports
  included); CPU s = utime+stime of sidestreamd + client at that moment; peak RSS = VmHWM of each;
- checks (a failed run is flagged and left out of the medians): raw: N outputs; apply/native/loop: exactly
  the inputs with x > 0 as `{{"x", "z"}}` with z == x + y (order-free fingerprint of the (x, z) multiset);
  stateful: one output per input, every key's highest count == N / 10,000;
- latency (separate runs per rate and contender, fresh topics and contender, 3 repetitions with the order
  reversed every other one; medians and the p99's min–max): `bench/compare/latency_probe`
  produces ~200 B messages with x > 0 at a fixed rate (linger.ms=1) after pinging until the pipeline answers,
  discards a warm-up, then measures for 20 s; latency = the probe's receive time of the output − its send
  time of the input (one steady clock), so both broker hops and the probe's consumer are the same for all.

Caveats: a **2-CPU** VM shared with the broker JVM, the watcher and (on this machine) other work — the load
average is recorded per run; throughput here is mostly CPU-bound, so a contender that needs more CPU per
message also slows the broker it shares the cores with.

## Runs
"""

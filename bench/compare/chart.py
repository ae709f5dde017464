"""The PNG chart of a side-by-side run (bench/compare.png): throughput, CPU per message and latency.

Called by run_compare.py with its summary; matplotlib (Agg, no display) from `.venv-bench`.
Left: msgs/s per contender, median with min–max whiskers. Middle: CPU µs per input message,
sidecar and client stacked. Right (when latency was measured): p50 / p99 / p99.9 per contender
and rate, log scale.
"""

from __future__ import annotations

import statistics
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

KIND_COLORS = {"raw": "#7f7f7f", "sidestream": "#1f77b4", "quix": "#ff7f0e", "confluent": "#2ca02c"}


def render(contenders: list[Any], summ: dict[str, dict], latency: list[dict], rates: list[int], count: int,
           subtitle: str, path: str) -> None:
    """Writes the chart of `summ` (run_compare.summarize) and `latency` (latency runs) to `path`."""
    shown = [c for c in contenders if summ[c.key]["ok"]]
    lat = [x for x in latency if "error" not in x and x.get("p99_ms") is not None]
    ncols = 3 if lat else 2
    fig, axes = plt.subplots(1, ncols, figsize=(6.2 * ncols, 5.2))
    labels = [c.key for c in shown]
    colors = [KIND_COLORS.get(c.kind, "#999999") for c in shown]

    ax = axes[0]
    med = [statistics.median(summ[c.key]["rate"]) for c in shown]
    lo = [m - min(summ[c.key]["rate"]) for m, c in zip(med, shown, strict=True)]
    hi = [max(summ[c.key]["rate"]) - m for m, c in zip(med, shown, strict=True)]
    bars = ax.bar(labels, med, yerr=[lo, hi], capsize=4, color=colors)
    for b, m in zip(bars, med, strict=True):
        ax.annotate(f"{m / 1000:,.0f}k", (b.get_x() + b.get_width() / 2, m), ha="center", va="bottom",
                    fontsize=8, xytext=(0, 2), textcoords="offset points")
    ax.set_title(f"throughput, msgs/s ({count:,} messages; median, min–max)")
    ax.tick_params(axis="x", rotation=30)

    ax = axes[1]
    sd = [statistics.median(summ[c.key]["sd_cpu"]) / count * 1e6 if summ[c.key]["sd_cpu"] else 0.0 for c in shown]
    cl = [statistics.median(summ[c.key]["cl_cpu"]) / count * 1e6 for c in shown]
    ax.bar(labels, sd, color="#1f77b4", label="sidestreamd")
    ax.bar(labels, cl, bottom=sd, color="#aec7e8", label="client process")
    ax.set_title("CPU µs per input message (median)")
    ax.legend(fontsize=8)
    ax.tick_params(axis="x", rotation=30)

    if lat:
        ax = axes[2]
        keys = [c.key for c in contenders if any(x["contender"] == c.key for x in lat)]
        by = {(x["contender"], x["rate"]): x for x in lat}
        groups = [(k, r) for r in rates for k in keys if (k, r) in by]
        xs = range(len(groups))
        w = 0.27
        for i, (q, name) in enumerate((("p50_ms", "p50"), ("p99_ms", "p99"), ("p999_ms", "p99.9"))):
            ax.bar([x + (i - 1) * w for x in xs], [by[g][q] for g in groups], width=w, label=name)
        ax.set_xticks(list(xs))
        ax.set_xticklabels([f"{k}\n{r // 1000}k/s" for k, r in groups], fontsize=8)
        ax.set_yscale("log")
        ax.set_ylabel("ms")
        ax.set_title("end-to-end latency at a fixed rate")
        ax.legend(fontsize=8)

    fig.suptitle(f"sidestream side-by-side benchmark — {subtitle}", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)

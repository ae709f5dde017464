"""The pipelines of the side-by-side benchmark, written once and run unchanged by every Python contender.

`sidestream` and `quixstreams` share the builder API used here (`sdf.apply`, `sdf.filter`,
`sdf.to_topic`, `State.get/set`), so `build(...)` receives either library's dataframe and the very
same function objects run in both; the confluent-kafka loop calls `project` directly.

- "native" (sidestream only): the filter, computed column and projection as column expressions,
  evaluated in C++ by the sidecar — no Python callback:
      sdf = sdf[sdf["x"] > 0]; sdf["z"] = sdf["x"] + sdf["y"]; sdf = sdf[["x", "z"]]
- "apply": the same logic as one Python function, then a filter that drops its None results:
      sdf = sdf.apply(project).filter(is_not_none)
- "stateful": a per-key counter in the library's state store:
      sdf = sdf.apply(count, stateful=True)         # {"id": ..., "count": messages seen for the key}
Every pipeline ends with `to_topic(output)`, which forwards the message key.
"""

from __future__ import annotations

from typing import Any


def project(value: dict) -> dict | None:
    """x > 0 → {"x": x, "z": x + y}; otherwise None (dropped by `is_not_none`)."""
    x = value["x"]
    if x > 0:
        return {"x": x, "z": x + value["y"]}
    return None


def is_not_none(value: Any) -> bool:
    return value is not None


def count(value: dict, state: Any) -> dict:
    """Counts the messages of the current key in the state store."""
    c = state.get("count", 0) + 1
    state.set("count", c)
    return {"id": value["id"], "count": c}


def build(sdf: Any, output_topic: Any, mode: str) -> Any:
    """Appends pipeline `mode` ("native", "apply" or "stateful") and `to_topic(output_topic)` to `sdf`."""
    if mode == "native":
        sdf = sdf[sdf["x"] > 0]
        sdf["z"] = sdf["x"] + sdf["y"]
        sdf = sdf[["x", "z"]]
    elif mode == "apply":
        sdf = sdf.apply(project).filter(is_not_none)
    elif mode == "stateful":
        sdf = sdf.apply(count, stateful=True)
    else:
        raise ValueError(f"unknown pipeline {mode!r}")
    return sdf.to_topic(output_topic)

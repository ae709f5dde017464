"""The steps a `StreamingDataFrame` records: plain data, turned into the proto
graph by `sidestream._graph` when the pipeline is run or tested.

Column expressions (`sdf["x"]`, StreamingSeries) add the native steps
(`AssignStep`, `FilterExprStep`, `ProjectStep`, `MapExprStep`), which the
sidecar runs itself; their expression trees are in `expressions.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sidestream.dataframe.expressions import Node
from sidestream.models.topics import Topic

__all__ = [
    "CallbackStep",
    "ToTopicStep",
    "AssignStep",
    "FilterExprStep",
    "ProjectStep",
    "MapExprStep",
    "Step",
    "CallbackKind",
]

CallbackKind = Literal["apply", "update", "filter"]


@dataclass(frozen=True, eq=False)
class CallbackStep:
    """`sdf.apply/update/filter(func, stateful=...)`."""

    kind: CallbackKind
    func: Callable[..., Any]
    stateful: bool = False


@dataclass(frozen=True, eq=False)
class ToTopicStep:
    """`sdf.to_topic(topic, key=...)`."""

    topic: Topic
    key: Callable[[Any], Any] | None = None


@dataclass(frozen=True, eq=False)
class AssignStep:
    """`sdf["column"] = <series | literal>` (native)."""

    column: str
    expr: Node


@dataclass(frozen=True, eq=False)
class FilterExprStep:
    """`sdf = sdf[<series>]`: keep the record when the expression is truthy (native)."""

    predicate: Node


@dataclass(frozen=True, eq=False)
class ProjectStep:
    """`sdf = sdf[["a", "b"]]`: keep only these keys (native)."""

    columns: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class MapExprStep:
    """The value becomes the expression's result (a series ending a pipeline, native)."""

    expr: Node


Step = CallbackStep | ToTopicStep | AssignStep | FilterExprStep | ProjectStep | MapExprStep

"""Turns a dataframe's steps into the proto `Pipeline` and the function registry.

Step ids are readable and unique within the graph — `<kind>-<position>`, e.g.
"apply-1", "filter-2", "to_topic-3", "assign-4", "filter_expr-5", "project-6",
"map_expr-7" — because the sidecar's errors name them. A function id is its
step's id ("apply-1"), "<step>.key" for a to_topic key function, or
"<step>.apply-<n>" for the n-th `series.apply` function of an expression
(numbered in tree order), or "<topic>.<role>" for a custom (de)serializer
(e.g. "orders.value_deserializer"), registered as a `ClientSerde`. Each step's `input` is the previous step's id, or the
source topic's name for the first step.

Example:
    >>> built = build_pipeline(sdf.topic, sdf.steps)
    >>> [s.id for s in built.pipeline.steps]
    ['apply-1', 'filter-2', 'to_topic-3']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sidestream._rpc.sidestream.v1 import pipeline_pb2
from sidestream.dataframe.expressions import (
    ApplyNode,
    BinaryNode,
    GetItemNode,
    LiteralNode,
    Node,
    UnaryNode,
    ValueNode,
)
from sidestream.dataframe.steps import (
    AssignStep,
    CallbackStep,
    FilterExprStep,
    MapExprStep,
    ProjectStep,
    Step,
    ToTopicStep,
)
from sidestream.exceptions import SidestreamError
from sidestream.models.serializers import Deserializer, SerializationContext, Serializer
from sidestream.models.topics import Topic

__all__ = ["BuiltPipeline", "ClientSerde", "build_pipeline", "display_name", "fill_expr"]


@dataclass
class BuiltPipeline:
    """A proto graph and the Python functions its function ids refer to."""

    pipeline: pipeline_pb2.Pipeline
    functions: dict[str, Callable[[Any], Any]] = field(default_factory=dict)


def display_name(func: Callable[..., Any]) -> str:
    """`module.qualname` of a function, for the sidecar's logs and errors."""
    qual = getattr(func, "__qualname__", None) or type(func).__qualname__
    module = getattr(func, "__module__", None)
    return f"{module}.{qual}" if module else qual


class ClientSerde:
    """A custom (de)serializer of one topic role, as the segment runner calls it:
    `call(value, headers)` → `serde(value, SerializationContext(topic, headers))`.
    """

    __slots__ = ("serde", "topic", "role")

    def __init__(self, serde: Serializer | Deserializer, topic: str, role: str) -> None:
        self.serde = serde
        self.topic = topic
        self.role = role  # "value_deserializer", "key_serializer", ...

    def __call__(self, value: Any, headers: Any) -> Any:
        return self.serde(value, SerializationContext(self.topic, headers))


def _header_value(name: str, key: Any, value: Any) -> bytes | None:
    if not isinstance(key, str):
        raise SidestreamError(f"{name}.extra_headers: header keys must be strings, got {key!r}")
    if value is None or isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    raise SidestreamError(f"{name}.extra_headers['{key}']: values must be str, bytes or None, got {value!r}")


def _fill_serde(
    spec: pipeline_pb2.SerdeSpec, obj: Serializer | Deserializer, topic: str, role: str, functions: dict[str, Any]
) -> None:
    """Names the sidecar serializer, or the client function of a custom one.

    `split_values` (value deserializers) and `extra_headers` (value serializers) are sent for both: the
    sidecar uses them for a custom one and checks them for its own (a subclass of a built-in serde that
    changes them is refused at registration instead of silently ignored)."""
    if not obj.runs_in_client:
        name, options = obj.spec()
        spec.name = name
        for k, v in options.items():
            spec.options[k] = v
    else:
        function_id = f"{topic}.{role}"
        _function_ref(spec.client_function, function_id, obj)
        functions[function_id] = ClientSerde(obj, topic, role)
    if isinstance(obj, Deserializer) and (obj.runs_in_client or role == "value_deserializer"):
        spec.split_values = bool(obj.split_values)
    elif isinstance(obj, Serializer) and role == "value_serializer":
        headers = obj.extra_headers or {}
        for key, value in headers.items():
            h = spec.extra_headers.add(key=key)
            v = _header_value(display_name(obj), key, value)
            if v is not None:
                h.value = v


class _Topics:
    """Declared topics by name; the same name must mean the same serializers
    (for custom ones: the same objects)."""

    def __init__(self, functions: dict[str, Any]) -> None:
        self.specs: dict[str, pipeline_pb2.TopicSpec] = {}
        self._objects: dict[str, tuple[object, ...]] = {}
        self._functions = functions

    def add(self, topic: Topic) -> None:
        roles = (
            ("value_deserializer", topic.value_deserializer),
            ("key_deserializer", topic.key_deserializer),
            ("value_serializer", topic.value_serializer),
            ("key_serializer", topic.key_serializer),
        )
        objects = tuple(obj for _, obj in roles)
        seen = self._objects.get(topic.name)
        if seen is not None:
            if any(a is not b and a != b for a, b in zip(seen, objects, strict=True)):
                raise SidestreamError(
                    f"topic '{topic.name}' is used with two different serializer settings in one pipeline"
                )
            return
        spec = pipeline_pb2.TopicSpec(name=topic.name)
        for role, obj in roles:
            _fill_serde(getattr(spec, role), obj, topic.name, role, self._functions)
        self.specs[topic.name] = spec
        self._objects[topic.name] = objects


def _function_ref(ref: pipeline_pb2.FunctionRef, function_id: str, func: Any) -> None:
    ref.function_id = function_id
    ref.display_name = display_name(func)


_UNARY = {
    "neg": pipeline_pb2.UnaryExpr.NEG,
    "invert": pipeline_pb2.UnaryExpr.INVERT,
    "abs": pipeline_pb2.UnaryExpr.ABS,
    "isnull": pipeline_pb2.UnaryExpr.ISNULL,
    "notnull": pipeline_pb2.UnaryExpr.NOTNULL,
}
_BINARY = {
    "+": pipeline_pb2.BinaryExpr.ADD,
    "-": pipeline_pb2.BinaryExpr.SUB,
    "*": pipeline_pb2.BinaryExpr.MUL,
    "/": pipeline_pb2.BinaryExpr.TRUEDIV,
    "//": pipeline_pb2.BinaryExpr.FLOORDIV,
    "%": pipeline_pb2.BinaryExpr.MOD,
    "**": pipeline_pb2.BinaryExpr.POW,
    "==": pipeline_pb2.BinaryExpr.EQ,
    "!=": pipeline_pb2.BinaryExpr.NE,
    "<": pipeline_pb2.BinaryExpr.LT,
    "<=": pipeline_pb2.BinaryExpr.LE,
    ">": pipeline_pb2.BinaryExpr.GT,
    ">=": pipeline_pb2.BinaryExpr.GE,
    "&": pipeline_pb2.BinaryExpr.AND,
    "|": pipeline_pb2.BinaryExpr.OR,
    "is": pipeline_pb2.BinaryExpr.IS,
    "is not": pipeline_pb2.BinaryExpr.ISNOT,
    "contains": pipeline_pb2.BinaryExpr.CONTAINS,
    "isin": pipeline_pb2.BinaryExpr.ISIN,
}


class _ExprWriter:
    """Writes expression nodes into proto `Expr`s for one step."""

    def __init__(self, step_id: str, functions: dict[str, Callable[[Any], Any]]) -> None:
        self.step_id = step_id
        self.functions = functions
        self.applies = 0

    def write(self, out: pipeline_pb2.Expr, node: Node) -> None:
        if isinstance(node, ValueNode):
            out.value.SetInParent()
        elif isinstance(node, LiteralNode):
            out.literal.json = node.json
        elif isinstance(node, GetItemNode):
            self.write(out.get_item.operand, node.operand)
            out.get_item.key.json = LiteralNode(node.key).json
        elif isinstance(node, UnaryNode):
            out.unary.op = _UNARY[node.op]
            self.write(out.unary.operand, node.operand)
        elif isinstance(node, BinaryNode):
            out.binary.op = _BINARY[node.op]
            self.write(out.binary.left, node.left)
            self.write(out.binary.right, node.right)
        elif isinstance(node, ApplyNode):
            self.write(out.apply.operand, node.operand)
            self.applies += 1
            function_id = f"{self.step_id}.apply-{self.applies}"
            _function_ref(out.apply.function, function_id, node.func)
            out.apply.function.stateful = bool(node.stateful)
            self.functions[function_id] = node.func
        else:  # pragma: no cover - guarded by the series
            raise TypeError(f"unknown expression node {node!r}")


def fill_expr(out: pipeline_pb2.Expr, node: Node, step_id: str, functions: dict[str, Callable[[Any], Any]]) -> None:
    """Writes `node` into `out`; each `series.apply` function is registered in
    `functions` as "<step_id>.apply-<n>" (n counts from 1 in tree order, the
    innermost call first).

    """
    _ExprWriter(step_id, functions).write(out, node)


def build_pipeline(source: Topic, steps: Sequence[Step]) -> BuiltPipeline:
    """The proto graph of a dataframe reading `source` and running `steps` in order.

    Raises:
        SidestreamError: one topic name with two serializer settings.
    """
    built = BuiltPipeline(pipeline=pipeline_pb2.Pipeline(source_topic=source.name))
    topics = _Topics(built.functions)
    topics.add(source)
    previous = source.name
    for position, step in enumerate(steps, start=1):
        proto = built.pipeline.steps.add(input=previous)
        if isinstance(step, CallbackStep):
            proto.id = f"{step.kind}-{position}"
            body = getattr(proto, step.kind)  # ApplyStep / UpdateStep / FilterStep
            _function_ref(body.function, proto.id, step.func)
            body.function.stateful = bool(step.stateful)
            built.functions[proto.id] = step.func
        elif isinstance(step, ToTopicStep):
            proto.id = f"to_topic-{position}"
            topics.add(step.topic)
            proto.to_topic.topic = step.topic.name
            if step.key is not None:
                key_id = f"{proto.id}.key"
                _function_ref(proto.to_topic.key, key_id, step.key)
                built.functions[key_id] = step.key
        elif isinstance(step, AssignStep):
            proto.id = f"assign-{position}"
            proto.assign.column = step.column
            fill_expr(proto.assign.expr, step.expr, proto.id, built.functions)
        elif isinstance(step, FilterExprStep):
            proto.id = f"filter_expr-{position}"
            fill_expr(proto.filter_expr.predicate, step.predicate, proto.id, built.functions)
        elif isinstance(step, ProjectStep):
            proto.id = f"project-{position}"
            proto.project.columns.extend(step.columns)
        elif isinstance(step, MapExprStep):
            proto.id = f"map_expr-{position}"
            fill_expr(proto.map_expr.expr, step.expr, proto.id, built.functions)
        else:  # pragma: no cover - guarded by the dataframe
            raise TypeError(f"unknown step {step!r}")
        previous = proto.id
    built.pipeline.topics.extend(topics.specs.values())
    return built

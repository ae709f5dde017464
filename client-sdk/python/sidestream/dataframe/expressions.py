"""The expression tree behind `StreamingSeries`: plain immutable data, turned
into the proto `Expr` by `sidestream._graph` and evaluated natively by the
sidecar with Python's semantics.

Literals are checked when the expression is written: only what JSON carries
exactly is accepted (None, bool, int within 64 bits, finite float, str, and
lists / str-keyed dicts of those), so that the sidecar sees the very value
Python would use.

Example:
    >>> from sidestream.dataframe.expressions import BinaryNode, GetItemNode, LiteralNode, VALUE, render
    >>> render(BinaryNode("+", GetItemNode(VALUE, "x"), LiteralNode(1)))
    "value['x'] + 1"
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sidestream.exceptions import InvalidExpressionError

__all__ = [
    "Node",
    "ValueNode",
    "VALUE",
    "GetItemNode",
    "LiteralNode",
    "UnaryNode",
    "BinaryNode",
    "ApplyNode",
    "UnaryOp",
    "BinaryOp",
    "literal_json",
    "check_key",
    "render",
]

UnaryOp = Literal["neg", "invert", "abs", "isnull", "notnull"]
BinaryOp = Literal[
    "+", "-", "*", "/", "//", "%", "**",
    "==", "!=", "<", "<=", ">", ">=",
    "&", "|", "is", "is not", "contains", "isin",
]  # fmt: skip

_INT_MIN = -(2**63)
_INT_END = 2**64  # the sidecar's ints are 64-bit (signed, or unsigned above 2**63 - 1)


def _check_literal(value: Any, path: str, depth: int) -> None:
    if depth > 200:
        raise InvalidExpressionError(f"literal{path}: nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return
    if isinstance(value, int):
        if not _INT_MIN <= value < _INT_END:
            raise InvalidExpressionError(
                f"literal{path}: {value} does not fit in 64 bits (the sidecar's ints are 64-bit)"
            )
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidExpressionError(f"literal{path}: {value!r} has no JSON form (NaN and infinities)")
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_literal(item, f"{path}[{i}]", depth + 1)
        return
    if isinstance(value, dict):
        for k, item in value.items():
            if not isinstance(k, str):
                raise InvalidExpressionError(f"literal{path}: dict key {k!r} is not a str (JSON keys are strings)")
            _check_literal(item, f"{path}[{k!r}]", depth + 1)
        return
    hint = " (use a list)" if isinstance(value, (tuple, set, frozenset)) else ""
    raise InvalidExpressionError(
        f"literal{path}: a {type(value).__name__} ({value!r:.60}) cannot be used in a column expression{hint}; "
        "literals must be JSON values: None, bool, int, float, str, list, dict with str keys"
    )


def literal_json(value: Any) -> bytes:
    """The JSON text of a literal, exact for the sidecar: ints stay ints, floats
    keep a fraction or exponent (`1.0`, `1e+20`).

    Raises:
        InvalidExpressionError: `value` is not a JSON value (see the module docstring).
    """
    _check_literal(value, "", 0)
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def check_key(key: Any) -> str | int:
    """A column key: a str (dict key) or an int (list index).

    Raises:
        InvalidExpressionError: any other key.
    """
    if isinstance(key, str):
        return key
    if isinstance(key, int) and not isinstance(key, bool):
        if not _INT_MIN <= key < 2**63:
            raise InvalidExpressionError(f"index {key} does not fit in 64 bits")
        return int(key)
    raise InvalidExpressionError(
        f"a column key must be a str (dict key) or an int (list index), got {type(key).__name__} {key!r:.60}"
    )


@dataclass(frozen=True)
class ValueNode:
    """The record value itself (`sdf` used as a series)."""


VALUE = ValueNode()


@dataclass(frozen=True)
class GetItemNode:
    """`operand[key]`."""

    operand: Node
    key: str | int


@dataclass(frozen=True)
class LiteralNode:
    """A constant; `json` is its exact JSON text."""

    value: Any = field(compare=False)
    json: bytes = b""

    def __init__(self, value: Any) -> None:
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "json", literal_json(value))


@dataclass(frozen=True)
class UnaryNode:
    """A unary operator or method."""

    op: UnaryOp
    operand: Node


@dataclass(frozen=True)
class BinaryNode:
    """A binary operator or method; `contains` is `right in left`, `isin` is `left in right`."""

    op: BinaryOp
    left: Node
    right: Node


@dataclass(frozen=True, eq=False)
class ApplyNode:
    """`operand.apply(func)`: a client function called on the operand's value."""

    operand: Node
    func: Callable[[Any], Any]
    stateful: bool = False


Node = ValueNode | GetItemNode | LiteralNode | UnaryNode | BinaryNode | ApplyNode


def _render_operand(node: Node, strong: bool = False) -> str:
    """`node` as an operand; `strong`: the context binds tighter than unary minus (x ** y, x[k])."""
    text = render(node)
    if isinstance(node, BinaryNode):
        return f"({text})"
    if isinstance(node, UnaryNode) and (node.op in ("isnull", "notnull") or (strong and node.op != "abs")):
        return f"({text})"
    negative = isinstance(node.value, (int, float)) and node.value < 0 if isinstance(node, LiteralNode) else False
    return f"({text})" if strong and negative else text


def render(node: Node) -> str:
    """Python-like text of an expression (for reprs and messages); `value` is the record value."""
    if isinstance(node, ValueNode):
        return "value"
    if isinstance(node, LiteralNode):
        return repr(node.value)
    if isinstance(node, GetItemNode):
        return f"{_render_operand(node.operand, strong=True)}[{node.key!r}]"
    if isinstance(node, ApplyNode):
        name = getattr(node.func, "__qualname__", None) or type(node.func).__qualname__
        return f"{_render_operand(node.operand, strong=True)}.apply({name})"
    if isinstance(node, UnaryNode):
        if node.op == "abs":
            return f"abs({render(node.operand)})"
        if node.op in ("isnull", "notnull"):
            return f"{_render_operand(node.operand)} is {'' if node.op == 'isnull' else 'not '}None"
        return f"{'-' if node.op == 'neg' else '~'}{_render_operand(node.operand)}"
    if node.op == "contains":
        return f"{_render_operand(node.right)} in {_render_operand(node.left)}"
    op = "in" if node.op == "isin" else node.op
    return f"{_render_operand(node.left, strong=node.op == '**')} {op} {_render_operand(node.right)}"

"""`StreamingSeries`: a column expression (mirrors `quixstreams.dataframe.series`).

`sdf["x"]` returns a series; operators and methods on series build an
expression tree that the sidecar evaluates natively, with Python's semantics,
without calling the application per message. Only `series.apply(func)` calls
back into Python (batched, like `sdf.apply`).

    sdf = sdf[sdf["x"] > 0]                            # filter (native)
    sdf["z"] = sdf["x"] + sdf["y"] * 2                 # assign (native)
    sdf["w"] = sdf["name"].apply(str.upper) + "!"      # a client function inside an expression
    sdf = sdf[["x", "z", "w"]]                         # projection (native)

Python's `and`, `or`, `not`, `in` and `if` cannot be applied to a series (they
need a bool now, not per message): use `&`, `|`, `.isin()` / `.contains()`,
and comparisons such as `== False`. See client-sdk/python/docs/expressions.md
for the exact semantics and the few deliberate divergences from Python.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

from sidestream._channel import SidecarTarget
from sidestream._graph import BuiltPipeline, build_pipeline
from sidestream.dataframe._dry import Compiled, DryRunCache
from sidestream.dataframe.expressions import (
    VALUE,
    ApplyNode,
    BinaryNode,
    BinaryOp,
    GetItemNode,
    LiteralNode,
    Node,
    UnaryNode,
    UnaryOp,
    check_key,
    render,
)
from sidestream.dataframe.steps import MapExprStep
from sidestream.exceptions import InvalidExpressionError, SidestreamError
from sidestream.models.messagecontext import MessageContext
from sidestream.models.topics import Topic

if TYPE_CHECKING:
    from sidestream.dataframe.dataframe import StreamingDataFrame

__all__ = ["StreamingSeries"]

_NO_BOOL = (
    "a StreamingSeries has no truth value when the pipeline is written (it is evaluated per message): "
    "use `&` and `|` instead of `and` / `or`, `.isin(...)` / `.contains(...)` instead of `in`, "
    "and `~` (Python's bitwise invert, as in the seed: ~True == -2) or `== False` instead of `not`"
)


def _node(other: Any) -> Node:
    """The expression node of an operand: a series, or a JSON literal."""
    if isinstance(other, StreamingSeries):
        return other._node
    from sidestream.dataframe.dataframe import StreamingDataFrame  # circular at import time

    if isinstance(other, StreamingDataFrame):
        raise InvalidExpressionError(
            "a StreamingDataFrame cannot be an operand of a column expression; "
            "use a column (sdf['x']) or sdf.contains('key')"
        )
    return LiteralNode(other)


class StreamingSeries:
    """A "column" of a `StreamingDataFrame`: an expression over the message value.

    Created by `sdf["column"]` and by operations on other series; not run
    until the dataframe runs (or `test()` is called).

    Example:
        >>> sdf["total"] = sdf["qty"] * sdf["price"]
        >>> sdf = sdf[(sdf["total"] >= 100) & sdf["customer"].notnull()]
        >>> (sdf["qty"] * 2).test({"qty": 21})
        42
    """

    __slots__ = ("__weakref__", "_dry", "_frame", "_node")

    def __init__(
        self,
        name: str | None = None,
        *,
        node: Node | None = None,
        frame: StreamingDataFrame | None = None,
    ) -> None:
        """A series of the column `name` of the value (the value itself when None).

        Args:
            name: column key, as in the seed's `StreamingSeries(name=...)`.
            node: an expression tree (internal; wins over `name`).
            frame: the dataframe this series was taken from (for `test()` and
                for ending a pipeline with it).
        """
        if node is None:
            node = VALUE if name is None else GetItemNode(VALUE, check_key(name))
        self._node: Node = node
        self._frame = frame
        self._dry: DryRunCache | None = None

    @classmethod
    def from_func(cls, func: Callable[[Any], Any]) -> StreamingSeries:
        """A series whose value is `func(value)` (a client function).

        Example:
            >>> s = StreamingSeries.from_func(lambda v: v["a"] * 2)
        """
        return cls().apply(func)

    @property
    def node(self) -> Node:
        """The expression tree."""
        return self._node

    def _derive(self, node: Node) -> StreamingSeries:
        return StreamingSeries(node=node, frame=self._frame)

    def _unary(self, op: UnaryOp) -> StreamingSeries:
        return self._derive(UnaryNode(op, self._node))

    def _binary(self, op: BinaryOp, other: Any) -> StreamingSeries:
        return self._derive(BinaryNode(op, self._node, _node(other)))

    def _reflected(self, op: BinaryOp, other: Any) -> StreamingSeries:
        return self._derive(BinaryNode(op, _node(other), self._node))

    # -- seed methods ----------------------------------------------------

    def apply(self, func: Callable[[Any], Any], stateful: bool = False) -> StreamingSeries:
        """A series whose value is `func(<this series' value>)`, computed by the
        application (batched per partition, like `sdf.apply`).

        Consecutive `.apply(f).apply(g)` run as one call. `stateful=True` is not
        supported yet (rejected when the pipeline is built).

        Example:
            >>> sdf["n"] = sdf["text"].apply(len) + 1
        """
        if not callable(func):
            raise TypeError(f"apply() needs a callable, got {func!r}")
        return self._derive(ApplyNode(self._node, func, bool(stateful)))

    def isin(self, other: Any) -> StreamingSeries:
        """`value in other` (a series, or a list; a tuple or set is sent as a list).

        Example:
            >>> sdf["known"] = sdf["country"].isin(["DE", "FR"])
        """
        if isinstance(other, (tuple, set, frozenset)):
            other = list(other)
        return self._binary("isin", other)

    def contains(self, other: Any) -> StreamingSeries:
        """`other in value` (substring, list item or dict key).

        Example:
            >>> sdf["has_a"] = sdf["text"].contains("a")
        """
        return self._binary("contains", other)

    def is_(self, other: Any) -> StreamingSeries:
        """`value is other`: true for None is None and for two equal bools only
        (values have no identity in the sidecar).

        Example:
            >>> sdf["unset"] = sdf["x"].is_(None)
        """
        return self._binary("is", other)

    def isnot(self, other: Any) -> StreamingSeries:
        """`value is not other` (see `is_`)."""
        return self._binary("is not", other)

    def isnull(self) -> StreamingSeries:
        """`value is None`."""
        return self._unary("isnull")

    def notnull(self) -> StreamingSeries:
        """`value is not None`."""
        return self._unary("notnull")

    def abs(self) -> StreamingSeries:
        """`abs(value)`."""
        return self._unary("abs")

    # -- running -----------------------------------------------------------

    def _source(self) -> tuple[Topic, SidecarTarget]:
        if self._frame is not None:
            return self._frame.topic, self._frame._chain.sidecar
        return Topic("series"), SidecarTarget()

    def build(self) -> BuiltPipeline:
        """The pipeline whose value ends as this series: its dataframe's steps,
        then a native step making the series' result the value (used by
        `Application.run(series)`).

        Raises:
            SidestreamError: the series was not taken from a dataframe.
        """
        if self._frame is None:
            raise SidestreamError("this series was not taken from a dataframe (sdf['x']); it cannot run")
        return build_pipeline(self._frame.topic, [*self._frame.steps, MapExprStep(self._node)])

    def _dry_runner(self) -> Any:
        topic, sidecar = self._source()
        if self._dry is None:
            self._dry = DryRunCache(self)
        return self._dry.runner(0, lambda: build_pipeline(topic, [MapExprStep(self._node)]), sidecar)

    def compile(self, allow_filters: bool = True, allow_updates: bool = True) -> Callable[[Any], Any]:
        """A function evaluating this series on a value, on the sidecar (dry run).

        As in the seed, only the series is evaluated (not the steps of the
        dataframe it was taken from). The arguments are accepted for seed
        compatibility (a series never filters or updates).

        Example:
            >>> double = (sdf["x"] * 2).compile()
            >>> double({"x": 4})
            8
        """
        runner = self._dry_runner()

        return Compiled(runner, self)

    def test(self, value: Any, ctx: MessageContext | None = None) -> Any:
        """Evaluate this series on `value` on the sidecar and return the result.

        Raises:
            KeyError, TypeError, ZeroDivisionError, ...: what Python would raise
                (a `NativeEvaluationError` that is also the builtin exception).
            Exception: what a `series.apply` function raised.

        Example:
            >>> (sdf["a"] + 1).test({"a": 1})
            2
        """
        return self._dry_runner().process(value, ctx)

    def to_topic(self, topic: Topic, key: Callable[[Any], Any] | None = None) -> StreamingDataFrame:
        """sidestream extension: make this series' result the value of its
        dataframe (a native map step), then produce it to `topic`.

        Example:
            >>> sdf = (sdf["price"] * sdf["qty"]).to_topic(totals)
        """
        if self._frame is None:
            raise SidestreamError("this series was not taken from a dataframe (sdf['x']); it cannot produce")
        return self._frame._record(MapExprStep(self._node)).to_topic(topic, key=key)

    # -- Python operators --------------------------------------------------

    def __getitem__(self, key: Any) -> StreamingSeries:
        if isinstance(key, StreamingSeries):
            raise InvalidExpressionError("a column key must be a literal str or int, not a series")
        return self._derive(GetItemNode(self._node, check_key(key)))

    def __add__(self, other: Any) -> StreamingSeries:
        return self._binary("+", other)

    def __radd__(self, other: Any) -> StreamingSeries:
        return self._reflected("+", other)

    def __sub__(self, other: Any) -> StreamingSeries:
        return self._binary("-", other)

    def __rsub__(self, other: Any) -> StreamingSeries:
        return self._reflected("-", other)

    def __mul__(self, other: Any) -> StreamingSeries:
        return self._binary("*", other)

    def __rmul__(self, other: Any) -> StreamingSeries:
        return self._reflected("*", other)

    def __truediv__(self, other: Any) -> StreamingSeries:
        return self._binary("/", other)

    def __rtruediv__(self, other: Any) -> StreamingSeries:
        return self._reflected("/", other)

    def __floordiv__(self, other: Any) -> StreamingSeries:
        return self._binary("//", other)

    def __rfloordiv__(self, other: Any) -> StreamingSeries:
        return self._reflected("//", other)

    def __mod__(self, other: Any) -> StreamingSeries:
        return self._binary("%", other)

    def __rmod__(self, other: Any) -> StreamingSeries:
        return self._reflected("%", other)

    def __pow__(self, other: Any, modulo: Any = None) -> StreamingSeries:
        if modulo is not None:
            raise InvalidExpressionError("pow() with a modulo is not supported in column expressions")
        return self._binary("**", other)

    def __rpow__(self, other: Any) -> StreamingSeries:
        return self._reflected("**", other)

    def __and__(self, other: Any) -> StreamingSeries:
        return self._binary("&", other)

    def __rand__(self, other: Any) -> StreamingSeries:
        return self._reflected("&", other)

    def __or__(self, other: Any) -> StreamingSeries:
        return self._binary("|", other)

    def __ror__(self, other: Any) -> StreamingSeries:
        return self._reflected("|", other)

    def __eq__(self, other: Any) -> StreamingSeries:  # type: ignore[override]
        return self._binary("==", other)

    def __ne__(self, other: Any) -> StreamingSeries:  # type: ignore[override]
        return self._binary("!=", other)

    def __lt__(self, other: Any) -> StreamingSeries:
        return self._binary("<", other)

    def __le__(self, other: Any) -> StreamingSeries:
        return self._binary("<=", other)

    def __gt__(self, other: Any) -> StreamingSeries:
        return self._binary(">", other)

    def __ge__(self, other: Any) -> StreamingSeries:
        return self._binary(">=", other)

    def __neg__(self) -> StreamingSeries:
        return self._unary("neg")

    def __invert__(self) -> StreamingSeries:
        return self._unary("invert")

    def __abs__(self) -> StreamingSeries:
        return self._unary("abs")

    __hash__ = None  # type: ignore[assignment]  # == builds an expression

    def __bool__(self) -> NoReturn:
        raise InvalidExpressionError(_NO_BOOL)

    def __contains__(self, item: Any) -> NoReturn:
        raise InvalidExpressionError(f"`x in series` cannot be a column expression: use series.contains(x). {_NO_BOOL}")

    def __iter__(self) -> NoReturn:
        raise InvalidExpressionError("a StreamingSeries is not iterable: it is evaluated per message by the sidecar")

    def __repr__(self) -> str:
        return f"<StreamingSeries {render(self._node)}>"

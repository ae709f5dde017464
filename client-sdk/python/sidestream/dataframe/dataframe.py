"""`StreamingDataFrame`: the pipeline builder (mirrors `quixstreams.dataframe.dataframe`).

Nothing runs when you call its methods: they record steps, which become the
pipeline graph the sidecar runs when `Application.run()` is called (or a dry
run with `test()` / `compile()`).

As in the seed (2.x), the methods add the step to the dataframe and return it,
so both styles work:

    sdf = sdf.apply(f)      # reassign, as the seed recommends
    sdf.apply(f)            # or not: the step is recorded on `sdf` either way

Every dataframe returned by a method is a view of the same step chain: the
pipeline is the whole chain, whichever view is run. A view also remembers which
step created it, which is how `sdf["x"] = sdf.apply(f)` knows that the apply
is a column value rather than a step (see `__setitem__`).

Column expressions: `sdf["x"]` is a `StreamingSeries`; `sdf[series]` filters,
`sdf[["a", "b"]]` projects and `sdf["x"] = series_or_literal` assigns — all
evaluated natively by the sidecar (no call to the application per message).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, overload

from sidestream._channel import SidecarTarget
from sidestream._graph import BuiltPipeline, build_pipeline
from sidestream.dataframe._dry import Compiled, DryRunCache
from sidestream.dataframe.expressions import (
    VALUE,
    ApplyNode,
    BinaryNode,
    GetItemNode,
    LiteralNode,
    Node,
    check_key,
)
from sidestream.dataframe.series import StreamingSeries
from sidestream.dataframe.steps import (
    AssignStep,
    CallbackKind,
    CallbackStep,
    FilterExprStep,
    MapExprStep,
    ProjectStep,
    Step,
    ToTopicStep,
)
from sidestream.exceptions import InvalidExpressionError
from sidestream.models.messagecontext import MessageContext
from sidestream.models.topics import Topic

__all__ = ["StreamingDataFrame"]

DataFrameFunc = Callable[[Any], Any]


class _Chain:
    """The steps shared by all views of one dataframe."""

    __slots__ = ("__weakref__", "dry", "sidecar", "steps", "topic", "version")

    def __init__(self, topic: Topic, sidecar: SidecarTarget) -> None:
        self.topic = topic
        self.sidecar = sidecar
        self.steps: list[Step] = []
        self.version = 0  # bumped on every change (dry-run sessions follow it)
        self.dry = DryRunCache(self)

    def append(self, step: Step) -> None:
        self.steps.append(step)
        self.version += 1


class StreamingDataFrame:
    """A declarative chain of processing steps over the values of a topic.

    Create it with `Application.dataframe(topic)`.

    Example:
        >>> sdf = app.dataframe(app.topic("orders"))
        >>> sdf = sdf.apply(lambda o: {**o, "total": o["qty"] * o["price"]})
        >>> sdf = sdf.filter(lambda o: o["total"] >= 100)
        >>> sdf = sdf.to_topic(app.topic("big-orders", key_serializer="string"), key=lambda o: o["customer"])
        >>> sdf.test({"qty": 2, "price": 60, "customer": "c1"})
        {'qty': 2, 'price': 60, 'customer': 'c1', 'total': 120}
    """

    def __init__(self, topic: Topic, *, sidecar: SidecarTarget | None = None) -> None:
        if not isinstance(topic, Topic):
            raise TypeError(f"StreamingDataFrame needs a Topic, got {topic!r}")
        self._chain = _Chain(topic, sidecar or SidecarTarget())
        self._origin: tuple[StreamingDataFrame, Step] | None = None  # (view it came from, step that made it)

    @property
    def topic(self) -> Topic:
        """The topic this dataframe consumes."""
        return self._chain.topic

    @property
    def steps(self) -> tuple[Step, ...]:
        """The recorded steps, in order."""
        return tuple(self._chain.steps)

    @property
    def topics_out(self) -> tuple[Topic, ...]:
        """Topics that `to_topic` steps produce to."""
        return tuple(s.topic for s in self._chain.steps if isinstance(s, ToTopicStep))

    def _record(self, step: Step) -> StreamingDataFrame:
        """Appends `step` to the chain; returns a new view made by it."""
        self._chain.append(step)
        view = object.__new__(type(self))
        view._chain = self._chain
        view._origin = (self, step)
        return view

    def _add_callback(self, kind: CallbackKind, func: DataFrameFunc, stateful: bool) -> StreamingDataFrame:
        if not callable(func):
            raise TypeError(f"{kind}() needs a callable, got {func!r}")
        return self._record(CallbackStep(kind=kind, func=func, stateful=bool(stateful)))

    def apply(self, func: DataFrameFunc, stateful: bool = False) -> StreamingDataFrame:
        """Replace the value with `func(value)`.

        Args:
            func: called with the value; its result is passed downstream.
            stateful: seed API; stateful functions are not supported yet (the
                pipeline is rejected when built).

        Example:
            >>> sdf = sdf.apply(lambda v: {**v, "seen": True})
        """
        return self._add_callback("apply", func, stateful)

    def update(self, func: DataFrameFunc, stateful: bool = False) -> StreamingDataFrame:
        """Call `func(value)` for its side effects (it may mutate the value in place);
        the value passes downstream and the result is ignored.

        Example:
            >>> sdf = sdf.update(lambda v: print("got", v))
        """
        return self._add_callback("update", func, stateful)

    def filter(self, func: DataFrameFunc, stateful: bool = False) -> StreamingDataFrame:
        """Keep the value only if `func(value)` is truthy; otherwise processing of
        this message stops (not an error).

        Example:
            >>> sdf = sdf.filter(lambda v: v["amount"] > 0)
        """
        return self._add_callback("filter", func, stateful)

    def to_topic(self, topic: Topic, key: Callable[[Any], Any] | None = None) -> StreamingDataFrame:
        """Produce the current value to `topic`, then pass it on unchanged.

        Args:
            topic: the output topic (from `Application.topic()`).
            key: optional function computing the message key from the value;
                by default the current message key is used. Its result must
                suit the topic's key serializer.

        Example:
            >>> sdf = sdf.to_topic(out, key=lambda v: v["user"])
        """
        if not isinstance(topic, Topic):
            raise TypeError(f"to_topic() needs a Topic, got {topic!r}")
        if key is not None and not callable(key):
            raise TypeError(f"to_topic(key=...) needs a callable, got {key!r}")
        return self._record(ToTopicStep(topic=topic, key=key))

    # -- column expressions ------------------------------------------------

    def contains(self, key: Any) -> StreamingSeries:
        """A series telling whether `key` is present in the value (`key in value`).

        Example:
            >>> sdf["has_column"] = sdf.contains("column_x")
        """
        return StreamingSeries(node=BinaryNode("contains", VALUE, LiteralNode(key)), frame=self)

    @overload
    def __getitem__(self, item: str | int) -> StreamingSeries: ...

    @overload
    def __getitem__(self, item: StreamingSeries | list[str]) -> StreamingDataFrame: ...

    def __getitem__(self, item: Any) -> Any:
        """`sdf["col"]` → a `StreamingSeries` (an int indexes a list value);
        `sdf[series]` → keep the records where the series is truthy;
        `sdf[["a", "b"]]` → keep only these keys (a KeyError when one is missing).

        Example:
            >>> sdf = sdf[sdf["x"] > 0]
            >>> sdf = sdf[["x", "y"]]
        """
        if isinstance(item, StreamingSeries):
            return self._record(FilterExprStep(item.node))
        if isinstance(item, list):
            bad = [k for k in item if not isinstance(k, str)]
            if bad:
                raise InvalidExpressionError(f"projection keys must be str, got {bad[0]!r} in {item!r:.80}")
            columns = tuple(dict.fromkeys(item))  # a key listed twice is kept once, as in a dict
            if not columns:  # {k: v[k] for k in []}
                return self._record(MapExprStep(LiteralNode({})))
            return self._record(ProjectStep(columns))
        if isinstance(item, (StreamingDataFrame, tuple)):
            raise InvalidExpressionError(
                f"sdf[...] takes a column key, a list of keys or a boolean series, not a {type(item).__name__}"
            )
        return StreamingSeries(node=GetItemNode(VALUE, check_key(item)), frame=self)

    def __setitem__(self, key: str, value: Any) -> None:
        """`sdf["col"] = value`: set a key of the (dict) value, natively.

        `value` is a `StreamingSeries`, a JSON literal, or the result of
        `.apply()` calls on this very dataframe: `sdf["x"] = sdf.apply(f)` (also
        `sdf.apply(f).apply(g)`) calls `f` on the whole value and assigns the
        result, leaving the value otherwise unchanged — it must be assigned right
        away (no other step recorded in between), and only once.

        Example:
            >>> sdf["total"] = sdf["qty"] * sdf["price"]
            >>> sdf["source"] = "web"
            >>> sdf["n_keys"] = sdf.apply(len)
        """
        if not isinstance(key, str):
            raise InvalidExpressionError(f"a column to assign must be a str, got {key!r}")
        if isinstance(value, StreamingSeries):
            node = value.node
        elif isinstance(value, StreamingDataFrame):
            node = self._take_applies(value)
        else:
            node = LiteralNode(value)
        self._chain.append(AssignStep(key, node))

    def _take_applies(self, value: StreamingDataFrame) -> Node:
        """`value` = self.apply(f1)...apply(fn), just recorded: removes those steps
        and returns the expression f_n(...f_1(value)).
        """
        applies: list[CallbackStep] = []
        view = value
        while view is not self:
            origin = view._origin
            if view._chain is not self._chain or origin is None:
                raise InvalidExpressionError(
                    "a dataframe assigned as a column must be this dataframe's .apply() result, "
                    "e.g. sdf['x'] = sdf.apply(f)"
                )
            view, step = origin
            if not (isinstance(step, CallbackStep) and step.kind == "apply"):
                what = type(step).__name__ if not isinstance(step, CallbackStep) else f"{step.kind}()"
                raise InvalidExpressionError(
                    f"only .apply() results can be assigned as a column (found {what} between "
                    "the dataframe and the assigned value)"
                )
            applies.append(step)
        if not applies:
            raise InvalidExpressionError("a dataframe cannot be assigned to its own column: use sdf.apply(...)")
        applies.reverse()
        steps = self._chain.steps
        trailing = steps[-len(applies) :]
        if len(trailing) != len(applies) or any(a is not b for a, b in zip(trailing, applies, strict=True)):
            raise InvalidExpressionError(
                "sdf['x'] = sdf.apply(f) must assign the .apply() result right after writing it, "
                "and only once (other steps were recorded after it, or it was assigned already)"
            )
        del steps[-len(applies) :]
        self._chain.version += 1
        node: Node = VALUE
        for step in applies:
            node = ApplyNode(node, step.func, step.stateful)
        return node

    # -- running -----------------------------------------------------------

    def build(self) -> BuiltPipeline:
        """The proto graph and function registry of this dataframe (used by `Application.run`)."""
        return build_pipeline(self._chain.topic, self._chain.steps)

    def compile(self) -> Callable[[Any], Any]:
        """A function running `value` through this dataframe on the sidecar (dry run).

        The returned function raises `sidestream.core.stream.functions.Filtered`
        when a filter drops the value, and what a function raised when one fails.

        Example:
            >>> run = sdf.compile()
            >>> run({"my": "record"})
        """
        runner = self._dry_runner()

        return Compiled(runner, self._chain)

    def test(self, value: Any, ctx: MessageContext | None = None) -> Any:
        """Run `value` (with an optional message context) through this dataframe
        on the sidecar, without Kafka, and return the result.

        Raises:
            Filtered: a filter dropped the value.
            Exception: the exception a function raised.

        Example:
            >>> sdf.test({"x": 1})
        """
        return self._dry_runner().process(value, ctx)

    def _dry_runner(self) -> Any:
        return self._chain.dry.runner(self._chain.version, self.build, self._chain.sidecar)

    def __repr__(self) -> str:
        chain = " → ".join([self._chain.topic.name] + [type(s).__name__ for s in self._chain.steps])
        return f"<StreamingDataFrame {chain}>"

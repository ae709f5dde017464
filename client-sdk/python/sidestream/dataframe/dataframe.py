"""`StreamingDataFrame`: the pipeline builder (mirrors `quixstreams.dataframe.dataframe`).

Nothing runs when you call its methods: they record steps, which become the
pipeline graph the sidecar runs when `Application.run()` is called (or a dry
run with `test()` / `compile()`).

As in the seed (2.x), the methods add the step to this dataframe and return
it, so both styles work:

    sdf = sdf.apply(f)      # reassign, as the seed recommends
    sdf.apply(f)            # or not: the step is recorded on `sdf` either way
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

from sidestream._channel import SidecarTarget
from sidestream._graph import BuiltPipeline, build_pipeline
from sidestream.dataframe.steps import CallbackKind, CallbackStep, Step, ToTopicStep
from sidestream.models.messagecontext import MessageContext
from sidestream.models.topics import Topic

__all__ = ["StreamingDataFrame"]

DataFrameFunc = Callable[[Any], Any]


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
        self._topic = topic
        self._steps: list[Step] = []
        self._sidecar = sidecar or SidecarTarget()
        self._dry_lock = threading.Lock()
        self._dry: tuple[int, Any] | None = None  # (number of steps, DryRunner)

    @property
    def topic(self) -> Topic:
        """The topic this dataframe consumes."""
        return self._topic

    @property
    def steps(self) -> tuple[Step, ...]:
        """The recorded steps, in order."""
        return tuple(self._steps)

    @property
    def topics_out(self) -> tuple[Topic, ...]:
        """Topics that `to_topic` steps produce to."""
        return tuple(s.topic for s in self._steps if isinstance(s, ToTopicStep))

    def _add_callback(self, kind: CallbackKind, func: DataFrameFunc, stateful: bool) -> StreamingDataFrame:
        if not callable(func):
            raise TypeError(f"{kind}() needs a callable, got {func!r}")
        self._steps.append(CallbackStep(kind=kind, func=func, stateful=bool(stateful)))
        return self

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
        self._steps.append(ToTopicStep(topic=topic, key=key))
        return self

    def build(self) -> BuiltPipeline:
        """The proto graph and function registry of this dataframe (used by `Application.run`)."""
        return build_pipeline(self._topic, self._steps)

    def compile(self) -> Callable[[Any], Any]:
        """A function running `value` through this dataframe on the sidecar (dry run).

        The returned function raises `sidestream.core.stream.functions.Filtered`
        when a filter drops the value, and what a function raised when one fails.

        Example:
            >>> run = sdf.compile()
            >>> run({"my": "record"})
        """
        runner = self._dry_runner()

        def compiled(value: Any) -> Any:
            return runner.process(value)

        return compiled

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
        from sidestream._dryrun import DryRunner  # grpc session machinery, loaded on demand

        with self._dry_lock:
            if self._dry is not None:
                count, runner = self._dry
                if count == len(self._steps) and runner.usable:
                    return runner
                runner.close()
                self._dry = None
            runner = DryRunner(self._sidecar, self.build())
            self._dry = (len(self._steps), runner)
            # The session ends with the dataframe, not only at interpreter exit.
            weakref.finalize(self, runner.close)
            return runner

    def __repr__(self) -> str:
        chain = " → ".join([self._topic.name] + [type(s).__name__ for s in self._steps])
        return f"<StreamingDataFrame {chain}>"

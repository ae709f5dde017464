"""Turns a dataframe's steps into the proto `Pipeline` and the function registry.

Step ids are readable and unique within the graph — `<kind>-<position>`, e.g.
"apply-1", "filter-2", "to_topic-3" — because the sidecar's errors name them.
A function id is its step's id ("apply-1"), or "<step>.key" for a to_topic key
function. Each step's `input` is the previous step's id, or the source topic's
name for the first step.

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
from sidestream.dataframe.steps import CallbackStep, Step, ToTopicStep
from sidestream.exceptions import NotSupportedError, SidestreamError
from sidestream.models.topics import Topic

__all__ = ["BuiltPipeline", "build_pipeline", "display_name"]


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


def _fill_serde(spec: pipeline_pb2.SerdeSpec, descriptor: Any) -> None:
    name, options = descriptor.spec()
    spec.name = name
    for k, v in options.items():
        spec.options[k] = v


def _topic_spec(topic: Topic) -> pipeline_pb2.TopicSpec:
    t = pipeline_pb2.TopicSpec(name=topic.name)
    _fill_serde(t.value_deserializer, topic.value_deserializer)
    _fill_serde(t.key_deserializer, topic.key_deserializer)
    _fill_serde(t.value_serializer, topic.value_serializer)
    _fill_serde(t.key_serializer, topic.key_serializer)
    return t


class _Topics:
    """Declared topics by name; the same name must mean the same serializers."""

    def __init__(self) -> None:
        self.specs: dict[str, pipeline_pb2.TopicSpec] = {}

    def add(self, topic: Topic) -> None:
        spec = _topic_spec(topic)
        seen = self.specs.get(topic.name)
        if seen is None:
            self.specs[topic.name] = spec
        elif seen != spec:
            raise SidestreamError(
                f"topic '{topic.name}' is used with two different serializer settings in one pipeline"
            )


def _function_ref(ref: pipeline_pb2.FunctionRef, function_id: str, func: Callable[..., Any]) -> None:
    ref.function_id = function_id
    ref.display_name = display_name(func)


def build_pipeline(source: Topic, steps: Sequence[Step]) -> BuiltPipeline:
    """The proto graph of a dataframe reading `source` and running `steps` in order.

    Raises:
        NotSupportedError: a step needs a feature the sidecar doesn't offer yet
            (stateful functions).
        SidestreamError: one topic name with two serializer settings.
    """
    topics = _Topics()
    topics.add(source)
    built = BuiltPipeline(pipeline=pipeline_pb2.Pipeline(source_topic=source.name))
    previous = source.name
    for position, step in enumerate(steps, start=1):
        proto = built.pipeline.steps.add(input=previous)
        if isinstance(step, CallbackStep):
            proto.id = f"{step.kind}-{position}"
            if step.stateful:
                raise NotSupportedError(
                    f"step '{proto.id}' ({display_name(step.func)}): stateful functions need "
                    "sidecar state support (not yet available)"
                )
            body = getattr(proto, step.kind)  # ApplyStep / UpdateStep / FilterStep
            _function_ref(body.function, proto.id, step.func)
            built.functions[proto.id] = step.func
        elif isinstance(step, ToTopicStep):
            proto.id = f"to_topic-{position}"
            topics.add(step.topic)
            proto.to_topic.topic = step.topic.name
            if step.key is not None:
                key_id = f"{proto.id}.key"
                _function_ref(proto.to_topic.key, key_id, step.key)
                built.functions[key_id] = step.key
        else:  # pragma: no cover - guarded by the dataframe
            raise TypeError(f"unknown step {step!r}")
        previous = proto.id
    built.pipeline.topics.extend(topics.specs.values())
    return built

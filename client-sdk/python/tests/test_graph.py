"""Graph building: step ids, chaining, topics and serializers → proto."""

import pytest

from sidestream import Application
from sidestream._rpc.sidestream.v1 import pipeline_pb2
from sidestream.exceptions import SidestreamError
from sidestream.models import StringDeserializer, StringSerializer, Topic


@pytest.fixture
def app():
    return Application(consumer_group="g", loglevel=None)


def enrich(v):
    return v


def test_chain_ids_inputs_and_functions(app):
    src, out = app.topic("in"), app.topic("out", key_serializer="string")
    key = lambda v: v["user"]  # noqa: E731
    sdf = app.dataframe(src)
    sdf = sdf.apply(enrich).filter(bool)
    sdf.update(print)  # without reassigning: recorded all the same (seed 2.x)
    sdf = sdf.to_topic(out, key=key)
    built = sdf.build()
    p = built.pipeline
    assert p.source_topic == "in"
    assert [(s.id, s.input, s.WhichOneof("kind")) for s in p.steps] == [
        ("apply-1", "in", "apply"),
        ("filter-2", "apply-1", "filter"),
        ("update-3", "filter-2", "update"),
        ("to_topic-4", "update-3", "to_topic"),
    ]
    assert p.steps[0].apply.function.function_id == "apply-1"
    assert p.steps[0].apply.function.display_name == f"{__name__}.enrich"
    assert not p.steps[0].apply.function.stateful
    assert p.steps[3].to_topic.topic == "out"
    assert p.steps[3].to_topic.key.function_id == "to_topic-4.key"
    assert built.functions == {"apply-1": enrich, "filter-2": bool, "update-3": print, "to_topic-4.key": key}


def test_topics_carry_all_four_serdes(app):
    src = app.topic("in", value_deserializer=StringDeserializer(column_name="text", codec="ascii"))
    out = app.topic("out", value_serializer="integer", key_serializer=StringSerializer())
    p = app.dataframe(src).to_topic(out).build().pipeline
    topics = {t.name: t for t in p.topics}
    assert set(topics) == {"in", "out"}
    t_in = topics["in"]
    assert t_in.value_deserializer == pipeline_pb2.SerdeSpec(
        name="string", options={"column_name": "text", "codec": "ascii"}
    )
    assert t_in.key_deserializer == pipeline_pb2.SerdeSpec(name="bytes")
    assert t_in.value_serializer == pipeline_pb2.SerdeSpec(name="json")
    assert t_in.key_serializer == pipeline_pb2.SerdeSpec(name="bytes")
    assert topics["out"].value_serializer.name == "integer"
    assert topics["out"].key_serializer == pipeline_pb2.SerdeSpec(name="string", options={"codec": "utf_8"})
    # to_topic without a key function: no key ref
    assert not p.steps[0].to_topic.HasField("key")


def test_same_topic_twice_is_declared_once(app):
    t = app.topic("loop")
    p = app.dataframe(t).to_topic(app.topic("loop")).build().pipeline
    assert [x.name for x in p.topics] == ["loop"]


def test_same_name_different_serdes_is_an_error(app):
    sdf = app.dataframe(app.topic("t")).to_topic(app.topic("t", value_serializer="string"))
    with pytest.raises(SidestreamError, match="topic 't'"):
        sdf.build()


def test_stateful_functions_are_marked_in_the_graph(app):
    sdf = app.dataframe(app.topic("in")).apply(enrich, stateful=True).filter(bool)
    p = sdf.build().pipeline
    assert p.steps[0].apply.function.stateful
    assert not p.steps[1].filter.function.stateful


def test_non_callables_are_rejected(app):
    sdf = app.dataframe(app.topic("in"))
    with pytest.raises(TypeError):
        sdf.apply(42)
    with pytest.raises(TypeError):
        sdf.to_topic("out")
    with pytest.raises(TypeError):
        sdf.to_topic(app.topic("out"), key="user")


def test_dataframe_needs_a_topic():
    from sidestream.dataframe import StreamingDataFrame

    with pytest.raises(TypeError):
        StreamingDataFrame("in")
    assert StreamingDataFrame(Topic("in")).topic.name == "in"

"""Custom (de)serializers on the client side: the proto they register and the
DESERIALIZE / SERIALIZE ops of the segment runner (no gRPC).

The runner tests run with both the per-record and the packed layout (packed
answers read back with `fixtures.from_packed`): serde ops must behave the same."""

import logging

import pytest

from fixtures import Kind, batch, from_packed, plan, record, results_summary, to_packed
from sidestream import Application
from sidestream._graph import ClientSerde, build_pipeline
from sidestream._reports import ReportedMessage
from sidestream._runner import SegmentRunner
from sidestream.exceptions import SidestreamError
from sidestream.models.serializers import (
    Deserializer,
    IgnoreMessage,
    SerializationContext,
    SerializationError,
    Serializer,
)

DES_KEY, DES_VALUE = Kind.DESERIALIZE_KEY, Kind.DESERIALIZE_VALUE
SER_KEY, SER_VALUE = Kind.SERIALIZE_KEY, Kind.SERIALIZE_VALUE
APPLY, KEY = Kind.APPLY, Kind.TO_TOPIC_KEY


class Csv(Deserializer):
    """b"a,b" → ["a", "b"] rows; b"" is ignored; b"bad" raises."""

    def __init__(self, split: bool = True) -> None:
        super().__init__()
        self._split = split
        self.contexts: list[SerializationContext] = []

    @property
    def split_values(self) -> bool:
        return self._split

    def __call__(self, value: bytes, ctx: SerializationContext):
        self.contexts.append(ctx)
        if value == b"":
            raise IgnoreMessage("empty line")
        if value == b"bad":
            raise ValueError("not csv")
        return value.decode().split(",")


class Pipe(Serializer):
    def __call__(self, value, ctx):
        return "|".join(str(v) for v in value).encode()

    @property
    def extra_headers(self):
        return {"format": "pipe", "raw": b"\x00", "none": None}


class Upper(Serializer):
    def __call__(self, value, ctx):
        return value.upper()  # str, not bytes: a mistake the SDK reports


@pytest.fixture(params=["records", "packed"])
def layout(request):
    return request.param


@pytest.fixture(autouse=True)
def _layout(layout):
    global LAYOUT
    LAYOUT = layout
    yield
    LAYOUT = "records"


LAYOUT = "records"


def run(ops, funcs, records, **kwargs):
    runner = SegmentRunner(plan(ops), funcs, **kwargs)
    b = batch(records)
    if LAYOUT == "packed":
        b = to_packed(b)
    result = runner.run(b)
    assert result.HasField("packed") == (LAYOUT == "packed")
    return runner, results_summary(from_packed(result))


def test_deserializer_splits_ignores_and_keeps_null():
    csv = Csv()
    f = ClientSerde(csv, "lines", "value_deserializer")
    _, out = run(
        [(DES_VALUE, "d", "lines.value_deserializer")],
        {"d": f},
        [
            record(b"a,b", raw=True, headers=[("h", b"1")]),
            record(b"", raw=True),
            record(None),
            record(b"c", raw=True),
        ],
    )
    assert out == [("value", ["a", "b"]), ("filtered",), ("value", None), ("value", ["c"])]
    assert len(csv.contexts) == 3  # not called for the null value
    assert csv.contexts[0].topic == "lines" and csv.contexts[0].headers == [("h", b"1")]


def test_deserializer_error_goes_to_on_consumer_error_with_the_raw_message():
    calls = []

    def on_consumer_error(exc, message, logger):
        calls.append((type(exc), message.value(), message.offset(), message.topic()))
        return True

    def on_processing_error(exc, row, logger):  # pragma: no cover - must not be called
        raise AssertionError("a deserializer error is not a processing error")

    f = ClientSerde(Csv(), "lines", "value_deserializer")
    runner, out = run(
        [(DES_VALUE, "d", "lines.value_deserializer")],
        {"d": f},
        [record(b"bad", raw=True, topic="lines", offset=4), record(b"x", raw=True)],
        on_consumer_error=on_consumer_error,
        on_processing_error=on_processing_error,
    )
    assert calls == [(ValueError, b"bad", 4, "lines")]
    assert out[0][:3] == ("skipped", "lines.value_deserializer", "ValueError")
    assert out[1] == ("value", ["x"])
    assert runner.failure is None


def test_deserializer_error_without_callback_fails_the_batch(caplog):
    f = ClientSerde(Csv(), "lines", "value_deserializer")
    with caplog.at_level(logging.ERROR, logger="sidestream"):
        runner, out = run(
            [(DES_VALUE, "d", "lines.value_deserializer")], {"d": f}, [record(b"bad", raw=True), record(b"x", raw=True)]
        )
    assert out[0] == ("error", "lines.value_deserializer", "ValueError", "not csv")
    assert out[1] == out[0]
    assert isinstance(runner.failure, ValueError)
    assert "deserializing in[0]@0 failed" in caplog.text


def test_key_deserializer_result_is_the_produce_key():
    class IntKey(Deserializer):
        def __call__(self, value, ctx):
            return int(value)

    f = ClientSerde(IntKey(), "in", "key_deserializer")
    _, out = run(
        [(DES_KEY, "k", "in.key_deserializer")],
        {"k": f},
        [record({"x": 1}, key=b"42"), record({"x": 2})],
    )
    assert out == [("value", {"x": 1}, 42), ("value", {"x": 2}, None)]


def test_ignore_message_outside_a_deserializer_is_an_error():
    def apply(v):
        raise IgnoreMessage("nope")

    _, out = run([(APPLY, "a", "apply-1")], {"a": apply}, [record(1)])
    assert out[0][:3] == ("error", "apply-1", "sidestream.models.serializers.exceptions.IgnoreMessage")


def test_serializers_return_bytes_for_the_produce():
    class Key(Serializer):
        def __call__(self, value, ctx):
            return f"<{value}@{ctx.topic}>".encode()

    funcs = {
        "k": lambda v: f"user-{v[0]}",
        "ks": ClientSerde(Key(), "out", "key_serializer"),
        "vs": ClientSerde(Pipe(), "out", "value_serializer"),
    }
    # A key serializer in the open segment: it gets the to_topic key.
    _, out = run([(KEY, "k", "to_topic-1"), (SER_KEY, "ks", "to_topic-1")], funcs, [record([1, 2])])
    assert out == [("value", [1, 2], b"<user-1@out>")]
    # The serializer segment: InvokeRecord.key is the key to produce.
    _, out = run(
        [(SER_KEY, "ks", "to_topic-1"), (SER_VALUE, "vs", "to_topic-1")],
        funcs,
        [record([1, "a"], key="k1"), record(None, key=None)],
    )
    assert out == [("value", b"1|a", b"<k1@out>"), ("value", None, None)]


def test_serializer_that_does_not_return_bytes_is_a_producer_error():
    seen = []

    def on_producer_error(exc, row, logger):
        seen.append((type(exc), str(exc), row.value))
        return True

    f = ClientSerde(Upper(), "out", "value_serializer")
    _, out = run([(SER_VALUE, "vs", "to_topic-2")], {"vs": f}, [record("abc")], on_producer_error=on_producer_error)
    assert out[0][:3] == ("skipped", "to_topic-2", "sidestream.models.serializers.exceptions.SerializationError")
    assert seen[0][0] is SerializationError and seen[0][2] == "abc"
    assert "value_serializer Upper must return bytes or None for the value, got str: 'ABC'" in seen[0][1]
    _, out = run([(SER_VALUE, "vs", "to_topic-2")], {"vs": f}, [record("abc")])
    assert out[0][0] == "error"


def test_reported_message_of_a_consumer_error():
    got = []
    f = ClientSerde(Csv(), "lines", "value_deserializer")
    run(
        [(DES_VALUE, "d", "x")],
        {"d": f},
        [record(b"bad", raw=True, key=b"k")],
        on_consumer_error=lambda exc, m, lg: got.append(m) or False,
    )
    assert isinstance(got[0], ReportedMessage) and got[0].key() == b"k" and got[0].value() == b"bad"


def test_build_pipeline_names_client_functions_and_extra_headers():
    app = Application(consumer_group="g", loglevel=None)
    csv, pipe = Csv(), Pipe()
    src = app.topic("lines", value_deserializer=csv, key_deserializer="string")
    out = app.topic("out", value_serializer=pipe)
    sdf = app.dataframe(src).apply(lambda v: v).to_topic(out)
    built = build_pipeline(sdf.topic, sdf.steps)
    specs = {t.name: t for t in built.pipeline.topics}
    vd = specs["lines"].value_deserializer
    assert vd.name == "" and vd.client_function.function_id == "lines.value_deserializer"
    assert vd.client_function.display_name.endswith("Csv") and vd.split_values
    assert specs["lines"].key_deserializer.name == "string"
    vs = specs["out"].value_serializer
    assert vs.client_function.function_id == "out.value_serializer"
    assert [(h.key, h.value if h.HasField("value") else None) for h in vs.extra_headers] == [
        ("format", b"pipe"),
        ("raw", b"\x00"),
        ("none", None),
    ]
    f = built.functions["lines.value_deserializer"]
    assert isinstance(f, ClientSerde) and f.serde is csv and f.topic == "lines"
    assert built.functions["out.value_serializer"].serde is pipe


def test_one_topic_with_two_custom_deserializer_objects_is_rejected():
    app = Application(consumer_group="g", loglevel=None)
    src = app.topic("t", value_deserializer=Csv())
    sdf = app.dataframe(src).to_topic(app.topic("t", value_deserializer=Csv()))
    with pytest.raises(SidestreamError, match="two different serializer settings"):
        build_pipeline(sdf.topic, sdf.steps)
    same = Csv()
    sdf = app.dataframe(app.topic("t", value_deserializer=same)).to_topic(app.topic("t", value_deserializer=same))
    build_pipeline(sdf.topic, sdf.steps)


def test_bad_extra_headers_are_reported_at_build():
    class Bad(Serializer):
        def __call__(self, value, ctx):
            return b""

        @property
        def extra_headers(self):
            return {"n": 1}

    app = Application(consumer_group="g", loglevel=None)
    sdf = app.dataframe(app.topic("in")).to_topic(app.topic("out", value_serializer=Bad()))
    with pytest.raises(SidestreamError, match=r"extra_headers\['n'\]: values must be str, bytes or None"):
        build_pipeline(sdf.topic, sdf.steps)


def test_built_in_serdes_send_split_values_and_extra_headers_for_the_sidecar_to_check():
    """A subclass of a built-in serde that changes split_values / extra_headers (without __call__) runs
    in the sidecar, which would ignore them: they are sent so that registration refuses them; the Quix
    formats' own values are sent too and accepted (tests/unit/plan_serde_test.cc, convert_serde_test.cc)."""
    from sidestream.models.serializers import JSONDeserializer, JSONSerializer, QuixDeserializer
    from sidestream.models.serializers.quix import QuixTimeseriesSerializer

    class SplitJson(JSONDeserializer):
        @property
        def split_values(self) -> bool:
            return True

    class HeaderJson(JSONSerializer):
        @property
        def extra_headers(self):
            return {"h": "v"}

    app = Application(consumer_group="g", loglevel=None)
    sdf = app.dataframe(app.topic("in", value_deserializer=SplitJson())).to_topic(
        app.topic("out", value_serializer=HeaderJson())
    )
    specs = {t.name: t for t in build_pipeline(sdf.topic, sdf.steps).pipeline.topics}
    assert specs["in"].value_deserializer.name == "json" and specs["in"].value_deserializer.split_values
    assert [h.key for h in specs["out"].value_serializer.extra_headers] == ["h"]

    sdf = app.dataframe(app.topic("q", value_deserializer=QuixDeserializer(), key_deserializer="json")).to_topic(
        app.topic("qo", value_serializer=QuixTimeseriesSerializer(as_legacy=False))
    )
    specs = {t.name: t for t in build_pipeline(sdf.topic, sdf.steps).pipeline.topics}
    assert specs["q"].value_deserializer.split_values and not specs["q"].key_deserializer.split_values
    assert [h.key for h in specs["qo"].value_serializer.extra_headers] == ["__Q_ModelKey", "__Q_CodecId"]
    # Defaults send nothing.
    sdf = app.dataframe(app.topic("p")).to_topic(app.topic("po"))
    specs = {t.name: t for t in build_pipeline(sdf.topic, sdf.steps).pipeline.topics}
    assert not specs["p"].value_deserializer.split_values and not specs["po"].value_serializer.extra_headers

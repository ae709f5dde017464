"""Models: serializer descriptors, topics, timestamps, context, logging."""

import logging

import pytest

import sidestream
from sidestream import message_context, message_key
from sidestream.context import set_message_context
from sidestream.exceptions import MessageContextNotSetError, NotSupportedError, SidestreamError
from sidestream.logging import configure_logging
from sidestream.models import (
    BytesDeserializer,
    Deserializer,
    DoubleSerializer,
    IntegerDeserializer,
    JSONDeserializer,
    JSONSerializer,
    MessageContext,
    MessageTimestamp,
    Serializer,
    StringDeserializer,
    TimestampType,
    Topic,
)


def test_public_surface():
    assert set(sidestream.__all__) >= {"Application", "State", "MessageContext", "message_context", "message_key"}
    from sidestream.core.stream.functions import Filtered  # seed module path
    from sidestream.dataframe import StreamingDataFrame  # noqa: F401

    assert issubclass(Filtered, Exception)


@pytest.mark.parametrize(
    "descriptor, spec",
    [
        (JSONSerializer(), ("json", {})),
        (JSONDeserializer(column_name="v"), ("json", {"column_name": "v"})),
        (BytesDeserializer(), ("bytes", {})),
        (StringDeserializer(codec="latin_1"), ("string", {"codec": "latin_1"})),
        (IntegerDeserializer(), ("integer", {})),
        (DoubleSerializer(), ("double", {})),
    ],
)
def test_descriptor_specs(descriptor, spec):
    assert descriptor.spec() == spec


def test_topic_defaults_and_names():
    t = Topic("x")
    assert t.value_deserializer.spec() == ("json", {})
    assert t.key_deserializer.spec() == ("bytes", {})
    assert Topic("x", value_serializer="double").value_serializer.spec() == ("double", {})
    with pytest.raises(ValueError, match="Unknown serializer option 'quix'"):
        Topic("x", value_serializer="quix")
    with pytest.raises(SidestreamError):
        Topic("x", value_deserializer="nope")


def test_custom_serializer_subclass_runs_in_client():
    class Upper(Serializer):
        def __call__(self, value, ctx):
            return str(value).upper().encode()

    class MyJson(JSONDeserializer):
        def __call__(self, value, ctx):
            return value

    class Inherits(MyJson):  # __call__ from a user base: still custom
        pass

    app = sidestream.Application(consumer_group="g", loglevel=None)
    upper = Upper()
    t = app.topic("t", value_serializer=upper, value_deserializer=MyJson())
    assert t.value_serializer is upper and upper.runs_in_client
    assert t.value_deserializer.runs_in_client and Inherits().runs_in_client
    assert not JSONDeserializer().runs_in_client
    with pytest.raises(NotSupportedError, match="custom serializer: it runs in the client"):
        upper.spec()
    assert upper == upper and upper != Upper()  # custom ones compare by identity

    class Plain(Deserializer):  # names no sidecar deserializer
        pass

    with pytest.raises(SidestreamError):
        app.topic("t", value_deserializer=Plain())
    with pytest.raises(NotSupportedError):
        JSONSerializer(dumps=lambda v: b"")


def test_timestamp_create():
    ts = MessageTimestamp.create(1, 123)
    assert ts.type is TimestampType.TIMESTAMP_CREATE_TIME and ts.milliseconds == 123
    assert MessageTimestamp.create(0, 123).milliseconds is None


def test_message_context_outside_processing_raises():
    import contextvars

    def probe():
        with pytest.raises(MessageContextNotSetError):
            message_context()
        ctx = MessageContext(b"k", "t", 1, 2, 3, MessageTimestamp.create(1, 5))
        set_message_context(ctx)
        assert message_context() is ctx and message_key() == b"k"

    contextvars.Context().run(probe)


def test_configure_logging_once():
    lg = logging.getLogger("sidestream")
    saved = lg.handlers[:]
    lg.handlers.clear()
    try:
        assert configure_logging(None) is False
        assert configure_logging("DEBUG") is True
        assert configure_logging("INFO") is False
    finally:
        lg.handlers[:] = saved


def test_application_defaults_and_clear_state():
    app = sidestream.Application(consumer_group="g", loglevel=None, sidecar_address="127.0.0.1:1")
    assert app.sidecar_address == "127.0.0.1:1"
    with pytest.raises(SidestreamError, match="clear_state"):  # no sidecar there
        app.clear_state()
    with pytest.raises(SidestreamError, match="consumer_group"):
        sidestream.Application(loglevel=None).run(app.dataframe(app.topic("t")).apply(str))


def test_rocksdb_options_reach_the_app_config():
    from sidestream._config import AppSettings, rocksdb_options_to_dict
    from sidestream.state.rocksdb import RocksDBOptions

    opts = RocksDBOptions(write_buffer_size=1 << 20, open_max_retries=2, open_retry_backoff=0.5,
                          extra={"max_open_files": "64"})  # fmt: skip
    c = AppSettings(consumer_group="g", rocksdb_options=rocksdb_options_to_dict(opts)).to_proto()
    assert c.rocksdb_options.write_buffer_size == 1 << 20
    assert c.rocksdb_options.block_cache_size == 128 * 1024 * 1024
    assert dict(c.rocksdb_options.extra) == {"max_open_files": "64"}
    assert c.state_open_max_retries == 2 and c.state_open_retry_backoff == 0.5
    with pytest.raises(SidestreamError, match="rocksdb_options"):
        rocksdb_options_to_dict(42)

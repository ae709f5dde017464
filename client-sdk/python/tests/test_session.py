"""The run loop and sessions against an in-process fake sidecar (Python gRPC server)."""

import threading
import time

import grpc
import pytest

from fixtures import FakeSidecar, Kind, plan, record, registered, stopped
from sidestream import Application
from sidestream._rpc.sidestream.v1 import common_pb2, session_pb2
from sidestream.exceptions import (
    BrokerUnavailableError,
    PipelineError,
    PipelineValidationError,
    SidecarUnavailableError,
)
from sidestream.models.serializers.exceptions import SerializationError

APPLY = Kind.APPLY


def make_app(address, **kwargs):
    return Application(consumer_group="g", loglevel=None, sidecar_address=address, **kwargs)


def one_apply_sdf(app, func):
    return app.dataframe(app.topic("in")).apply(func)


def invoke(request_id, *records):
    m = session_pb2.ServerMessage()
    m.invoke.request_id = request_id
    m.invoke.segment_id = 0
    m.invoke.records.extend(records)
    return m


def next_of(requests, kind):
    """The next client message of `kind`, skipping others."""
    for msg in requests:
        if msg.WhichOneof("kind") == kind:
            return msg
    raise AssertionError(f"stream ended before {kind}")


@pytest.fixture
def fake():
    servers = []

    def start(handler, port=0):
        s = FakeSidecar(handler, port)
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.stop()


def test_register_serve_and_graceful_stop(fake):
    seen = {}

    def handler(requests, context):
        reg = next(requests).register
        seen["register"] = reg
        yield registered(plan([(APPLY, "apply-1", "apply-1")]))
        yield invoke(1, record({"x": 1}), record({"x": 2}))
        seen["result"] = next_of(requests, "invoke_result").invoke_result
        next_of(requests, "stop")
        yield stopped()

    sidecar = fake(handler)
    app = make_app(sidecar.address, auto_offset_reset="earliest", consumer_extra_config={"enable.partition.eof": True})
    sdf = one_apply_sdf(app, lambda v: {**v, "y": 1})
    threading.Timer(0.5, app.stop).start()
    app.run(sdf)
    reg = seen["register"]
    assert reg.protocol_version == 1 and reg.client_name.startswith("sidestream-python/")
    assert reg.mode == session_pb2.SESSION_MODE_RUN
    assert reg.config.consumer_group == "g" and reg.config.auto_offset_reset == "earliest"
    assert reg.config.consumer_extra_config["enable.partition.eof"] == "true"
    assert reg.config.HasField("commit_interval") and reg.config.commit_interval == 1.0
    assert [s.id for s in reg.pipeline.steps] == ["apply-1"]
    assert [r.value.json for r in seen["result"].results] == [b'{"x":1,"y":1}', b'{"x":2,"y":1}']


def test_stop_from_inside_a_function(fake):
    def handler(requests, context):
        next(requests)
        yield registered(plan([(APPLY, "apply-1", "apply-1")]))
        yield invoke(1, record(1))
        next_of(requests, "stop")
        yield stopped()

    app = make_app(fake(handler).address)
    app.run(one_apply_sdf(app, lambda v: app.stop()))


def test_invalid_graph_raises_pipeline_validation_error(fake):
    def handler(requests, context):
        next(requests)
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, "invalid pipeline: step 'to_topic-2': unknown topic")
        yield  # pragma: no cover

    app = make_app(fake(handler).address)
    with pytest.raises(PipelineValidationError, match="step 'to_topic-2'"):
        app.run(one_apply_sdf(app, str))


def test_broker_unavailable_raises_at_once(fake):
    def handler(requests, context):
        next(requests)
        context.abort(grpc.StatusCode.UNAVAILABLE, "Kafka broker 127.0.0.1:1 unreachable")
        yield  # pragma: no cover

    sidecar = fake(handler)
    app = make_app(sidecar.address)
    t0 = time.monotonic()
    with pytest.raises(BrokerUnavailableError, match=r"127\.0\.0\.1:1"):
        app.run(one_apply_sdf(app, str))
    assert time.monotonic() - t0 < 5 and sidecar.connects == 1


def test_no_sidecar_gives_up_after_connect_timeout(monkeypatch):
    monkeypatch.setenv("SIDESTREAM_CONNECT_TIMEOUT", "1")
    app = make_app("127.0.0.1:1")
    t0 = time.monotonic()
    with pytest.raises(SidecarUnavailableError, match=r"127\.0\.0\.1:1"):
        app.run(one_apply_sdf(app, str))
    assert 0.9 < time.monotonic() - t0 < 6


def test_waits_for_a_sidecar_that_starts_late(fake, monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def handler(requests, context):
        next(requests)
        yield registered(plan([(APPLY, "apply-1", "apply-1")]))
        yield stopped()

    threading.Timer(1.0, lambda: fake(handler, port)).start()
    app = make_app(f"127.0.0.1:{port}")
    app.run(one_apply_sdf(app, str))


def test_function_error_reraises_the_original_exception(fake):
    class Boom(Exception):
        pass

    def handler(requests, context):
        next(requests)
        yield registered(plan([(APPLY, "apply-1", "apply-1")]))
        yield invoke(1, record(1))
        res = next_of(requests, "invoke_result").invoke_result
        assert res.results[0].error.exception_type.endswith("Boom")
        yield stopped(13, "processing in[0]@0 failed at step 'apply-1': Boom", "apply-1")

    def f(v):
        raise Boom("kaput")

    app = make_app(fake(handler).address)
    with pytest.raises(Boom, match="kaput"):
        app.run(one_apply_sdf(app, f))


def test_sidecar_error_without_exception_is_a_pipeline_error(fake):
    def handler(requests, context):
        next(requests)
        yield registered(plan([(APPLY, "apply-1", "apply-1")]))
        yield stopped(3, "cannot deserialize value of in[0]@4: not JSON")

    app = make_app(fake(handler).address)
    with pytest.raises(PipelineError, match="cannot deserialize") as info:
        app.run(one_apply_sdf(app, str))
    assert info.value.code == 3


def test_error_reports_ask_the_callbacks(fake):
    verdicts = []
    seen = []

    def handler(requests, context):
        next(requests)
        yield registered(plan([(APPLY, "apply-1", "apply-1")]))
        for rid, stage in ((5, session_pb2.ERROR_STAGE_CONSUMER), (6, session_pb2.ERROR_STAGE_PRODUCER)):
            rep = session_pb2.ServerMessage()
            rep.error_report.request_id = rid
            rep.error_report.stage = stage
            rep.error_report.error.message = "bad"
            rep.error_report.context.CopyFrom(record(None, topic="in", partition=1, offset=9).context)
            rep.error_report.raw_value = b"{oops"
            yield rep
            verdicts.append(next_of(requests, "error_verdict").error_verdict)
        yield stopped()

    def on_consumer_error(exc, message, logger):
        seen.append((type(exc), message.topic(), message.partition(), message.offset(), message.value()))
        return True

    app = make_app(fake(handler).address, on_consumer_error=on_consumer_error)
    app.run(one_apply_sdf(app, str))
    assert seen == [(SerializationError, "in", 1, 9, b"{oops")]
    assert [(v.request_id, v.ignore) for v in verdicts] == [(5, True), (6, False)]


def test_reconnects_after_the_stream_breaks(fake, monkeypatch):
    monkeypatch.setenv("SIDESTREAM_RECONNECT_TIMEOUT", "10")
    calls = []
    processed = []

    def handler(requests, context):
        next(requests)
        calls.append(time.monotonic())
        yield registered(plan([(APPLY, "apply-1", "apply-1")]))
        if len(calls) == 1:
            yield invoke(1, record(1))
            next_of(requests, "invoke_result")
            context.abort(grpc.StatusCode.UNAVAILABLE, "connection reset")
        elif len(calls) == 2:
            stop = session_pb2.ServerMessage()
            stop.stopped.error.code = 14  # sidecar shutting down: reconnect
            stop.stopped.error.message = "sidestreamd is shutting down"
            yield stop
        else:
            yield invoke(2, record(2))
            next_of(requests, "invoke_result")
            yield stopped()

    app = make_app(fake(handler).address)
    app.run(one_apply_sdf(app, processed.append))
    assert len(calls) == 3 and processed == [1, 2]


def test_gives_up_reconnecting_after_the_timeout(fake, monkeypatch):
    monkeypatch.setenv("SIDESTREAM_RECONNECT_TIMEOUT", "1")

    def handler(requests, context):
        next(requests)
        yield registered(plan([(APPLY, "apply-1", "apply-1")]))
        time.sleep(0.2)

    sidecar = fake(handler)

    def stop_server_after_first_session():
        while sidecar.connects == 0:
            time.sleep(0.01)
        sidecar.stop()

    threading.Thread(target=stop_server_after_first_session, daemon=True).start()
    app = make_app(sidecar.address)
    with pytest.raises(SidecarUnavailableError):
        app.run(one_apply_sdf(app, str))


def test_dry_run_through_a_session(fake):
    from sidestream.core.stream.functions import Filtered
    from sidestream.models import MessageContext, MessageTimestamp

    inputs = []

    def handler(requests, context):
        reg = next(requests).register
        assert reg.mode == session_pb2.SESSION_MODE_DRY_RUN
        yield registered(plan([(Kind.APPLY, "apply-1", "apply-1"), (Kind.FILTER, "filter-2", "filter-2")]))
        rid = 100
        for msg in requests:
            if msg.WhichOneof("kind") != "test_input":
                continue
            ti = msg.test_input
            inputs.append(ti)
            rid += 1
            inv = session_pb2.ServerMessage()
            inv.invoke.request_id = rid
            inv.invoke.records.add(value=ti.value, key=ti.key, context=ti.context)
            yield inv
            res = next_of(requests, "invoke_result").invoke_result.results[0]
            out = session_pb2.ServerMessage()
            out.test_output.request_id = ti.request_id
            kind = res.WhichOneof("outcome")
            if kind == "value":
                out.test_output.value.CopyFrom(res.value)
            elif kind == "filtered":
                out.test_output.filtered = True
            else:
                out.test_output.error.CopyFrom(res.error)
            yield out

    app = make_app(fake(handler).address)

    def f(v):
        if v == 0:
            raise KeyError("zero")
        return v * 2

    sdf = app.dataframe(app.topic("in")).apply(f).filter(lambda v: v > 2)
    assert sdf.test(3) == 6
    with pytest.raises(Filtered):
        sdf.test(1)
    with pytest.raises(KeyError, match="zero"):
        sdf.test(0)
    ctx = MessageContext(b"k", "in", 2, 7, 1, MessageTimestamp.create(1, 5), headers=[("h", b"v")])
    assert sdf.compile()(5) == 10
    assert sdf.test(4, ctx=ctx) == 8
    last = inputs[-1]
    assert last.key.raw == b"k" and last.context.partition == 2 and last.context.offset == 7
    assert last.context.headers[0].value == b"v"
    assert last.context.timestamp_type == common_pb2.TIMESTAMP_CREATE_TIME

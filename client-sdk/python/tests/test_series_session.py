"""Native steps in a run, against the in-process fake sidecar: the registration
says whether on_processing_error exists, PROCESSING error reports reach it as the
Python exception, a native error stops run() with that exception, and the run's
counters are kept in `app.last_run_stats`."""

import pytest

from fixtures import FakeSidecar, plan, record, registered, stopped
from sidestream import Application
from sidestream._rpc.sidestream.v1 import session_pb2
from sidestream.exceptions import NativeEvaluationError, PipelineError
from sidestream.stats import RunStats


@pytest.fixture
def fake():
    servers = []

    def start(handler):
        s = FakeSidecar(handler)
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.stop()


def next_of(requests, kind):
    for msg in requests:
        if msg.WhichOneof("kind") == kind:
            return msg
    raise AssertionError(f"stream ended before {kind}")


def native_sdf(app):
    sdf = app.dataframe(app.topic("in"))
    sdf["z"] = sdf["x"] + 1
    return sdf


def processing_report(request_id, message, exception_type):
    rep = session_pb2.ServerMessage()
    r = rep.error_report
    r.request_id = request_id
    r.stage = session_pb2.ERROR_STAGE_PROCESSING
    r.error.code = 3
    r.error.message = message
    r.error.step_id = "assign-1"
    r.error.exception_type = exception_type
    r.context.CopyFrom(record(None, topic="in", partition=0, offset=7).context)
    return rep


def final_stats(**counts):
    m = stopped()
    m.stopped.stats.CopyFrom(session_pb2.PipelineStats(**counts))
    return m


def test_native_errors_go_to_on_processing_error(fake):
    seen, verdicts, registers = [], [], []

    def handler(requests, context):
        registers.append(next(requests).register)
        yield registered(plan())
        yield processing_report(
            3, "processing in[0]@7 failed at step 'assign-1': KeyError: 'x' in value['x']", "KeyError"
        )
        verdicts.append(next_of(requests, "error_verdict").error_verdict)
        yield final_stats(consumed=10, produced=9, skipped=1, native_evaluations=10)

    def on_processing_error(exc, row, logger):
        seen.append((exc, row.offset, row.value))
        return True

    app = Application(
        consumer_group="g",
        loglevel=None,
        sidecar_address=fake(handler).address,
        on_processing_error=on_processing_error,
    )
    assert app.last_run_stats is None
    app.run(native_sdf(app))
    assert registers[0].config.has_on_processing_error
    assert registers[0].pipeline.steps[0].WhichOneof("kind") == "assign"
    [(exc, offset, value)] = seen
    assert isinstance(exc, KeyError) and isinstance(exc, NativeEvaluationError)
    assert "KeyError: 'x' in value['x']" in str(exc) and exc.step_id == "assign-1"
    assert (offset, value) == (7, None)
    assert [(v.request_id, v.ignore) for v in verdicts] == [(3, True)]
    assert app.last_run_stats == RunStats(consumed=10, produced=9, skipped=1, native_evaluations=10)


def test_without_callback_the_flag_is_off(fake):
    registers = []

    def handler(requests, context):
        registers.append(next(requests).register)
        yield registered(plan())
        yield final_stats(consumed=2)

    app = Application(consumer_group="g", loglevel=None, sidecar_address=fake(handler).address)
    app.run(native_sdf(app))
    assert not registers[0].config.has_on_processing_error
    assert app.last_run_stats == RunStats(consumed=2)


def test_native_error_stops_run_with_the_python_exception(fake):
    def handler(requests, context):
        next(requests)
        yield registered(plan())
        m = stopped(3, "processing in[0]@4 failed at step 'assign-1': ZeroDivisionError: division by zero", "assign-1")
        m.stopped.error.exception_type = "ZeroDivisionError"
        m.stopped.stats.CopyFrom(session_pb2.PipelineStats(consumed=5, native_evaluations=5))
        yield m

    app = Application(consumer_group="g", loglevel=None, sidecar_address=fake(handler).address)
    with pytest.raises(ZeroDivisionError, match="step 'assign-1'") as info:
        app.run(native_sdf(app))
    assert isinstance(info.value, PipelineError) and info.value.code == 3
    assert app.last_run_stats == RunStats(consumed=5, native_evaluations=5)


def test_run_a_series(fake):
    registers = []

    def handler(requests, context):
        registers.append(next(requests).register)
        yield registered(plan())
        yield stopped()

    app = Application(consumer_group="g", loglevel=None, sidecar_address=fake(handler).address)
    sdf = app.dataframe(app.topic("in"))
    app.run(sdf["x"] * 2)
    steps = registers[0].pipeline.steps
    assert [(s.id, s.WhichOneof("kind")) for s in steps] == [("map_expr-1", "map_expr")]
    assert app.last_run_stats is None  # the sidecar sent no counters

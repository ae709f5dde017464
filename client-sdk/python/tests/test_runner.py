"""The segment runner: InvokeBatch in, InvokeResult out, no gRPC.

Every test runs twice: with the per-record layout and with the packed layout
(capability "packed-batch/1"); packed answers are read back into RecordResults
(`fixtures.from_packed`, which also checks their columns), so both layouts must
give the same results."""

import logging

import pytest

from fixtures import Kind, from_packed, plan, record, results_summary, to_packed
from fixtures import batch as records_batch
from sidestream import message_context, message_key
from sidestream._runner import SegmentRunner
from sidestream.exceptions import ProtocolError

APPLY, UPDATE, FILTER, KEY = Kind.APPLY, Kind.UPDATE, Kind.FILTER, Kind.TO_TOPIC_KEY


@pytest.fixture(params=["records", "packed"], autouse=True)
def layout(request):
    global LAYOUT
    LAYOUT = request.param
    yield request.param
    LAYOUT = "records"


LAYOUT = "records"


def batch(records, segment_id=0, request_id=1):
    """An InvokeBatch in the layout under test."""
    b = records_batch(records, segment_id=segment_id, request_id=request_id)
    return to_packed(b) if LAYOUT == "packed" else b


def invoke(runner, b):
    """Runs `b`; the answer as per-record results whatever the layout."""
    result = runner.run(b)
    assert result.HasField("packed") == (LAYOUT == "packed" and not result.HasField("error"))
    return from_packed(result)


def run(ops, funcs, records, **kwargs):
    runner = SegmentRunner(plan(ops), funcs, **kwargs)
    result = invoke(runner, batch(records, request_id=7))
    assert result.request_id == 7
    assert len(result.results) == len(records)
    return runner, results_summary(result)


def test_apply_update_filter_key():
    def add(v):
        return {**v, "y": v["x"] * 10}

    def mutate(v):
        v["touched"] = True
        return "ignored"

    ops = [(APPLY, "a", "apply-1"), (UPDATE, "u", "update-2"), (FILTER, "f", "filter-3"), (KEY, "k", "to_topic-4")]
    funcs = {"a": add, "u": mutate, "f": lambda v: v["x"] % 2, "k": lambda v: f"user-{v['x']}"}
    _, out = run(ops, funcs, [record({"x": 1}), record({"x": 2}), record({"x": 3})])
    assert out == [
        ("value", {"x": 1, "y": 10, "touched": True}, "user-1"),
        ("filtered",),
        ("value", {"x": 3, "y": 30, "touched": True}, "user-3"),
    ]


def test_value_kinds_none_bytes_scalars():
    _, out = run(
        [(APPLY, "a", "apply-1")],
        {"a": lambda v: v},
        [record(None), record(b"\x01\x02", raw=True), record("s"), record(3.5)],
    )
    assert out == [("value", None), ("value", b"\x01\x02"), ("value", "s"), ("value", 3.5)]


def test_key_function_returning_none_is_sent_as_null_key():
    runner = SegmentRunner(plan([(KEY, "k", "to_topic-1")]), {"k": lambda v: None})
    result = invoke(runner, batch([record({"x": 1})]))
    assert result.results[0].HasField("produce_key")
    assert result.results[0].produce_key.WhichOneof("kind") is None


def test_message_context_and_key_inside_functions():
    seen = []

    def probe(v):
        ctx = message_context()
        ts = ctx.timestamp.milliseconds
        seen.append((ctx.topic, ctx.partition, ctx.offset, ctx.key, message_key(), ctx.headers, ts))
        return v

    run(
        [(UPDATE, "p", "update-1")],
        {"p": probe},
        [
            record(1, key="k1", topic="t", partition=2, offset=5, headers=[("h", b"v"), ("n", None)]),
            record(2, key=b"raw", topic="t", partition=2, offset=6),
        ],
    )
    assert seen == [
        ("t", 2, 5, "k1", "k1", [("h", b"v"), ("n", None)], 1_700_000_000_005),
        ("t", 2, 6, b"raw", b"raw", None, 1_700_000_000_006),
    ]


def test_error_without_callback_fails_the_rest_of_the_batch(caplog):
    def boom(v):
        if v == 2:
            raise ValueError("bad value 2")
        return v

    with caplog.at_level(logging.ERROR, logger="sidestream"):
        runner, out = run([(APPLY, "b", "apply-1")], {"b": boom}, [record(1), record(2), record(3)])
    assert out[0] == ("value", 1)
    assert out[1] == ("error", "apply-1", "ValueError", "bad value 2")
    assert out[2] == out[1]
    assert isinstance(runner.failure, ValueError)
    assert "Traceback" in caplog.text and "bad value 2" in caplog.text


def test_error_carries_traceback_and_module_qualified_type():
    class MyError(Exception):
        pass

    def boom(v):
        raise MyError("nope")

    runner = SegmentRunner(plan([(FILTER, "b", "filter-9")]), {"b": boom}, log_failures=False)
    r = invoke(runner, batch([record(1)])).results[0]
    assert r.error.step_id == "filter-9"
    assert r.error.exception_type.endswith("MyError") and "." in r.error.exception_type
    assert "Traceback" in r.error.traceback and "boom" in r.error.traceback
    assert r.error.code == 2


def test_on_processing_error_true_skips_and_continues():
    calls = []

    def on_error(exc, row, logger):
        calls.append((type(exc).__name__, row.value, row.offset, message_context().offset))
        return True

    _, out = run(
        [(APPLY, "a", "apply-1"), (APPLY, "d", "apply-2")],
        {"a": lambda v: v + 1, "d": lambda v: 10 // (v - 3)},
        [record(1, offset=10), record(2, offset=11), record(3, offset=12)],
        on_processing_error=on_error,
    )
    assert out[0] == ("value", -10)
    assert out[1][:3] == ("skipped", "apply-2", "ZeroDivisionError")
    assert out[2] == ("value", 10)
    assert calls == [("ZeroDivisionError", 3, 11, 11)]


def test_on_processing_error_false_is_fatal():
    runner, out = run(
        [(APPLY, "a", "apply-1")],
        {"a": lambda v: 1 / 0},
        [record(1), record(2)],
        on_processing_error=lambda exc, row, logger: False,
        log_failures=False,
    )
    assert [o[0] for o in out] == ["error", "error"]
    assert isinstance(runner.failure, ZeroDivisionError)


def test_callback_that_raises_is_fatal_with_its_exception():
    def on_error(exc, row, logger):
        raise RuntimeError("callback broke")

    runner, out = run(
        [(APPLY, "a", "apply-1")], {"a": lambda v: 1 / 0}, [record(1)], on_processing_error=on_error, log_failures=False
    )
    assert out[0][:3] == ("error", "apply-1", "RuntimeError")
    assert isinstance(runner.failure, RuntimeError)


def test_unserializable_result_is_an_error_of_the_last_step():
    _, out = run([(APPLY, "a", "apply-1")], {"a": lambda v: {1, 2}}, [record(1)], log_failures=False)
    assert out[0][:3] == ("error", "apply-1", "TypeError")


def test_unknown_segment_fails_the_batch():
    runner = SegmentRunner(plan([(APPLY, "a", "apply-1")]), {"a": str})
    result = invoke(runner, batch([record(1)], segment_id=5))
    assert result.HasField("error") and "unknown segment_id 5" in result.error.message


def test_plan_with_unknown_function_is_a_protocol_error():
    with pytest.raises(ProtocolError, match="'zzz'"):
        SegmentRunner(plan([(APPLY, "zzz", "apply-1")]), {"a": str})


def test_context_is_cleared_after_the_batch():
    from sidestream.exceptions import MessageContextNotSetError

    run([(APPLY, "a", "apply-1")], {"a": lambda v: v}, [record(1)])
    with pytest.raises(MessageContextNotSetError):
        message_context()

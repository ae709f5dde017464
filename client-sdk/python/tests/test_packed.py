"""The packed batch layout (capability "packed-batch/1"): PackedView, PackedResultsWriter and the runner's
packed path on what the per-record tests (test_runner.py, run in both layouts) do not reach: malformed columns,
values that only the per-element parser reads, state columns, lazy contexts."""

import json

import pytest

from fixtures import Kind, from_packed, json_elements, plan, record, results_summary, to_packed
from fixtures import batch as records_batch
from sidestream import message_context
from sidestream._config import AppSettings, make_register
from sidestream._packed import (
    FILTERED,
    JSON,
    NULL,
    PACKED_CAPABILITY,
    RAW,
    PackedResultsWriter,
    PackedView,
    encode_packed,
    split_json_array,
)
from sidestream._rpc.sidestream.v1 import common_pb2, pipeline_pb2, session_pb2
from sidestream._runner import SegmentRunner
from sidestream.exceptions import ProtocolError

APPLY = Kind.APPLY


def packed_batch(records, segment_id=0):
    return to_packed(records_batch(records, segment_id=segment_id))


def test_register_offers_the_capability():
    reg = make_register(AppSettings(broker_address="b:9092", consumer_group="g"), pipeline_pb2.Pipeline())
    assert PACKED_CAPABILITY in reg.capabilities


def test_split_json_array():
    assert split_json_array(b"", []) == []
    assert split_json_array(b"[]", []) == []
    assert split_json_array(b'[1,"a,b",{}]', [1, 5, 2]) == [b"1", b'"a,b"', b"{}"]
    for text, sizes in [(b"[1]", []), (b"[1,2]", [1]), (b"[1,2] ", [1, 1]), (b"1,2", [1, 1])]:
        with pytest.raises(ProtocolError):
            split_json_array(text, sizes)


def test_view_decodes_every_kind_and_builds_contexts_lazily():
    b = packed_batch(
        [
            record({"a": 1}, key="k", offset=5, headers=[("h", b"v"), ("n", None)]),
            record(b"\x00", raw=True, key=b"rk", offset=6),
            record(None, offset=7),
        ]
    )
    view = PackedView(b.packed)
    assert view.values() == [{"a": 1}, b"\x00", None]
    assert len(view) == 3
    ctx = view.context(0)
    assert (ctx.key, ctx.topic, ctx.offset, ctx.headers) == ("k", "in", 5, [("h", b"v"), ("n", None)])
    assert view.context(1).key == b"rk" and view.context(1).headers is None
    assert view.context(2).key is None
    assert view.where(2) == ("in", 0, 7)


def test_values_only_python_json_reads_fall_back_per_element():
    """NaN is JSON that orjson refuses: the array is then parsed element by element, as Payload.json would be."""
    b = records_batch([record(1), record(2)])
    b.records[1].value.json = b"NaN"
    view = PackedView(to_packed(b).packed)
    values = view.values()
    assert values[0] == 1 and values[1] != values[1]  # NaN


def test_an_element_that_does_not_parse_fails_only_its_record():
    b = records_batch([record(1, offset=1), record(2, offset=2), record(3, offset=3)])
    b.records[1].value.json = b"{oops"
    seen = []
    runner = SegmentRunner(
        plan([(APPLY, "a", "apply-1")]),
        {"a": lambda v: v * 2},
        on_processing_error=lambda exc, row, logger: seen.append((row.value, row.offset)) or True,
    )
    out = results_summary(from_packed(runner.run(to_packed(b))))
    assert out[0] == ("value", 2) and out[2] == ("value", 6)
    assert out[1][:2] == ("skipped", "apply-1")
    assert seen == [(None, 2)]


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda p: p.offsets.append(9),  # a per-record column longer than value_kinds
        lambda p: p.json_sizes.append(3),  # more sizes than JSON kinds
        lambda p: p.raw_values.append(b"x"),  # a raw value without a RAW kind
        lambda p: setattr(p, "json_values", b"[1,2"),  # sizes do not describe the text (per-element path)
        lambda p: p.header_counts.append(1),  # header counts for some records only
    ],
)
def test_malformed_columns_fail_the_batch_not_the_process(corrupt):
    b = packed_batch([record(1), record(b"r", raw=True)])
    corrupt(b.packed)
    if b.packed.json_values == b"[1,2":
        b.packed.json_sizes[:] = [1, 1]
        b.packed.value_kinds = bytes([JSON, JSON])
        del b.packed.raw_values[:]
    result = SegmentRunner(plan([(APPLY, "a", "apply-1")]), {"a": lambda v: v}).run(b)
    assert result.HasField("error") and "malformed packed batch" in result.error.message
    assert not result.HasField("packed")


def test_message_context_inside_a_function_comes_from_the_packed_columns():
    seen = []

    def probe(v):
        c = message_context()
        seen.append((c.key, c.offset, c.timestamp.milliseconds, c.size))
        return v

    runner = SegmentRunner(plan([(APPLY, "p", "apply-1")]), {"p": probe})
    runner.run(packed_batch([record(1, key="a", offset=3), record(2, key=b"b", offset=4)]))
    assert seen == [("a", 3, 1_700_000_000_003, 10), (b"b", 4, 1_700_000_000_004, 10)]


def test_writer_columns():
    w = PackedResultsWriter()
    w.value({"a": 1})  # 0
    w.value(b"raw")  # 1
    w.value(None)  # 2
    w.filtered()  # 3
    w.produce_key(4, encode_packed("k"))
    w.value("s")  # 4
    w.state_updates(5, [(b"x", b"1"), (b"y", None)])
    w.error(common_pb2.Error(message="skip"), skipped=True)  # 5
    w.errors(common_pb2.Error(message="fatal"), 2)  # 6, 7
    out = session_pb2.PackedResults()
    w.finish(out)
    error, skipped = session_pb2.PACKED_ERROR, session_pb2.PACKED_SKIPPED
    assert out.outcomes == bytes([JSON, RAW, NULL, FILTERED, JSON, skipped, error, error])
    assert json_elements(out.json_values, out.json_sizes) == [b'{"a":1}', b'"s"']
    assert list(out.raw_values) == [b"raw"]
    assert out.key_kinds == bytes([session_pb2.PACKED_ABSENT] * 4 + [JSON] + [session_pb2.PACKED_ABSENT] * 3)
    assert json.loads(out.json_keys) == ["k"]
    assert list(out.state_update_counts) == [0, 0, 0, 0, 0, 2, 0, 0]
    assert list(out.state_update_keys) == [b"x", b"y"] and list(out.state_update_deletes) == [1]
    assert [e.message for e in out.errors] == ["skip", "fatal", "fatal"]
    empty = session_pb2.PackedResults()
    PackedResultsWriter().finish(empty)
    assert empty.json_values == b"" and not empty.key_kinds and not empty.state_update_counts


class FakeStateReader:
    """State the sidecar holds: {(prefix, key): value}."""

    def __init__(self, values=None):
        self.values = dict(values or {})

    def __call__(self, topic, partition, requests):
        return [[self.values.get((prefix, k)) for k in keys] for prefix, keys in requests]


def stateful_plan():
    p = pipeline_pb2.CompiledPlan(plan_id="s")
    seg = p.segments.add(segment_id=0)
    seg.ops.add(
        kind=APPLY, function=pipeline_pb2.FunctionRef(function_id="sum", stateful=True), step_id="apply-1"
    )
    return p


def running_sum(value, state):
    if value == "boom":
        raise ValueError("boom")
    total = state.get("total", 0) + value
    state.set("total", total)
    return total


@pytest.mark.parametrize("layout", ["records", "packed"])
def test_stateful_prefixes_replays_and_errors(layout):
    """State writes come back per record; a replay's writes are dropped; a skipped record writes nothing."""
    inputs = [(1, b"a"), (2, b"b"), (3, b"a"), ("boom", b"a"), (4, b"a")]
    recs = [record(v, key=k, offset=i) for i, (v, k) in enumerate(inputs)]
    b = records_batch(recs)
    for r in b.records:
        r.state_prefix = r.key.raw
        r.state_epoch = 3
    b.records[2].state_replay = True
    if layout == "packed":
        b = to_packed(b)
    runner = SegmentRunner(
        stateful_plan(),
        {"sum": running_sum},
        state_reader=FakeStateReader({(b"a", b'"total"'): b"10"}),
        on_processing_error=lambda exc, row, logger: True,
    )
    result = runner.run(b)
    assert result.HasField("packed") == (layout == "packed")
    res = from_packed(result)
    assert results_summary(res)[:3] == [("value", 11), ("value", 2), ("value", 14)]
    assert results_summary(res)[3][0] == "skipped"
    assert results_summary(res)[4] == ("value", 15)  # the replay (14) changed nothing
    updates = [[(u.key, u.value if u.HasField("value") else None) for u in r.state_updates] for r in res.results]
    assert updates == [[(b'"total"', b"11")], [(b'"total"', b"2")], [], [], [(b'"total"', b"15")]]


def test_stateful_packed_batch_without_prefixes_is_malformed():
    b = records_batch([record(1, key=b"a")])
    b.records[0].state_prefix = b"a"
    b.records[0].state_epoch = 1
    b = to_packed(b)
    del b.packed.state_prefixes[:]
    result = SegmentRunner(stateful_plan(), {"sum": running_sum}, state_reader=FakeStateReader()).run(b)
    assert result.HasField("error") and "state columns" in result.error.message


def test_state_writes_one_update_per_key_with_its_last_value():
    """A record that writes a key twice sends one update, the last value (the sidecar keeps only that);
    deletes, non-str keys and reads of the record's own writes behave as before."""

    def writer(value, state):
        state.set("a", 1)
        state.set("a", value)
        state.set(("t", 1), [1, 2])
        state.delete("gone")
        state.set("f", float("nan"))
        return [state.get("a"), state.get(("t", 1)), state.exists("gone"), state.get("f") != state.get("f")]

    p = pipeline_pb2.CompiledPlan(plan_id="s")
    p.segments.add(segment_id=0).ops.add(
        kind=APPLY, function=pipeline_pb2.FunctionRef(function_id="w", stateful=True), step_id="apply-1"
    )
    for layout in ("records", "packed"):
        b = records_batch([record(7, key=b"k", offset=0)])
        b.records[0].state_prefix = b"k"
        b.records[0].state_epoch = 1
        if layout == "packed":
            b = to_packed(b)
        reader = FakeStateReader({(b"k", b'"gone"'): b"1"})
        res = from_packed(SegmentRunner(p, {"w": writer}, state_reader=reader).run(b))
        assert results_summary(res) == [("value", [7, [1, 2], False, True])]
        updates = [(u.key, u.value if u.HasField("value") else None) for u in res.results[0].state_updates]
        assert updates == [(b'"a"', b"7"), (b'["t",1]', b"[1,2]"), (b'"gone"', None), (b'"f"', b"NaN")], layout


def test_prefetch_reads_every_uncached_prefix_in_one_request():
    reads = []

    class Reader(FakeStateReader):
        def __call__(self, topic, partition, requests):
            reads.append(requests)
            return super().__call__(topic, partition, requests)

    reader = Reader({(b"a", b'"total"'): b"10", (b"c", b'"total"'): b"5"})
    runner = SegmentRunner(stateful_plan(), {"sum": running_sum}, state_reader=reader)

    def batch(keys, epoch=1):
        b = records_batch([record(1, key=k, offset=i) for i, k in enumerate(keys)])
        for r in b.records:
            r.state_prefix = r.key.raw
            r.state_epoch = epoch
        return to_packed(b)

    assert results_summary(from_packed(runner.run(batch([b"a"])))) == [("value", 11)]
    assert reads == [[(b"a", [b'"total"'])]]  # a miss: the key becomes "hot"
    reads.clear()
    runner = SegmentRunner(stateful_plan(), {"sum": running_sum}, state_reader=reader)  # nothing hot yet
    # The first miss reads the key for every prefix of the batch (those cached excepted), in one request.
    assert results_summary(from_packed(runner.run(batch([b"a", b"x", b"a", b"y"])))) == [
        ("value", 11), ("value", 1), ("value", 12), ("value", 1)
    ]
    assert reads == [[(b"a", [b'"total"']), (b"x", [b'"total"']), (b"y", [b'"total"'])]]
    reads.clear()
    res = from_packed(runner.run(batch([b"b", b"c", b"a", b"b"])))
    assert results_summary(res) == [("value", 1), ("value", 6), ("value", 13), ("value", 2)]
    assert reads == [[(b"b", [b'"total"']), (b"c", [b'"total"'])]]  # one request, cached prefixes skipped
    reads.clear()
    res = from_packed(runner.run(batch([b"a"], epoch=2)))  # reassigned: the cache starts over
    assert results_summary(res) == [("value", 11)] and reads == [[(b"a", [b'"total"'])]]

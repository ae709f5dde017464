"""Builders of proto messages and an in-process fake sidecar for the SDK's unit tests."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent import futures
from typing import Any

import grpc

from sidestream._rpc.sidestream.v1 import common_pb2, pipeline_pb2, service_pb2_grpc, session_pb2

Kind = pipeline_pb2.SegmentOp.Kind


def plan(*segments: Sequence[tuple[int, str, str]], plan_id: str = "p1") -> pipeline_pb2.CompiledPlan:
    """A plan; each segment is a list of (kind, function_id, step_id)."""
    p = pipeline_pb2.CompiledPlan(plan_id=plan_id)
    for i, ops in enumerate(segments):
        seg = p.segments.add(segment_id=i)
        for kind, fid, step in ops:
            seg.ops.add(kind=kind, function=pipeline_pb2.FunctionRef(function_id=fid), step_id=step)
    return p


def record(
    value: Any,
    *,
    key: Any = None,
    topic: str = "in",
    partition: int = 0,
    offset: int = 0,
    raw: bool = False,
    headers: list[tuple[str, bytes | None]] | None = None,
) -> session_pb2.InvokeRecord:
    """An InvokeRecord carrying `value` as JSON (or raw bytes)."""
    r = session_pb2.InvokeRecord()
    if raw:
        r.value.raw = value
    elif value is not None:
        r.value.json = json.dumps(value).encode()
    if isinstance(key, bytes):
        r.key.raw = key
    elif key is not None:
        r.key.json = json.dumps(key).encode()
    c = r.context
    c.topic, c.partition, c.offset, c.size = topic, partition, offset, 10
    c.timestamp_type = common_pb2.TIMESTAMP_CREATE_TIME
    c.timestamp_ms = 1_700_000_000_000 + offset
    for hk, hv in headers or ():
        h = c.headers.add(key=hk)
        if hv is not None:
            h.value = hv
    return r


def batch(records: Iterable[session_pb2.InvokeRecord], segment_id: int = 0, request_id: int = 1):
    b = session_pb2.InvokeBatch(request_id=request_id, segment_id=segment_id)
    b.records.extend(records)
    return b


def results_summary(result: session_pb2.InvokeResult) -> list[Any]:
    """Each RecordResult as a comparable tuple."""
    out: list[Any] = []
    for r in result.results:
        kind = r.WhichOneof("outcome")
        if kind == "value" or kind is None:
            v = r.value
            vk = v.WhichOneof("kind")
            val = json.loads(v.json) if vk == "json" else (v.raw if vk == "raw" else None)
            item: Any = ("value", val)
            if r.HasField("produce_key"):
                pk = r.produce_key
                pkk = pk.WhichOneof("kind")
                item = (*item, json.loads(pk.json) if pkk == "json" else (pk.raw if pkk == "raw" else None))
            out.append(item)
        elif kind == "filtered":
            out.append(("filtered",))
        else:
            e = getattr(r, kind)
            out.append((kind, e.step_id, e.exception_type, e.message))
    return out


def to_packed(b: session_pb2.InvokeBatch) -> session_pb2.InvokeBatch:
    """The same batch in the packed layout, as sidestreamd writes it (rpc/packed.cc ToPacked).

    REQUIRES: every record of `b` has the same topic, partition and state epoch.
    """
    out = session_pb2.InvokeBatch(request_id=b.request_id, segment_id=b.segment_id)
    p = out.packed
    recs = b.records
    p.SetInParent()
    if recs:
        p.topic, p.partition = recs[0].context.topic, recs[0].context.partition
    kinds = {"json": session_pb2.PACKED_JSON, "raw": session_pb2.PACKED_RAW, None: session_pb2.PACKED_NULL}
    values, kinds_v, kinds_k = [], bytearray(), bytearray()
    for r in recs:
        vk = r.value.WhichOneof("kind")
        kinds_v.append(kinds[vk])
        if vk == "json":
            values.append(r.value.json)
        elif vk == "raw":
            p.raw_values.append(r.value.raw)
        kk = r.key.WhichOneof("kind")
        kinds_k.append(kinds[kk])
        p.keys.append(getattr(r.key, kk) if kk else b"")
        c = r.context
        p.offsets.append(c.offset)
        p.sizes.append(c.size)
        p.timestamps_ms.append(c.timestamp_ms)
    p.value_kinds, p.key_kinds = bytes(kinds_v), bytes(kinds_k)
    p.timestamp_types = bytes(r.context.timestamp_type for r in recs)
    if values:
        p.json_values = b"[" + b",".join(values) + b"]"
        p.json_sizes.extend(len(v) for v in values)
    if any(r.context.headers for r in recs):
        for r in recs:
            p.header_counts.append(len(r.context.headers))
            p.headers.extend(r.context.headers)
    if any(r.state_prefix or r.state_epoch for r in recs):
        p.state_prefixes.extend(r.state_prefix for r in recs)
        p.state_epoch = recs[0].state_epoch
        if any(r.state_replay for r in recs):
            p.state_replays = bytes(1 if r.state_replay else 0 for r in recs)
    return out


def from_packed(result: session_pb2.InvokeResult) -> session_pb2.InvokeResult:
    """A packed answer read back into one RecordResult per record (rpc/packed.cc FromPacked),
    asserting that its columns fit together. Other answers are returned as they are."""
    if not result.HasField("packed"):
        return result
    p = result.packed
    assert not result.results
    out = session_pb2.InvokeResult(request_id=result.request_id)
    json_values = json_elements(p.json_values, p.json_sizes)
    json_keys = json_elements(p.json_keys, p.json_key_sizes)
    raw, errors, raw_keys = iter(p.raw_values), iter(p.errors), iter(p.raw_keys)
    jv, jk = iter(json_values), iter(json_keys)
    n = len(p.outcomes)
    assert len(p.key_kinds) in (0, n) and len(p.state_update_counts) in (0, n)
    deletes = set(p.state_update_deletes)
    u = 0
    for i, k in enumerate(p.outcomes):
        r = out.results.add()
        if k == session_pb2.PACKED_JSON:
            r.value.json = next(jv)
        elif k == session_pb2.PACKED_RAW:
            r.value.raw = next(raw)
        elif k == session_pb2.PACKED_NULL:
            r.value.SetInParent()
        elif k == session_pb2.PACKED_FILTERED:
            r.filtered = True
        elif k == session_pb2.PACKED_ERROR:
            r.error.CopyFrom(next(errors))
        elif k == session_pb2.PACKED_SKIPPED:
            r.skipped.CopyFrom(next(errors))
        else:
            raise AssertionError(f"unknown outcome kind {k}")
        kk = p.key_kinds[i] if p.key_kinds else session_pb2.PACKED_ABSENT
        if kk == session_pb2.PACKED_JSON:
            r.produce_key.json = next(jk)
        elif kk == session_pb2.PACKED_RAW:
            r.produce_key.raw = next(raw_keys)
        elif kk == session_pb2.PACKED_NULL:
            r.produce_key.SetInParent()
        for _ in range(p.state_update_counts[i] if p.state_update_counts else 0):
            upd = r.state_updates.add(key=p.state_update_keys[u])
            if u not in deletes:
                upd.value = p.state_update_values[u]
            u += 1
    assert u == len(p.state_update_keys) == len(p.state_update_values)
    for rest in (jv, jk, raw, errors, raw_keys):
        assert next(rest, None) is None, "a column holds more entries than its kinds"
    return out


def json_elements(text: bytes, sizes: Sequence[int]) -> list[bytes]:
    """The elements of a packed JSON array column, checking its format strictly."""
    if not sizes:
        assert text in (b"", b"[]")
        return []
    out, pos = [], 1
    assert text[:1] == b"["
    for i, size in enumerate(sizes):
        out.append(text[pos : pos + size])
        pos += size
        assert text[pos : pos + 1] == (b"]" if i == len(sizes) - 1 else b","), (text, sizes)
        pos += 1
    assert pos == len(text)
    return out


Handler = Callable[[Iterator[session_pb2.ClientMessage], grpc.ServicerContext], Iterator[session_pb2.ServerMessage]]


class _Servicer(service_pb2_grpc.SidestreamServicer):
    def __init__(self, owner: FakeSidecar) -> None:
        self.owner = owner

    def Connect(self, request_iterator, context):
        self.owner.connects += 1
        yield from self.owner.handler(request_iterator, context)


class FakeSidecar:
    """A gRPC server on 127.0.0.1 whose Connect behaviour is a test-supplied generator."""

    def __init__(self, handler: Handler, port: int = 0) -> None:
        self.handler = handler
        self.connects = 0
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        service_pb2_grpc.add_SidestreamServicer_to_server(_Servicer(self), self.server)
        self.port = self.server.add_insecure_port(f"127.0.0.1:{port}")
        self.server.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.stop(grace=None).wait(5)


def registered(p: pipeline_pb2.CompiledPlan) -> session_pb2.ServerMessage:
    return session_pb2.ServerMessage(registered=session_pb2.Registered(plan=p, server_name="fake/0"))


def stopped(code: int = 0, message: str = "", step_id: str = "") -> session_pb2.ServerMessage:
    m = session_pb2.ServerMessage(stopped=session_pb2.Stopped())
    if code:
        m.stopped.error.code = code
        m.stopped.error.message = message
        m.stopped.error.step_id = step_id
    return m

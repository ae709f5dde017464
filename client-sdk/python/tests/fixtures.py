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

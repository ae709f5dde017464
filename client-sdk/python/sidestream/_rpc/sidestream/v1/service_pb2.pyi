from sidestream._rpc.sidestream.v1 import pipeline_pb2 as _pipeline_pb2
from sidestream._rpc.sidestream.v1 import session_pb2 as _session_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ValidateRequest(_message.Message):
    __slots__ = ("pipeline",)
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    pipeline: _pipeline_pb2.Pipeline
    def __init__(self, pipeline: _Optional[_Union[_pipeline_pb2.Pipeline, _Mapping]] = ...) -> None: ...

class ValidateResponse(_message.Message):
    __slots__ = ("plan",)
    PLAN_FIELD_NUMBER: _ClassVar[int]
    plan: _pipeline_pb2.CompiledPlan
    def __init__(self, plan: _Optional[_Union[_pipeline_pb2.CompiledPlan, _Mapping]] = ...) -> None: ...

class DryRunRequest(_message.Message):
    __slots__ = ("pipeline", "inputs")
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    pipeline: _pipeline_pb2.Pipeline
    inputs: _containers.RepeatedCompositeFieldContainer[_session_pb2.TestInput]
    def __init__(self, pipeline: _Optional[_Union[_pipeline_pb2.Pipeline, _Mapping]] = ..., inputs: _Optional[_Iterable[_Union[_session_pb2.TestInput, _Mapping]]] = ...) -> None: ...

class DryRunResponse(_message.Message):
    __slots__ = ("outputs",)
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    outputs: _containers.RepeatedCompositeFieldContainer[_session_pb2.TestOutput]
    def __init__(self, outputs: _Optional[_Iterable[_Union[_session_pb2.TestOutput, _Mapping]]] = ...) -> None: ...

class ClearStateRequest(_message.Message):
    __slots__ = ("consumer_group", "state_dir")
    CONSUMER_GROUP_FIELD_NUMBER: _ClassVar[int]
    STATE_DIR_FIELD_NUMBER: _ClassVar[int]
    consumer_group: str
    state_dir: str
    def __init__(self, consumer_group: _Optional[str] = ..., state_dir: _Optional[str] = ...) -> None: ...

class ClearStateResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

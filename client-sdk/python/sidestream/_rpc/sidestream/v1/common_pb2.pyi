from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TimestampType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TIMESTAMP_NOT_AVAILABLE: _ClassVar[TimestampType]
    TIMESTAMP_CREATE_TIME: _ClassVar[TimestampType]
    TIMESTAMP_LOG_APPEND_TIME: _ClassVar[TimestampType]
TIMESTAMP_NOT_AVAILABLE: TimestampType
TIMESTAMP_CREATE_TIME: TimestampType
TIMESTAMP_LOG_APPEND_TIME: TimestampType

class Payload(_message.Message):
    __slots__ = ("json", "raw")
    JSON_FIELD_NUMBER: _ClassVar[int]
    RAW_FIELD_NUMBER: _ClassVar[int]
    json: bytes
    raw: bytes
    def __init__(self, json: _Optional[bytes] = ..., raw: _Optional[bytes] = ...) -> None: ...

class Header(_message.Message):
    __slots__ = ("key", "value")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: str
    value: bytes
    def __init__(self, key: _Optional[str] = ..., value: _Optional[bytes] = ...) -> None: ...

class MessageContext(_message.Message):
    __slots__ = ("topic", "partition", "offset", "size", "timestamp_type", "timestamp_ms", "headers")
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    PARTITION_FIELD_NUMBER: _ClassVar[int]
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_TYPE_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_MS_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    topic: str
    partition: int
    offset: int
    size: int
    timestamp_type: TimestampType
    timestamp_ms: int
    headers: _containers.RepeatedCompositeFieldContainer[Header]
    def __init__(self, topic: _Optional[str] = ..., partition: _Optional[int] = ..., offset: _Optional[int] = ..., size: _Optional[int] = ..., timestamp_type: _Optional[_Union[TimestampType, str]] = ..., timestamp_ms: _Optional[int] = ..., headers: _Optional[_Iterable[_Union[Header, _Mapping]]] = ...) -> None: ...

class Error(_message.Message):
    __slots__ = ("code", "message", "step_id", "exception_type", "traceback")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    STEP_ID_FIELD_NUMBER: _ClassVar[int]
    EXCEPTION_TYPE_FIELD_NUMBER: _ClassVar[int]
    TRACEBACK_FIELD_NUMBER: _ClassVar[int]
    code: int
    message: str
    step_id: str
    exception_type: str
    traceback: str
    def __init__(self, code: _Optional[int] = ..., message: _Optional[str] = ..., step_id: _Optional[str] = ..., exception_type: _Optional[str] = ..., traceback: _Optional[str] = ...) -> None: ...

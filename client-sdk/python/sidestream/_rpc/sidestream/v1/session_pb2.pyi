from sidestream._rpc.sidestream.v1 import common_pb2 as _common_pb2
from sidestream._rpc.sidestream.v1 import pipeline_pb2 as _pipeline_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SessionMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SESSION_MODE_RUN: _ClassVar[SessionMode]
    SESSION_MODE_DRY_RUN: _ClassVar[SessionMode]

class PackedKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PACKED_NULL: _ClassVar[PackedKind]
    PACKED_JSON: _ClassVar[PackedKind]
    PACKED_RAW: _ClassVar[PackedKind]
    PACKED_FILTERED: _ClassVar[PackedKind]
    PACKED_ERROR: _ClassVar[PackedKind]
    PACKED_SKIPPED: _ClassVar[PackedKind]
    PACKED_ABSENT: _ClassVar[PackedKind]

class ErrorStage(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_STAGE_UNSPECIFIED: _ClassVar[ErrorStage]
    ERROR_STAGE_CONSUMER: _ClassVar[ErrorStage]
    ERROR_STAGE_PROCESSING: _ClassVar[ErrorStage]
    ERROR_STAGE_PRODUCER: _ClassVar[ErrorStage]
SESSION_MODE_RUN: SessionMode
SESSION_MODE_DRY_RUN: SessionMode
PACKED_NULL: PackedKind
PACKED_JSON: PackedKind
PACKED_RAW: PackedKind
PACKED_FILTERED: PackedKind
PACKED_ERROR: PackedKind
PACKED_SKIPPED: PackedKind
PACKED_ABSENT: PackedKind
ERROR_STAGE_UNSPECIFIED: ErrorStage
ERROR_STAGE_CONSUMER: ErrorStage
ERROR_STAGE_PROCESSING: ErrorStage
ERROR_STAGE_PRODUCER: ErrorStage

class AppConfig(_message.Message):
    __slots__ = ("broker_address", "consumer_group", "auto_offset_reset", "auto_commit_enable", "assignment_strategy", "partitioner", "consumer_extra_config", "producer_extra_config", "state_dir", "consumer_poll_timeout", "producer_poll_timeout", "loglevel", "commit_interval", "has_on_consumer_error", "has_on_producer_error", "has_on_processing_error", "rocksdb_options", "state_open_max_retries", "state_open_retry_backoff", "report_processed")
    class ConsumerExtraConfigEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class ProducerExtraConfigEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    BROKER_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CONSUMER_GROUP_FIELD_NUMBER: _ClassVar[int]
    AUTO_OFFSET_RESET_FIELD_NUMBER: _ClassVar[int]
    AUTO_COMMIT_ENABLE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNMENT_STRATEGY_FIELD_NUMBER: _ClassVar[int]
    PARTITIONER_FIELD_NUMBER: _ClassVar[int]
    CONSUMER_EXTRA_CONFIG_FIELD_NUMBER: _ClassVar[int]
    PRODUCER_EXTRA_CONFIG_FIELD_NUMBER: _ClassVar[int]
    STATE_DIR_FIELD_NUMBER: _ClassVar[int]
    CONSUMER_POLL_TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    PRODUCER_POLL_TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    LOGLEVEL_FIELD_NUMBER: _ClassVar[int]
    COMMIT_INTERVAL_FIELD_NUMBER: _ClassVar[int]
    HAS_ON_CONSUMER_ERROR_FIELD_NUMBER: _ClassVar[int]
    HAS_ON_PRODUCER_ERROR_FIELD_NUMBER: _ClassVar[int]
    HAS_ON_PROCESSING_ERROR_FIELD_NUMBER: _ClassVar[int]
    ROCKSDB_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    STATE_OPEN_MAX_RETRIES_FIELD_NUMBER: _ClassVar[int]
    STATE_OPEN_RETRY_BACKOFF_FIELD_NUMBER: _ClassVar[int]
    REPORT_PROCESSED_FIELD_NUMBER: _ClassVar[int]
    broker_address: str
    consumer_group: str
    auto_offset_reset: str
    auto_commit_enable: bool
    assignment_strategy: str
    partitioner: str
    consumer_extra_config: _containers.ScalarMap[str, str]
    producer_extra_config: _containers.ScalarMap[str, str]
    state_dir: str
    consumer_poll_timeout: float
    producer_poll_timeout: float
    loglevel: str
    commit_interval: float
    has_on_consumer_error: bool
    has_on_producer_error: bool
    has_on_processing_error: bool
    rocksdb_options: RocksDBOptions
    state_open_max_retries: int
    state_open_retry_backoff: float
    report_processed: bool
    def __init__(self, broker_address: _Optional[str] = ..., consumer_group: _Optional[str] = ..., auto_offset_reset: _Optional[str] = ..., auto_commit_enable: bool = ..., assignment_strategy: _Optional[str] = ..., partitioner: _Optional[str] = ..., consumer_extra_config: _Optional[_Mapping[str, str]] = ..., producer_extra_config: _Optional[_Mapping[str, str]] = ..., state_dir: _Optional[str] = ..., consumer_poll_timeout: _Optional[float] = ..., producer_poll_timeout: _Optional[float] = ..., loglevel: _Optional[str] = ..., commit_interval: _Optional[float] = ..., has_on_consumer_error: bool = ..., has_on_producer_error: bool = ..., has_on_processing_error: bool = ..., rocksdb_options: _Optional[_Union[RocksDBOptions, _Mapping]] = ..., state_open_max_retries: _Optional[int] = ..., state_open_retry_backoff: _Optional[float] = ..., report_processed: bool = ...) -> None: ...

class RocksDBOptions(_message.Message):
    __slots__ = ("write_buffer_size", "target_file_size_base", "block_cache_size", "extra")
    class ExtraEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    WRITE_BUFFER_SIZE_FIELD_NUMBER: _ClassVar[int]
    TARGET_FILE_SIZE_BASE_FIELD_NUMBER: _ClassVar[int]
    BLOCK_CACHE_SIZE_FIELD_NUMBER: _ClassVar[int]
    EXTRA_FIELD_NUMBER: _ClassVar[int]
    write_buffer_size: int
    target_file_size_base: int
    block_cache_size: int
    extra: _containers.ScalarMap[str, str]
    def __init__(self, write_buffer_size: _Optional[int] = ..., target_file_size_base: _Optional[int] = ..., block_cache_size: _Optional[int] = ..., extra: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Register(_message.Message):
    __slots__ = ("protocol_version", "capabilities", "client_name", "config", "pipeline", "mode")
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    CLIENT_NAME_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    PIPELINE_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    protocol_version: int
    capabilities: _containers.RepeatedScalarFieldContainer[str]
    client_name: str
    config: AppConfig
    pipeline: _pipeline_pb2.Pipeline
    mode: SessionMode
    def __init__(self, protocol_version: _Optional[int] = ..., capabilities: _Optional[_Iterable[str]] = ..., client_name: _Optional[str] = ..., config: _Optional[_Union[AppConfig, _Mapping]] = ..., pipeline: _Optional[_Union[_pipeline_pb2.Pipeline, _Mapping]] = ..., mode: _Optional[_Union[SessionMode, str]] = ...) -> None: ...

class Registered(_message.Message):
    __slots__ = ("plan", "server_name", "capabilities")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    SERVER_NAME_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    plan: _pipeline_pb2.CompiledPlan
    server_name: str
    capabilities: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, plan: _Optional[_Union[_pipeline_pb2.CompiledPlan, _Mapping]] = ..., server_name: _Optional[str] = ..., capabilities: _Optional[_Iterable[str]] = ...) -> None: ...

class InvokeRecord(_message.Message):
    __slots__ = ("value", "key", "context", "state_prefix", "state_replay", "state_epoch")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    STATE_PREFIX_FIELD_NUMBER: _ClassVar[int]
    STATE_REPLAY_FIELD_NUMBER: _ClassVar[int]
    STATE_EPOCH_FIELD_NUMBER: _ClassVar[int]
    value: _common_pb2.Payload
    key: _common_pb2.Payload
    context: _common_pb2.MessageContext
    state_prefix: bytes
    state_replay: bool
    state_epoch: int
    def __init__(self, value: _Optional[_Union[_common_pb2.Payload, _Mapping]] = ..., key: _Optional[_Union[_common_pb2.Payload, _Mapping]] = ..., context: _Optional[_Union[_common_pb2.MessageContext, _Mapping]] = ..., state_prefix: _Optional[bytes] = ..., state_replay: bool = ..., state_epoch: _Optional[int] = ...) -> None: ...

class StateUpdate(_message.Message):
    __slots__ = ("key", "value")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: bytes
    value: bytes
    def __init__(self, key: _Optional[bytes] = ..., value: _Optional[bytes] = ...) -> None: ...

class StateRead(_message.Message):
    __slots__ = ("request_id", "topic", "partition", "prefix", "keys", "groups")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    PARTITION_FIELD_NUMBER: _ClassVar[int]
    PREFIX_FIELD_NUMBER: _ClassVar[int]
    KEYS_FIELD_NUMBER: _ClassVar[int]
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    request_id: int
    topic: str
    partition: int
    prefix: bytes
    keys: _containers.RepeatedScalarFieldContainer[bytes]
    groups: _containers.RepeatedCompositeFieldContainer[StateReadGroup]
    def __init__(self, request_id: _Optional[int] = ..., topic: _Optional[str] = ..., partition: _Optional[int] = ..., prefix: _Optional[bytes] = ..., keys: _Optional[_Iterable[bytes]] = ..., groups: _Optional[_Iterable[_Union[StateReadGroup, _Mapping]]] = ...) -> None: ...

class StateReadGroup(_message.Message):
    __slots__ = ("prefix", "keys")
    PREFIX_FIELD_NUMBER: _ClassVar[int]
    KEYS_FIELD_NUMBER: _ClassVar[int]
    prefix: bytes
    keys: _containers.RepeatedScalarFieldContainer[bytes]
    def __init__(self, prefix: _Optional[bytes] = ..., keys: _Optional[_Iterable[bytes]] = ...) -> None: ...

class StateValue(_message.Message):
    __slots__ = ("value",)
    VALUE_FIELD_NUMBER: _ClassVar[int]
    value: bytes
    def __init__(self, value: _Optional[bytes] = ...) -> None: ...

class StateReadResult(_message.Message):
    __slots__ = ("request_id", "values", "error")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    request_id: int
    values: _containers.RepeatedCompositeFieldContainer[StateValue]
    error: _common_pb2.Error
    def __init__(self, request_id: _Optional[int] = ..., values: _Optional[_Iterable[_Union[StateValue, _Mapping]]] = ..., error: _Optional[_Union[_common_pb2.Error, _Mapping]] = ...) -> None: ...

class InvokeBatch(_message.Message):
    __slots__ = ("request_id", "segment_id", "records", "packed")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_ID_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    PACKED_FIELD_NUMBER: _ClassVar[int]
    request_id: int
    segment_id: int
    records: _containers.RepeatedCompositeFieldContainer[InvokeRecord]
    packed: PackedRecords
    def __init__(self, request_id: _Optional[int] = ..., segment_id: _Optional[int] = ..., records: _Optional[_Iterable[_Union[InvokeRecord, _Mapping]]] = ..., packed: _Optional[_Union[PackedRecords, _Mapping]] = ...) -> None: ...

class PackedRecords(_message.Message):
    __slots__ = ("topic", "partition", "value_kinds", "json_values", "json_sizes", "raw_values", "key_kinds", "keys", "offsets", "sizes", "timestamp_types", "timestamps_ms", "header_counts", "headers", "state_prefixes", "state_replays", "state_epoch")
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    PARTITION_FIELD_NUMBER: _ClassVar[int]
    VALUE_KINDS_FIELD_NUMBER: _ClassVar[int]
    JSON_VALUES_FIELD_NUMBER: _ClassVar[int]
    JSON_SIZES_FIELD_NUMBER: _ClassVar[int]
    RAW_VALUES_FIELD_NUMBER: _ClassVar[int]
    KEY_KINDS_FIELD_NUMBER: _ClassVar[int]
    KEYS_FIELD_NUMBER: _ClassVar[int]
    OFFSETS_FIELD_NUMBER: _ClassVar[int]
    SIZES_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_TYPES_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMPS_MS_FIELD_NUMBER: _ClassVar[int]
    HEADER_COUNTS_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    STATE_PREFIXES_FIELD_NUMBER: _ClassVar[int]
    STATE_REPLAYS_FIELD_NUMBER: _ClassVar[int]
    STATE_EPOCH_FIELD_NUMBER: _ClassVar[int]
    topic: str
    partition: int
    value_kinds: bytes
    json_values: bytes
    json_sizes: _containers.RepeatedScalarFieldContainer[int]
    raw_values: _containers.RepeatedScalarFieldContainer[bytes]
    key_kinds: bytes
    keys: _containers.RepeatedScalarFieldContainer[bytes]
    offsets: _containers.RepeatedScalarFieldContainer[int]
    sizes: _containers.RepeatedScalarFieldContainer[int]
    timestamp_types: bytes
    timestamps_ms: _containers.RepeatedScalarFieldContainer[int]
    header_counts: _containers.RepeatedScalarFieldContainer[int]
    headers: _containers.RepeatedCompositeFieldContainer[_common_pb2.Header]
    state_prefixes: _containers.RepeatedScalarFieldContainer[bytes]
    state_replays: bytes
    state_epoch: int
    def __init__(self, topic: _Optional[str] = ..., partition: _Optional[int] = ..., value_kinds: _Optional[bytes] = ..., json_values: _Optional[bytes] = ..., json_sizes: _Optional[_Iterable[int]] = ..., raw_values: _Optional[_Iterable[bytes]] = ..., key_kinds: _Optional[bytes] = ..., keys: _Optional[_Iterable[bytes]] = ..., offsets: _Optional[_Iterable[int]] = ..., sizes: _Optional[_Iterable[int]] = ..., timestamp_types: _Optional[bytes] = ..., timestamps_ms: _Optional[_Iterable[int]] = ..., header_counts: _Optional[_Iterable[int]] = ..., headers: _Optional[_Iterable[_Union[_common_pb2.Header, _Mapping]]] = ..., state_prefixes: _Optional[_Iterable[bytes]] = ..., state_replays: _Optional[bytes] = ..., state_epoch: _Optional[int] = ...) -> None: ...

class RecordResult(_message.Message):
    __slots__ = ("value", "filtered", "error", "skipped", "produce_key", "state_updates")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    FILTERED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    PRODUCE_KEY_FIELD_NUMBER: _ClassVar[int]
    STATE_UPDATES_FIELD_NUMBER: _ClassVar[int]
    value: _common_pb2.Payload
    filtered: bool
    error: _common_pb2.Error
    skipped: _common_pb2.Error
    produce_key: _common_pb2.Payload
    state_updates: _containers.RepeatedCompositeFieldContainer[StateUpdate]
    def __init__(self, value: _Optional[_Union[_common_pb2.Payload, _Mapping]] = ..., filtered: bool = ..., error: _Optional[_Union[_common_pb2.Error, _Mapping]] = ..., skipped: _Optional[_Union[_common_pb2.Error, _Mapping]] = ..., produce_key: _Optional[_Union[_common_pb2.Payload, _Mapping]] = ..., state_updates: _Optional[_Iterable[_Union[StateUpdate, _Mapping]]] = ...) -> None: ...

class InvokeResult(_message.Message):
    __slots__ = ("request_id", "results", "error", "packed")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    PACKED_FIELD_NUMBER: _ClassVar[int]
    request_id: int
    results: _containers.RepeatedCompositeFieldContainer[RecordResult]
    error: _common_pb2.Error
    packed: PackedResults
    def __init__(self, request_id: _Optional[int] = ..., results: _Optional[_Iterable[_Union[RecordResult, _Mapping]]] = ..., error: _Optional[_Union[_common_pb2.Error, _Mapping]] = ..., packed: _Optional[_Union[PackedResults, _Mapping]] = ...) -> None: ...

class PackedResults(_message.Message):
    __slots__ = ("outcomes", "json_values", "json_sizes", "raw_values", "errors", "key_kinds", "json_keys", "json_key_sizes", "raw_keys", "state_update_counts", "state_update_keys", "state_update_values", "state_update_deletes")
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    JSON_VALUES_FIELD_NUMBER: _ClassVar[int]
    JSON_SIZES_FIELD_NUMBER: _ClassVar[int]
    RAW_VALUES_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    KEY_KINDS_FIELD_NUMBER: _ClassVar[int]
    JSON_KEYS_FIELD_NUMBER: _ClassVar[int]
    JSON_KEY_SIZES_FIELD_NUMBER: _ClassVar[int]
    RAW_KEYS_FIELD_NUMBER: _ClassVar[int]
    STATE_UPDATE_COUNTS_FIELD_NUMBER: _ClassVar[int]
    STATE_UPDATE_KEYS_FIELD_NUMBER: _ClassVar[int]
    STATE_UPDATE_VALUES_FIELD_NUMBER: _ClassVar[int]
    STATE_UPDATE_DELETES_FIELD_NUMBER: _ClassVar[int]
    outcomes: bytes
    json_values: bytes
    json_sizes: _containers.RepeatedScalarFieldContainer[int]
    raw_values: _containers.RepeatedScalarFieldContainer[bytes]
    errors: _containers.RepeatedCompositeFieldContainer[_common_pb2.Error]
    key_kinds: bytes
    json_keys: bytes
    json_key_sizes: _containers.RepeatedScalarFieldContainer[int]
    raw_keys: _containers.RepeatedScalarFieldContainer[bytes]
    state_update_counts: _containers.RepeatedScalarFieldContainer[int]
    state_update_keys: _containers.RepeatedScalarFieldContainer[bytes]
    state_update_values: _containers.RepeatedScalarFieldContainer[bytes]
    state_update_deletes: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, outcomes: _Optional[bytes] = ..., json_values: _Optional[bytes] = ..., json_sizes: _Optional[_Iterable[int]] = ..., raw_values: _Optional[_Iterable[bytes]] = ..., errors: _Optional[_Iterable[_Union[_common_pb2.Error, _Mapping]]] = ..., key_kinds: _Optional[bytes] = ..., json_keys: _Optional[bytes] = ..., json_key_sizes: _Optional[_Iterable[int]] = ..., raw_keys: _Optional[_Iterable[bytes]] = ..., state_update_counts: _Optional[_Iterable[int]] = ..., state_update_keys: _Optional[_Iterable[bytes]] = ..., state_update_values: _Optional[_Iterable[bytes]] = ..., state_update_deletes: _Optional[_Iterable[int]] = ...) -> None: ...

class ErrorReport(_message.Message):
    __slots__ = ("request_id", "stage", "error", "context", "raw_value")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    RAW_VALUE_FIELD_NUMBER: _ClassVar[int]
    request_id: int
    stage: ErrorStage
    error: _common_pb2.Error
    context: _common_pb2.MessageContext
    raw_value: bytes
    def __init__(self, request_id: _Optional[int] = ..., stage: _Optional[_Union[ErrorStage, str]] = ..., error: _Optional[_Union[_common_pb2.Error, _Mapping]] = ..., context: _Optional[_Union[_common_pb2.MessageContext, _Mapping]] = ..., raw_value: _Optional[bytes] = ...) -> None: ...

class ErrorVerdict(_message.Message):
    __slots__ = ("request_id", "ignore")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    IGNORE_FIELD_NUMBER: _ClassVar[int]
    request_id: int
    ignore: bool
    def __init__(self, request_id: _Optional[int] = ..., ignore: bool = ...) -> None: ...

class MessagesProcessed(_message.Message):
    __slots__ = ("request_id", "topic", "partition", "offsets")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    PARTITION_FIELD_NUMBER: _ClassVar[int]
    OFFSETS_FIELD_NUMBER: _ClassVar[int]
    request_id: int
    topic: str
    partition: int
    offsets: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, request_id: _Optional[int] = ..., topic: _Optional[str] = ..., partition: _Optional[int] = ..., offsets: _Optional[_Iterable[int]] = ...) -> None: ...

class ProcessedAck(_message.Message):
    __slots__ = ("request_id", "error")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    request_id: int
    error: _common_pb2.Error
    def __init__(self, request_id: _Optional[int] = ..., error: _Optional[_Union[_common_pb2.Error, _Mapping]] = ...) -> None: ...

class StopRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PipelineStats(_message.Message):
    __slots__ = ("consumed", "produced", "filtered", "skipped", "invocations", "commits", "native_evaluations")
    CONSUMED_FIELD_NUMBER: _ClassVar[int]
    PRODUCED_FIELD_NUMBER: _ClassVar[int]
    FILTERED_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    INVOCATIONS_FIELD_NUMBER: _ClassVar[int]
    COMMITS_FIELD_NUMBER: _ClassVar[int]
    NATIVE_EVALUATIONS_FIELD_NUMBER: _ClassVar[int]
    consumed: int
    produced: int
    filtered: int
    skipped: int
    invocations: int
    commits: int
    native_evaluations: int
    def __init__(self, consumed: _Optional[int] = ..., produced: _Optional[int] = ..., filtered: _Optional[int] = ..., skipped: _Optional[int] = ..., invocations: _Optional[int] = ..., commits: _Optional[int] = ..., native_evaluations: _Optional[int] = ...) -> None: ...

class Stopped(_message.Message):
    __slots__ = ("error", "stats")
    ERROR_FIELD_NUMBER: _ClassVar[int]
    STATS_FIELD_NUMBER: _ClassVar[int]
    error: _common_pb2.Error
    stats: PipelineStats
    def __init__(self, error: _Optional[_Union[_common_pb2.Error, _Mapping]] = ..., stats: _Optional[_Union[PipelineStats, _Mapping]] = ...) -> None: ...

class TestInput(_message.Message):
    __slots__ = ("request_id", "value", "key", "context")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    request_id: int
    value: _common_pb2.Payload
    key: _common_pb2.Payload
    context: _common_pb2.MessageContext
    def __init__(self, request_id: _Optional[int] = ..., value: _Optional[_Union[_common_pb2.Payload, _Mapping]] = ..., key: _Optional[_Union[_common_pb2.Payload, _Mapping]] = ..., context: _Optional[_Union[_common_pb2.MessageContext, _Mapping]] = ...) -> None: ...

class ProducedMessage(_message.Message):
    __slots__ = ("topic", "key", "value", "headers")
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    topic: str
    key: bytes
    value: bytes
    headers: _containers.RepeatedCompositeFieldContainer[_common_pb2.Header]
    def __init__(self, topic: _Optional[str] = ..., key: _Optional[bytes] = ..., value: _Optional[bytes] = ..., headers: _Optional[_Iterable[_Union[_common_pb2.Header, _Mapping]]] = ...) -> None: ...

class TestOutput(_message.Message):
    __slots__ = ("request_id", "value", "filtered", "error", "produced")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    FILTERED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    PRODUCED_FIELD_NUMBER: _ClassVar[int]
    request_id: int
    value: _common_pb2.Payload
    filtered: bool
    error: _common_pb2.Error
    produced: _containers.RepeatedCompositeFieldContainer[ProducedMessage]
    def __init__(self, request_id: _Optional[int] = ..., value: _Optional[_Union[_common_pb2.Payload, _Mapping]] = ..., filtered: bool = ..., error: _Optional[_Union[_common_pb2.Error, _Mapping]] = ..., produced: _Optional[_Iterable[_Union[ProducedMessage, _Mapping]]] = ...) -> None: ...

class ClientMessage(_message.Message):
    __slots__ = ("register", "invoke_result", "error_verdict", "stop", "test_input", "state_read", "processed_ack")
    REGISTER_FIELD_NUMBER: _ClassVar[int]
    INVOKE_RESULT_FIELD_NUMBER: _ClassVar[int]
    ERROR_VERDICT_FIELD_NUMBER: _ClassVar[int]
    STOP_FIELD_NUMBER: _ClassVar[int]
    TEST_INPUT_FIELD_NUMBER: _ClassVar[int]
    STATE_READ_FIELD_NUMBER: _ClassVar[int]
    PROCESSED_ACK_FIELD_NUMBER: _ClassVar[int]
    register: Register
    invoke_result: InvokeResult
    error_verdict: ErrorVerdict
    stop: StopRequest
    test_input: TestInput
    state_read: StateRead
    processed_ack: ProcessedAck
    def __init__(self, register: _Optional[_Union[Register, _Mapping]] = ..., invoke_result: _Optional[_Union[InvokeResult, _Mapping]] = ..., error_verdict: _Optional[_Union[ErrorVerdict, _Mapping]] = ..., stop: _Optional[_Union[StopRequest, _Mapping]] = ..., test_input: _Optional[_Union[TestInput, _Mapping]] = ..., state_read: _Optional[_Union[StateRead, _Mapping]] = ..., processed_ack: _Optional[_Union[ProcessedAck, _Mapping]] = ...) -> None: ...

class ServerMessage(_message.Message):
    __slots__ = ("registered", "invoke", "error_report", "stopped", "test_output", "state_read_result", "messages_processed")
    REGISTERED_FIELD_NUMBER: _ClassVar[int]
    INVOKE_FIELD_NUMBER: _ClassVar[int]
    ERROR_REPORT_FIELD_NUMBER: _ClassVar[int]
    STOPPED_FIELD_NUMBER: _ClassVar[int]
    TEST_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    STATE_READ_RESULT_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_PROCESSED_FIELD_NUMBER: _ClassVar[int]
    registered: Registered
    invoke: InvokeBatch
    error_report: ErrorReport
    stopped: Stopped
    test_output: TestOutput
    state_read_result: StateReadResult
    messages_processed: MessagesProcessed
    def __init__(self, registered: _Optional[_Union[Registered, _Mapping]] = ..., invoke: _Optional[_Union[InvokeBatch, _Mapping]] = ..., error_report: _Optional[_Union[ErrorReport, _Mapping]] = ..., stopped: _Optional[_Union[Stopped, _Mapping]] = ..., test_output: _Optional[_Union[TestOutput, _Mapping]] = ..., state_read_result: _Optional[_Union[StateReadResult, _Mapping]] = ..., messages_processed: _Optional[_Union[MessagesProcessed, _Mapping]] = ...) -> None: ...

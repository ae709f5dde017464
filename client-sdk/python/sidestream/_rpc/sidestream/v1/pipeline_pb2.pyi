from sidestream._rpc.sidestream.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SerdeSpec(_message.Message):
    __slots__ = ("name", "options", "client_function", "split_values", "extra_headers")
    class OptionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    CLIENT_FUNCTION_FIELD_NUMBER: _ClassVar[int]
    SPLIT_VALUES_FIELD_NUMBER: _ClassVar[int]
    EXTRA_HEADERS_FIELD_NUMBER: _ClassVar[int]
    name: str
    options: _containers.ScalarMap[str, str]
    client_function: FunctionRef
    split_values: bool
    extra_headers: _containers.RepeatedCompositeFieldContainer[_common_pb2.Header]
    def __init__(self, name: _Optional[str] = ..., options: _Optional[_Mapping[str, str]] = ..., client_function: _Optional[_Union[FunctionRef, _Mapping]] = ..., split_values: bool = ..., extra_headers: _Optional[_Iterable[_Union[_common_pb2.Header, _Mapping]]] = ...) -> None: ...

class TopicSpec(_message.Message):
    __slots__ = ("name", "value_deserializer", "key_deserializer", "value_serializer", "key_serializer")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_DESERIALIZER_FIELD_NUMBER: _ClassVar[int]
    KEY_DESERIALIZER_FIELD_NUMBER: _ClassVar[int]
    VALUE_SERIALIZER_FIELD_NUMBER: _ClassVar[int]
    KEY_SERIALIZER_FIELD_NUMBER: _ClassVar[int]
    name: str
    value_deserializer: SerdeSpec
    key_deserializer: SerdeSpec
    value_serializer: SerdeSpec
    key_serializer: SerdeSpec
    def __init__(self, name: _Optional[str] = ..., value_deserializer: _Optional[_Union[SerdeSpec, _Mapping]] = ..., key_deserializer: _Optional[_Union[SerdeSpec, _Mapping]] = ..., value_serializer: _Optional[_Union[SerdeSpec, _Mapping]] = ..., key_serializer: _Optional[_Union[SerdeSpec, _Mapping]] = ...) -> None: ...

class FunctionRef(_message.Message):
    __slots__ = ("function_id", "stateful", "display_name")
    FUNCTION_ID_FIELD_NUMBER: _ClassVar[int]
    STATEFUL_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    function_id: str
    stateful: bool
    display_name: str
    def __init__(self, function_id: _Optional[str] = ..., stateful: bool = ..., display_name: _Optional[str] = ...) -> None: ...

class ApplyStep(_message.Message):
    __slots__ = ("function",)
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    function: FunctionRef
    def __init__(self, function: _Optional[_Union[FunctionRef, _Mapping]] = ...) -> None: ...

class UpdateStep(_message.Message):
    __slots__ = ("function",)
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    function: FunctionRef
    def __init__(self, function: _Optional[_Union[FunctionRef, _Mapping]] = ...) -> None: ...

class FilterStep(_message.Message):
    __slots__ = ("function",)
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    function: FunctionRef
    def __init__(self, function: _Optional[_Union[FunctionRef, _Mapping]] = ...) -> None: ...

class ToTopicStep(_message.Message):
    __slots__ = ("topic", "key")
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    topic: str
    key: FunctionRef
    def __init__(self, topic: _Optional[str] = ..., key: _Optional[_Union[FunctionRef, _Mapping]] = ...) -> None: ...

class Literal(_message.Message):
    __slots__ = ("json",)
    JSON_FIELD_NUMBER: _ClassVar[int]
    json: bytes
    def __init__(self, json: _Optional[bytes] = ...) -> None: ...

class GetItem(_message.Message):
    __slots__ = ("operand", "key")
    OPERAND_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    operand: Expr
    key: Literal
    def __init__(self, operand: _Optional[_Union[Expr, _Mapping]] = ..., key: _Optional[_Union[Literal, _Mapping]] = ...) -> None: ...

class UnaryExpr(_message.Message):
    __slots__ = ("op", "operand")
    class Op(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        OP_UNSPECIFIED: _ClassVar[UnaryExpr.Op]
        NEG: _ClassVar[UnaryExpr.Op]
        INVERT: _ClassVar[UnaryExpr.Op]
        ABS: _ClassVar[UnaryExpr.Op]
        ISNULL: _ClassVar[UnaryExpr.Op]
        NOTNULL: _ClassVar[UnaryExpr.Op]
    OP_UNSPECIFIED: UnaryExpr.Op
    NEG: UnaryExpr.Op
    INVERT: UnaryExpr.Op
    ABS: UnaryExpr.Op
    ISNULL: UnaryExpr.Op
    NOTNULL: UnaryExpr.Op
    OP_FIELD_NUMBER: _ClassVar[int]
    OPERAND_FIELD_NUMBER: _ClassVar[int]
    op: UnaryExpr.Op
    operand: Expr
    def __init__(self, op: _Optional[_Union[UnaryExpr.Op, str]] = ..., operand: _Optional[_Union[Expr, _Mapping]] = ...) -> None: ...

class BinaryExpr(_message.Message):
    __slots__ = ("op", "left", "right")
    class Op(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        OP_UNSPECIFIED: _ClassVar[BinaryExpr.Op]
        ADD: _ClassVar[BinaryExpr.Op]
        SUB: _ClassVar[BinaryExpr.Op]
        MUL: _ClassVar[BinaryExpr.Op]
        TRUEDIV: _ClassVar[BinaryExpr.Op]
        FLOORDIV: _ClassVar[BinaryExpr.Op]
        MOD: _ClassVar[BinaryExpr.Op]
        POW: _ClassVar[BinaryExpr.Op]
        EQ: _ClassVar[BinaryExpr.Op]
        NE: _ClassVar[BinaryExpr.Op]
        LT: _ClassVar[BinaryExpr.Op]
        LE: _ClassVar[BinaryExpr.Op]
        GT: _ClassVar[BinaryExpr.Op]
        GE: _ClassVar[BinaryExpr.Op]
        AND: _ClassVar[BinaryExpr.Op]
        OR: _ClassVar[BinaryExpr.Op]
        IS: _ClassVar[BinaryExpr.Op]
        ISNOT: _ClassVar[BinaryExpr.Op]
        CONTAINS: _ClassVar[BinaryExpr.Op]
        ISIN: _ClassVar[BinaryExpr.Op]
    OP_UNSPECIFIED: BinaryExpr.Op
    ADD: BinaryExpr.Op
    SUB: BinaryExpr.Op
    MUL: BinaryExpr.Op
    TRUEDIV: BinaryExpr.Op
    FLOORDIV: BinaryExpr.Op
    MOD: BinaryExpr.Op
    POW: BinaryExpr.Op
    EQ: BinaryExpr.Op
    NE: BinaryExpr.Op
    LT: BinaryExpr.Op
    LE: BinaryExpr.Op
    GT: BinaryExpr.Op
    GE: BinaryExpr.Op
    AND: BinaryExpr.Op
    OR: BinaryExpr.Op
    IS: BinaryExpr.Op
    ISNOT: BinaryExpr.Op
    CONTAINS: BinaryExpr.Op
    ISIN: BinaryExpr.Op
    OP_FIELD_NUMBER: _ClassVar[int]
    LEFT_FIELD_NUMBER: _ClassVar[int]
    RIGHT_FIELD_NUMBER: _ClassVar[int]
    op: BinaryExpr.Op
    left: Expr
    right: Expr
    def __init__(self, op: _Optional[_Union[BinaryExpr.Op, str]] = ..., left: _Optional[_Union[Expr, _Mapping]] = ..., right: _Optional[_Union[Expr, _Mapping]] = ...) -> None: ...

class ApplyExpr(_message.Message):
    __slots__ = ("operand", "function")
    OPERAND_FIELD_NUMBER: _ClassVar[int]
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    operand: Expr
    function: FunctionRef
    def __init__(self, operand: _Optional[_Union[Expr, _Mapping]] = ..., function: _Optional[_Union[FunctionRef, _Mapping]] = ...) -> None: ...

class ValueRef(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Expr(_message.Message):
    __slots__ = ("value", "get_item", "literal", "unary", "binary", "apply")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    GET_ITEM_FIELD_NUMBER: _ClassVar[int]
    LITERAL_FIELD_NUMBER: _ClassVar[int]
    UNARY_FIELD_NUMBER: _ClassVar[int]
    BINARY_FIELD_NUMBER: _ClassVar[int]
    APPLY_FIELD_NUMBER: _ClassVar[int]
    value: ValueRef
    get_item: GetItem
    literal: Literal
    unary: UnaryExpr
    binary: BinaryExpr
    apply: ApplyExpr
    def __init__(self, value: _Optional[_Union[ValueRef, _Mapping]] = ..., get_item: _Optional[_Union[GetItem, _Mapping]] = ..., literal: _Optional[_Union[Literal, _Mapping]] = ..., unary: _Optional[_Union[UnaryExpr, _Mapping]] = ..., binary: _Optional[_Union[BinaryExpr, _Mapping]] = ..., apply: _Optional[_Union[ApplyExpr, _Mapping]] = ...) -> None: ...

class AssignStep(_message.Message):
    __slots__ = ("column", "expr")
    COLUMN_FIELD_NUMBER: _ClassVar[int]
    EXPR_FIELD_NUMBER: _ClassVar[int]
    column: str
    expr: Expr
    def __init__(self, column: _Optional[str] = ..., expr: _Optional[_Union[Expr, _Mapping]] = ...) -> None: ...

class FilterExprStep(_message.Message):
    __slots__ = ("predicate",)
    PREDICATE_FIELD_NUMBER: _ClassVar[int]
    predicate: Expr
    def __init__(self, predicate: _Optional[_Union[Expr, _Mapping]] = ...) -> None: ...

class ProjectStep(_message.Message):
    __slots__ = ("columns",)
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    columns: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, columns: _Optional[_Iterable[str]] = ...) -> None: ...

class MapExprStep(_message.Message):
    __slots__ = ("expr",)
    EXPR_FIELD_NUMBER: _ClassVar[int]
    expr: Expr
    def __init__(self, expr: _Optional[_Union[Expr, _Mapping]] = ...) -> None: ...

class Step(_message.Message):
    __slots__ = ("id", "input", "apply", "update", "filter", "to_topic", "assign", "filter_expr", "project", "map_expr")
    ID_FIELD_NUMBER: _ClassVar[int]
    INPUT_FIELD_NUMBER: _ClassVar[int]
    APPLY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    TO_TOPIC_FIELD_NUMBER: _ClassVar[int]
    ASSIGN_FIELD_NUMBER: _ClassVar[int]
    FILTER_EXPR_FIELD_NUMBER: _ClassVar[int]
    PROJECT_FIELD_NUMBER: _ClassVar[int]
    MAP_EXPR_FIELD_NUMBER: _ClassVar[int]
    id: str
    input: str
    apply: ApplyStep
    update: UpdateStep
    filter: FilterStep
    to_topic: ToTopicStep
    assign: AssignStep
    filter_expr: FilterExprStep
    project: ProjectStep
    map_expr: MapExprStep
    def __init__(self, id: _Optional[str] = ..., input: _Optional[str] = ..., apply: _Optional[_Union[ApplyStep, _Mapping]] = ..., update: _Optional[_Union[UpdateStep, _Mapping]] = ..., filter: _Optional[_Union[FilterStep, _Mapping]] = ..., to_topic: _Optional[_Union[ToTopicStep, _Mapping]] = ..., assign: _Optional[_Union[AssignStep, _Mapping]] = ..., filter_expr: _Optional[_Union[FilterExprStep, _Mapping]] = ..., project: _Optional[_Union[ProjectStep, _Mapping]] = ..., map_expr: _Optional[_Union[MapExprStep, _Mapping]] = ...) -> None: ...

class Pipeline(_message.Message):
    __slots__ = ("topics", "source_topic", "steps")
    TOPICS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_TOPIC_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    topics: _containers.RepeatedCompositeFieldContainer[TopicSpec]
    source_topic: str
    steps: _containers.RepeatedCompositeFieldContainer[Step]
    def __init__(self, topics: _Optional[_Iterable[_Union[TopicSpec, _Mapping]]] = ..., source_topic: _Optional[str] = ..., steps: _Optional[_Iterable[_Union[Step, _Mapping]]] = ...) -> None: ...

class CompiledPlan(_message.Message):
    __slots__ = ("plan_id", "segments")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    segments: _containers.RepeatedCompositeFieldContainer[Segment]
    def __init__(self, plan_id: _Optional[str] = ..., segments: _Optional[_Iterable[_Union[Segment, _Mapping]]] = ...) -> None: ...

class Segment(_message.Message):
    __slots__ = ("segment_id", "ops")
    SEGMENT_ID_FIELD_NUMBER: _ClassVar[int]
    OPS_FIELD_NUMBER: _ClassVar[int]
    segment_id: int
    ops: _containers.RepeatedCompositeFieldContainer[SegmentOp]
    def __init__(self, segment_id: _Optional[int] = ..., ops: _Optional[_Iterable[_Union[SegmentOp, _Mapping]]] = ...) -> None: ...

class SegmentOp(_message.Message):
    __slots__ = ("kind", "function", "step_id")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[SegmentOp.Kind]
        APPLY: _ClassVar[SegmentOp.Kind]
        UPDATE: _ClassVar[SegmentOp.Kind]
        FILTER: _ClassVar[SegmentOp.Kind]
        TO_TOPIC_KEY: _ClassVar[SegmentOp.Kind]
        DESERIALIZE_KEY: _ClassVar[SegmentOp.Kind]
        DESERIALIZE_VALUE: _ClassVar[SegmentOp.Kind]
        SERIALIZE_KEY: _ClassVar[SegmentOp.Kind]
        SERIALIZE_VALUE: _ClassVar[SegmentOp.Kind]
    KIND_UNSPECIFIED: SegmentOp.Kind
    APPLY: SegmentOp.Kind
    UPDATE: SegmentOp.Kind
    FILTER: SegmentOp.Kind
    TO_TOPIC_KEY: SegmentOp.Kind
    DESERIALIZE_KEY: SegmentOp.Kind
    DESERIALIZE_VALUE: SegmentOp.Kind
    SERIALIZE_KEY: SegmentOp.Kind
    SERIALIZE_VALUE: SegmentOp.Kind
    KIND_FIELD_NUMBER: _ClassVar[int]
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    STEP_ID_FIELD_NUMBER: _ClassVar[int]
    kind: SegmentOp.Kind
    function: FunctionRef
    step_id: str
    def __init__(self, kind: _Optional[_Union[SegmentOp.Kind, str]] = ..., function: _Optional[_Union[FunctionRef, _Mapping]] = ..., step_id: _Optional[str] = ...) -> None: ...

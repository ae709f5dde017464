"""Serializers (mirrors `quixstreams.models.serializers`): descriptors naming the
sidecar's formats, and the bases of custom (de)serializers run by the client.

Example:
    >>> from sidestream.models.serializers import resolve_serializer
    >>> resolve_serializer("string").spec()
    ('string', {'codec': 'utf_8'})
"""

from __future__ import annotations

from sidestream.exceptions import SidestreamError
from sidestream.models.serializers.base import (
    Deserializer,
    SerializationContext,
    Serializer,
)
from sidestream.models.serializers.exceptions import IgnoreMessage, SerializationError
from sidestream.models.serializers.json import JSONDeserializer, JSONSerializer
from sidestream.models.serializers.quix import (
    QuixDeserializer,
    QuixEventsSerializer,
    QuixSerializer,
    QuixTimeseriesSerializer,
)
from sidestream.models.serializers.simple_types import (
    BytesDeserializer,
    BytesSerializer,
    DoubleDeserializer,
    DoubleSerializer,
    IntegerDeserializer,
    IntegerSerializer,
    StringDeserializer,
    StringSerializer,
)

__all__ = [
    "Serializer",
    "Deserializer",
    "SerializationContext",
    "JSONSerializer",
    "JSONDeserializer",
    "BytesSerializer",
    "BytesDeserializer",
    "StringSerializer",
    "StringDeserializer",
    "IntegerSerializer",
    "IntegerDeserializer",
    "DoubleSerializer",
    "DoubleDeserializer",
    "QuixDeserializer",
    "QuixSerializer",
    "QuixTimeseriesSerializer",
    "QuixEventsSerializer",
    "IgnoreMessage",
    "SerializationError",
    "SerializerType",
    "DeserializerType",
    "SERIALIZERS",
    "DESERIALIZERS",
    "resolve_serializer",
    "resolve_deserializer",
]

SerializerType = str | Serializer
DeserializerType = str | Deserializer

SERIALIZERS: dict[str, type[Serializer]] = {
    "json": JSONSerializer,
    "bytes": BytesSerializer,
    "string": StringSerializer,
    "integer": IntegerSerializer,
    "double": DoubleSerializer,
    "quix_timeseries": QuixTimeseriesSerializer,
    "quix_events": QuixEventsSerializer,
}

DESERIALIZERS: dict[str, type[Deserializer]] = {
    "json": JSONDeserializer,
    "bytes": BytesDeserializer,
    "string": StringDeserializer,
    "integer": IntegerDeserializer,
    "double": DoubleDeserializer,
    "quix": QuixDeserializer,
}


class UnknownSerializerError(SidestreamError, ValueError):
    """A serializer name that the sidecar does not know."""


def resolve_serializer(value: SerializerType) -> Serializer:
    """A serializer name ("json", ...) or instance → a checked `Serializer` (a
    descriptor of a sidecar serializer, or a custom one run by the client)."""
    if isinstance(value, str):
        try:
            return SERIALIZERS[value]()
        except KeyError:
            raise UnknownSerializerError(
                f"Unknown serializer option '{value}'; valid options are {list(SERIALIZERS)}"
            ) from None
    if not isinstance(value, Serializer):
        raise UnknownSerializerError(f"expected a serializer name or Serializer, got {value!r}")
    if not value.runs_in_client:
        value.spec()  # rejects abstract bases now, not at registration
    return value


def resolve_deserializer(value: DeserializerType) -> Deserializer:
    """A deserializer name ("json", ...) or instance → a checked `Deserializer` (a
    descriptor of a sidecar deserializer, or a custom one run by the client)."""
    if isinstance(value, str):
        try:
            return DESERIALIZERS[value]()
        except KeyError:
            raise UnknownSerializerError(
                f"Unknown deserializer option '{value}'; valid options are {list(DESERIALIZERS)}"
            ) from None
    if not isinstance(value, Deserializer):
        raise UnknownSerializerError(f"expected a deserializer name or Deserializer, got {value!r}")
    if not value.runs_in_client:
        value.spec()
    return value

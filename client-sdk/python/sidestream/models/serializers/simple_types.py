"""Bytes, string, integer and double (de)serializer descriptors
(mirrors `quixstreams.models.serializers.simple_types`).

Integers are 32-bit big-endian signed, doubles IEEE 754 binary64 big-endian,
as confluent_kafka's serializers that the seed wraps.

Example:
    >>> topic = app.topic("counts", key_serializer=StringSerializer(), value_serializer=IntegerSerializer())
"""

from __future__ import annotations

from sidestream.models.serializers.base import Deserializer, Serializer

__all__ = [
    "BytesDeserializer",
    "BytesSerializer",
    "StringDeserializer",
    "StringSerializer",
    "IntegerDeserializer",
    "IntegerSerializer",
    "DoubleDeserializer",
    "DoubleSerializer",
]


class BytesDeserializer(Deserializer):
    """Passes bytes through unchanged."""

    sidecar_name = "bytes"


class BytesSerializer(Serializer):
    """Passes bytes through unchanged."""

    sidecar_name = "bytes"


class StringDeserializer(Deserializer):
    """Bytes → str in `codec` (utf_8, ascii or latin_1)."""

    sidecar_name = "string"

    def __init__(self, column_name: str | None = None, codec: str = "utf_8") -> None:
        super().__init__(column_name=column_name)
        self.codec = codec

    def _options(self) -> dict[str, str]:
        return {**super()._options(), "codec": self.codec}


class StringSerializer(Serializer):
    """str → bytes in `codec` (utf_8, ascii or latin_1)."""

    sidecar_name = "string"

    def __init__(self, codec: str = "utf_8") -> None:
        self.codec = codec

    def _options(self) -> dict[str, str]:
        return {"codec": self.codec}


class IntegerDeserializer(Deserializer):
    """4 bytes, big-endian signed → int."""

    sidecar_name = "integer"


class IntegerSerializer(Serializer):
    """int → 4 bytes, big-endian signed."""

    sidecar_name = "integer"


class DoubleDeserializer(Deserializer):
    """8 bytes IEEE 754 binary64 → float."""

    sidecar_name = "double"


class DoubleSerializer(Serializer):
    """float → 8 bytes IEEE 754 binary64."""

    sidecar_name = "double"

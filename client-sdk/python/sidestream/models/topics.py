"""Topic definitions (mirrors `quixstreams.models.topics`).

A `Topic` is a name plus the four serializers the sidecar uses for it. Create
topics with `Application.topic()`.

Example:
    >>> from sidestream.models import Topic
    >>> t = Topic("orders", key_serializer="string")
    >>> t.name, t.key_serializer.spec()
    ('orders', ('string', {'codec': 'utf_8'}))
"""

from __future__ import annotations

from typing import Any

from sidestream.models.serializers import (
    BytesDeserializer,
    BytesSerializer,
    Deserializer,
    DeserializerType,
    JSONDeserializer,
    JSONSerializer,
    Serializer,
    SerializerType,
    resolve_deserializer,
    resolve_serializer,
)

__all__ = ["Topic", "TopicCreationConfigs"]

# Seed type of topic creation settings (Quix platform only); accepted and unused.
TopicCreationConfigs = Any


class Topic:
    """A Kafka topic and how its keys and values are (de)serialized.

    Args:
        name: topic name.
        value_deserializer: name ("json", "bytes", "string", "integer", "double")
            or instance (a built-in descriptor run by the sidecar, or a custom
            subclass run by the client); None means json.
        key_deserializer: as above; None means bytes.
        value_serializer: as above; None means json.
        key_serializer: as above; None means bytes.
        creation_configs: Quix platform settings; accepted, not used.

    Raises:
        NotSupportedError: an abstract (de)serializer base.
        UnknownSerializerError: an unknown serializer name.
    """

    def __init__(
        self,
        name: str,
        value_deserializer: DeserializerType | None = None,
        key_deserializer: DeserializerType | None = "bytes",
        value_serializer: SerializerType | None = None,
        key_serializer: SerializerType | None = "bytes",
        creation_configs: TopicCreationConfigs | None = None,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"topic name must be a non-empty string, got {name!r}")
        self._name = name
        self._value_deserializer: Deserializer = resolve_deserializer(
            value_deserializer if value_deserializer is not None else JSONDeserializer()
        )
        self._key_deserializer: Deserializer = resolve_deserializer(
            key_deserializer if key_deserializer is not None else BytesDeserializer()
        )
        self._value_serializer: Serializer = resolve_serializer(
            value_serializer if value_serializer is not None else JSONSerializer()
        )
        self._key_serializer: Serializer = resolve_serializer(
            key_serializer if key_serializer is not None else BytesSerializer()
        )
        self.creation_configs = creation_configs

    @property
    def name(self) -> str:
        """Topic name."""
        return self._name

    @property
    def value_deserializer(self) -> Deserializer:
        """How the sidecar reads values."""
        return self._value_deserializer

    @property
    def key_deserializer(self) -> Deserializer:
        """How the sidecar reads keys."""
        return self._key_deserializer

    @property
    def value_serializer(self) -> Serializer:
        """How the sidecar writes values."""
        return self._value_serializer

    @property
    def key_serializer(self) -> Serializer:
        """How the sidecar writes keys."""
        return self._key_serializer

    def __repr__(self) -> str:
        return f'<{type(self).__name__} name="{self._name}">'

"""Data models of the seed API: topics, serializers, message context, timestamps, rows.

Example:
    >>> from sidestream.models import Topic, StringSerializer
    >>> out = Topic("out", key_serializer=StringSerializer())
"""

from sidestream.models.messagecontext import MessageContext
from sidestream.models.rows import Row
from sidestream.models.serializers import (
    BytesDeserializer,
    BytesSerializer,
    Deserializer,
    DoubleDeserializer,
    DoubleSerializer,
    IgnoreMessage,
    IntegerDeserializer,
    IntegerSerializer,
    JSONDeserializer,
    JSONSerializer,
    SerializationContext,
    SerializationError,
    Serializer,
    StringDeserializer,
    StringSerializer,
)
from sidestream.models.timestamps import MessageTimestamp, TimestampType
from sidestream.models.topics import Topic, TopicCreationConfigs

__all__ = [
    "Topic",
    "TopicCreationConfigs",
    "MessageContext",
    "MessageTimestamp",
    "TimestampType",
    "Row",
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
    "IgnoreMessage",
    "SerializationError",
]

"""Serialization exceptions (mirrors `quixstreams.models.serializers.exceptions`)."""

from __future__ import annotations

from sidestream.exceptions import SidestreamError

__all__ = ["SerializationError", "IgnoreMessage"]


class SerializationError(SidestreamError):
    """A value could not be (de)serialized (e.g. a custom serializer returned
    something other than bytes)."""


class IgnoreMessage(SidestreamError):
    """Seed API: raised by a custom deserializer's `__call__` to skip a message.

    The message is dropped without an error (its offset is still committed).
    The sidecar's "quix" deserializer skips Quix protocol messages
    (StreamProperties, ...) the same way.
    """

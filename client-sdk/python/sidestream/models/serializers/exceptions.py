"""Serialization exceptions (mirrors `quixstreams.models.serializers.exceptions`)."""

from __future__ import annotations

from sidestream.exceptions import SidestreamError

__all__ = ["SerializationError", "IgnoreMessage"]


class SerializationError(SidestreamError):
    """A value could not be (de)serialized."""


class IgnoreMessage(SidestreamError):
    """Seed API: raised by a custom deserializer to skip a message.

    Custom deserializers do not run in sidestream yet (serialization happens in
    the sidecar), so nothing raises it; it exists for import compatibility.
    """

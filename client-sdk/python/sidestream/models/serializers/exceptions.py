"""Serialization exceptions (mirrors `quixstreams.models.serializers.exceptions`)."""

from __future__ import annotations

from sidestream.exceptions import SidestreamError

__all__ = ["SerializationError", "IgnoreMessage"]


class SerializationError(SidestreamError):
    """A value could not be (de)serialized."""


class IgnoreMessage(SidestreamError):
    """Seed API: raised by a custom deserializer to skip a message.

    In sidestream the sidecar deserializes; its "quix" deserializer skips Quix
    protocol messages (StreamProperties, ...) the way the seed does with this
    exception. Custom deserializers do not run yet, so Python code never raises
    it; it exists for import compatibility.
    """

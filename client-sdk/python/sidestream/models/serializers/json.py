"""JSON (de)serializer descriptors (mirrors `quixstreams.models.serializers.json`).

Example:
    >>> topic = app.topic("events", value_deserializer=JSONDeserializer(column_name="raw"))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sidestream.exceptions import NotSupportedError
from sidestream.models.serializers.base import Deserializer, Serializer

__all__ = ["JSONSerializer", "JSONDeserializer"]


class JSONSerializer(Serializer):
    """Values → JSON text (the sidecar's "json" serializer).

    Args:
        dumps: not supported (the sidecar writes the JSON); must be None.
    """

    sidecar_name = "json"

    def __init__(self, dumps: Callable[[Any], Any] | None = None) -> None:
        if dumps is not None:
            raise NotSupportedError("JSONSerializer(dumps=...) is not supported: the sidecar writes JSON")


class JSONDeserializer(Deserializer):
    """JSON text → values (the sidecar's "json" deserializer).

    Args:
        column_name: wrap the value into `{column_name: value}`.
        loads: not supported (the sidecar parses the JSON); must be None.
    """

    sidecar_name = "json"

    def __init__(self, column_name: str | None = None, loads: Callable[[Any], Any] | None = None):
        super().__init__(column_name=column_name)
        if loads is not None:
            raise NotSupportedError("JSONDeserializer(loads=...) is not supported: the sidecar parses JSON")

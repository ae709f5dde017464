"""Quix format (de)serializer descriptors (mirrors `quixstreams.models.serializers.quix`).

The sidecar reads and writes the formats of the Quix Streams 2.x SDK:
`QuixDeserializer` ("quix") picks the format from the `__Q_ModelKey` header (or
the legacy envelope) and splits a TimeseriesData / ParameterData message into
one row per timestamp (`{param: value, ..., "Tags": {...}, "Timestamp": ns}`)
and an EventData message into its event(s); protocol messages such as
StreamProperties are skipped. `QuixTimeseriesSerializer` ("quix_timeseries")
and `QuixEventsSerializer` ("quix_events") write a row back, byte-for-byte like
the seed, with the `__Q_ModelKey` / `__Q_CodecId` headers unless `as_legacy`.

Difference from the seed: BinaryValues arrive as their base64 text (a str), not
bytes, because values travel between the sidecar and the SDK as JSON.

Example:
    >>> topic = app.topic("in", value_deserializer=QuixDeserializer())
    >>> out = app.topic("out", value_serializer=QuixTimeseriesSerializer(as_legacy=False))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sidestream.exceptions import NotSupportedError
from sidestream.models.serializers.base import Deserializer, Serializer

__all__ = ["QuixDeserializer", "QuixSerializer", "QuixTimeseriesSerializer", "QuixEventsSerializer"]

# The headers the sidecar sets on non-legacy messages (seed: `_extra_headers`).
_MODEL_KEY = "__Q_ModelKey"
_CODEC_ID = "__Q_CodecId"


class QuixDeserializer(Deserializer):
    """Quix TimeseriesData / ParameterData / EventData messages → rows (the sidecar's "quix").

    Args:
        column_name: wrap each row into `{column_name: row}`.
        loads: not supported (the sidecar parses the JSON); must be None.
    """

    sidecar_name = "quix"

    def __init__(self, column_name: str | None = None, loads: Callable[[Any], Any] | None = None) -> None:
        super().__init__(column_name=column_name)
        if loads is not None:
            raise NotSupportedError("QuixDeserializer(loads=...) is not supported: the sidecar parses JSON")

    @property
    def split_values(self) -> bool:
        """Each Quix message may hold several rows; each is processed as its own message."""
        return True


class QuixSerializer(Serializer):
    """Base of the Quix serializers.

    Args:
        as_legacy: write the legacy envelope `{"C":..,"K":..,"V":..,"S":..,"E":..}`
            and no headers. Default True, as in the seed.
        dumps: not supported (the sidecar writes the JSON); must be None.
    """

    _model_key = ""

    def __init__(self, as_legacy: bool = True, dumps: Callable[[Any], Any] | None = None) -> None:
        if dumps is not None:
            raise NotSupportedError(f"{type(self).__name__}(dumps=...) is not supported: the sidecar writes JSON")
        self.as_legacy = bool(as_legacy)

    @property
    def extra_headers(self) -> dict[str, str | bytes | None]:
        """The model key and codec headers, unless writing the legacy format."""
        return {} if self.as_legacy else {_MODEL_KEY: self._model_key, _CODEC_ID: "JT"}

    def _options(self) -> dict[str, str]:
        return {"as_legacy": "true" if self.as_legacy else "false"}


class QuixTimeseriesSerializer(QuixSerializer):
    """A row dict → Quix TimeseriesData JSON (the sidecar's "quix_timeseries").

    Numbers go to NumericValues, strings to StringValues, the "Tags" dict to
    TagValues, "Timestamp" to Timestamps; None values are omitted.
    """

    sidecar_name = "quix_timeseries"
    _model_key = "TimeseriesData"


class QuixEventsSerializer(QuixSerializer):
    """A row dict with "Id", "Value", "Tags", "Timestamp" → Quix EventData JSON (the sidecar's "quix_events")."""

    sidecar_name = "quix_events"
    _model_key = "EventData"

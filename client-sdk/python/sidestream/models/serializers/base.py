"""Serializer descriptors (mirrors `quixstreams.models.serializers.base`).

In sidestream, (de)serialization runs in the sidecar, so every SDK gets the same
formats. A serializer object here only *names* a sidecar serializer and its
options (the proto `SerdeSpec`). Subclasses with their own `__call__` would
need Python code in the sidecar's hot path and are not supported yet:
`Application.topic()` rejects them with a `NotSupportedError`.

Example:
    >>> from sidestream.models import StringDeserializer
    >>> StringDeserializer(codec="ascii").spec()
    ('string', {'codec': 'ascii'})
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from typing import Any, ClassVar

from sidestream.exceptions import NotSupportedError

__all__ = ["Serializer", "Deserializer", "SerializationContext", "SerdeSpecTuple"]

# (sidecar serializer name, options)
SerdeSpecTuple = tuple[str, dict[str, str]]

_BUILTIN_MODULE_PREFIX = "sidestream.models.serializers."
_SUPPORTED = "json, bytes, string, integer, double, quix, quix_timeseries, quix_events"


class SerializationContext:
    """Context of a (de)serialization: the topic and the message headers (seed API)."""

    __slots__ = ("headers", "topic")

    def __init__(self, topic: str, headers: Mapping[str, str | bytes | None] | None = None):
        self.topic = topic
        self.headers = headers


def _check_not_custom(obj: object, role: str) -> None:
    """Rejects user subclasses that override `__call__` (they would run Python code)."""
    for cls in type(obj).__mro__:
        if cls.__module__.startswith(_BUILTIN_MODULE_PREFIX):
            return
        if "__call__" in vars(cls):
            raise NotSupportedError(
                f"custom {role} {type(obj).__name__} is not supported yet: serialization runs "
                f"in the sidecar, which offers {_SUPPORTED}; pass one of those names or classes"
            )


class _SidecarSerde(abc.ABC):  # noqa: B024 - only subclasses name a serializer
    """Common part of serializers and deserializers: the sidecar serializer name."""

    # Name of the sidecar serializer; empty on the abstract bases.
    sidecar_name: ClassVar[str] = ""
    _role: ClassVar[str] = "serializer"

    def _options(self) -> dict[str, str]:
        return {}

    def spec(self) -> SerdeSpecTuple:
        """The sidecar serializer this object names: (name, options).

        Raises:
            NotSupportedError: for custom subclasses that can't run in the sidecar.
        """
        _check_not_custom(self, self._role)
        if not self.sidecar_name:
            raise NotSupportedError(f"{type(self).__qualname__} names no sidecar {self._role}; use one of {_SUPPORTED}")
        return self.sidecar_name, self._options()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise NotSupportedError(f"{type(self).__qualname__} is a descriptor: (de)serialization runs in the sidecar")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.spec() == other.spec()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        name, options = self.spec()
        return hash((name, tuple(sorted(options.items()))))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self._options().items())})"


class Deserializer(_SidecarSerde):
    """Base of deserializers: Kafka bytes → a value, in the sidecar.

    Args:
        column_name: if given, the deserialized value is wrapped into a dict
            `{column_name: value}`.
    """

    _role = "deserializer"

    def __init__(self, column_name: str | None = None, *args: Any, **kwargs: Any) -> None:
        self.column_name = column_name

    @property
    def split_values(self) -> bool:
        """Whether one message yields several values (the Quix formats)."""
        return False

    def _options(self) -> dict[str, str]:
        return {} if self.column_name is None else {"column_name": self.column_name}


class Serializer(_SidecarSerde):
    """Base of serializers: a value → Kafka bytes, in the sidecar."""

    _role = "serializer"

    @property
    def extra_headers(self) -> dict[str, str | bytes | None]:
        """Headers the serializer adds to produced messages (the Quix formats set some)."""
        return {}

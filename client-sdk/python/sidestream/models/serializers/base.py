"""Serializer descriptors and custom (de)serializers (mirrors `quixstreams.models.serializers.base`).

A built-in serializer object here only *names* a sidecar serializer and its
options (the proto `SerdeSpec`): the sidecar runs it, so every SDK gets the
same formats. A subclass with its own `__call__` is a *custom* (de)serializer
(the seed's way to read or write any format): the sidecar moves the raw bytes
and this SDK calls the object in the application process, batched like any
callback (see docs/serializers.md for what that costs).

Example:
    >>> from sidestream.models import StringDeserializer
    >>> StringDeserializer(codec="ascii").spec()
    ('string', {'codec': 'ascii'})
    >>> class Csv(Deserializer):
    ...     def __call__(self, value: bytes, ctx: SerializationContext):
    ...         return value.decode().split(",")
    >>> Csv().runs_in_client
    True
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


def _is_custom(obj: object) -> bool:
    """Whether `obj`'s class (or a user base of it) defines `__call__`: a custom
    (de)serializer that runs in the client."""
    for cls in type(obj).__mro__:
        if cls.__module__.startswith(_BUILTIN_MODULE_PREFIX):
            return False
        if "__call__" in vars(cls):
            return True
    return False


class _SidecarSerde(abc.ABC):  # noqa: B024 - only subclasses name a serializer
    """Common part of serializers and deserializers: the sidecar serializer name."""

    # Name of the sidecar serializer; empty on the abstract bases.
    sidecar_name: ClassVar[str] = ""
    _role: ClassVar[str] = "serializer"

    def _options(self) -> dict[str, str]:
        return {}

    @property
    def runs_in_client(self) -> bool:
        """True for a custom subclass with its own `__call__`: the SDK calls it,
        the sidecar only moves bytes."""
        return _is_custom(self)

    def spec(self) -> SerdeSpecTuple:
        """The sidecar serializer this object names: (name, options).

        Raises:
            NotSupportedError: a custom subclass (it names no sidecar serializer;
                see `runs_in_client`), or an abstract base.
        """
        if self.runs_in_client:
            raise NotSupportedError(f"{type(self).__qualname__} is a custom {self._role}: it runs in the client")
        if not self.sidecar_name:
            raise NotSupportedError(f"{type(self).__qualname__} names no sidecar {self._role}; use one of {_SUPPORTED}")
        return self.sidecar_name, self._options()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise NotSupportedError(f"{type(self).__qualname__} is a descriptor: (de)serialization runs in the sidecar")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        if self.runs_in_client:
            return self is other
        return self.spec() == other.spec()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        if self.runs_in_client:
            return id(self)
        name, options = self.spec()
        return hash((name, tuple(sorted(options.items()))))

    def __repr__(self) -> str:
        if self.runs_in_client:
            return f"<custom {self._role} {type(self).__qualname__}>"
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self._options().items())})"


class Deserializer(_SidecarSerde):
    """Base of deserializers: Kafka bytes → a value.

    Built-in subclasses name a sidecar deserializer. A custom subclass defines
    `__call__(self, value: bytes, ctx: SerializationContext)` and runs in the
    client (the seed's contract): it returns the value, or with `split_values`
    a list of values (one record each); raising `IgnoreMessage` drops the
    message; any other exception is a consumer error (`on_consumer_error`).
    It is not called for a null key or value, which stays None.

    Args:
        column_name: if given, the deserialized value is wrapped into a dict
            `{column_name: value}` (custom subclasses: via `self._to_dict`).

    Example:
        >>> class Csv(Deserializer):
        ...     def __call__(self, value, ctx):
        ...         return self._to_dict(value.decode().split(","))
        >>> topic = app.topic("lines", value_deserializer=Csv(column_name="fields"))
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

    def _to_dict(self, value: Any) -> Any:
        """`{column_name: value}` when a column name was given, else `value` (seed helper)."""
        column_name = getattr(self, "column_name", None)
        return {column_name: value} if column_name else value


class Serializer(_SidecarSerde):
    """Base of serializers: a value → Kafka bytes.

    Built-in subclasses name a sidecar serializer. A custom subclass defines
    `__call__(self, value, ctx: SerializationContext) -> bytes` and runs in the
    client just before `to_topic` produces; it must return bytes (or None for
    a null field), else the produce fails with a `SerializationError` offered
    to `on_producer_error`. It is not called for a None key or value. Its
    `extra_headers` are read once, when the pipeline is built, and added to
    every message it serializes.

    Example:
        >>> class Pipe(Serializer):
        ...     def __call__(self, value, ctx):
        ...         return "|".join(map(str, value)).encode()
        >>> out = app.topic("out", value_serializer=Pipe())
    """

    _role = "serializer"

    @property
    def extra_headers(self) -> dict[str, str | bytes | None]:
        """Headers the serializer adds to produced messages (the Quix formats set some)."""
        return {}

"""Exceptions of the sidestream SDK, all rooted in `SidestreamError`.

Example:
    >>> from sidestream.exceptions import SidestreamError, PipelineValidationError
    >>> try:
    ...     app.run(sdf)
    ... except PipelineValidationError as e:   # the sidecar rejected the graph
    ...     print(e)                           # names the step, e.g. "step 'to_topic-3': ..."
"""

from __future__ import annotations

__all__ = [
    "SidestreamError",
    "PipelineValidationError",
    "PipelineError",
    "NativeEvaluationError",
    "InvalidExpressionError",
    "SidecarUnavailableError",
    "BrokerUnavailableError",
    "NotSupportedError",
    "ProtocolError",
    "MessageContextNotSetError",
]


class SidestreamError(Exception):
    """Base class of every error raised by the sidestream SDK."""


class PipelineValidationError(SidestreamError):
    """The sidecar rejected the pipeline graph at registration (gRPC INVALID_ARGUMENT).

    The message is the sidecar's; it names the step at fault.
    """


class PipelineError(SidestreamError):
    """The pipeline stopped with an error reported by the sidecar.

    Raised by `Application.run()` when the sidecar stops the pipeline (e.g. a
    message that cannot be deserialized and no `on_consumer_error`), and by
    dry runs when a native step fails.

    Attributes:
        code: gRPC status code number of the error (e.g. 3 INVALID_ARGUMENT).
        step_id: id of the pipeline step at fault, "" when none.
        exception_type: exception type name when client code raised it.
        server_traceback: traceback text carried by the error, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        code: int = 0,
        step_id: str = "",
        exception_type: str = "",
        server_traceback: str = "",
    ) -> None:
        super().__init__(message)
        self.code = code
        self.step_id = step_id
        self.exception_type = exception_type
        self.server_traceback = server_traceback


class NativeEvaluationError(PipelineError):
    """A native step (a column expression evaluated by the sidecar) raised.

    The sidecar evaluates expressions with Python's semantics and names the
    Python exception it raised (`exception_type`, e.g. "KeyError"). For the
    builtin exceptions an expression can raise (KeyError, TypeError,
    ZeroDivisionError, IndexError, ValueError, OverflowError, AttributeError,
    NotImplementedError, MemoryError, RecursionError) the error is also an
    instance of that builtin, so `except KeyError:` catches a missing column
    as it would in plain Python. `str(exc)` is the sidecar's message, which
    names the step and the failing sub-expression.

    Example:
        >>> try:
        ...     sdf.test({"y": 1})          # sdf["z"] = sdf["x"] + 1
        ... except KeyError as e:
        ...     print(e)                    # processing ... failed at step 'assign-1': KeyError: 'x' in value['x']
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class InvalidExpressionError(SidestreamError, TypeError):
    """A column expression cannot be built as written, e.g. a literal JSON cannot
    carry (a set, bytes, NaN, an int beyond 64 bits), a projection key that is
    not a str, or `and`/`or`/`not`/`in`/`if` applied to a StreamingSeries.
    Raised when the expression is written, before anything runs.
    """


class SidecarUnavailableError(SidestreamError):
    """No sidecar answered at the configured address within the connect timeout."""


class BrokerUnavailableError(SidestreamError):
    """The sidecar could not reach the Kafka broker when the pipeline registered."""


class NotSupportedError(SidestreamError, NotImplementedError):
    """A seed (Quix Streams 2.x) feature this version of sidestream does not support yet."""


class ProtocolError(SidestreamError):
    """The sidecar sent something the protocol does not allow (a bug on one side)."""


class MessageContextNotSetError(SidestreamError):
    """`message_context()` or `message_key()` was called outside of message processing."""

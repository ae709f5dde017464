"""Conversions between Python exceptions and the proto `Error` (both directions)."""

from __future__ import annotations

import builtins
import traceback

from sidestream._rpc.sidestream.v1 import common_pb2
from sidestream.exceptions import NativeEvaluationError, PipelineError

__all__ = [
    "exception_type_name",
    "fill_error",
    "pipeline_error",
    "native_error_class",
    "CODE_UNKNOWN",
    "CODE_UNAVAILABLE",
]

CODE_UNKNOWN = 2
CODE_INVALID_ARGUMENT = 3
CODE_INTERNAL = 13
CODE_UNAVAILABLE = 14


def exception_type_name(exc: BaseException) -> str:
    """`ValueError` for builtins, `package.module.MyError` otherwise."""
    cls = type(exc)
    if cls.__module__ == "builtins":
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


def fill_error(
    err: common_pb2.Error,
    exc: BaseException,
    step_id: str,
    *,
    code: int = CODE_UNKNOWN,
    tb_text: str | None = None,
) -> None:
    """Describe `exc` (raised by client code at `step_id`) in `err`."""
    err.code = code
    err.message = str(exc) or exception_type_name(exc)
    err.step_id = step_id
    err.exception_type = exception_type_name(exc)
    err.traceback = tb_text if tb_text is not None else "".join(traceback.format_exception(exc))


# Python exceptions the sidecar's expression evaluator raises (by name).
_NATIVE_BUILTINS = (
    "KeyError",
    "TypeError",
    "ZeroDivisionError",
    "IndexError",
    "ValueError",
    "OverflowError",
    "AttributeError",
    "NotImplementedError",
    "MemoryError",
    "RecursionError",
)


def _native_class(name: str) -> type[NativeEvaluationError]:
    return type(
        f"Native{name}",
        (NativeEvaluationError, getattr(builtins, name)),
        {"__module__": "sidestream.exceptions", "__doc__": f"A native expression raised {name}."},
    )


_NATIVE_CLASSES: dict[str, type[NativeEvaluationError]] = {name: _native_class(name) for name in _NATIVE_BUILTINS}


def native_error_class(exception_type: str) -> type[NativeEvaluationError] | None:
    """The error class for a builtin exception name the sidecar reported, e.g.
    "KeyError" → a `NativeEvaluationError` that is also a `KeyError`; None for
    other names."""
    return _NATIVE_CLASSES.get(exception_type)


def pipeline_error(err: common_pb2.Error) -> PipelineError:
    """A `PipelineError` carrying what the sidecar reported; for a Python builtin
    exception named by the sidecar (a native expression's error), an instance of
    that builtin too (see `NativeEvaluationError`)."""
    cls: type[PipelineError] = native_error_class(err.exception_type) or PipelineError
    return cls(
        err.message or "the pipeline stopped with an error",
        code=err.code,
        step_id=err.step_id,
        exception_type=err.exception_type,
        server_traceback=err.traceback,
    )

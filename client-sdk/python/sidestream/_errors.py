"""Conversions between Python exceptions and the proto `Error` (both directions)."""

from __future__ import annotations

import traceback

from sidestream._rpc.sidestream.v1 import common_pb2
from sidestream.exceptions import PipelineError

__all__ = ["exception_type_name", "fill_error", "pipeline_error", "CODE_UNKNOWN", "CODE_UNAVAILABLE"]

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


def pipeline_error(err: common_pb2.Error) -> PipelineError:
    """A `PipelineError` carrying what the sidecar reported."""
    return PipelineError(
        err.message or "the pipeline stopped with an error",
        code=err.code,
        step_id=err.step_id,
        exception_type=err.exception_type,
        server_traceback=err.traceback,
    )

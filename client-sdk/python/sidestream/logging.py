"""Logging of the "sidestream" logger (mirrors `quixstreams.logging`).

Example:
    >>> from sidestream.logging import configure_logging
    >>> configure_logging("DEBUG")
    True
"""

from __future__ import annotations

import logging
import sys
from typing import Literal

__all__ = ["configure_logging", "LogLevel", "logger"]

LogLevel = Literal["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG", "NOTSET"]

logger = logging.getLogger("sidestream")

_FORMAT = "[%(asctime)s] [%(levelname)s] [sidestream] : %(message)s"
_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


def configure_logging(loglevel: str | None) -> bool:
    """Configure the "sidestream" logger to print to stderr at `loglevel`.

    If the logger already has handlers (logging was configured elsewhere, or
    this was called before), nothing changes and False is returned. With
    `loglevel=None` this is a no-op.

    Returns:
        True if the logging configuration was changed, otherwise False.
    """
    if loglevel is None or logger.handlers:
        return False
    handler = logging.StreamHandler(stream=sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT, _DATE_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(loglevel)
    return True

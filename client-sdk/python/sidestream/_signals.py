"""SIGINT/SIGTERM handling during `Application.run()`.

The first signal asks for a graceful stop (the run keeps serving the sidecar
until it confirms); a second one aborts at once (KeyboardInterrupt for SIGINT,
SystemExit(143) for SIGTERM). Handlers are installed only on the main thread
(Python allows no other) and the previous ones are restored afterwards.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

__all__ = ["stop_on_signals"]


@contextlib.contextmanager
def stop_on_signals(request_stop: Callable[[], None], logger: logging.Logger) -> Iterator[None]:
    """Within the block, SIGINT/SIGTERM call `request_stop` once, then abort."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = {"count": 0}

    def handler(signum: int, frame: FrameType | None) -> None:
        received["count"] += 1
        name = signal.Signals(signum).name
        if received["count"] == 1:
            logger.info("received %s: stopping gracefully (send it again to abort)", name)
            request_stop()
            return
        logger.warning("received %s again: aborting", name)
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise SystemExit(128 + signum)

    previous: dict[int, Any] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError, OSError):  # exotic embedders
            previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)

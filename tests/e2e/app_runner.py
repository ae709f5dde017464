"""`app.run(sdf)` on a thread, for in-process e2e tests that must never hang."""

from __future__ import annotations

import threading
from typing import Any

from sidestream import Application


class Runner:
    """Runs `app.run(sdf)` on a daemon thread; `join` returns what it raised."""

    def __init__(self, app: Application, sdf: Any) -> None:
        self.app = app
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(sdf,), daemon=True)
        self.thread.start()

    def _run(self, sdf: Any) -> None:
        try:
            self.app.run(sdf)
        except BaseException as e:  # handed to the test
            self.error = e

    def join(self, timeout: float) -> BaseException | None:
        self.thread.join(timeout)
        if self.thread.is_alive():
            self.app.stop()
            self.thread.join(30)
            raise AssertionError(f"app.run() did not return within {timeout}s")
        return self.error

    def stop(self) -> None:
        self.app.stop()
        assert self.join(30) is None, repr(self.error)

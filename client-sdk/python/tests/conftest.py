import os
import sys
from pathlib import Path

import pytest

# Tests import their helpers as `fixtures`.
sys.path.insert(0, os.path.dirname(__file__))

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def sidecar_address():
    """A real `sidestreamd` (SIDESTREAM_BIN, else <repo>/build/server/sidestreamd) on a free
    127.0.0.1 port, for the tests that evaluate expressions on the sidecar engine (dry runs)."""
    from sidestream._sidecar import EphemeralSidecar

    binary = os.environ.get("SIDESTREAM_BIN") or str(REPO / "build" / "server" / "sidestreamd")
    if not os.access(binary, os.X_OK):
        pytest.fail(f"sidestreamd not found at {binary}: build it (scripts/build.sh) or set SIDESTREAM_BIN")
    sidecar = EphemeralSidecar.start(binary)
    yield sidecar.address
    sidecar.stop()

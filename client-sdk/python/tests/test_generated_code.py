"""The committed stubs in sidestream/_rpc match proto/ (regenerated into a temp dir)."""

import filecmp
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent.parent
SCRIPT = HERE / "scripts" / "gen_proto.sh"
COMMITTED = HERE / "sidestream" / "_rpc" / "sidestream"


def _pinned_tools_version() -> str:
    text = (HERE / "requirements-dev.txt").read_text()
    m = re.search(r"^grpcio-tools==(\S+)", text, re.M)
    assert m, "requirements-dev.txt must pin grpcio-tools exactly"
    return m.group(1)


def test_generated_code_is_fresh(tmp_path):
    tools = pytest.importorskip("grpc_tools", reason="grpcio-tools (dev extra) is needed to regenerate")
    from importlib.metadata import version

    pinned = _pinned_tools_version()
    if version("grpcio-tools") != pinned:
        pytest.skip(f"grpcio-tools {version('grpcio-tools')} installed; the stubs are generated with {pinned}")
    assert tools
    subprocess.run(
        ["bash", str(SCRIPT), str(tmp_path)],
        check=True,
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
    )
    fresh = tmp_path / "sidestream"
    stale = []
    for sub in ("", "v1"):
        a, b = fresh / sub, COMMITTED / sub
        names = sorted({p.name for p in a.iterdir() if p.is_file()} | {p.name for p in b.iterdir() if p.is_file()})
        names = [n for n in names if not n.endswith(".pyc")]
        _, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
        stale += [f"{sub}/{n}" for n in mismatch + errors]
    assert not stale, f"stale generated code {stale}: run client-sdk/python/scripts/gen_proto.sh"


def test_stubs_import_from_the_private_path():
    from sidestream._rpc.sidestream.v1 import service_pb2_grpc, session_pb2

    assert session_pb2.DESCRIPTOR.package == "sidestream.v1"
    assert hasattr(service_pb2_grpc, "SidestreamStub")

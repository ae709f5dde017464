"""Acceptance: `sdf.test()` / `sdf.compile()` run on the sidecar engine (dry run, no Kafka)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sidestream import Application, message_context, message_key
from sidestream.core.stream.functions import Filtered
from sidestream.exceptions import PipelineValidationError
from sidestream.models import MessageContext, MessageTimestamp

pytestmark = pytest.mark.timeout(60)


def test_apply_filter_to_topic_through_the_sidecar(sidecar):
    app = Application(consumer_group="dry", sidecar_address=sidecar.address, loglevel=None)
    out = app.topic("out", key_serializer="string")
    sdf = app.dataframe(app.topic("in"))
    sdf = sdf.apply(lambda v: {**v, "total": v["qty"] * v["price"]})
    sdf = sdf.filter(lambda v: v["total"] >= 100)
    sdf.update(lambda v: v.setdefault("where", [message_context().topic, message_key()]))
    sdf = sdf.to_topic(out, key=lambda v: v["customer"])

    ctx = MessageContext("key-1", "orders", 2, 41, 10, MessageTimestamp.create(1, 1_700_000_000_000))
    assert sdf.test({"qty": 2, "price": 60, "customer": "c1"}, ctx=ctx) == {
        "qty": 2, "price": 60, "customer": "c1", "total": 120, "where": ["orders", "key-1"],
    }  # fmt: skip
    with pytest.raises(Filtered):
        sdf.test({"qty": 1, "price": 5, "customer": "c2"})

    compiled = sdf.compile()
    assert compiled({"qty": 10, "price": 10, "customer": "c3"})["total"] == 100


def test_function_errors_surface_as_the_original_exception(sidecar):
    app = Application(consumer_group="dry", sidecar_address=sidecar.address, loglevel=None)
    sdf = app.dataframe(app.topic("in")).apply(lambda v: v["missing"])
    with pytest.raises(KeyError, match="missing"):
        sdf.test({"present": 1})
    sdf.apply(lambda v: v)  # the dataframe changed: a new dry-run session is used
    with pytest.raises(KeyError):
        sdf.test({})


def test_invalid_graph_in_dry_run(sidecar):
    app = Application(consumer_group="dry", sidecar_address=sidecar.address, loglevel=None)
    sdf = app.dataframe(app.topic("in", value_deserializer="string")).to_topic(
        app.topic("out", value_serializer="integer")
    )
    built = sdf.build()
    built.pipeline.steps[0].to_topic.topic = "nowhere"
    sdf.build = lambda: built  # type: ignore[method-assign]
    with pytest.raises(PipelineValidationError, match="to_topic-1"):
        sdf.test("x")


def test_ephemeral_sidecar_when_none_is_configured(sidecar_bin, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SIDESTREAM_ADDRESS"}
    env["SIDESTREAM_BIN"] = sidecar_bin
    script = Path(__file__).resolve().parent / "apps" / "dry_run_app.py"
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=45)
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["two"] == 2 and result["filtered"] is True
    if result["ephemeral"]:  # (a sidecar already answering at 127.0.0.1:50051 is used instead)
        pid = result["pid"]
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower(), (
            "the ephemeral sidecar outlived the interpreter"
        )

"""SIGINT/SIGTERM during app.run(): the first stops gracefully, the second aborts."""

import logging
import os
import signal
import threading
import time

import pytest

from fixtures import FakeSidecar, Kind, plan, record, registered, stopped
from sidestream import Application
from sidestream._rpc.sidestream.v1 import session_pb2
from sidestream._signals import stop_on_signals

log = logging.getLogger("test")


def _deliver(sig):
    os.kill(os.getpid(), sig)
    time.sleep(0.1)  # the handler runs on the main thread at the next bytecode boundary


@pytest.mark.parametrize("sig, abort", [(signal.SIGINT, KeyboardInterrupt), (signal.SIGTERM, SystemExit)])
def test_first_signal_stops_second_aborts_and_handlers_are_restored(sig, abort):
    before = signal.getsignal(sig)
    calls = []
    with pytest.raises(abort), stop_on_signals(lambda: calls.append(1), log):
        _deliver(sig)
        assert calls == [1]
        _deliver(sig)
    assert calls == [1]
    assert signal.getsignal(sig) is before


def test_not_installed_off_the_main_thread():
    seen = []

    def body():
        with stop_on_signals(lambda: None, log):
            seen.append(signal.getsignal(signal.SIGINT))

    t = threading.Thread(target=body)
    t.start()
    t.join()
    assert seen == [signal.getsignal(signal.SIGINT)]


def test_sigterm_during_run_stops_gracefully():
    events = []

    def handler(requests, context):
        next(requests)
        yield registered(plan([(Kind.APPLY, "apply-1", "apply-1")]))
        m = session_pb2.ServerMessage()
        m.invoke.request_id = 1
        m.invoke.records.append(record(1))
        yield m
        for msg in requests:
            events.append(msg.WhichOneof("kind"))
            if msg.WhichOneof("kind") == "stop":
                break
        yield stopped()

    sidecar = FakeSidecar(handler)
    try:
        app = Application(consumer_group="g", loglevel=None, sidecar_address=sidecar.address)
        sdf = app.dataframe(app.topic("in")).apply(lambda v: v)
        threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM)).start()
        app.run(sdf)  # returns normally
        assert events == ["invoke_result", "stop"]
    finally:
        sidecar.stop()

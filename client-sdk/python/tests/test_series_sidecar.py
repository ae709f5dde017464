"""Column expressions evaluated by the real sidecar engine (dry runs): results,
filters, projections, client functions inside expressions, and native errors
raised as the Python exception."""

from __future__ import annotations

import pytest

from sidestream import Application
from sidestream.core.stream.functions import Filtered
from sidestream.dataframe import StreamingSeries
from sidestream.exceptions import NativeEvaluationError, PipelineError


@pytest.fixture
def app(sidecar_address):
    return Application(consumer_group="series", sidecar_address=sidecar_address, loglevel=None)


@pytest.fixture
def sdf(app):
    return app.dataframe(app.topic("in"))


def test_issue_pipeline(sdf):
    sdf = sdf[sdf["x"] > 0]
    sdf["z"] = sdf["x"] + sdf["y"]
    sdf = sdf[["x", "z"]]
    assert sdf.test({"x": 2, "y": 3, "other": [1]}) == {"x": 2, "z": 5}
    with pytest.raises(Filtered):
        sdf.test({"x": 0, "y": 3})
    run = sdf.compile()
    assert [run({"x": i, "y": 0.5}) for i in (1, 2)] == [{"x": 1, "z": 1.5}, {"x": 2, "z": 2.5}]


def test_dict_keys_keep_insertion_order(sdf):
    sdf["a"] = 1
    sdf = sdf[["c", "a", "b"]]
    out = sdf.test({"b": 2, "c": 3})
    assert list(out) == ["c", "a", "b"]


def test_series_test_evaluates_only_the_series(sdf, sidecar_address, monkeypatch):
    sdf = sdf.apply(lambda v: {"x": v["x"] * 100})  # not part of the series' own test
    s = sdf["x"] * 2 + 1
    assert s.test({"x": 20}) == 41
    assert s.compile()({"x": 0.5}) == 2.0
    monkeypatch.setenv("SIDESTREAM_ADDRESS", sidecar_address)
    assert StreamingSeries("k").test({"k": [1]}) == [1]  # a standalone series (seed constructor)


def test_client_functions_inside_expressions(sdf):
    calls = []

    def f(v):
        calls.append(v)
        return v * 10

    sdf["z"] = (sdf["x"] + sdf["y"]).apply(f).apply(str) + "!"
    sdf["n"] = sdf.apply(len)
    assert sdf.test({"x": 1, "y": 2}) == {"x": 1, "y": 2, "z": "30!", "n": 3}
    assert calls == [3]


def test_dataframe_methods_return_views_of_one_pipeline(sdf):
    sdf.update(lambda v: v.append(len(v)))
    sdf = sdf[sdf[0] == "a"]
    assert sdf.test(["a"]) == ["a", 1]
    with pytest.raises(Filtered):
        sdf.test(["b"])


def test_series_to_topic(app, sdf):
    sdf = (sdf["price"] * sdf["qty"]).to_topic(app.topic("totals"))
    assert sdf.test({"price": 2.5, "qty": 4}) == 10.0
    assert [(p.topic, p.value) for p in sdf._dry_runner()._output.produced] == [("totals", b"10.0")]


@pytest.mark.parametrize(
    ("make", "value", "exc", "text"),
    [
        (lambda s: s["x"] + 1, {}, KeyError, "KeyError: 'x' in value['x']"),
        (lambda s: s["x"] + 1, {"x": "a"}, TypeError, 'can only concatenate str (not "int") to str'),
        (lambda s: s["x"] // 0, {"x": 1}, ZeroDivisionError, "integer division or modulo by zero"),
        (lambda s: s["x"][5], {"x": [1]}, IndexError, "list index out of range"),
        (lambda s: s["x"] ** 0.5, {"x": -1}, ValueError, "complex result not supported"),
        (lambda s: s["x"] * 2**62, {"x": 8}, OverflowError, "integer result exceeds 64 bits"),
        (lambda s: s["x"] % 1, {"x": "%d"}, NotImplementedError, "printf-style"),
        (lambda s: s["x"] * 2**40, {"x": "ab"}, MemoryError, "sidestream limit"),
    ],
)
def test_native_errors_are_python_exceptions(sdf, make, value, exc, text):
    s = make(sdf)
    with pytest.raises(exc) as info:
        s.test(value)
    assert isinstance(info.value, NativeEvaluationError) and info.value.step_id == "map_expr-1"
    assert text in str(info.value) and "step 'map_expr-1'" in str(info.value)
    sdf["out"] = s
    with pytest.raises(exc, match="assign-1"):
        sdf.test(value)


def test_client_exception_inside_an_expression_is_the_original(sdf):
    class Kaput(Exception):
        pass

    def boom(v):
        raise Kaput(f"no {v}")

    sdf["z"] = sdf["x"].apply(boom) + 1
    with pytest.raises(Kaput, match="no 3"):
        sdf.test({"x": 3})


def test_assign_to_a_non_dict_is_a_type_error(sdf):
    sdf["z"] = 1
    with pytest.raises(TypeError, match="does not support item assignment") as info:
        sdf.test([1])
    assert isinstance(info.value, PipelineError)


def test_chained_series_applies_are_one_client_call(sdf):
    sdf["z"] = sdf["x"].apply(str).apply(len) + sdf["y"].apply(abs)
    assert sdf.test({"x": 12345, "y": -2}) == {"x": 12345, "y": -2, "z": 7}
    plan = sdf._dry_runner()._session.registered.plan
    ops = sorted([op.function.function_id for op in seg.ops] for seg in plan.segments)
    assert ops == [["assign-1.apply-1", "assign-1.apply-2"], ["assign-1.apply-3"]]

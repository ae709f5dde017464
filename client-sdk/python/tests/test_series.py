"""Column expressions → proto: every operator and method, reflected operators,
literals, nesting, the dataframe's native steps, and the errors raised while
an expression is written (no server)."""

import builtins
import json
import math

import pytest

from sidestream import Application
from sidestream._errors import pipeline_error
from sidestream._rpc.sidestream.v1 import common_pb2, pipeline_pb2
from sidestream.dataframe import StreamingDataFrame, StreamingSeries
from sidestream.dataframe.expressions import literal_json
from sidestream.exceptions import (
    InvalidExpressionError,
    NativeEvaluationError,
    NotSupportedError,
    PipelineError,
    SidestreamError,
)
from sidestream.stats import RunStats

U = pipeline_pb2.UnaryExpr
B = pipeline_pb2.BinaryExpr


def sx(e: pipeline_pb2.Expr):
    """A compact, comparable form of an Expr proto."""
    kind = e.WhichOneof("kind")
    if kind == "value":
        return "value"
    if kind == "literal":
        return ("lit", e.literal.json.decode())
    if kind == "get_item":
        return ("get", sx(e.get_item.operand), e.get_item.key.json.decode())
    if kind == "unary":
        return (U.Op.Name(e.unary.op), sx(e.unary.operand))
    if kind == "binary":
        return (B.Op.Name(e.binary.op), sx(e.binary.left), sx(e.binary.right))
    if kind == "apply":
        return ("apply", sx(e.apply.operand), e.apply.function.function_id)
    raise AssertionError(f"no kind set in {e}")


X = ("get", "value", '"x"')
Y = ("get", "value", '"y"')


@pytest.fixture
def app():
    return Application(consumer_group="g", loglevel=None)


@pytest.fixture
def sdf(app):
    return app.dataframe(app.topic("in"))


def expr_of(sdf: StreamingDataFrame, series: StreamingSeries):
    """The Expr of `series` as the pipeline would carry it (an assign step)."""
    sdf["out"] = series
    step = sdf.build().pipeline.steps[-1]
    assert step.WhichOneof("kind") == "assign" and step.assign.column == "out"
    return sx(step.assign.expr)


# -- operators -------------------------------------------------------------

BINARY = [
    (lambda a, b: a + b, "ADD"),
    (lambda a, b: a - b, "SUB"),
    (lambda a, b: a * b, "MUL"),
    (lambda a, b: a / b, "TRUEDIV"),
    (lambda a, b: a // b, "FLOORDIV"),
    (lambda a, b: a % b, "MOD"),
    (lambda a, b: a**b, "POW"),
    (lambda a, b: a == b, "EQ"),
    (lambda a, b: a != b, "NE"),
    (lambda a, b: a < b, "LT"),
    (lambda a, b: a <= b, "LE"),
    (lambda a, b: a > b, "GT"),
    (lambda a, b: a >= b, "GE"),
    (lambda a, b: a & b, "AND"),
    (lambda a, b: a | b, "OR"),
    (lambda a, b: a.is_(b), "IS"),
    (lambda a, b: a.isnot(b), "ISNOT"),
    (lambda a, b: a.contains(b), "CONTAINS"),
    (lambda a, b: a.isin(b), "ISIN"),
]


@pytest.mark.parametrize(("op", "name"), BINARY, ids=[n for _, n in BINARY])
def test_binary_between_series(sdf, op, name):
    assert expr_of(sdf, op(sdf["x"], sdf["y"])) == (name, X, Y)


@pytest.mark.parametrize(("op", "name"), BINARY, ids=[n for _, n in BINARY])
def test_binary_with_a_literal_on_the_right(sdf, op, name):
    assert expr_of(sdf, op(sdf["x"], 2)) == (name, X, ("lit", "2"))


REFLECTED = [
    (lambda s: 1 + s, "ADD"),
    (lambda s: 1 - s, "SUB"),
    (lambda s: 2 * s, "MUL"),
    (lambda s: 1 / s, "TRUEDIV"),
    (lambda s: 1 // s, "FLOORDIV"),
    (lambda s: 1 % s, "MOD"),
    (lambda s: 1**s, "POW"),
    (lambda s: 1 & s, "AND"),
    (lambda s: 1 | s, "OR"),
]


@pytest.mark.parametrize(("op", "name"), REFLECTED, ids=[n for _, n in REFLECTED])
def test_reflected_operators_keep_the_literal_on_the_left(sdf, op, name):
    assert expr_of(sdf, op(sdf["x"])) == (name, ("lit", "1" if name != "MUL" else "2"), X)


def test_reflected_sequences_and_dicts(sdf):
    assert expr_of(sdf, [1] + sdf["x"]) == ("ADD", ("lit", "[1]"), X)
    assert expr_of(sdf, "ab" * sdf["x"]) == ("MUL", ("lit", '"ab"'), X)
    assert expr_of(sdf, {"a": 1} | sdf["x"]) == ("OR", ("lit", '{"a":1}'), X)


def test_reflected_comparisons_are_mirrored(sdf):
    # `1 < s` is evaluated by Python as `s > 1`, which has the same result.
    assert expr_of(sdf, 1 < sdf["x"]) == ("GT", X, ("lit", "1"))  # noqa: SIM300
    assert expr_of(sdf, 1 == sdf["x"]) == ("EQ", X, ("lit", "1"))  # noqa: SIM300


@pytest.mark.parametrize(
    ("op", "name"),
    [
        (lambda s: -s, "NEG"),
        (lambda s: ~s, "INVERT"),
        (lambda s: abs(s), "ABS"),
        (lambda s: s.abs(), "ABS"),
        (lambda s: s.isnull(), "ISNULL"),
        (lambda s: s.notnull(), "NOTNULL"),
    ],
)
def test_unary(sdf, op, name):
    assert expr_of(sdf, op(sdf["x"])) == (name, X)


def test_nesting_and_list_index(sdf):
    s = sdf["a"]["b"][0][-1]
    assert expr_of(sdf, s) == ("get", ("get", ("get", ("get", "value", '"a"'), '"b"'), "0"), "-1")


def test_operator_precedence_is_pythons(sdf):
    s = sdf["x"] + sdf["y"] * 2 >= -(sdf["x"] ** 2)
    assert expr_of(sdf, s) == (
        "GE",
        ("ADD", X, ("MUL", Y, ("lit", "2"))),
        ("NEG", ("POW", X, ("lit", "2"))),
    )
    both = (sdf["x"] > 0) & (sdf["y"] < 0) | sdf["z"].isnull()
    assert expr_of(sdf, both) == (
        "OR",
        ("AND", ("GT", X, ("lit", "0")), ("LT", Y, ("lit", "0"))),
        ("ISNULL", ("get", "value", '"z"')),
    )


def test_dataframe_contains_is_key_in_value(sdf):
    assert expr_of(sdf, sdf.contains("k")) == ("CONTAINS", "value", ("lit", '"k"'))


def test_isin_takes_tuples_and_sets_as_lists(sdf):
    assert expr_of(sdf, sdf["x"].isin((1, 2))) == ("ISIN", X, ("lit", "[1,2]"))
    assert expr_of(sdf, sdf["x"].isin({3})) == ("ISIN", X, ("lit", "[3]"))


def test_series_constructor_and_from_func():
    assert StreamingSeries("a").node == StreamingSeries(node=StreamingSeries()["a"].node).node
    assert "apply" in repr(StreamingSeries.from_func(len))


def test_repr_is_python_like(sdf):
    s = (sdf["x"] + 1).apply(str).contains("1") & ~sdf["y"].isnull()
    assert repr(s) == "<StreamingSeries ('1' in (value['x'] + 1).apply(str)) & ~(value['y'] is None)>"


# -- literals --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (True, "true"),
        (0, "0"),
        (-7, "-7"),
        (2**63 - 1, "9223372036854775807"),
        (2**64 - 1, "18446744073709551615"),
        (-(2**63), "-9223372036854775808"),
        (1.0, "1.0"),
        (-0.0, "-0.0"),
        (1e20, "1e+20"),
        (0.1, "0.1"),
        (5e-324, "5e-324"),
        ('é\n"', '"é\\n\\""'),
        ([1, [2.5, None]], "[1,[2.5,null]]"),
        ({"a": {"b": [True]}}, '{"a":{"b":[true]}}'),
    ],
)
def test_literals_are_exact_json(value, text):
    assert literal_json(value).decode() == text
    parsed = json.loads(text)
    assert parsed == value and type(parsed) is type(value)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ({1, 2}, "set"),
        ((1, 2), "tuple"),
        (b"x", "bytes"),
        (float("nan"), "NaN"),
        (math.inf, "NaN and infinities"),
        (2**64, "64 bits"),
        (-(2**63) - 1, "64 bits"),
        ({1: "a"}, "not a str"),
        ([1, object()], r"literal\[1\]"),
        ({"a": [1, {"b": b"x"}]}, r"literal\['a'\]\[1\]\['b'\]"),
    ],
)
def test_bad_literals_fail_when_written(sdf, value, why):
    with pytest.raises(InvalidExpressionError, match=why):
        sdf["x"] + value
    with pytest.raises(InvalidExpressionError):
        sdf["y"] = value
    assert issubclass(InvalidExpressionError, SidestreamError) and issubclass(InvalidExpressionError, TypeError)


@pytest.mark.parametrize("key", [True, 1.5, None, (1,), 2**63])
def test_bad_column_keys(sdf, key):
    with pytest.raises(InvalidExpressionError):
        sdf["a"][key]


def test_bool_and_in_and_iteration_are_errors(sdf):
    s = sdf["x"] > 0
    with pytest.raises(InvalidExpressionError, match=r"use `&` and `\|`"):
        bool(s)
    with pytest.raises(InvalidExpressionError):
        s and s  # noqa: B018
    with pytest.raises(InvalidExpressionError):
        not s  # noqa: B018
    with pytest.raises(InvalidExpressionError, match=r"series.contains\(x\)"):
        1 in s  # noqa: B015
    with pytest.raises(InvalidExpressionError, match="not iterable"):
        list(s)
    with pytest.raises(InvalidExpressionError):
        if s:
            pass
    with pytest.raises(TypeError):
        hash(s)
    with pytest.raises(InvalidExpressionError, match="modulo"):
        pow(s, 2, 3)
    with pytest.raises(InvalidExpressionError, match="StreamingDataFrame cannot be an operand"):
        s + sdf
    with pytest.raises(TypeError):
        sdf["x"].apply(3)


# -- dataframe steps -------------------------------------------------------


def kinds(sdf):
    return [(s.id, s.input, s.WhichOneof("kind")) for s in sdf.build().pipeline.steps]


def test_filter_assign_project(sdf):
    sdf = sdf[sdf["x"] > 0]
    sdf["z"] = sdf["x"] + sdf["y"]
    sdf["const"] = {"k": [1.5]}
    sdf = sdf[["x", "z", "x"]]
    p = sdf.build().pipeline
    assert kinds(sdf) == [
        ("filter_expr-1", "in", "filter_expr"),
        ("assign-2", "filter_expr-1", "assign"),
        ("assign-3", "assign-2", "assign"),
        ("project-4", "assign-3", "project"),
    ]
    assert sx(p.steps[0].filter_expr.predicate) == ("GT", X, ("lit", "0"))
    assert sx(p.steps[1].assign.expr) == ("ADD", X, Y)
    assert sx(p.steps[2].assign.expr) == ("lit", '{"k":[1.5]}')
    assert list(p.steps[3].project.columns) == ["x", "z"]  # a repeated key is kept once


def test_projection_errors_and_empty_projection(sdf):
    with pytest.raises(InvalidExpressionError, match="must be str"):
        sdf[["a", 1]]
    with pytest.raises(InvalidExpressionError):
        sdf[("a", "b")]
    sdf = sdf[[]]
    step = sdf.build().pipeline.steps[0]
    assert step.WhichOneof("kind") == "map_expr" and sx(step.map_expr.expr) == ("lit", "{}")


def test_assignment_key_must_be_str(sdf):
    with pytest.raises(InvalidExpressionError):
        sdf[0] = 1


def test_series_to_topic_and_run_as_series(app, sdf):
    out = app.topic("out")
    sdf2 = (sdf["x"] * 2).to_topic(out)
    assert isinstance(sdf2, StreamingDataFrame)
    assert kinds(sdf2) == [("map_expr-1", "in", "map_expr"), ("to_topic-2", "map_expr-1", "to_topic")]
    built = sdf["y"].build()  # app.run(series): the dataframe's steps, then the series as the value
    assert [s.WhichOneof("kind") for s in built.pipeline.steps] == ["map_expr", "to_topic", "map_expr"]
    with pytest.raises(SidestreamError, match="not taken from a dataframe"):
        StreamingSeries("x").build()


def test_series_apply_function_ids(sdf):
    f, g, h = (lambda v: v), (lambda v: v), (lambda v: v)
    sdf["a"] = sdf["x"].apply(f).apply(g) + sdf["y"].apply(h)
    built = sdf.build()
    assert sx(built.pipeline.steps[0].assign.expr) == (
        "ADD",
        ("apply", ("apply", X, "assign-1.apply-1"), "assign-1.apply-2"),
        ("apply", Y, "assign-1.apply-3"),
    )
    assert built.functions == {"assign-1.apply-1": f, "assign-1.apply-2": g, "assign-1.apply-3": h}
    ref = built.pipeline.steps[0].assign.expr.binary.right.apply.function
    assert ref.display_name.endswith("<lambda>") and not ref.stateful


def test_stateful_series_apply_is_marked_in_the_graph(sdf):
    sdf["a"] = sdf["x"].apply(len, stateful=True)
    assert sdf.build().pipeline.steps[0].assign.expr.apply.function.stateful


def test_mixed_chain(sdf):
    f = str
    sdf["z"] = (sdf["x"] + sdf["y"]).apply(f) + 1
    assert sx(sdf.build().pipeline.steps[0].assign.expr) == (
        "ADD",
        ("apply", ("ADD", X, Y), "assign-1.apply-1"),
        ("lit", "1"),
    )


# -- sdf["x"] = sdf.apply(f) -----------------------------------------------


def test_dataframe_apply_as_a_column_value(sdf):
    sdf.update(print)
    sdf["n"] = sdf.apply(len)
    built = sdf.build()
    assert kinds(sdf) == [("update-1", "in", "update"), ("assign-2", "update-1", "assign")]
    assert sx(built.pipeline.steps[1].assign.expr) == ("apply", "value", "assign-2.apply-1")
    assert built.functions["assign-2.apply-1"] is len


def test_chained_dataframe_applies_as_a_column_value(sdf):
    sdf = sdf.apply(str.strip)  # a step of its own
    sdf["n"] = sdf.apply(str).apply(len)  # x = len(str(value)); value unchanged
    p = sdf.build().pipeline
    assert [s.WhichOneof("kind") for s in p.steps] == ["apply", "assign"]
    assert sx(p.steps[1].assign.expr) == ("apply", ("apply", "value", "assign-2.apply-1"), "assign-2.apply-2")


def test_bare_apply_is_still_a_step(sdf):
    sdf.apply(len)
    assert kinds(sdf) == [("apply-1", "in", "apply")]


def test_dataframe_value_errors(app, sdf):
    pending = sdf.apply(len)
    sdf.update(print)  # recorded after the apply
    with pytest.raises(InvalidExpressionError, match="right after"):
        sdf["n"] = pending
    once = sdf.apply(len)
    sdf["n"] = once
    with pytest.raises(InvalidExpressionError, match="only once"):
        sdf["m"] = once
    with pytest.raises(InvalidExpressionError, match=r"filter\(\)"):
        sdf["n"] = sdf.filter(bool).apply(len)
    with pytest.raises(InvalidExpressionError, match="own column"):
        sdf["n"] = sdf
    other = app.dataframe(app.topic("other"))
    with pytest.raises(InvalidExpressionError, match="this dataframe's"):
        sdf["n"] = other.apply(len)


def test_views_share_one_chain(sdf):
    a = sdf.apply(len)
    b = sdf.filter(bool)
    assert a.steps == b.steps == sdf.steps and len(sdf.steps) == 2


# -- errors and stats ------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
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
    ],
)
def test_native_errors_are_the_python_exception(name):
    err = common_pb2.Error(code=3, message=f"failed at step 'assign-1': {name}: boom", step_id="assign-1")
    err.exception_type = name
    exc = pipeline_error(err)
    assert isinstance(exc, getattr(builtins, name))
    assert isinstance(exc, NativeEvaluationError) and isinstance(exc, PipelineError)
    assert str(exc) == err.message and exc.step_id == "assign-1" and exc.exception_type == name


def test_other_errors_stay_pipeline_errors():
    exc = pipeline_error(common_pb2.Error(code=13, message="broken", exception_type="mymod.Kaput"))
    assert type(exc) is PipelineError
    assert type(pipeline_error(common_pb2.Error(code=13, message="x"))) is PipelineError


def test_run_stats_from_proto_and_sum():
    from sidestream._rpc.sidestream.v1 import session_pb2

    st = RunStats.from_proto(session_pb2.PipelineStats(consumed=3, produced=2, invocations=1, native_evaluations=9))
    assert st == RunStats(consumed=3, produced=2, invocations=1, native_evaluations=9)
    assert (st + st).native_evaluations == 18

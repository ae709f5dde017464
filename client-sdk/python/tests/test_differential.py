"""Randomized differential test: the sidecar's native evaluation against plain Python.

Random expression trees (depth <= 4) are written twice from one abstract tree:
as a StreamingSeries (with the SDK's operators and methods, so the expression
builder is under test too) and as a Python closure applying the same Python
operators to real values. Each series is evaluated by the sidecar over many
random JSON values in one dry-run session. Results must be identical (types
included: 1 is not 1.0 nor True; floats compared exactly, NaN equal to NaN,
-0.0 distinct from 0.0, dict key order compared), or both sides must raise the
same exception class.

Cases in the documented divergence set are excluded by construction: the
Python closure raises `Excluded` before or after any operation whose Python
result the sidecar deliberately does not reproduce (ints beyond 64 bits — here
kept far below —, complex powers, `is` between values other than None/bools,
`str % x`, huge repetitions, non-finite floats).

Seeded (SIDESTREAM_DIFF_SEED, default 20261125); SIDESTREAM_DIFF_CASES sets
the number of expressions (default 160, ~12 values each).
"""

from __future__ import annotations

import math
import operator
import os
import random
from collections.abc import Callable
from typing import Any

import pytest

from sidestream import Application
from sidestream.dataframe import StreamingSeries

SEED = int(os.environ.get("SIDESTREAM_DIFF_SEED", "20261125"))
N_EXPRESSIONS = int(os.environ.get("SIDESTREAM_DIFF_CASES", "160"))
VALUES_PER_EXPRESSION = 12
MAX_DEPTH = 4

# Columns have a usual type (so that many cases compute a value) and sometimes another.
KEYS = ["i", "f", "s", "l", "d", "é"]
INNER_KEYS = ["a", "x"]
STRINGS = ["", "a", "ab", "ba", "é", "aé", "%", "a%b", "x"]
FLOATS = [0.0, -0.0, 0.5, -2.5, 1.25, 3.0, -7.0, 1e-3, 1e10, 2.5e-7]


class Excluded(Exception):
    """The case is in the documented divergence set."""


# -- random values -----------------------------------------------------------


def rand_scalar(rng: random.Random) -> Any:
    kind = rng.random()
    if kind < 0.35:
        return rng.randint(-12, 12)
    if kind < 0.45:
        return rng.randint(-1000, 1000)
    if kind < 0.62:
        return rng.choice(FLOATS) if rng.random() < 0.6 else round(rng.uniform(-50, 50), rng.randint(0, 6))
    if kind < 0.72:
        return rng.random() < 0.5
    if kind < 0.8:
        return None
    return rng.choice(STRINGS)


def rand_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.random()
    if depth >= 2 or kind < 0.6:
        return rand_scalar(rng)
    if kind < 0.8:
        return [rand_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {k: rand_value(rng, depth + 1) for k in rng.sample([*INNER_KEYS, "b"], rng.randint(0, 3))}


def rand_number(rng: random.Random) -> Any:
    return rng.randint(-12, 12) if rng.random() < 0.5 else rand_scalar(rng)


def rand_column(rng: random.Random, key: str) -> Any:
    if key == "é" or rng.random() < 0.2:
        return rand_value(rng)
    if key == "i":
        return rng.randint(-12, 12) if rng.random() < 0.8 else rng.random() < 0.5
    if key == "f":
        return rng.choice(FLOATS) if rng.random() < 0.5 else round(rng.uniform(-50, 50), rng.randint(0, 6))
    if key == "s":
        return rng.choice(STRINGS)
    if key == "l":
        return [rand_number(rng) for _ in range(rng.randint(1, 4))]
    return {k: rand_number(rng) for k in rng.sample([*INNER_KEYS, "b"], rng.randint(2, 3))}


def rand_record(rng: random.Random) -> dict[str, Any]:
    return {k: rand_column(rng, k) for k in KEYS if rng.random() < 0.95}


# -- random expressions --------------------------------------------------------
# Abstract trees: ("col", k) ("col2", k, key) ("lit", v) ("has", k) ("un", op, t)
# ("bin", op, l, r) ("meth", name, l, r) ("get", t, key) ("apply", t, fname)

BIN_OPS = ["+", "-", "*", "/", "//", "%", "**", "==", "!=", "<", "<=", ">", ">=", "&", "|"]
METHODS = ["is_", "isnot", "contains", "isin"]
UNARY = ["neg", "invert", "abs", "isnull", "notnull"]


def _wrap(v: Any) -> list[Any]:
    return [v]


APPLY_FUNCS: dict[str, Callable[[Any], Any]] = {"len": len, "str": str, "wrap": _wrap, "not": operator.not_}


def rand_key(rng: random.Random, column: str = "") -> str | int:
    if column == "l" or (column != "d" and rng.random() < 0.5):
        return rng.randint(-2, 2) if rng.random() < 0.9 else rng.randint(-5, 5)
    return rng.choice(INNER_KEYS)


def rand_tree(rng: random.Random, depth: int, need_series: bool = True) -> tuple:
    if depth == 0 or rng.random() < 0.2:
        r = rng.random()
        if not need_series and r < 0.3:
            return ("lit", rand_value(rng, 1))
        if r < 0.75:
            return ("col", rng.choice(KEYS))
        if r < 0.93:
            column = rng.choice(["l", "d", "l", "d", "s", "é"])
            return ("col2", column, rand_key(rng, column))
        return ("has", rng.choice([*KEYS, "zz"]))
    r = rng.random()
    if r < 0.5:
        op = rng.choice(BIN_OPS)
        left = rand_tree(rng, depth - 1, need_series=False)
        if op == "%" and left[0] == "lit" and isinstance(left[1], str):
            left = rand_tree(rng, depth - 1)  # 'text' % series is Python's own formatting, done at once
        right = rand_tree(rng, depth - 1, need_series=left[0] == "lit")
        return ("bin", op, left, right)
    if r < 0.65:
        return ("meth", rng.choice(METHODS), rand_tree(rng, depth - 1), rand_tree(rng, depth - 1, need_series=False))
    if r < 0.8:
        return ("un", rng.choice(UNARY), rand_tree(rng, depth - 1))
    if r < 0.92:  # mostly on containers: subscripting anything else is a TypeError
        inner = rng.choice([("col", "l"), ("col", "d"), ("apply", rand_tree(rng, depth - 1), "wrap")])
        if rng.random() < 0.25:
            inner = rand_tree(rng, depth - 1)
        column = "l" if inner[0] == "apply" else inner[1] if inner[0] == "col" else ""
        return ("get", inner, 0 if inner[0] == "apply" else rand_key(rng, column))
    return ("apply", rand_tree(rng, depth - 1), rng.choice(sorted(APPLY_FUNCS)))


_PY_BIN: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "**": operator.pow,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "&": operator.and_,
    "|": operator.or_,
}


def to_series(tree: tuple, sdf: Any) -> Any:
    """The tree written with the SDK (a StreamingSeries, or a literal)."""
    kind = tree[0]
    if kind == "lit":
        return tree[1]
    if kind == "col":
        return sdf[tree[1]]
    if kind == "col2":
        return sdf[tree[1]][tree[2]]
    if kind == "has":
        return sdf.contains(tree[1])
    if kind == "un":
        s = to_series(tree[2], sdf)
        if tree[1] == "isnull":
            return s.isnull()
        if tree[1] == "notnull":
            return s.notnull()
        return {"neg": operator.neg, "invert": operator.invert, "abs": abs}[tree[1]](s)
    if kind == "bin":
        return _PY_BIN[tree[1]](to_series(tree[2], sdf), to_series(tree[3], sdf))
    if kind == "meth":
        return getattr(to_series(tree[2], sdf), tree[1])(to_series(tree[3], sdf))
    if kind == "get":
        return to_series(tree[1], sdf)[tree[2]]
    return to_series(tree[1], sdf).apply(APPLY_FUNCS[tree[2]])


# -- the Python side -----------------------------------------------------------


def _check(result: Any) -> Any:
    if isinstance(result, complex):
        raise Excluded("complex result")
    if isinstance(result, int) and not isinstance(result, bool) and abs(result) >= 2**62:
        raise Excluded("int beyond the kept range")
    if isinstance(result, float) and not math.isfinite(result):
        raise Excluded("non-finite float")
    return result


def _size(x: Any) -> int:
    return len(x) if isinstance(x, (str, list)) else 0


def py_binary(op: str, x: Any, y: Any) -> Any:
    if op == "**":
        numbers = all(isinstance(v, (int, float)) for v in (x, y))
        if numbers and isinstance(y, int) and abs(y) > 64 and abs(x) > 1:
            raise Excluded("huge power")
        if numbers and x < 0 and isinstance(y, float) and y != int(y):
            raise Excluded("complex power")
    if op == "*":
        seq, n = (x, y) if _size(x) or isinstance(x, (str, list)) else (y, x)
        if isinstance(seq, (str, list)) and isinstance(n, int) and _size(seq) * n > 10_000:
            raise Excluded("huge repetition")
    if op == "%" and isinstance(x, str):
        raise Excluded("printf-style formatting")
    return _check(_PY_BIN[op](x, y))


def py_is(x: Any, y: Any, negate: bool) -> bool:
    if not (x is None or y is None or isinstance(x, bool) or isinstance(y, bool)):
        raise Excluded("identity of values other than None and bools")
    return (x is not y) if negate else (x is y)


def to_python(tree: tuple) -> Callable[[Any], Any]:
    """The tree as a closure over a value, with Python's own operators."""
    kind = tree[0]
    if kind == "lit":
        lit = tree[1]
        return lambda v: lit
    if kind == "col":
        k = tree[1]
        return lambda v: v[k]
    if kind == "col2":
        k, k2 = tree[1], tree[2]
        return lambda v: v[k][k2]
    if kind == "has":
        k = tree[1]
        return lambda v: k in v
    if kind == "un":
        f = to_python(tree[2])
        op = {
            "neg": operator.neg,
            "invert": operator.invert,
            "abs": abs,
            "isnull": lambda x: x is None,
            "notnull": lambda x: x is not None,
        }[tree[1]]
        return lambda v: _check(op(f(v)))
    if kind == "bin":
        op, fl, fr = tree[1], to_python(tree[2]), to_python(tree[3])

        def binary(v: Any) -> Any:
            x = fl(v)
            return py_binary(op, x, fr(v))

        return binary
    if kind == "meth":
        name, fl, fr = tree[1], to_python(tree[2]), to_python(tree[3])

        def method(v: Any) -> Any:
            x = fl(v)
            y = fr(v)
            if name in ("is_", "isnot"):
                return py_is(x, y, negate=name == "isnot")
            if name == "contains":
                return y in x
            return x in (list(y) if isinstance(y, (tuple, set)) else y)

        return method
    if kind == "get":
        f, key = to_python(tree[1]), tree[2]
        return lambda v: f(v)[key]
    f, func = to_python(tree[1]), APPLY_FUNCS[tree[2]]
    return lambda v: _check(func(f(v)))


# -- comparison ----------------------------------------------------------------


def same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


def outcome(func: Callable[[Any], Any], value: Any) -> tuple[str, Any]:
    try:
        return ("value", func(value))
    except Excluded:
        raise
    except Exception as e:  # what either side raised
        return ("raises", e)


def agree(py: tuple[str, Any], native: tuple[str, Any], calls_client: bool = False) -> bool:
    """Same value, or the same exception class. With `series.apply` in the tree,
    the sidecar evaluates the calls' arguments and makes the calls first (in
    batched rounds), so when several parts fail another one's error may come
    first (a documented divergence): then any exception agrees."""
    if py[0] != native[0]:
        return False
    if py[0] == "value":
        return same(py[1], native[1])
    return calls_client or isinstance(native[1], type(py[1]))


def has_apply(tree: tuple) -> bool:
    return tree[0] == "apply" or any(isinstance(t, tuple) and has_apply(t) for t in tree[1:])


# -- the test --------------------------------------------------------------------


def test_sidecar_agrees_with_python(sidecar_address):
    rng = random.Random(SEED)
    app = Application(consumer_group="differential", sidecar_address=sidecar_address, loglevel=None)
    sdf = app.dataframe(app.topic("in"))
    compared = excluded = errors = 0
    failures: list[str] = []
    for _ in range(N_EXPRESSIONS):
        tree = rand_tree(rng, rng.randint(1, MAX_DEPTH))
        series = to_series(tree, sdf)
        assert isinstance(series, StreamingSeries), tree
        python = to_python(tree)
        run = series.compile()
        for _ in range(VALUES_PER_EXPRESSION):
            value = rand_record(rng)
            try:
                expected = outcome(python, value)
            except Excluded:
                excluded += 1
                continue
            got = outcome(run, value)
            compared += 1
            errors += expected[0] == "raises"
            if not agree(expected, got, calls_client=has_apply(tree)):
                failures.append(f"{series!r} on {value!r}:\n    python  {expected!r}\n    sidecar {got!r}")
    print(f"differential: {compared} compared ({errors} errors), {excluded} excluded, seed {SEED}")
    assert not failures, f"{len(failures)} disagreements (seed {SEED}):\n" + "\n".join(failures[:15])
    assert compared >= N_EXPRESSIONS * VALUES_PER_EXPRESSION // 2, "too many cases were excluded"
    assert errors < compared * 0.8, "too few cases produced values"


GRID = [{"x": x, "y": y} for x in [0, -7, 7, 2.5, -0.0, True, 3.0, -1] for y in [2, -3, 0.5, -2.0, False, 0, 1]]


@pytest.mark.parametrize("op", BIN_OPS)
def test_operator_grid(sidecar_address, op):
    """Each binary operator over a grid of ints, floats and bools (signs, zeros, bools as ints)."""
    app = Application(consumer_group="differential", sidecar_address=sidecar_address, loglevel=None)
    sdf = app.dataframe(app.topic("in"))
    tree = ("bin", op, ("col", "x"), ("col", "y"))
    series, python = to_series(tree, sdf), to_python(tree)
    run = series.compile()
    for record in GRID:
        try:
            expected = outcome(python, record)
        except Excluded:
            continue
        got = outcome(run, record)
        assert agree(expected, got), f"{series!r} on {record}: python {expected!r}, sidecar {got!r}"

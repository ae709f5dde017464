#!/usr/bin/env python3
"""Writes tests/unit/expr_cases/cases.json: column-expression cases whose
expected results come from running real Python on the same values.

Each case is a message value (JSON), an expression tree and optional slots.
The tree is evaluated twice:

* ``python``: plain CPython semantics on one json.loads() of the value;
* ``model``: the same operators, except for the deliberate divergences of the
  native engine (server/src/expr/expr.cc): 64-bit ints, no complex results,
  no object identity, no printf-style ``%``, capped repetition.

The model outcome is the expectation; when the two differ the case carries a
``divergence`` note with Python's own outcome. Error messages are CPython
3.11's (regenerating with another version may change a few message texts).

Usage: python3 tests/unit/gen_expr_cases.py  (rewrites the data file)

File format (one case per line): {"v": value, "e": tree, "slots": [...],
"s": ToString(tree), "r": result} or {..., "err": "Class", "msg": full message}.
Trees: ["value"], ["lit", x], ["slot", n], ["get", tree, key],
["unary", op, tree], ["binary", op, left, right]. Floats that JSON cannot
hold are {"$float": "nan" | "inf" | "-inf"}, bytes are {"$bytes": hex}.
"""

from __future__ import annotations

import json
import math
import operator
import os
import sys
from collections.abc import Callable
from typing import Any

NAN = float("nan")
INF = float("inf")
INT_MIN, INT_MAX = -(2**63), 2**64 - 1  # the engine's int range
MAX_REPEAT_BYTES, MAX_REPEAT_ITEMS = 1 << 26, 1 << 22  # expr.cc limits


# ------------------------------------------------------------------ encoding --


def encode(x: Any) -> Any:
    """Python value -> JSON-safe form (special floats and bytes tagged)."""
    if isinstance(x, float) and not math.isfinite(x):
        return {"$float": "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")}
    if isinstance(x, bytes):
        return {"$bytes": x.hex()}
    if isinstance(x, list):
        return [encode(i) for i in x]
    if isinstance(x, dict):
        assert all(not k.startswith("$") for k in x)
        return {k: encode(v) for k, v in x.items()}
    if isinstance(x, int) and not isinstance(x, bool):
        assert INT_MIN <= x <= INT_MAX, x
    return x


def decode(x: Any) -> Any:
    """Inverse of encode(); builds fresh objects (a new NaN each time)."""
    if isinstance(x, dict):
        if "$float" in x:
            return float(x["$float"])
        if "$bytes" in x:
            return bytes.fromhex(x["$bytes"])
        return {k: decode(v) for k, v in x.items()}
    if isinstance(x, list):
        return [decode(i) for i in x]
    return x


# ------------------------------------------------------------------- builder --

Sx = list[Any]  # an expression tree in the file's S-expression form


class E:
    """Expression builder with Python operators, like a dataframe column."""

    def __init__(self, sx: Sx) -> None:
        self.sx = sx

    def __getitem__(self, key: Any) -> E:
        return E(["get", self.sx, key])

    def _bin(self, op: str, other: Any, swap: bool = False) -> E:
        o = wrap(other).sx
        return E(["binary", op, o, self.sx] if swap else ["binary", op, self.sx, o])

    def __add__(self, o: Any) -> E:
        return self._bin("add", o)

    def __radd__(self, o: Any) -> E:
        return self._bin("add", o, True)

    def __sub__(self, o: Any) -> E:
        return self._bin("sub", o)

    def __rsub__(self, o: Any) -> E:
        return self._bin("sub", o, True)

    def __mul__(self, o: Any) -> E:
        return self._bin("mul", o)

    def __rmul__(self, o: Any) -> E:
        return self._bin("mul", o, True)

    def __truediv__(self, o: Any) -> E:
        return self._bin("truediv", o)

    def __rtruediv__(self, o: Any) -> E:
        return self._bin("truediv", o, True)

    def __floordiv__(self, o: Any) -> E:
        return self._bin("floordiv", o)

    def __rfloordiv__(self, o: Any) -> E:
        return self._bin("floordiv", o, True)

    def __mod__(self, o: Any) -> E:
        return self._bin("mod", o)

    def __rmod__(self, o: Any) -> E:
        return self._bin("mod", o, True)

    def __pow__(self, o: Any) -> E:
        return self._bin("pow", o)

    def __rpow__(self, o: Any) -> E:
        return self._bin("pow", o, True)

    def __eq__(self, o: Any) -> E:  # type: ignore[override]
        return self._bin("eq", o)

    def __ne__(self, o: Any) -> E:  # type: ignore[override]
        return self._bin("ne", o)

    def __lt__(self, o: Any) -> E:
        return self._bin("lt", o)

    def __le__(self, o: Any) -> E:
        return self._bin("le", o)

    def __gt__(self, o: Any) -> E:
        return self._bin("gt", o)

    def __ge__(self, o: Any) -> E:
        return self._bin("ge", o)

    def __and__(self, o: Any) -> E:
        return self._bin("and", o)

    def __or__(self, o: Any) -> E:
        return self._bin("or", o)

    def __neg__(self) -> E:
        return E(["unary", "neg", self.sx])

    def __invert__(self) -> E:
        return E(["unary", "invert", self.sx])

    def __abs__(self) -> E:
        return E(["unary", "abs", self.sx])

    __hash__ = None  # type: ignore[assignment]

    def is_(self, o: Any) -> E:
        return self._bin("is", o)

    def is_not(self, o: Any) -> E:
        return self._bin("is_not", o)

    def contains(self, o: Any) -> E:
        return self._bin("contains", o)

    def isin(self, o: Any) -> E:
        return self._bin("isin", o)

    def isnull(self) -> E:
        return E(["unary", "isnull", self.sx])

    def notnull(self) -> E:
        return E(["unary", "notnull", self.sx])


def wrap(x: Any) -> E:
    return x if isinstance(x, E) else E(["lit", encode(x)])


V = E(["value"])
L = wrap


def S(n: int) -> E:
    return E(["slot", n])


BINARY: dict[str, tuple[str, Callable[[Any, Any], Any]]] = {
    "add": ("+", operator.add),
    "sub": ("-", operator.sub),
    "mul": ("*", operator.mul),
    "truediv": ("/", operator.truediv),
    "floordiv": ("//", operator.floordiv),
    "mod": ("%", operator.mod),
    "pow": ("**", operator.pow),
    "eq": ("==", operator.eq),
    "ne": ("!=", operator.ne),
    "lt": ("<", operator.lt),
    "le": ("<=", operator.le),
    "gt": (">", operator.gt),
    "ge": (">=", operator.ge),
    "and": ("&", operator.and_),
    "or": ("|", operator.or_),
    "is": ("is", operator.is_),
    "is_not": ("is not", operator.is_not),
    "contains": ("in", operator.contains),
    "isin": ("in", lambda a, b: operator.contains(b, a)),
}
UNARY: dict[str, Callable[[Any], Any]] = {
    "neg": operator.neg,
    "invert": operator.invert,
    "abs": abs,
    "isnull": lambda x: x is None,
    "notnull": lambda x: x is not None,
}


# ----------------------------------------------------------------- rendering --


def pyrepr(x: Any) -> str:
    """repr(), but dicts in key order (the engine's dicts are sorted maps)."""
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k!r}: {pyrepr(v)}" for k, v in sorted(x.items())) + "}"
    if isinstance(x, list):
        return "[" + ", ".join(pyrepr(v) for v in x) + "]"
    return repr(x)


def is_negative_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.copysign(1, x) < 0


def needs_parens(sx: Sx, strong: bool) -> bool:
    if sx[0] == "binary":
        return True
    if sx[0] == "unary":
        return sx[1] in ("isnull", "notnull") or (strong and sx[1] != "abs")
    if sx[0] == "lit":
        return strong and is_negative_number(decode(sx[1]))
    return False


def operand(sx: Sx, strong: bool) -> str:
    s = to_string(sx)
    return f"({s})" if needs_parens(sx, strong) else s


def to_string(sx: Sx) -> str:
    """Mirror of expr::ToString."""
    kind = sx[0]
    if kind == "value":
        return "value"
    if kind == "lit":
        return pyrepr(decode(sx[1]))
    if kind == "slot":
        return f"slot#{sx[1]}"
    if kind == "get":
        return f"{operand(sx[1], True)}[{pyrepr(sx[2])}]"
    if kind == "unary":
        op, x = sx[1], sx[2]
        if op == "abs":
            return f"abs({to_string(x)})"
        if op in ("neg", "invert"):
            return ("-" if op == "neg" else "~") + operand(x, False)
        return operand(x, False) + (" is None" if op == "isnull" else " is not None")
    op, left, right = sx[1], sx[2], sx[3]
    if op == "contains":
        left, right = right, left
    return f"{operand(left, op == 'pow')} {BINARY[op][0]} {operand(right, False)}"


# ---------------------------------------------------------------- evaluation --


class Raised(Exception):
    def __init__(self, cls: str, msg: str, node: Sx) -> None:
        super().__init__(cls, msg)
        self.cls, self.msg, self.node = cls, msg, node


class Divergent(Exception):
    """Raised by the model where the engine deliberately differs."""

    def __init__(self, cls: str, msg: str) -> None:
        super().__init__(cls, msg)
        self.cls, self.msg = cls, msg


class NotEvaluated(Exception):
    """Python would build an enormous object; the python run stops here."""


def is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def seq_len(x: Any) -> int:
    return len(x.encode("utf-8", "surrogatepass")) if isinstance(x, str) else len(x)


def guard(op: str, a: Any, b: Any, model: bool) -> None:
    """Stops operations that would not finish, and raises the model's divergences."""
    if op == "mul":
        seq, n = (a, b) if isinstance(a, (str, bytes, list)) else (b, a)
        if isinstance(seq, (str, bytes, list)) and isinstance(n, int) and n < 2**63:
            limit = MAX_REPEAT_ITEMS if isinstance(seq, list) else MAX_REPEAT_BYTES
            if seq_len(seq) and n > limit // seq_len(seq):
                if not model:
                    raise NotEvaluated("MemoryError or a huge sequence")
                unit = "items" if isinstance(seq, list) else "bytes"
                raise Divergent("MemoryError", f"repeated sequence would exceed {limit} {unit} (sidestream limit)")
    if op == "pow" and isinstance(a, int) and isinstance(b, int) and b > 256 and abs(a) > 1:
        if not model:
            raise NotEvaluated("an int beyond 64 bits")
        raise Divergent("OverflowError", "integer result exceeds 64 bits")
    if model and op == "mod" and isinstance(a, (str, bytes)):
        raise Divergent("NotImplementedError", "printf-style formatting (str % x) is not supported")


def check_result(x: Any) -> None:
    if isinstance(x, complex):
        raise Divergent("ValueError", "complex result not supported")
    if is_int(x) and not INT_MIN <= x <= INT_MAX:
        raise Divergent("OverflowError", "integer result exceeds 64 bits")


def evaluate(sx: Sx, value: Any, slots: list[Any], model: bool) -> Any:
    kind = sx[0]
    if kind == "value":
        # The model has no object identity: every access is a fresh decode.
        return decode(encode(value)) if model else value
    if kind == "lit":
        return decode(sx[1])
    if kind == "slot":
        return decode(encode(slots[sx[1]])) if model else slots[sx[1]]
    try:
        if kind == "get":
            base = evaluate(sx[1], value, slots, model)
            return base[sx[2]]
        if kind == "unary":
            x = evaluate(sx[2], value, slots, model)
            result = UNARY[sx[1]](x)
        else:
            op = sx[1]
            a = evaluate(sx[2], value, slots, model)
            b = evaluate(sx[3], value, slots, model)
            guard(op, a, b, model)
            if model and op in ("is", "is_not"):
                same = (a is None and b is None) or (isinstance(a, bool) and isinstance(b, bool) and a == b)
                return same == (op == "is")
            result = BINARY[op][1](a, b)
        if model:
            check_result(result)
        return result
    except (Raised, NotEvaluated):
        raise
    except Divergent as d:
        raise Raised(d.cls, d.msg, sx) from None
    except Exception as e:  # any Python exception is an outcome
        raise Raised(type(e).__name__, str(e), sx) from None


def outcome(sx: Sx, value: Any, slots: list[Any], model: bool) -> dict[str, Any]:
    try:
        return {"r": evaluate(sx, value, slots, model)}
    except Raised as r:
        return {"err": r.cls, "msg": f"{r.cls}: {r.msg} in {to_string(r.node)}"}
    except NotEvaluated as n:
        return {"err": f"(not evaluated: {n})"}


def same_outcome(x: dict[str, Any], y: dict[str, Any]) -> bool:
    if "err" in x or "err" in y:
        return x.get("err") == y.get("err")
    return type(x["r"]) is type(y["r"]) and pyrepr(x["r"]) == pyrepr(y["r"])


# --------------------------------------------------------------------- cases --

CASES: list[dict[str, Any]] = []


def case(expr: E | Any, value: Any = None, slots: list[Any] | None = None) -> None:
    sx = wrap(expr).sx
    slots = slots or []
    value = decode(encode(value))
    python = outcome(sx, value, slots, model=False)
    model = outcome(sx, decode(encode(value)), slots, model=True)
    c: dict[str, Any] = {"v": encode(value), "e": sx}
    if slots:
        c["slots"] = encode(slots)
    c["s"] = to_string(sx)
    if "r" in model:
        c["r"] = encode(model["r"])
    else:
        c["err"], c["msg"] = model["err"], model["msg"]
    if not same_outcome(python, model):
        c["divergence"] = ("python: " + python["err"]) if "err" in python else f"python: {pyrepr(python['r'])}"
    CASES.append(c)


def pair(a: Any, b: Any) -> dict[str, Any]:
    return {"a": a, "b": b}


def cross(ops: list[str], operands: list[Any]) -> None:
    """V['a'] <op> V['b'] for every pair of operands."""
    for op in ops:
        for a in operands:
            for b in operands:
                case(E(["binary", op, V["a"].sx, V["b"].sx]), pair(a, b))


def hand_written() -> None:
    # fmt: off
    # --- value, literals, slots
    case(V, {"x": 1})
    case(V, None)
    case(L([1, 2.5, "s", None, True]))
    case(L({"k": [1, {"z": None}]}))
    case(S(0), None, [{"r": 1}])
    case(S(1)["r"] + 1, {}, [0, {"r": 41}])
    case(S(0) * S(1), {}, ["ab", 3])

    # --- get item: dicts
    doc = {"a": {"b": {"c": 3}}, "l": [10, 20, 30], "s": "héllo→x", "n": None, "i": 5, "f": 1.5,
           "t": True, "e": "", "0": "zero"}
    case(V["a"], doc)
    case(V["a"]["b"]["c"], doc)
    case(V["missing"], doc)
    case(V["a"]["missing"], doc)
    case(V["a"]["b"]["c"]["d"], doc)
    case(V[0], doc)  # dict keys are strings: KeyError 0
    case(V["0"], doc)
    case(V[True], doc)
    case(V["n"]["x"], doc)
    case(V["n"][0], doc)
    case(V["i"]["x"], doc)
    case(V["f"][0], doc)
    case(V["t"][0], doc)
    case(V["x"], None)
    case(V["x"], 7)
    case(V["x"], "abc")
    case(V["x"], [1, 2])
    case(V["it's"], {"it's": 1})
    case(V["q"], {"it's": 1})
    # --- lists
    for k in (0, 1, 2, 3, -1, -3, -4, True, False, 2**63 - 1, -(2**63), 2**64 - 1):
        case(V["l"][k], doc)
    case(V["l"]["0"], doc)
    case(V["l"][1.0], doc)
    case(V["l"][None], doc)
    case(V[0][1], [[1, 2], [3]])
    case(V[1][0]["k"], [0, [{"k": "deep"}]])
    case((V["l"] + [40])[3], doc)
    case((V["l"] + [40])[-1], doc)
    case((V["l"] + [{"x": 1}])[3]["x"], doc)
    # --- strings (code points, not bytes)
    for k in (0, 1, 2, 5, 6, 7, -1, -2, -7, -8, 8, True):
        case(V["s"][k], doc)
    case(V["s"]["x"], doc)
    case(V["s"][1.5], doc)
    case(V["e"][0], doc)
    case(L("abc")[-1])
    # --- bytes
    case(L(b"\x00\xffa")[1])
    case(L(b"ab")[-1])
    case(L(b"ab")[2])
    case(L(b"ab")["x"])

    # --- arithmetic edge cases
    num = {"x": 7, "y": -2, "z": 0, "f": -7.5, "g": 2.0, "t": True, "u": False}
    for e in (V["x"] // V["y"], V["x"] % V["y"], -V["x"] // 2, -V["x"] % 3, V["x"] % -3, V["f"] // V["g"],
              V["f"] % V["g"], V["f"] % -V["g"], 7.5 % V["y"], V["x"] / V["y"], V["x"] / V["z"], V["x"] // V["z"],
              V["x"] % V["z"], V["f"] / 0.0, V["f"] // 0.0, V["f"] % 0.0, V["f"] / V["z"], V["x"] / 0.0,
              V["t"] + V["t"], V["t"] + 1, V["t"] * 3.5, V["t"] / V["t"], V["t"] // V["u"], V["t"] - V["u"],
              V["g"] * 3, V["g"] - 2, V["x"] ** 2, V["y"] ** 3, V["x"] ** -1, V["y"] ** -2, V["z"] ** -1,
              V["z"] ** 0, V["z"] ** 0.0, V["g"] ** -1, V["g"] ** 0.5, V["f"] ** 0.5, V["f"] ** 2, V["f"] ** 3.0,
              V["y"] ** 0.5, V["z"] ** -1.5, L(0.0) ** -2, V["t"] ** V["u"], V["u"] ** V["u"], V["x"] ** V["t"],
              V["x"] // -2.0, -V["x"] // 2.0):
        case(e, num)
    for a, op, b in ((10.0, "pow", 400), (10, "pow", 19), (10, "pow", 20), (2, "pow", 63), (2, "pow", 64),
                     (-2, "pow", 63), (-2, "pow", 64), (3, "pow", 40), (3, "pow", 41), (-3, "pow", 40),
                     (-3, "pow", 41), (1, "pow", 2**64 - 1), (-1, "pow", 2**64 - 1), (-1, "pow", 2**63),
                     (0, "pow", 2**63), (2, "pow", 2**63), (-2, "pow", -1), (2, "pow", -1074), (2, "pow", -1075),
                     (2.0, "pow", 1024), (-2.0, "pow", 1025), (0.5, "pow", -1074), (1, "truediv", 3),
                     (-1, "truediv", 3), (0, "truediv", -5), (0.0, "truediv", -5), (-0.0, "floordiv", 1),
                     (0.0, "mod", -1), (-0.0, "mod", 1), (-1e-300, "mod", 1.0), (1e-300, "floordiv", -1.0),
                     (7, "floordiv", -2.0), (-7, "floordiv", 2.0), (0.1, "add", 0.2), (1e308, "mul", 10),
                     (-1e308, "mul", 10), (1e308, "add", 1e308), (2**53 + 1, "add", 0.0), (2**53 + 1, "mul", 1.0),
                     (2**63 - 1, "sub", 0.5), (9007199254740993, "truediv", 3), (2**64 - 1, "truediv", 2**64 - 2),
                     (-(2**63), "truediv", 7), (1, "truediv", 2**64 - 1), (2**64 - 1, "truediv", 1),
                     (123456789123456789, "truediv", 1000), (2**64 - 1, "floordiv", 0.5), (2**64 - 1, "mod", 0.5)):
        case(E(["binary", op, L(a).sx, L(b).sx]))
    for e in (L(NAN) + 1, L(NAN) * 0, L(INF) - L(INF), L(INF) * 0, L(INF) // 1, L(INF) % 2, L(1) % L(INF),
              L(-1) % L(INF), L(1) // L(INF), L(-1) // L(INF), L(NAN) ** 0, L(1) ** L(NAN), L(1.0) ** L(INF),
              L(-1.0) ** L(INF), L(0.5) ** L(-INF), L(2.0) ** L(-INF), L(-INF) ** 3, L(-INF) ** 2, L(-INF) ** -3,
              L(INF) ** 0.5, L(0.0) ** 3, L(-0.0) ** 3, L(-0.0) ** 2, L(-0.0) ** -1, L(NAN) // 1, L(5) / L(INF)):
        case(e)
    # --- big ints near the 64-bit limits
    big = {"max": 2**63 - 1, "min": -(2**63), "umax": 2**64 - 1, "h": 2**62, "odd": 2**53 + 1}
    for e in (V["max"] + 1, V["max"] + V["max"], V["umax"] + 0, V["umax"] + 1, V["umax"] - V["umax"],
              V["min"] - 1, V["min"] + V["min"], V["min"] - V["max"], V["min"] * -1, V["min"] // -1, V["min"] % -1,
              -V["min"], -V["umax"], abs(V["min"]), ~V["min"], ~V["max"], ~V["umax"], V["h"] * 4, V["h"] * 3,
              V["h"] * -2, V["h"] * -4, V["umax"] * V["umax"], V["min"] * V["min"], V["umax"] // 2, V["umax"] % 10,
              V["umax"] // -7, V["umax"] % -7, V["min"] // 7, V["min"] % 7, V["umax"] / 3, V["max"] / 3,
              V["odd"] / 1, V["umax"] / V["max"], V["min"] / V["umax"], V["odd"] * 1.0, V["umax"] + 0.5,
              V["umax"] == 2.0**64, V["umax"] < 2.0**64, V["max"] == 2.0**63, V["max"] < 2.0**63,
              V["odd"] == 2.0**53, V["odd"] > 2.0**53, V["min"] == -(2.0**63), V["min"] < 1e300, V["umax"] > -INF,
              V["umax"] & V["min"], V["umax"] | V["min"], V["min"] & -1, V["max"] | V["umax"], V["umax"] ** 1,
              V["h"] ** 2, V["umax"] > V["min"], V["umax"] == V["umax"], (V["max"] + 1) - 1, abs(V["umax"]),
              L([1]) * V["umax"], L("") * V["umax"], L([]) * V["max"]):
        case(e, big)
    # --- sequences
    seqs = {"s": "ab", "e": "", "l": [1, [2]], "m": [], "n": 3, "neg": -2, "t": True, "b": b"xy"}
    for e in (V["s"] + V["s"], V["s"] + V["e"], V["l"] + V["l"], V["l"] + V["m"], V["s"] * V["n"], V["n"] * V["s"],
              V["l"] * V["n"], V["n"] * V["l"], V["s"] * V["neg"], V["l"] * 0, V["s"] * V["t"], V["t"] * V["l"],
              V["b"] * 2, V["b"] + V["b"], V["b"] + V["s"], V["s"] + V["b"], V["l"] + V["s"], V["s"] + V["n"],
              V["n"] + V["s"], V["s"] * 2.0, V["s"] * V["s"], V["l"] * V["l"], V["s"] * V["l"], V["l"] * V["s"],
              V["s"] - V["s"], V["l"] - V["l"], V["s"] / 2, V["s"] % 2, V["s"] % V["s"], V["b"] % 1, V["l"] % 2,
              V["s"] ** 2, V["e"] * 10**15, V["s"] * 10**15, V["l"] * 10**15, V["s"] * 2**63, L("x") * (2**26 + 1),
              L([0]) * (2**22 + 1), L("xy") * (2**25 + 1), None * V["s"], V["s"] * None):
        case(e, seqs)
    # --- unary
    for x in (0, 5, -5, True, False, 2.5, -0.0, 0.0, "a", None, [1], {"a": 1}, 2**64 - 1, -(2**63), NAN, -INF,
              b"a"):
        for op in UNARY:
            case(E(["unary", op, V["x"].sx]), {"x": x})
    case(-(V["a"] + V["b"]), {"a": 1, "b": 2})
    case(~(V["a"] & V["b"]), {"a": 6, "b": 3})
    case(abs(V["a"] - V["b"]), {"a": 1, "b": 2.5})
    case((V["a"] + 1).isnull(), {"a": 1})
    case(-V["a"]["b"], {"a": {"b": 3}})
    case(L(-2) ** 2)
    case(-L(2) ** 2)
    case(-(L(2) ** 2))
    # --- comparisons and equality of containers
    cmp = {"l1": [1, 2], "l1f": [1.0, 2.0], "l2": [1, 3], "l3": [1, 2, 0], "ls": [1, "a"], "d": {"a": 1, "b": [1]},
           "df": {"b": [1.0], "a": True}, "dn": {"a": None}, "nan": NAN, "ln": [NAN], "s": "abc", "u": "é",
           "z": "z", "e": "", "n": None}
    for e in (V["l1"] == V["l1f"], V["l1"] < V["l2"], V["l1"] < V["l3"], V["l3"] <= V["l1"], V["l1"] < V["ls"],
              V["ls"] < V["l1"], V["ls"] < V["l2"], V["l1"] >= V["l1f"], V["d"] == V["df"], V["d"] != V["dn"],
              V["d"] < V["df"], V["nan"] == V["nan"], V["nan"] != V["nan"], V["nan"] < 1, V["nan"] >= V["nan"],
              V["ln"] == V["ln"], V["ln"] != V["ln"], V["ln"] < V["ln"], V["s"] < V["u"], V["u"] > V["z"],
              V["e"] < V["s"], V["s"] < "abd", V["s"] <= "abc", V["n"] == V["n"], V["n"] == 0, V["n"] < V["n"],
              V["n"] != L(False), V["s"] == "abc", V["e"] == 0, V["l1"] == [1, 2.0], V["l1"] == [1], L([1]) > V["l1"],
              V["l1"] < [1, "x"], V["l1"] == L([1, 2]), V["d"]["b"] == [True], L(b"ab") < L(b"b"),
              L(b"ab") == L("ab"), L(b"") <= L(b""), L([None]) == L([None]), L([None]) < L([None, 1]),
              L([None]) < L([0]), L([[1], 2]) < L([[1], 3]), L([[1], 2]) < L([["a"], 3])):
        case(e, cmp)
    # --- contains / isin
    cont = {"s": "hello", "l": [1, "a", None, [2], {"k": 1}], "d": {"a": 1, "1": 2}, "n": None, "i": 3,
            "f": 1.5, "t": True, "b": b"abc", "e": ""}
    for item in ("ell", "", "x", 1, 1.0, True, None, [2], [2.0], {"k": 1.0}, "a", "1", b"b", 98, 300, -1, 2.5,
                 {"k": 2}):
        for name in ("s", "l", "d", "n", "i", "f", "t", "b", "e"):
            case(V[name].contains(item), cont)
    for name in ("s", "l", "d", "i"):
        case(L("a").isin(V[name]), cont)
        case(V["i"].isin(V[name]), cont)
    # --- & | and is
    for e in (L(True) & L(False), L(True) | L(False), L(True) & L(3), L(6) & L(3), L(6) | L(-8), L(-1) & L(2**64 - 1),
              L(1.0) & L(1), L("a") | L("b"), L(None) & L(True), L({"a": 1, "b": 2}) | L({"b": 3, "c": 4}),
              L({"a": 1}) & L({"a": 1}), L([1]) | L([2]), (V["a"] > 1) & (V["b"] < 5), (V["a"] > 1) | V["n"].isnull(),
              V["n"].is_(None), V["n"].is_not(None), V["a"].is_(None), V["t"].is_(True), V["t"].is_(1), V["a"].is_(3),
              V["a"].is_(V["a"]), V["s"].is_(V["s"]), V["l"].is_(V["l"]), V["l"].is_not(V["l"])):
        case(e, {"a": 3, "b": 4, "n": None, "t": True, "s": "x", "l": [1]})
    # --- composite expressions (error attributed to the failing node)
    comp = {"x": 3, "y": 0, "s": "a", "r": {"w": [1.5, None]}}
    for e in ((V["x"] + V["y"]) > 0, (V["x"] / V["y"]) + 1, (V["x"] + V["s"]) * 2, V["r"]["w"][1] + 1,
              V["r"]["w"][0] * 2 == 3, (V["x"] * 2 - 1) ** 2 // 5 % 3, V["r"]["q"] > 1, (V["x"] > 1) & (V["s"] == "a"),
              abs(-V["x"]) + ~V["y"], V["r"]["w"].contains(None), V["s"].isin(["a", "b"]), V["r"]["w"][5],
              (V["x"] - 3).isnull() | (V["x"] // V["y"] > 0), S(0) + V["x"]):
        case(e, comp, [10])
    # fmt: on


def generated() -> None:
    arith = ["add", "sub", "mul", "truediv", "floordiv", "mod", "pow"]
    cross(arith, [0, 1, -3, True, 2.5, -7.5, 0.0, "ab", [1], None, b"ab"])
    cross(["eq", "ne", "lt", "le", "gt", "ge"], [0, 1, True, 1.0, NAN, "a", "b", [1], [1.0, 2], None, {"a": 1}])
    cross(["and", "or"], [0, 5, -6, True, False, 1.5, "a", None, {"a": 1}])
    cross(["is", "is_not"], [None, True, False, 1, 0, "a", []])
    for op in ("contains", "isin"):
        for container in ("abc", "", [1, "a", None], {"a": 1}, None, 5, b"abc"):
            for item in ("a", "", 1, 1.0, True, None, [1], b"b", 98):
                args = (container, item) if op == "contains" else (item, container)
                case(E(["binary", op, V["a"].sx, V["b"].sx]), pair(*args))


# fmt: off
TRUTHY = [None, True, False, 0, 1, -1, 0.0, -0.0, 0.1, NAN, "", "0", " ", [], [0], {}, {"a": None}, b"", b"\x00",
          2**64 - 1, -(2**63)]
# fmt: on


def main() -> None:
    hand_written()
    generated()
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "expr_cases", "cases.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        header = {"generator": "tests/unit/gen_expr_cases.py", "python": sys.version.split()[0]}
        f.write(json.dumps(header)[:-1] + ",\n")
        f.write('"truthy": ' + json.dumps([{"v": encode(v), "t": bool(v)} for v in TRUTHY], allow_nan=False) + ",\n")
        f.write('"cases": [\n')
        f.write(",\n".join(json.dumps(c, ensure_ascii=False, allow_nan=False, separators=(",", ":")) for c in CASES))
        f.write("\n]}\n")
    divergent = sum("divergence" in c for c in CASES)
    print(f"wrote {len(CASES)} cases ({divergent} marked divergent) to {out}")


if __name__ == "__main__":
    main()

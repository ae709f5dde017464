// Tests of column expressions. The bulk is table-driven: every case in
// expr_cases/cases.json was evaluated by real Python (gen_expr_cases.py, which
// also marks the engine's deliberate divergences), and Evaluate() must give
// the same value, or the same exception class and message.
#include "expr/expr.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace sidestream::expr {
namespace {

using Json = nlohmann::json;

// The generator's encoding: {"$float": "nan"|"inf"|"-inf"}, {"$bytes": hex}.
Value Decode(const Json& j) {
  if (j.is_object() && j.contains("$float")) {
    const std::string f = j["$float"];
    if (f == "nan") return std::numeric_limits<double>::quiet_NaN();
    return f == "inf" ? std::numeric_limits<double>::infinity()
                      : -std::numeric_limits<double>::infinity();
  }
  if (j.is_object() && j.contains("$bytes")) {
    const std::string hex = j["$bytes"];
    std::vector<uint8_t> bytes;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
      bytes.push_back(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
    return Value::binary(std::move(bytes));
  }
  if (j.is_object()) {
    Value out = Value::object();
    for (const auto& [k, v] : j.items()) out[k] = Decode(v);
    return out;
  }
  if (j.is_array()) {
    Value out = Value::array();
    for (const Json& v : j) out.push_back(Decode(v));
    return out;
  }
  return j;
}

const std::map<std::string, UnaryOp>& UnaryOps() {
  static const auto* ops = new std::map<std::string, UnaryOp>{{"neg", UnaryOp::kNeg},
                                                              {"invert", UnaryOp::kInvert},
                                                              {"abs", UnaryOp::kAbs},
                                                              {"isnull", UnaryOp::kIsNull},
                                                              {"notnull", UnaryOp::kNotNull}};
  return *ops;
}

const std::map<std::string, BinaryOp>& BinaryOps() {
  static const auto* ops = new std::map<std::string, BinaryOp>{{"add", BinaryOp::kAdd},
                                                               {"sub", BinaryOp::kSub},
                                                               {"mul", BinaryOp::kMul},
                                                               {"truediv", BinaryOp::kTrueDiv},
                                                               {"floordiv", BinaryOp::kFloorDiv},
                                                               {"mod", BinaryOp::kMod},
                                                               {"pow", BinaryOp::kPow},
                                                               {"eq", BinaryOp::kEq},
                                                               {"ne", BinaryOp::kNe},
                                                               {"lt", BinaryOp::kLt},
                                                               {"le", BinaryOp::kLe},
                                                               {"gt", BinaryOp::kGt},
                                                               {"ge", BinaryOp::kGe},
                                                               {"and", BinaryOp::kAnd},
                                                               {"or", BinaryOp::kOr},
                                                               {"is", BinaryOp::kIs},
                                                               {"is_not", BinaryOp::kIsNot},
                                                               {"contains", BinaryOp::kContains},
                                                               {"isin", BinaryOp::kIsIn}};
  return *ops;
}

// ["value"] | ["lit", x] | ["slot", n] | ["get", t, key] | ["unary", op, t] |
// ["binary", op, l, r]
ExprPtr Build(const Json& sx) {
  const std::string kind = sx[0];
  if (kind == "value") return Expr::MakeValue();
  if (kind == "lit") return Expr::MakeLiteral(Decode(sx[1]));
  if (kind == "slot") return Expr::MakeSlot(sx[1].get<int>());
  if (kind == "get") return Expr::MakeGetItem(Build(sx[1]), Decode(sx[2]));
  if (kind == "unary") return Expr::MakeUnary(UnaryOps().at(sx[1]), Build(sx[2]));
  return Expr::MakeBinary(BinaryOps().at(sx[1]), Build(sx[2]), Build(sx[3]));
}

// Same Python type and value; NaN matches NaN, -0.0 does not match 0.0.
bool SamePython(const Value& a, const Value& b) {
  if (PyTypeName(a) != PyTypeName(b)) return false;
  if (a.is_number_float()) {
    const double x = a.get<double>(), y = b.get<double>();
    return (std::isnan(x) && std::isnan(y)) || (x == y && std::signbit(x) == std::signbit(y));
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!SamePython(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (const auto& [k, v] : a.items()) {
      if (!b.contains(k) || !SamePython(v, b[k])) return false;
    }
    return true;
  }
  return a == b;
}

// dump() prints NaN as null; this keeps floats recognisable in failures.
std::string Show(const Value& v) {
  if (v.is_number_float()) {
    return absl::StrCat(PyTypeName(v), " ", absl::StrFormat("%.17g", v.get<double>()));
  }
  return absl::StrCat(PyTypeName(v), " ", v.dump());
}

const Json& CaseFile() {
  static const Json* file = [] {
    std::ifstream in(EXPR_CASES);
    return new Json(Json::parse(in));
  }();
  return *file;
}

TEST(ExprPythonCases, FileIsLoadedAndLarge) {
  ASSERT_TRUE(CaseFile().contains("cases"));
  EXPECT_GE(CaseFile()["cases"].size(), 200u);
}

TEST(ExprPythonCases, EvaluateMatchesPython) {
  int failures = 0;
  int checked = 0;
  for (const Json& c : CaseFile()["cases"]) {
    if (failures >= 40) break;  // enough to diagnose; keep the log readable
    const Value value = Decode(c["v"]);
    std::vector<Value> slots;
    if (c.contains("slots")) {
      for (const Json& s : c["slots"]) slots.push_back(Decode(s));
    }
    const ExprPtr expr = Build(c["e"]);
    const std::string where =
        absl::StrCat(c["s"].get<std::string>(), "  with value ", c["v"].dump(),
                     c.contains("divergence")
                         ? absl::StrCat("  [divergence, ", c["divergence"].get<std::string>(), "]")
                         : "");
    ++checked;
    if (ToString(*expr) != c["s"].get<std::string>()) {
      ADD_FAILURE() << "ToString: got " << ToString(*expr) << ", want "
                    << c["s"].get<std::string>();
      ++failures;
    }
    absl::StatusOr<Value> got;
    EXPECT_NO_THROW(got = Evaluate(*expr, value, slots)) << where;
    if (c.contains("err")) {
      const std::string msg = c["msg"];
      if (got.ok()) {
        ADD_FAILURE() << where << "\n  got " << Show(*got) << "\n want " << msg;
        ++failures;
      } else if (got.status().code() != absl::StatusCode::kInvalidArgument ||
                 got.status().message() != msg) {
        ADD_FAILURE() << where << "\n  got " << got.status() << "\n want " << msg;
        ++failures;
      }
      continue;
    }
    const Value want = Decode(c["r"]);
    if (!got.ok()) {
      ADD_FAILURE() << where << "\n  got " << got.status() << "\n want " << Show(want);
      ++failures;
    } else if (!SamePython(*got, want)) {
      ADD_FAILURE() << where << "\n  got " << Show(*got) << "\n want " << Show(want);
      ++failures;
    } else if (expr->kind == Expr::Kind::kUnary || expr->kind == Expr::Kind::kBinary) {
      // Computed ints are number_integer unless they only fit unsigned.
      if (got->is_number_unsigned() &&
          got->get<uint64_t>() <= uint64_t{std::numeric_limits<int64_t>::max()}) {
        ADD_FAILURE() << where << "\n  small int result stored as number_unsigned";
        ++failures;
      }
    }
  }
  EXPECT_EQ(failures, 0) << "after checking " << checked << " cases";
  if (failures == 0) EXPECT_EQ(checked, static_cast<int>(CaseFile()["cases"].size()));
}

TEST(ExprPythonCases, TruthyMatchesPythonBool) {
  for (const Json& c : CaseFile()["truthy"]) {
    EXPECT_EQ(Truthy(Decode(c["v"])), c["t"].get<bool>()) << c["v"].dump();
  }
}

TEST(PyTypeName, NamesPythonTypes) {
  EXPECT_EQ(PyTypeName(Value()), "NoneType");
  EXPECT_EQ(PyTypeName(Value(true)), "bool");
  EXPECT_EQ(PyTypeName(Value(-1)), "int");
  EXPECT_EQ(PyTypeName(Value(uint64_t{1})), "int");
  EXPECT_EQ(PyTypeName(Value(1.0)), "float");
  EXPECT_EQ(PyTypeName(Value("s")), "str");
  EXPECT_EQ(PyTypeName(Value::array()), "list");
  EXPECT_EQ(PyTypeName(Value::object()), "dict");
  EXPECT_EQ(PyTypeName(Value::binary({1})), "bytes");
}

ExprPtr Get(ExprPtr e, Value key) { return Expr::MakeGetItem(std::move(e), std::move(key)); }
ExprPtr Col(const char* name) { return Get(Expr::MakeValue(), name); }
ExprPtr Lit(Value v) { return Expr::MakeLiteral(std::move(v)); }
ExprPtr Bin(BinaryOp op, ExprPtr l, ExprPtr r) {
  return Expr::MakeBinary(op, std::move(l), std::move(r));
}
ExprPtr Un(UnaryOp op, ExprPtr e) { return Expr::MakeUnary(op, std::move(e)); }

TEST(ToString, RendersPythonLikeTrees) {
  EXPECT_EQ(ToString(*Bin(BinaryOp::kGt, Bin(BinaryOp::kAdd, Col("x"), Col("y")), Lit(0))),
            "(value['x'] + value['y']) > 0");
  EXPECT_EQ(ToString(*Get(Get(Col("a"), "b"), 0)), "value['a']['b'][0]");
  EXPECT_EQ(ToString(*Bin(BinaryOp::kAnd, Un(UnaryOp::kIsNull, Col("a")),
                          Un(UnaryOp::kNotNull, Expr::MakeSlot(2)))),
            "(value['a'] is None) & (slot#2 is not None)");
  EXPECT_EQ(ToString(*Bin(BinaryOp::kContains, Col("s"), Lit("it's"))), "\"it's\" in value['s']");
  EXPECT_EQ(ToString(*Bin(BinaryOp::kIsIn, Col("s"), Lit(Value::array({1, 2.5, nullptr, true})))),
            "value['s'] in [1, 2.5, None, True]");
  EXPECT_EQ(
      ToString(*Un(UnaryOp::kAbs, Un(UnaryOp::kNeg, Bin(BinaryOp::kSub, Col("a"), Lit(1e16))))),
      "abs(-(value['a'] - 1e+16))");
  EXPECT_EQ(ToString(*Bin(BinaryOp::kPow, Lit(-2), Lit(0.5))), "(-2) ** 0.5");
  EXPECT_EQ(ToString(*Un(UnaryOp::kInvert, Lit(Value::object({{"k", "v\n"}})))), "~{'k': 'v\\n'}");
  EXPECT_EQ(ToString(*Bin(BinaryOp::kIsNot, Lit(Value::binary({0, 'a'})), Lit(1e-5))),
            "b'\\x00a' is not 1e-05");
  EXPECT_EQ(ToString(Expr()), "value");
}

TEST(Evaluate, ErrorsNameTheFailingSubExpression) {
  auto e = Bin(BinaryOp::kAdd, Bin(BinaryOp::kTrueDiv, Col("a"), Col("b")), Lit(1));
  auto r = Evaluate(*e, Value{{"a", 1}, {"b", 0}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "ZeroDivisionError: division by zero in value['a'] / value['b']");
  r = Evaluate(*Col("x"), Value::object());
  EXPECT_EQ(r.status().message(), "KeyError: 'x' in value['x']");
}

TEST(Evaluate, SlotOutOfRangeIsInternal) {
  auto r = Evaluate(*Expr::MakeSlot(1), Value(), {Value(1)});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInternal) << r.status();
  r = Evaluate(*Expr::MakeSlot(-1), Value(), {Value(1)});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInternal) << r.status();
  r = Evaluate(*Expr::MakeSlot(0), Value(), {Value(1)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, Value(1));
}

TEST(Evaluate, MalformedTreesAreInternal) {
  Expr get;
  get.kind = Expr::Kind::kGetItem;
  EXPECT_EQ(Evaluate(get, Value()).status().code(), absl::StatusCode::kInternal);
  auto bin = Bin(BinaryOp::kAdd, Lit(1), nullptr);
  EXPECT_EQ(Evaluate(*bin, Value()).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ToString(*bin), "1 + <missing>");
  Expr bad_op;
  bad_op.kind = Expr::Kind::kUnary;
  bad_op.unary_op = static_cast<UnaryOp>(99);
  bad_op.left = Lit(1);
  EXPECT_EQ(Evaluate(bad_op, Value()).status().code(), absl::StatusCode::kInternal);
}

TEST(Evaluate, DeepTreesAndValuesDoNotCrash) {
  ExprPtr e = Expr::MakeValue();
  for (int i = 0; i < 3000; ++i) e = Un(UnaryOp::kNeg, std::move(e));
  EXPECT_EQ(Evaluate(*e, Value(1)).status().code(), absl::StatusCode::kInternal);

  Value deep = Value::array();
  for (int i = 0; i < 5000; ++i) {
    Value wrapper = Value::array();
    wrapper.push_back(std::move(deep));
    deep = std::move(wrapper);
  }
  auto eq = Bin(BinaryOp::kEq, Expr::MakeValue(), Expr::MakeValue());
  auto r = Evaluate(*eq, deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().substr(0, 15), "RecursionError:") << r.status();
  auto lt = Bin(BinaryOp::kLt, Expr::MakeValue(), Lit(Value::array({1})));
  EXPECT_FALSE(Evaluate(*lt, deep).ok());
  EXPECT_FALSE(ToString(*Lit(deep)).empty());
}

TEST(Evaluate, RepetitionLimitIsExact) {
  auto ok = Evaluate(*Bin(BinaryOp::kMul, Lit("x"), Lit(int64_t{1} << 26)), Value());
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->get_ref<const std::string&>().size(), size_t{1} << 26);
  auto too_big = Evaluate(*Bin(BinaryOp::kMul, Lit((int64_t{1} << 26) + 1), Lit("x")), Value());
  EXPECT_EQ(too_big.status().message().substr(0, 12), "MemoryError:") << too_big.status();
}

TEST(Evaluate, ResultsKeepFloatAndIntKinds) {
  auto r = Evaluate(*Bin(BinaryOp::kMul, Lit(2.0), Lit(3)), Value());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->is_number_float());
  r = Evaluate(*Bin(BinaryOp::kAdd, Lit(uint64_t{2}), Lit(true)), Value());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->is_number_integer() && !r->is_number_unsigned());
  EXPECT_EQ(r->get<int64_t>(), 3);
  r = Evaluate(*Bin(BinaryOp::kSub, Lit(std::numeric_limits<int64_t>::min()), Lit(-1)), Value());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->get<int64_t>(), std::numeric_limits<int64_t>::min() + 1);
  r = Evaluate(*Un(UnaryOp::kNeg, Lit(std::numeric_limits<int64_t>::min())), Value());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->is_number_unsigned());
  EXPECT_EQ(r->get<uint64_t>(), uint64_t{1} << 63);
}

// Random trees over awkward values: Evaluate and ToString must never throw
// and only ever report INVALID_ARGUMENT (Python errors) or INTERNAL.
TEST(Evaluate, NeverThrowsOnRandomInput) {
  std::vector<Value> pool = {Value(),
                             true,
                             false,
                             0,
                             -1,
                             uint64_t{18446744073709551615ull},
                             std::numeric_limits<int64_t>::min(),
                             0.0,
                             -0.0,
                             2.5,
                             1e308,
                             std::numeric_limits<double>::quiet_NaN(),
                             std::numeric_limits<double>::infinity(),
                             "",
                             "abc",
                             "h\xc3\xa9llo",
                             std::string("\xff\xfe\x80", 3),
                             Value::array(),
                             Value::array({1, "a", nullptr}),
                             Value::object(),
                             Value{{"a", 1}, {"b", {1, 2}}},
                             Value::binary({}),
                             Value::binary({0, 255}),
                             Value(Value::value_t::discarded),
                             10000000,
                             -10000000,
                             63,
                             64};
  std::mt19937 rng(12345);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  std::function<ExprPtr(int)> random_tree = [&](int depth) -> ExprPtr {
    const size_t k = depth <= 0 ? pick(3) : pick(7);
    switch (k) {
      case 0:
        return Expr::MakeValue();
      case 1:
        return Lit(pool[pick(pool.size())]);
      case 2:
        return Expr::MakeSlot(static_cast<int>(pick(4)) - 1);
      case 3:
        return Get(random_tree(depth - 1), pool[pick(pool.size())]);
      case 4:
        return Un(static_cast<UnaryOp>(pick(5)), random_tree(depth - 1));
      case 5:
        return pick(20) == 0 ? nullptr : random_tree(depth - 1);
      default:
        return Bin(static_cast<BinaryOp>(pick(19)), random_tree(depth - 1), random_tree(depth - 1));
    }
  };
  int ok = 0, python_errors = 0;
  for (int i = 0; i < 30000; ++i) {
    ExprPtr e = random_tree(4);
    if (e == nullptr) continue;
    const Value& value = pool[pick(pool.size())];
    const std::vector<Value> slots = {pool[pick(pool.size())], pool[pick(pool.size())]};
    absl::StatusOr<Value> r;
    ASSERT_NO_THROW(r = Evaluate(*e, value, slots)) << ToString(*e);
    ASSERT_NO_THROW((void)ToString(*e));
    if (r.ok()) {
      ++ok;
      ASSERT_NO_THROW((void)Truthy(*r));
    } else {
      ASSERT_TRUE(r.status().code() == absl::StatusCode::kInvalidArgument ||
                  r.status().code() == absl::StatusCode::kInternal)
          << r.status();
      if (r.status().code() == absl::StatusCode::kInvalidArgument) ++python_errors;
    }
  }
  EXPECT_GT(ok, 1000);
  EXPECT_GT(python_errors, 1000);
}

}  // namespace
}  // namespace sidestream::expr

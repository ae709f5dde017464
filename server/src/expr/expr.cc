// Evaluation of column expressions with Python 3 semantics over JSON values.
//
// Every operator mirrors what CPython 3.11 does for the same json.loads()
// values; tests/unit/gen_expr_cases.py checks that against real Python.
// Deliberate divergences (documented for SDK users, marked in the cases):
//  - Integers are 64-bit: a result outside [-2**63, 2**64) is
//    "OverflowError: integer result exceeds 64 bits" (Python ints are unbounded).
//  - A negative float raised to a non-integral power is
//    "ValueError: complex result not supported" (Python returns a complex).
//  - `is` is True only for None is None and for two bools of the same value;
//    Python's object identity (small-int cache, same list) is not modelled.
//  - Values have no identity either, so a list holding NaN is never equal to
//    itself (Python's `x == x` shortcut for containers is not modelled).
//  - `str % x` / `bytes % x` (printf-style formatting) is
//    "NotImplementedError".
//  - Sequence repetition is capped (kMaxRepeatBytes / kMaxRepeatItems) with
//    "MemoryError" instead of allocating without bound.
//  - Comparing or rendering values nested deeper than kMaxValueDepth is
//    "RecursionError" (Python's limit depends on its stack, ~1000 frames).
//  - dicts iterate (and render) in key order, not insertion order.
#include "expr/expr.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace sidestream::expr {
namespace {

// Python ints are held in 128 bits while computing so that no 64-bit
// operation can overflow before the range check in MakeInt().
__extension__ typedef __int128 Int;
__extension__ typedef unsigned __int128 UInt;
constexpr Int kIntMin = static_cast<Int>(std::numeric_limits<int64_t>::min());
constexpr Int kInt64Max = static_cast<Int>(std::numeric_limits<int64_t>::max());
constexpr Int kIntMax = static_cast<Int>(std::numeric_limits<uint64_t>::max());

constexpr int kMaxValueDepth = 1000;                 // nesting of compared/rendered values
constexpr int kMaxExprDepth = 1000;                  // nesting of the expression tree
constexpr size_t kMaxRepeatBytes = size_t{1} << 26;  // str/bytes * n result
constexpr size_t kMaxRepeatItems = size_t{1} << 22;  // list * n result

// The Python type of a JSON value.
enum class Kind { kNone, kBool, kInt, kFloat, kStr, kBytes, kList, kDict, kOther };

Kind KindOf(const Value& v) {
  switch (v.type()) {
    case Value::value_t::null:
      return Kind::kNone;
    case Value::value_t::boolean:
      return Kind::kBool;
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned:
      return Kind::kInt;
    case Value::value_t::number_float:
      return Kind::kFloat;
    case Value::value_t::string:
      return Kind::kStr;
    case Value::value_t::binary:
      return Kind::kBytes;
    case Value::value_t::array:
      return Kind::kList;
    case Value::value_t::object:
      return Kind::kDict;
    default:
      return Kind::kOther;
  }
}

const std::string& Str(const Value& v) { return *v.get_ptr<const Value::string_t*>(); }
const Value::binary_t& Bytes(const Value& v) { return *v.get_ptr<const Value::binary_t*>(); }
const Value::array_t& List(const Value& v) { return *v.get_ptr<const Value::array_t*>(); }
const Value::object_t& Dict(const Value& v) { return *v.get_ptr<const Value::object_t*>(); }

absl::Status PyError(absl::string_view type, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(type, ": ", message));
}
absl::Status TypeError(absl::string_view message) { return PyError("TypeError", message); }
absl::Status Quoted(absl::string_view type, const Value& v) {
  return TypeError(absl::StrCat(type, "'", PyTypeName(v), "'"));
}

// ---------------------------------------------------------------- numbers --

// A Python int (bool included) or float.
struct Num {
  bool is_float = false;
  Int i = 0;
  double f = 0;
};

std::optional<Num> AsNum(const Value& v) {
  switch (v.type()) {
    case Value::value_t::boolean:
      return Num{false, *v.get_ptr<const Value::boolean_t*>() ? 1 : 0, 0};
    case Value::value_t::number_integer:
      return Num{false, *v.get_ptr<const Value::number_integer_t*>(), 0};
    case Value::value_t::number_unsigned:
      return Num{false, *v.get_ptr<const Value::number_unsigned_t*>(), 0};
    case Value::value_t::number_float:
      return Num{true, 0, *v.get_ptr<const Value::number_float_t*>()};
    default:
      return std::nullopt;
  }
}

bool IsIntLike(const Value& v) { return v.is_boolean() || v.is_number_integer(); }

// REQUIRES: kIntMin <= i <= kIntMax (both conversions round correctly).
double IntToDouble(Int i) {
  return i > kInt64Max ? static_cast<double>(static_cast<uint64_t>(i))
                       : static_cast<double>(static_cast<int64_t>(i));
}

double ToDouble(const Num& n) { return n.is_float ? n.f : IntToDouble(n.i); }

absl::Status Overflow() { return PyError("OverflowError", "integer result exceeds 64 bits"); }

// An int result: number_integer, or number_unsigned above INT64_MAX.
absl::StatusOr<Value> MakeInt(Int v) {
  if (v >= kIntMin && v <= kInt64Max) return Value(static_cast<int64_t>(v));
  if (v > 0 && v <= kIntMax) return Value(static_cast<uint64_t>(v));
  return Overflow();
}

int BitLength(UInt x) {
  int n = 0;
  while (x != 0) {
    ++n;
    x >>= 1;
  }
  return n;
}

// a / b correctly rounded, as Python's int true division (not
// float(a) / float(b), which rounds twice above 2**53).
double IntTrueDiv(Int a, Int b) {
  const bool negative = (a < 0) != (b < 0);
  const UInt x = a < 0 ? -static_cast<UInt>(a) : static_cast<UInt>(a);
  const UInt y = b < 0 ? -static_cast<UInt>(b) : static_cast<UInt>(b);
  double d = 0;
  if (x != 0) {
    // Scale so the quotient has 55-56 bits, fold the remainder into a sticky
    // bit below the rounding bit, and let the (exact) conversion round once.
    const int shift = std::max(0, 55 - (BitLength(x) - BitLength(y)));
    const UInt scaled = x << shift;  // < 2**119: x < 2**64 and shift <= 55 + 64 - bitlen(x)
    UInt q = scaled / y;
    if (scaled % y != 0) q |= 1;
    d = std::ldexp(static_cast<double>(static_cast<uint64_t>(q)), -shift);
  }
  return negative ? -d : d;
}

enum class Ord { kLess, kEqual, kGreater, kUnordered };

Ord Flip(Ord o) { return o == Ord::kLess ? Ord::kGreater : o == Ord::kGreater ? Ord::kLess : o; }

// Exact comparison, as Python does (no rounding of the int to a double).
Ord CompareIntFloat(Int i, double d) {
  if (std::isnan(d)) return Ord::kUnordered;
  if (d >= 0x1p127) return Ord::kLess;
  if (d < -0x1p127) return Ord::kGreater;
  const double fl = std::floor(d);
  const Int fi = static_cast<Int>(fl);
  if (i < fi) return Ord::kLess;
  if (i > fi) return Ord::kGreater;
  return d > fl ? Ord::kLess : Ord::kEqual;
}

Ord CompareNum(const Num& a, const Num& b) {
  if (!a.is_float && !b.is_float) {
    return a.i < b.i ? Ord::kLess : a.i > b.i ? Ord::kGreater : Ord::kEqual;
  }
  if (a.is_float && b.is_float) {
    if (a.f < b.f) return Ord::kLess;
    if (a.f > b.f) return Ord::kGreater;
    return a.f == b.f ? Ord::kEqual : Ord::kUnordered;
  }
  return a.is_float ? Flip(CompareIntFloat(b.i, a.f)) : CompareIntFloat(a.i, b.f);
}

bool IsOddInteger(double d) { return std::fmod(std::fabs(d), 2.0) == 1.0; }

// CPython's float_pow, special cases included.
absl::StatusOr<Value> FloatPow(double v, double w) {
  if (w == 0) return Value(1.0);
  if (std::isnan(v)) return Value(v);
  if (std::isnan(w)) return Value(v == 1.0 ? 1.0 : w);
  if (std::isinf(w)) {
    v = std::fabs(v);
    if (v == 1.0) return Value(1.0);
    return Value((w > 0) == (v > 1.0) ? std::fabs(w) : 0.0);
  }
  if (std::isinf(v)) {
    const bool odd = IsOddInteger(w);
    if (w > 0) return Value(odd ? v : std::fabs(v));
    return Value(odd ? std::copysign(0.0, v) : 0.0);
  }
  if (v == 0.0) {
    if (w < 0) return PyError("ZeroDivisionError", "0.0 cannot be raised to a negative power");
    return Value(IsOddInteger(w) ? v : 0.0);
  }
  bool negate = false;
  if (v < 0) {
    if (w != std::floor(w)) return PyError("ValueError", "complex result not supported");
    v = -v;
    negate = IsOddInteger(w);
  }
  if (v == 1.0) return Value(negate ? -1.0 : 1.0);
  double r = std::pow(v, w);
  if (std::isinf(r)) return PyError("OverflowError", "(34, 'Numerical result out of range')");
  return Value(negate ? -r : r);
}

absl::StatusOr<Value> IntPow(Int base, Int exp) {  // REQUIRES: exp >= 0
  Int result = 1;
  while (true) {
    if ((exp & 1) != 0 && __builtin_mul_overflow(result, base, &result)) return Overflow();
    exp >>= 1;
    if (exp == 0) break;
    // The highest bit of exp is still to come, so a square beyond the range
    // means the result is beyond it too.
    if (__builtin_mul_overflow(base, base, &base) || base > kIntMax) return Overflow();
  }
  return MakeInt(result);
}

absl::StatusOr<Value> IntArith(BinaryOp op, Int a, Int b) {
  Int r = 0;
  switch (op) {
    case BinaryOp::kAdd:
      return MakeInt(a + b);
    case BinaryOp::kSub:
      return MakeInt(a - b);
    case BinaryOp::kMul:
      if (__builtin_mul_overflow(a, b, &r)) return Overflow();
      return MakeInt(r);
    case BinaryOp::kTrueDiv:
      if (b == 0) return PyError("ZeroDivisionError", "division by zero");
      return Value(IntTrueDiv(a, b));
    case BinaryOp::kFloorDiv:
      if (b == 0) return PyError("ZeroDivisionError", "integer division or modulo by zero");
      r = a / b;
      if (a % b != 0 && ((a % b < 0) != (b < 0))) --r;
      return MakeInt(r);
    case BinaryOp::kMod:
      if (b == 0) return PyError("ZeroDivisionError", "integer modulo by zero");
      r = a % b;
      if (r != 0 && ((r < 0) != (b < 0))) r += b;
      return MakeInt(r);
    case BinaryOp::kPow:
      if (b < 0) return FloatPow(IntToDouble(a), IntToDouble(b));
      return IntPow(a, b);
    default:
      return absl::InternalError("not an arithmetic operator");
  }
}

absl::StatusOr<Value> FloatArith(BinaryOp op, double a, double b) {
  switch (op) {
    case BinaryOp::kAdd:
      return Value(a + b);
    case BinaryOp::kSub:
      return Value(a - b);
    case BinaryOp::kMul:
      return Value(a * b);
    case BinaryOp::kTrueDiv:
      if (b == 0) return PyError("ZeroDivisionError", "float division by zero");
      return Value(a / b);
    case BinaryOp::kFloorDiv: {  // CPython's _float_div_mod
      if (b == 0) return PyError("ZeroDivisionError", "float floor division by zero");
      const double mod = std::fmod(a, b);
      double div = (a - mod) / b;
      if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1.0;
      if (div == 0) return Value(std::copysign(0.0, a / b));
      double floor_div = std::floor(div);
      if (div - floor_div > 0.5) floor_div += 1.0;
      return Value(floor_div);
    }
    case BinaryOp::kMod: {
      if (b == 0) return PyError("ZeroDivisionError", "float modulo");
      double mod = std::fmod(a, b);
      if (mod == 0) return Value(std::copysign(0.0, b));
      if ((b < 0) != (mod < 0)) mod += b;
      return Value(mod);
    }
    case BinaryOp::kPow:
      return FloatPow(a, b);
    default:
      return absl::InternalError("not an arithmetic operator");
  }
}

// ------------------------------------------------------------ python repr --

void AppendRepr(std::string* out, const Value& v, int depth);

void AppendFloatRepr(std::string* out, double d) {
  if (std::isnan(d)) return absl::StrAppend(out, "nan");
  if (std::isinf(d)) return absl::StrAppend(out, d > 0 ? "inf" : "-inf");
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);  // shortest round trip: "-1.2345e+02"
  if (sci[0] == '-') {
    out->push_back('-');
    sci.erase(0, 1);
  }
  const size_t e_pos = sci.find('e');
  std::string digits = sci.substr(0, e_pos);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  const int exp = std::atoi(sci.c_str() + e_pos + 1);
  if (exp < -4 || exp >= 16) {  // Python's repr switches to exponent form here
    absl::StrAppend(out, digits.substr(0, 1), digits.size() > 1 ? "." : "", digits.substr(1), "e",
                    exp < 0 ? "-" : "+", std::abs(exp) < 10 ? "0" : "", std::abs(exp));
  } else if (exp < 0) {
    absl::StrAppend(out, "0.", std::string(-exp - 1, '0'), digits);
  } else {
    if (digits.size() < static_cast<size_t>(exp) + 1) digits.append(exp + 1 - digits.size(), '0');
    std::string frac = digits.substr(exp + 1);
    absl::StrAppend(out, digits.substr(0, exp + 1), ".", frac.empty() ? "0" : frac);
  }
}

void AppendHexEscape(std::string* out, unsigned c) {
  static constexpr char kHex[] = "0123456789abcdef";
  absl::StrAppend(out, "\\x", std::string(1, kHex[(c >> 4) & 0xf]), std::string(1, kHex[c & 0xf]));
}

// Python's str/bytes repr: single quotes unless only double quotes avoid
// escaping. Non-ASCII str characters stay as they are, except U+0080..U+00A0
// and U+00AD, which Python also escapes.
template <typename Bytes>
void AppendQuoted(std::string* out, const Bytes& s, bool is_bytes) {
  const bool has_single = std::find(s.begin(), s.end(), '\'') != s.end();
  const bool has_double = std::find(s.begin(), s.end(), '"') != s.end();
  const char quote = has_single && !has_double ? '"' : '\'';
  if (is_bytes) out->push_back('b');
  out->push_back(quote);
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\\' || c == static_cast<unsigned char>(quote)) {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '\r') {
      out->append("\\r");
    } else if (c == '\t') {
      out->append("\\t");
    } else if (c < 0x20 || c == 0x7f || (is_bytes && c >= 0x80)) {
      AppendHexEscape(out, c);
    } else if (!is_bytes && c == 0xc2 && i + 1 < s.size() &&
               ((static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                 static_cast<unsigned char>(s[i + 1]) <= 0xa0) ||
                static_cast<unsigned char>(s[i + 1]) == 0xad)) {
      AppendHexEscape(out, static_cast<unsigned char>(s[++i]));
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
  out->push_back(quote);
}

void AppendRepr(std::string* out, const Value& v, int depth) {
  if (depth > kMaxValueDepth) return absl::StrAppend(out, "...");
  switch (KindOf(v)) {
    case Kind::kNone:
      return absl::StrAppend(out, "None");
    case Kind::kBool:
      return absl::StrAppend(out, *v.get_ptr<const Value::boolean_t*>() ? "True" : "False");
    case Kind::kInt: {
      const Num n = *AsNum(v);
      if (n.i > kInt64Max) return absl::StrAppend(out, static_cast<uint64_t>(n.i));
      return absl::StrAppend(out, static_cast<int64_t>(n.i));
    }
    case Kind::kFloat:
      return AppendFloatRepr(out, *v.get_ptr<const Value::number_float_t*>());
    case Kind::kStr:
      return AppendQuoted(out, Str(v), /*is_bytes=*/false);
    case Kind::kBytes:
      return AppendQuoted(out, Bytes(v), /*is_bytes=*/true);
    case Kind::kList: {
      out->push_back('[');
      const char* sep = "";
      for (const Value& item : List(v)) {
        out->append(sep);
        AppendRepr(out, item, depth + 1);
        sep = ", ";
      }
      out->push_back(']');
      return;
    }
    case Kind::kDict: {
      out->push_back('{');
      const char* sep = "";
      for (const auto& [key, item] : Dict(v)) {
        out->append(sep);
        AppendQuoted(out, key, /*is_bytes=*/false);
        out->append(": ");
        AppendRepr(out, item, depth + 1);
        sep = ", ";
      }
      out->push_back('}');
      return;
    }
    case Kind::kOther:
      return absl::StrAppend(out, "<discarded>");
  }
}

std::string Repr(const Value& v) {
  std::string out;
  AppendRepr(&out, v, 0);
  return out;
}

// ------------------------------------------------------------ comparisons --

absl::Status TooDeep() {
  return PyError("RecursionError", "maximum recursion depth exceeded in comparison");
}

// Python ==, which never raises (beyond the nesting limit).
absl::StatusOr<bool> PyEq(const Value& a, const Value& b, int depth) {
  if (depth > kMaxValueDepth) return TooDeep();
  const Kind ka = KindOf(a), kb = KindOf(b);
  const std::optional<Num> na = AsNum(a), nb = AsNum(b);
  if (na && nb) return CompareNum(*na, *nb) == Ord::kEqual;
  if (ka != kb) return false;
  switch (ka) {
    case Kind::kNone:
      return true;
    case Kind::kStr:
      return Str(a) == Str(b);
    case Kind::kBytes:
      return static_cast<const std::vector<uint8_t>&>(Bytes(a)) ==
             static_cast<const std::vector<uint8_t>&>(Bytes(b));
    case Kind::kList: {
      const auto &la = List(a), &lb = List(b);
      if (la.size() != lb.size()) return false;
      for (size_t i = 0; i < la.size(); ++i) {
        SS_ASSIGN_OR_RETURN(bool eq, PyEq(la[i], lb[i], depth + 1));
        if (!eq) return false;
      }
      return true;
    }
    case Kind::kDict: {
      const auto &da = Dict(a), &db = Dict(b);
      if (da.size() != db.size()) return false;
      for (const auto& [key, item] : da) {
        auto it = db.find(key);
        if (it == db.end()) return false;
        SS_ASSIGN_OR_RETURN(bool eq, PyEq(item, it->second, depth + 1));
        if (!eq) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

const char* OpSymbol(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSub:
      return "-";
    case BinaryOp::kMul:
      return "*";
    case BinaryOp::kTrueDiv:
      return "/";
    case BinaryOp::kFloorDiv:
      return "//";
    case BinaryOp::kMod:
      return "%";
    case BinaryOp::kPow:
      return "**";
    case BinaryOp::kEq:
      return "==";
    case BinaryOp::kNe:
      return "!=";
    case BinaryOp::kLt:
      return "<";
    case BinaryOp::kLe:
      return "<=";
    case BinaryOp::kGt:
      return ">";
    case BinaryOp::kGe:
      return ">=";
    case BinaryOp::kAnd:
      return "&";
    case BinaryOp::kOr:
      return "|";
    case BinaryOp::kIs:
      return "is";
    case BinaryOp::kIsNot:
      return "is not";
    case BinaryOp::kContains:
    case BinaryOp::kIsIn:
      return "in";
  }
  return "?";
}

bool OrdMatches(BinaryOp op, Ord o) {
  switch (op) {
    case BinaryOp::kLt:
      return o == Ord::kLess;
    case BinaryOp::kLe:
      return o == Ord::kLess || o == Ord::kEqual;
    case BinaryOp::kGt:
      return o == Ord::kGreater;
    case BinaryOp::kGe:
      return o == Ord::kGreater || o == Ord::kEqual;
    default:
      return false;
  }
}

template <typename T>
Ord CompareSeq(const T& a, const T& b) {
  const int c = a.compare(b);
  return c < 0 ? Ord::kLess : c > 0 ? Ord::kGreater : Ord::kEqual;
}

// Python < <= > >=: numbers with numbers, str with str, bytes with bytes,
// lists element-wise (first unequal pair decides, else the lengths).
absl::StatusOr<bool> PyOrder(BinaryOp op, const Value& a, const Value& b, int depth) {
  if (depth > kMaxValueDepth) return TooDeep();
  const std::optional<Num> na = AsNum(a), nb = AsNum(b);
  if (na && nb) return OrdMatches(op, CompareNum(*na, *nb));
  const Kind ka = KindOf(a), kb = KindOf(b);
  if (ka == Kind::kStr && kb == Kind::kStr) return OrdMatches(op, CompareSeq(Str(a), Str(b)));
  if (ka == Kind::kBytes && kb == Kind::kBytes) {
    const auto &x = Bytes(a), &y = Bytes(b);
    const int c = std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end())   ? -1
                  : std::lexicographical_compare(y.begin(), y.end(), x.begin(), x.end()) ? 1
                                                                                         : 0;
    return OrdMatches(op, c < 0 ? Ord::kLess : c > 0 ? Ord::kGreater : Ord::kEqual);
  }
  if (ka == Kind::kList && kb == Kind::kList) {
    const auto &la = List(a), &lb = List(b);
    const size_t n = std::min(la.size(), lb.size());
    for (size_t i = 0; i < n; ++i) {
      SS_ASSIGN_OR_RETURN(bool eq, PyEq(la[i], lb[i], depth + 1));
      if (!eq) return PyOrder(op, la[i], lb[i], depth + 1);
    }
    const Ord o = la.size() < lb.size()   ? Ord::kLess
                  : la.size() > lb.size() ? Ord::kGreater
                                          : Ord::kEqual;
    return OrdMatches(op, o);
  }
  return TypeError(absl::StrCat("'", OpSymbol(op), "' not supported between instances of '",
                                PyTypeName(a), "' and '", PyTypeName(b), "'"));
}

// ------------------------------------------------------ other operators --

absl::Status Unsupported(BinaryOp op, const Value& a, const Value& b) {
  return TypeError(absl::StrCat("unsupported operand type(s) for ",
                                op == BinaryOp::kPow ? "** or pow()" : OpSymbol(op), ": '",
                                PyTypeName(a), "' and '", PyTypeName(b), "'"));
}

absl::StatusOr<Value> Concat(const Value& a, const Value& b) {
  const Kind ka = KindOf(a), kb = KindOf(b);
  if (ka == Kind::kStr && kb == Kind::kStr) return Value(absl::StrCat(Str(a), Str(b)));
  if (ka == Kind::kList && kb == Kind::kList) {
    Value::array_t out;
    out.reserve(List(a).size() + List(b).size());
    out.insert(out.end(), List(a).begin(), List(a).end());
    out.insert(out.end(), List(b).begin(), List(b).end());
    return Value(std::move(out));
  }
  if (ka == Kind::kBytes && kb == Kind::kBytes) {
    std::vector<uint8_t> out(Bytes(a).begin(), Bytes(a).end());
    out.insert(out.end(), Bytes(b).begin(), Bytes(b).end());
    return Value::binary(std::move(out));
  }
  if (ka == Kind::kStr) {
    return TypeError(absl::StrCat("can only concatenate str (not \"", PyTypeName(b), "\") to str"));
  }
  if (ka == Kind::kList) {
    return TypeError(
        absl::StrCat("can only concatenate list (not \"", PyTypeName(b), "\") to list"));
  }
  if (ka == Kind::kBytes) {
    return TypeError(absl::StrCat("can't concat ", PyTypeName(b), " to bytes"));
  }
  return Unsupported(BinaryOp::kAdd, a, b);
}

bool IsSequence(const Value& v) { return v.is_string() || v.is_binary() || v.is_array(); }

template <typename Seq>
Seq RepeatSeq(const Seq& s, size_t n) {
  Seq out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out.insert(out.end(), s.begin(), s.end());
  return out;
}

// `seq` (str, bytes or list) repeated n times, as a value of its own type.
Value RepeatSeq(const Value& seq, size_t n) {
  if (seq.is_string()) return Value(RepeatSeq(Str(seq), n));
  if (seq.is_binary()) {
    return Value::binary(RepeatSeq(static_cast<const std::vector<uint8_t>&>(Bytes(seq)), n));
  }
  return Value(RepeatSeq(List(seq), n));
}

// seq * n and n * seq. The sequence's own repeat decides which operand is
// the count, as in CPython: the left one when it is a sequence.
absl::StatusOr<Value> Repeat(const Value& a, const Value& b) {
  const bool left_is_seq = IsSequence(a);
  if (!left_is_seq && !IsSequence(b)) return Unsupported(BinaryOp::kMul, a, b);
  const Value& seq = left_is_seq ? a : b;
  const Value& count = left_is_seq ? b : a;
  if (!IsIntLike(count)) return Quoted("can't multiply sequence by non-int of type ", count);
  const Int n128 = AsNum(count)->i;
  if (n128 > kInt64Max) {
    return PyError("OverflowError", "cannot fit 'int' into an index-sized integer");
  }
  const size_t n = n128 < 0 ? 0 : static_cast<size_t>(n128);
  const size_t len = seq.is_string()   ? Str(seq).size()
                     : seq.is_binary() ? Bytes(seq).size()
                                       : List(seq).size();
  const size_t limit = seq.is_array() ? kMaxRepeatItems : kMaxRepeatBytes;
  if (len == 0 || n == 0) return RepeatSeq(seq, 0);
  if (n > limit / len) {
    return PyError("MemoryError",
                   absl::StrCat("repeated sequence would exceed ", limit,
                                seq.is_array() ? " items" : " bytes", " (sidestream limit)"));
  }
  return RepeatSeq(seq, n);
}

absl::StatusOr<Value> Arith(BinaryOp op, const Value& a, const Value& b) {
  const std::optional<Num> x = AsNum(a), y = AsNum(b);
  if (x && y) {
    if (!x->is_float && !y->is_float) return IntArith(op, x->i, y->i);
    return FloatArith(op, ToDouble(*x), ToDouble(*y));
  }
  if (op == BinaryOp::kAdd) return Concat(a, b);
  if (op == BinaryOp::kMul) return Repeat(a, b);
  if (op == BinaryOp::kMod && (a.is_string() || a.is_binary())) {
    return PyError("NotImplementedError", "printf-style formatting (str % x) is not supported");
  }
  return Unsupported(op, a, b);
}

// Python operator.and_ / operator.or_.
absl::StatusOr<Value> Bitwise(BinaryOp op, const Value& a, const Value& b) {
  const bool is_and = op == BinaryOp::kAnd;
  if (a.is_boolean() && b.is_boolean()) {
    const bool x = *a.get_ptr<const Value::boolean_t*>(), y = *b.get_ptr<const Value::boolean_t*>();
    return Value(is_and ? (x && y) : (x || y));
  }
  if (IsIntLike(a) && IsIntLike(b)) {
    const Int x = AsNum(a)->i, y = AsNum(b)->i;
    return MakeInt(is_and ? (x & y) : (x | y));
  }
  if (!is_and && a.is_object() && b.is_object()) {  // dict | dict merges, right wins
    Value out = a;
    for (const auto& [key, item] : Dict(b)) out[key] = item;
    return out;
  }
  return Unsupported(op, a, b);
}

// Python `item in container`.
absl::StatusOr<bool> Contains(const Value& container, const Value& item) {
  switch (KindOf(container)) {
    case Kind::kStr:
      if (!item.is_string()) {
        return TypeError(
            absl::StrCat("'in <string>' requires string as left operand, not ", PyTypeName(item)));
      }
      return Str(container).find(Str(item)) != std::string::npos;
    case Kind::kBytes: {
      const auto& hay = Bytes(container);
      if (item.is_binary()) {
        const auto& needle = Bytes(item);
        return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
      }
      if (IsIntLike(item)) {
        const Int byte = AsNum(item)->i;
        if (byte < 0 || byte > 255) return PyError("ValueError", "byte must be in range(0, 256)");
        return std::find(hay.begin(), hay.end(), static_cast<uint8_t>(byte)) != hay.end();
      }
      return TypeError(
          absl::StrCat("a bytes-like object is required, not '", PyTypeName(item), "'"));
    }
    case Kind::kList:
      for (const Value& element : List(container)) {
        SS_ASSIGN_OR_RETURN(bool eq, PyEq(element, item, 0));
        if (eq) return true;
      }
      return false;
    case Kind::kDict:
      if (item.is_array() || item.is_object()) return Quoted("unhashable type: ", item);
      return item.is_string() && Dict(container).count(Str(item)) != 0;
    default:
      return TypeError(
          absl::StrCat("argument of type '", PyTypeName(container), "' is not iterable"));
  }
}

// ---------------------------------------------------------------- indexing --

absl::StatusOr<size_t> NormalizeIndex(const Value& key, size_t len, absl::string_view what) {
  const Int i = AsNum(key)->i;
  if (i > kInt64Max) return PyError("IndexError", "cannot fit 'int' into an index-sized integer");
  const Int j = i < 0 ? i + static_cast<Int>(len) : i;
  if (j < 0 || j >= static_cast<Int>(len)) {
    return PyError("IndexError", absl::StrCat(what, "index out of range"));
  }
  return static_cast<size_t>(j);
}

bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Python str[i]: indexes code points, not bytes.
absl::StatusOr<Value> StrIndex(const std::string& s, const Value& key) {
  const size_t count = static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return !IsUtf8Continuation(c); }));
  SS_ASSIGN_OR_RETURN(size_t index, NormalizeIndex(key, count, "string "));
  if (count == s.size()) return Value(s.substr(index, 1));
  size_t begin = 0;
  for (size_t seen = 0; begin < s.size(); ++begin) {
    if (IsUtf8Continuation(s[begin])) continue;
    if (seen++ == index) break;
  }
  size_t end = begin + 1;
  while (end < s.size() && IsUtf8Continuation(s[end])) ++end;
  return Value(s.substr(begin, end - begin));
}

// A result that either borrows a node of the message, a literal or a slot,
// or owns a computed value; borrowing keeps value['a']['b'] copy-free.
class Operand {
 public:
  static Operand Borrow(const Value& v) {
    Operand o;
    o.borrowed_ = &v;
    return o;
  }
  static Operand Own(Value v) {
    Operand o;
    o.owned_ = std::move(v);
    return o;
  }
  const Value& get() const { return borrowed_ != nullptr ? *borrowed_ : owned_; }
  bool owned() const { return borrowed_ == nullptr; }
  Value Release() && { return borrowed_ != nullptr ? Value(*borrowed_) : std::move(owned_); }

 private:
  const Value* borrowed_ = nullptr;
  Value owned_;
};

// container[key]; a borrowed result points into `container`.
absl::StatusOr<Operand> GetItem(const Value& container, const Value& key) {
  switch (KindOf(container)) {
    case Kind::kDict: {
      if (key.is_array() || key.is_object()) return Quoted("unhashable type: ", key);
      if (key.is_string()) {
        const auto& dict = Dict(container);
        auto it = dict.find(Str(key));
        if (it != dict.end()) return Operand::Borrow(it->second);
      }
      return PyError("KeyError", Repr(key));
    }
    case Kind::kList: {
      if (!IsIntLike(key)) {
        return TypeError(
            absl::StrCat("list indices must be integers or slices, not ", PyTypeName(key)));
      }
      SS_ASSIGN_OR_RETURN(size_t i, NormalizeIndex(key, List(container).size(), "list "));
      return Operand::Borrow(List(container)[i]);
    }
    case Kind::kStr: {
      if (!IsIntLike(key)) return Quoted("string indices must be integers, not ", key);
      SS_ASSIGN_OR_RETURN(Value ch, StrIndex(Str(container), key));
      return Operand::Own(std::move(ch));
    }
    case Kind::kBytes: {
      if (!IsIntLike(key)) {
        return TypeError(
            absl::StrCat("byte indices must be integers or slices, not ", PyTypeName(key)));
      }
      SS_ASSIGN_OR_RETURN(size_t i, NormalizeIndex(key, Bytes(container).size(), ""));
      return Operand::Own(Value(static_cast<int64_t>(Bytes(container)[i])));
    }
    default:
      return TypeError(absl::StrCat("'", PyTypeName(container), "' object is not subscriptable"));
  }
}

absl::StatusOr<Value> ApplyUnary(UnaryOp op, const Value& v) {
  const std::optional<Num> n = AsNum(v);
  switch (op) {
    case UnaryOp::kNeg:
      if (!n) return Quoted("bad operand type for unary -: ", v);
      return n->is_float ? absl::StatusOr<Value>(Value(-n->f)) : MakeInt(-n->i);
    case UnaryOp::kInvert:
      if (!n || n->is_float) return Quoted("bad operand type for unary ~: ", v);
      return MakeInt(~n->i);
    case UnaryOp::kAbs:
      if (!n) return Quoted("bad operand type for abs(): ", v);
      return n->is_float ? absl::StatusOr<Value>(Value(std::fabs(n->f)))
                         : MakeInt(n->i < 0 ? -n->i : n->i);
    case UnaryOp::kIsNull:
      return Value(v.is_null());
    case UnaryOp::kNotNull:
      return Value(!v.is_null());
  }
  return absl::InternalError("unknown unary operator");
}

absl::StatusOr<Value> ApplyBinary(BinaryOp op, const Value& a, const Value& b) {
  switch (op) {
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
    case BinaryOp::kMul:
    case BinaryOp::kTrueDiv:
    case BinaryOp::kFloorDiv:
    case BinaryOp::kMod:
    case BinaryOp::kPow:
      return Arith(op, a, b);
    case BinaryOp::kEq:
    case BinaryOp::kNe: {
      SS_ASSIGN_OR_RETURN(bool eq, PyEq(a, b, 0));
      return Value(eq == (op == BinaryOp::kEq));
    }
    case BinaryOp::kLt:
    case BinaryOp::kLe:
    case BinaryOp::kGt:
    case BinaryOp::kGe: {
      SS_ASSIGN_OR_RETURN(bool r, PyOrder(op, a, b, 0));
      return Value(r);
    }
    case BinaryOp::kAnd:
    case BinaryOp::kOr:
      return Bitwise(op, a, b);
    case BinaryOp::kIs:
    case BinaryOp::kIsNot: {
      const bool same =
          (a.is_null() && b.is_null()) || (a.is_boolean() && b.is_boolean() && a == b);
      return Value(same == (op == BinaryOp::kIs));
    }
    case BinaryOp::kContains: {
      SS_ASSIGN_OR_RETURN(bool r, Contains(a, b));
      return Value(r);
    }
    case BinaryOp::kIsIn: {
      SS_ASSIGN_OR_RETURN(bool r, Contains(b, a));
      return Value(r);
    }
  }
  return absl::InternalError("unknown binary operator");
}

// ------------------------------------------------------------- evaluation --

// Adds the failing sub-expression to an error raised by the node itself.
absl::Status AtNode(const absl::Status& s, const Expr& e) {
  return absl::Status(s.code(), absl::StrCat(s.message(), " in ", ToString(e)));
}

class Evaluator {
 public:
  Evaluator(const Value& value, const std::vector<Value>& slots) : value_(value), slots_(slots) {}

  absl::StatusOr<Operand> Eval(const Expr& e, int depth) {
    if (depth > kMaxExprDepth) {
      return AtNode(absl::InternalError("expression nested too deeply"), e);
    }
    switch (e.kind) {
      case Expr::Kind::kValue:
        return Operand::Borrow(value_);
      case Expr::Kind::kLiteral:
        return Operand::Borrow(e.literal);
      case Expr::Kind::kSlot:
        if (e.slot < 0 || static_cast<size_t>(e.slot) >= slots_.size()) {
          return AtNode(absl::InternalError(absl::StrCat("slot ", e.slot, " out of range (",
                                                         slots_.size(), " slots)")),
                        e);
        }
        return Operand::Borrow(slots_[e.slot]);
      case Expr::Kind::kGetItem: {
        if (e.left == nullptr) return Malformed(e);
        SS_ASSIGN_OR_RETURN(Operand base, Eval(*e.left, depth + 1));
        absl::StatusOr<Operand> item = GetItem(base.get(), e.literal);
        if (!item.ok()) return AtNode(item.status(), e);
        // A borrowed item of an owned base dies with the base: copy it.
        if (base.owned() && !item->owned()) return Operand::Own(Value(item->get()));
        return item;
      }
      case Expr::Kind::kUnary: {
        if (e.left == nullptr) return Malformed(e);
        SS_ASSIGN_OR_RETURN(Operand operand, Eval(*e.left, depth + 1));
        absl::StatusOr<Value> r = ApplyUnary(e.unary_op, operand.get());
        if (!r.ok()) return AtNode(r.status(), e);
        return Operand::Own(*std::move(r));
      }
      case Expr::Kind::kBinary: {
        if (e.left == nullptr || e.right == nullptr) return Malformed(e);
        SS_ASSIGN_OR_RETURN(Operand left, Eval(*e.left, depth + 1));
        SS_ASSIGN_OR_RETURN(Operand right, Eval(*e.right, depth + 1));
        absl::StatusOr<Value> r = ApplyBinary(e.binary_op, left.get(), right.get());
        if (!r.ok()) return AtNode(r.status(), e);
        return Operand::Own(*std::move(r));
      }
    }
    return Malformed(e);
  }

 private:
  static absl::Status Malformed(const Expr& e) {
    return AtNode(absl::InternalError("malformed expression node"), e);
  }

  const Value& value_;
  const std::vector<Value>& slots_;
};

// ------------------------------------------------------------- rendering --

bool IsNegativeNumber(const Value& v) {
  const std::optional<Num> n = AsNum(v);
  return n && !v.is_boolean() && (n->is_float ? std::signbit(n->f) : n->i < 0);
}

// Whether `e` needs parentheses as the operand of a binary operator.
bool NeedsParens(const Expr* e, bool strong) {
  if (e == nullptr) return false;
  switch (e->kind) {
    case Expr::Kind::kBinary:
      return true;
    case Expr::Kind::kUnary:
      return e->unary_op == UnaryOp::kIsNull || e->unary_op == UnaryOp::kNotNull ||
             (strong && e->unary_op != UnaryOp::kAbs);
    case Expr::Kind::kLiteral:
      return strong && IsNegativeNumber(e->literal);
    default:
      return false;
  }
}

void AppendExpr(std::string* out, const Expr* e, int depth);

// `strong`: the context binds tighter than unary minus (x ** y, x[k]).
void AppendOperand(std::string* out, const Expr* e, int depth, bool strong) {
  const bool parens = NeedsParens(e, strong);
  if (parens) out->push_back('(');
  AppendExpr(out, e, depth + 1);
  if (parens) out->push_back(')');
}

void AppendExpr(std::string* out, const Expr* e, int depth) {
  if (e == nullptr) return absl::StrAppend(out, "<missing>");
  if (depth > kMaxExprDepth) return absl::StrAppend(out, "...");
  switch (e->kind) {
    case Expr::Kind::kValue:
      return absl::StrAppend(out, "value");
    case Expr::Kind::kLiteral:
      return AppendRepr(out, e->literal, 0);
    case Expr::Kind::kSlot:
      return absl::StrAppend(out, "slot#", e->slot);
    case Expr::Kind::kGetItem:
      AppendOperand(out, e->left.get(), depth, /*strong=*/true);
      out->push_back('[');
      AppendRepr(out, e->literal, 0);
      out->push_back(']');
      return;
    case Expr::Kind::kUnary:
      switch (e->unary_op) {
        case UnaryOp::kNeg:
        case UnaryOp::kInvert:
          out->push_back(e->unary_op == UnaryOp::kNeg ? '-' : '~');
          return AppendOperand(out, e->left.get(), depth, /*strong=*/false);
        case UnaryOp::kAbs:
          out->append("abs(");
          AppendExpr(out, e->left.get(), depth + 1);
          out->push_back(')');
          return;
        case UnaryOp::kIsNull:
        case UnaryOp::kNotNull:
          AppendOperand(out, e->left.get(), depth, /*strong=*/false);
          out->append(e->unary_op == UnaryOp::kIsNull ? " is None" : " is not None");
          return;
      }
      return;
    case Expr::Kind::kBinary: {
      // contains renders as `right in left`; everything else left to right.
      const bool swap = e->binary_op == BinaryOp::kContains;
      const bool pow = e->binary_op == BinaryOp::kPow;
      AppendOperand(out, swap ? e->right.get() : e->left.get(), depth, /*strong=*/pow);
      absl::StrAppend(out, " ", OpSymbol(e->binary_op), " ");
      AppendOperand(out, swap ? e->left.get() : e->right.get(), depth, /*strong=*/false);
      return;
    }
  }
}

}  // namespace

ExprPtr Expr::MakeValue() { return std::make_unique<Expr>(); }

ExprPtr Expr::MakeLiteral(Value v) {
  auto e = std::make_unique<Expr>();
  e->kind = Kind::kLiteral;
  e->literal = std::move(v);
  return e;
}

ExprPtr Expr::MakeGetItem(ExprPtr operand, Value key) {
  auto e = std::make_unique<Expr>();
  e->kind = Kind::kGetItem;
  e->left = std::move(operand);
  e->literal = std::move(key);
  return e;
}

ExprPtr Expr::MakeUnary(UnaryOp op, ExprPtr operand) {
  auto e = std::make_unique<Expr>();
  e->kind = Kind::kUnary;
  e->unary_op = op;
  e->left = std::move(operand);
  return e;
}

ExprPtr Expr::MakeBinary(BinaryOp op, ExprPtr l, ExprPtr r) {
  auto e = std::make_unique<Expr>();
  e->kind = Kind::kBinary;
  e->binary_op = op;
  e->left = std::move(l);
  e->right = std::move(r);
  return e;
}

ExprPtr Expr::MakeSlot(int slot) {
  auto e = std::make_unique<Expr>();
  e->kind = Kind::kSlot;
  e->slot = slot;
  return e;
}

std::string ToString(const Expr& e) {
  std::string out;
  AppendExpr(&out, &e, 0);
  return out;
}

absl::StatusOr<Value> Evaluate(const Expr& e, const Value& value, const std::vector<Value>& slots) {
  // nlohmann throws on type misuse; every access above is type-checked, and
  // this boundary turns anything left (including bad_alloc) into a status.
  try {
    Evaluator evaluator(value, slots);
    SS_ASSIGN_OR_RETURN(Operand result, evaluator.Eval(e, 0));
    return std::move(result).Release();
  } catch (const std::exception& ex) {
    return absl::InternalError(absl::StrCat("expression evaluation failed: ", ex.what()));
  } catch (...) {
    return absl::InternalError("expression evaluation failed: unknown exception");
  }
}

bool Truthy(const Value& v) {
  switch (KindOf(v)) {
    case Kind::kNone:
      return false;
    case Kind::kBool:
      return *v.get_ptr<const Value::boolean_t*>();
    case Kind::kInt:
      return AsNum(v)->i != 0;
    case Kind::kFloat:
      return *v.get_ptr<const Value::number_float_t*>() != 0.0;
    case Kind::kStr:
      return !Str(v).empty();
    case Kind::kBytes:
      return !Bytes(v).empty();
    case Kind::kList:
      return !List(v).empty();
    case Kind::kDict:
      return !Dict(v).empty();
    case Kind::kOther:
      return false;
  }
  return false;
}

std::string PyTypeName(const Value& v) {
  switch (KindOf(v)) {
    case Kind::kNone:
      return "NoneType";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
      return "int";
    case Kind::kFloat:
      return "float";
    case Kind::kStr:
      return "str";
    case Kind::kBytes:
      return "bytes";
    case Kind::kList:
      return "list";
    case Kind::kDict:
      return "dict";
    case Kind::kOther:
      return "discarded";
  }
  return "discarded";
}

}  // namespace sidestream::expr

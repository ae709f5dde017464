// Column expressions (the seed's StreamingSeries) as a typed tree, and their
// evaluation over a decoded message value with Python's semantics for the
// same JSON values. Trees are built once at registration and are immutable;
// Evaluate() is reentrant and safe to call from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace sidestream::expr {

// Values are nlohmann::json documents: null, boolean, number_integer /
// number_unsigned (Python int), number_float (Python float), string, array
// (list), object (dict), binary (bytes).
using Value = nlohmann::ordered_json;

enum class UnaryOp {
  kNeg,      // -x
  kInvert,   // ~x   (Python operator.invert: ints bitwise; ~True == -2)
  kAbs,      // abs(x)
  kIsNull,   // x is None
  kNotNull,  // x is not None
};

enum class BinaryOp {
  kAdd, kSub, kMul, kTrueDiv, kFloorDiv, kMod, kPow,  // + - * / // % **
  kEq, kNe, kLt, kLe, kGt, kGe,                       // == != < <= > >=
  kAnd, kOr,                                          // & | (Python operator.and_/or_)
  kIs, kIsNot,                                        // is / is not
  kContains,                                          // right in left   (series.contains)
  kIsIn,                                              // left in right   (series.isin)
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// One node. Which fields matter depends on `kind`.
struct Expr {
  enum class Kind {
    kValue,    // the record value itself
    kGetItem,  // operand[key]   (key: string or int literal)
    kLiteral,  // a constant
    kUnary,
    kBinary,
    kSlot,     // the result of a client function call, computed before evaluation
  };
  Kind kind = Kind::kValue;
  ExprPtr left;       // kGetItem operand, kUnary operand, kBinary left
  ExprPtr right;      // kBinary right
  Value literal;      // kLiteral value, kGetItem key
  UnaryOp unary_op = UnaryOp::kNeg;
  BinaryOp binary_op = BinaryOp::kAdd;
  int slot = 0;       // kSlot index into the `slots` argument of Evaluate

  static ExprPtr MakeValue();
  static ExprPtr MakeLiteral(Value v);
  static ExprPtr MakeGetItem(ExprPtr operand, Value key);
  static ExprPtr MakeUnary(UnaryOp op, ExprPtr operand);
  static ExprPtr MakeBinary(BinaryOp op, ExprPtr l, ExprPtr r);
  static ExprPtr MakeSlot(int slot);
};

// Python-like rendering of a tree for error messages, e.g.
// `(value['x'] + value['y']) > 0`.
std::string ToString(const Expr& e);

// Evaluates `e` over `value`. `slots` holds precomputed client results for
// kSlot nodes. Errors: INVALID_ARGUMENT where Python would raise
// (KeyError, TypeError, ZeroDivisionError, ...) with the Python exception
// name and the failing sub-expression in the message.
absl::StatusOr<Value> Evaluate(const Expr& e, const Value& value,
                               const std::vector<Value>& slots = {});

// Python truthiness (bool(x)).
bool Truthy(const Value& v);

// Python's repr-like type name of a value ("int", "float", "str", "dict", ...).
std::string PyTypeName(const Value& v);

}  // namespace sidestream::expr

// The pipeline graph as the engine sees it, independent of the wire format
// (rpc/ converts the proto into these structs). Plain value types.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "serde/serde.h"

namespace sidestream::graph {

// A client function the sidecar invokes over the session stream.
struct FunctionRef {
  std::string function_id;
  bool stateful = false;
  std::string display_name;
};

// A column expression as the client described it (validated by the compiler).
struct ExprSpec {
  enum class Kind { kUnspecified, kValue, kGetItem, kLiteral, kUnary, kBinary, kApply };
  Kind kind = Kind::kUnspecified;
  std::shared_ptr<const ExprSpec> left;   // operand (GetItem, Unary, Apply) or left (Binary)
  std::shared_ptr<const ExprSpec> right;  // Binary right
  std::string literal_json;               // Literal value, GetItem key
  int op = 0;                             // proto UnaryExpr.Op / BinaryExpr.Op number
  FunctionRef function;                   // Apply
};
using ExprSpecPtr = std::shared_ptr<const ExprSpec>;

enum class StepKind {
  kUnspecified, kApply, kUpdate, kFilter, kToTopic,
  kAssign, kFilterExpr, kProject, kMapExpr,
};

// One node of the graph. Which fields matter depends on `kind`.
struct Step {
  std::string id;
  // Id of the feeding step, or the source topic name for the first step.
  std::string input;
  StepKind kind = StepKind::kUnspecified;
  // kApply, kUpdate, kFilter: the function.
  FunctionRef function;
  // kToTopic: the output topic name and optional key function.
  std::string topic;
  std::optional<FunctionRef> key_function;
  // kAssign: the key; kProject: the keys to keep.
  std::string column;
  std::vector<std::string> columns;
  // kAssign, kFilterExpr, kMapExpr: the expression.
  ExprSpecPtr expr;
};

struct TopicSpec {
  std::string name;
  serde::SerdeSpec value_deserializer{"json", {}};
  serde::SerdeSpec key_deserializer{"bytes", {}};
  serde::SerdeSpec value_serializer{"json", {}};
  serde::SerdeSpec key_serializer{"bytes", {}};
};

struct PipelineSpec {
  std::vector<TopicSpec> topics;
  std::string source_topic;
  std::vector<Step> steps;
};

}  // namespace sidestream::graph

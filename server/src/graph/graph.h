// The pipeline graph as the engine sees it, independent of the wire format
// (rpc/ converts the proto into these structs). Plain value types.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
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

// A (de)serializer run by the client (a custom serializer class): the
// sidecar moves raw bytes and the client converts them (see client-sdk/python/docs/serializers.md).
struct ClientSerde {
  FunctionRef function;
  // Value deserializers: the result is a list, one record per item.
  bool split_values = false;
  // Value serializers: headers added to every produced message, in order
  // (nullopt = a header without a value).
  std::vector<std::pair<std::string, std::optional<std::string>>> extra_headers;
};

// The seed's split_values / extra_headers as a client sent them with a
// sidecar (named) serializer, i.e. without a client function. The sidecar
// does only what its serializer does on its own (the Quix formats split
// values and add their headers), so Plan::Compile rejects any other use
// instead of ignoring it.
struct NamedSerdeExtras {
  bool split_values = false;
  std::vector<std::pair<std::string, std::optional<std::string>>> extra_headers;
};

struct TopicSpec {
  std::string name;
  serde::SerdeSpec value_deserializer{"json", {}};
  serde::SerdeSpec key_deserializer{"bytes", {}};
  serde::SerdeSpec value_serializer{"json", {}};
  serde::SerdeSpec key_serializer{"bytes", {}};
  // Set when the client runs that role; its SerdeSpec must then be empty.
  std::optional<ClientSerde> client_value_deserializer;
  std::optional<ClientSerde> client_key_deserializer;
  std::optional<ClientSerde> client_value_serializer;
  std::optional<ClientSerde> client_key_serializer;
  // What the client asked of each role's named serializer beyond its name
  // and options; empty for a role with a client function.
  NamedSerdeExtras value_deserializer_extras;
  NamedSerdeExtras key_deserializer_extras;
  NamedSerdeExtras value_serializer_extras;
  NamedSerdeExtras key_serializer_extras;
};

struct PipelineSpec {
  std::vector<TopicSpec> topics;
  std::string source_topic;
  std::vector<Step> steps;
};

}  // namespace sidestream::graph

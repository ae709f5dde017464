// A compiled, executable plan: the validated graph turned into an ordered list
// of nodes (client-function segments and native steps) with serializers
// instantiated. Immutable after Compile(); safe to share across threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "expr/expr.h"
#include "graph/graph.h"
#include "serde/serde.h"

namespace sidestream::graph {

enum class OpKind {
  kApply, kUpdate, kFilter, kToTopicKey,
  // Client (de)serializers; see SegmentOp.Kind in pipeline.proto.
  kDeserializeKey, kDeserializeValue, kSerializeKey, kSerializeValue,
};

// One client function inside a segment.
struct SegmentOp {
  OpKind kind;
  FunctionRef function;
  std::string step_id;
};

// Consecutive client functions run back to back by the client per record.
struct Segment {
  uint32_t id = 0;
  std::vector<SegmentOp> ops;
  // True when the last op is kToTopicKey (the result carries a produce key).
  bool yields_key = false;
  // True for `series.apply` calls inside an expression: the segment runs on
  // an argument value, not on the record value.
  bool on_argument = false;
  // True when any op's function is stateful (records carry state context).
  bool stateful = false;
  // Client deserializers (the plan's first segment, run mode only; it holds
  // only DESERIALIZE ops): records arrive with raw bytes; a filtered result
  // is the seed's IgnoreMessage and errors are consumer errors.
  bool deserializes = false;
  // With `deserializes`: the value result is a JSON array, one record per
  // item.
  bool split_values = false;
  // With `deserializes`: the produce key result is the deserialized message
  // key, which becomes the record's key.
  bool yields_message_key = false;
  // A to_topic's client serializers: the produce key result is the key's
  // bytes (SERIALIZE_KEY).
  bool yields_serialized_key = false;
  // A to_topic's client value serializer: the value result is the value's
  // bytes, kept for the produce; the record's value is left as it is. The
  // records are sent with the key to produce as their key.
  bool yields_serialized_value = false;
};

// A client function call inside an expression: `argument` is evaluated
// natively, sent to segment `segment_id`, and the answer fills slot i (its
// index in CompiledExpr::calls). Calls of one level depend only on calls of
// lower levels, so each level is one round of invocations.
struct ApplyCall {
  uint32_t segment_id = 0;
  expr::ExprPtr argument;
  int level = 0;
};

// An expression ready to run: the native tree plus the client calls it needs.
struct CompiledExpr {
  expr::ExprPtr root;
  std::vector<ApplyCall> calls;
  int levels = 0;  // rounds of client calls before `root` can be evaluated
  std::string text;  // Python-like rendering for errors
};

// Serializers of a topic the plan produces to.
struct OutputTopic {
  std::string name;
  // Null when the client serializes that part (a SERIALIZE op).
  std::unique_ptr<serde::Serializer> key_serializer;
  std::unique_ptr<serde::Serializer> value_serializer;
  // Headers set on every message produced here: the value serializer's
  // extra headers (the seed's Serializer.extra_headers).
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

// One node of execution order.
struct PlanNode {
  enum class Kind { kSegment, kToTopic, kAssign, kFilterExpr, kProject, kMapExpr };
  Kind kind;
  // kSegment: index into Plan::segments.
  uint32_t segment_id = 0;
  // kToTopic: the output (owned by Plan::outputs) and whether the key comes
  // from the preceding segment's kToTopicKey op (or kSerializeKey).
  const OutputTopic* output = nullptr;
  bool key_from_segment = false;
  std::string step_id;
  // kToTopic: the key / value arrive already serialized by the client (a
  // preceding segment's kSerializeKey / kSerializeValue op).
  bool key_serialized = false;
  bool value_serialized = false;
  // kAssign, kFilterExpr, kMapExpr: the expression.
  std::shared_ptr<const CompiledExpr> expr;
  // kAssign: the key set; kProject: the keys kept.
  std::string column;
  std::vector<std::string> columns;
};

struct CompileOptions {
  // Whether the source topic's client deserializers run. False for dry runs,
  // whose input values are already deserialized. Default: true.
  bool client_deserializers = true;
};

class Plan {
 public:
  // Validates `spec` and compiles it. Errors: INVALID_ARGUMENT whose message
  // names the step (or topic) at fault and the reason.
  static absl::StatusOr<std::unique_ptr<Plan>> Compile(const PipelineSpec& spec,
                                                       const CompileOptions& options = {});

  Plan(const Plan&) = delete;
  Plan& operator=(const Plan&) = delete;

  const std::string& plan_id() const { return plan_id_; }
  const std::string& source_topic() const { return source_topic_; }
  const serde::Deserializer& key_deserializer() const { return *key_deserializer_; }
  const serde::Deserializer& value_deserializer() const { return *value_deserializer_; }
  const std::vector<Segment>& segments() const { return segments_; }
  const std::vector<PlanNode>& nodes() const { return nodes_; }
  // The segment running the client deserializers (always the first node),
  // or null when the sidecar deserializes alone.
  const Segment* deserializer_segment() const;
  // Whether any node needs the client (a session can run without callbacks
  // only when this is false).
  bool has_client_functions() const { return !segments_.empty(); }
  // Whether any client function is stateful (the pipeline needs a store).
  bool stateful() const;
  // Number of native (C++) steps.
  size_t native_steps() const;
  // Names of topics the plan produces to.
  std::vector<std::string> output_topics() const;
  // Whether the first node is a native step that decodes the record value
  // (an expression or a projection): the runner may then decode the message
  // while deserializing it, once, instead of validating and decoding apart.
  bool decodes_first() const { return decodes_first_; }
  // Partial decoding: when set, the leading native steps (nodes before
  // `partial_doc_end()`) read only these top-level keys of an object value,
  // and the last of them (a projection or a map) replaces the value, so
  // nothing ever sees the rest: the decoder may skip every other key.
  // Sorted, unique. Unset when any of those steps reads the value as a whole.
  const std::optional<std::vector<std::string>>& partial_doc_keys() const { return partial_doc_keys_; }
  size_t partial_doc_end() const { return partial_doc_end_; }

 private:
  Plan() = default;
  friend class ExprCompiler;

  std::string plan_id_;
  std::string source_topic_;
  std::unique_ptr<serde::Deserializer> key_deserializer_;
  std::unique_ptr<serde::Deserializer> value_deserializer_;
  std::vector<Segment> segments_;
  std::vector<PlanNode> nodes_;
  std::map<std::string, std::unique_ptr<OutputTopic>> outputs_;
  bool decodes_first_ = false;
  std::optional<std::vector<std::string>> partial_doc_keys_;
  size_t partial_doc_end_ = 0;

  // Sets decodes_first_ and the partial-decoding fields from nodes_.
  void AnalyzeDocAccess();
};

}  // namespace sidestream::graph

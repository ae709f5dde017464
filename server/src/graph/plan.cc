#include "graph/plan.h"

#include <functional>
#include <set>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace sidestream::graph {
namespace {

absl::Status StepError(const Step& step, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat("step '", step.id, "': ", reason));
}

absl::string_view KindName(StepKind k) {
  switch (k) {
    case StepKind::kApply: return "apply";
    case StepKind::kUpdate: return "update";
    case StepKind::kFilter: return "filter";
    case StepKind::kToTopic: return "to_topic";
    case StepKind::kAssign: return "assign";
    case StepKind::kFilterExpr: return "filter_expr";
    case StepKind::kProject: return "project";
    case StepKind::kMapExpr: return "map_expr";
    case StepKind::kUnspecified: return "unspecified";
  }
  return "unspecified";
}

absl::Status CheckFunction(const Step& step, const FunctionRef& f, absl::string_view what) {
  if (f.function_id.empty()) return StepError(step, absl::StrCat(what, " has no function_id"));
  return absl::OkStatus();
}

// Stable short id of a graph: a hash of its shape, for logs.
std::string PlanIdOf(const PipelineSpec& spec, const std::vector<const Step*>& chain) {
  std::string shape = spec.source_topic;
  for (const TopicSpec& t : spec.topics) {
    for (const auto* c : {&t.client_key_deserializer, &t.client_value_deserializer,
                          &t.client_key_serializer, &t.client_value_serializer}) {
      if (c->has_value()) absl::StrAppend(&shape, "|", (*c)->function.function_id);
    }
  }
  for (const Step* s : chain) {
    absl::StrAppend(&shape, "|", s->id, ":", KindName(s->kind), ":", s->function.function_id, ":", s->topic);
  }
  return absl::StrFormat("plan-%016x", std::hash<std::string>{}(shape));
}

// Checks a client (de)serializer of topic `t` in `role` ("value deserializer", ...).
absl::Status CheckClientSerde(const TopicSpec& t, absl::string_view role, const serde::SerdeSpec& named,
                              const ClientSerde& client, bool may_split, bool may_add_headers) {
  auto fail = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("topic '", t.name, "' ", role, ": ", why));
  };
  if (client.function.function_id.empty()) return fail("client function has no function_id");
  if (!named.name.empty() || !named.options.empty()) {
    return fail(absl::StrCat("names both the sidecar serializer '", named.name,
                             "' and a client function; set only one"));
  }
  if (client.function.stateful) return fail("a client (de)serializer cannot be stateful");
  if (client.split_values && !may_split) return fail("split_values is only for value deserializers");
  if (!client.extra_headers.empty() && !may_add_headers) {
    return fail("extra_headers are only for value serializers");
  }
  return absl::OkStatus();
}

// Checks the split_values / extra_headers sent with the named (de)serializer
// `named` of topic `t` in `role`: the sidecar only does what that serializer
// does on its own, so they may ask for nothing else. `value_deserializer` /
// `value_serializer` is the serializer made from `named` when `role` is that
// one, else nullptr.
absl::Status CheckNamedExtras(const TopicSpec& t, absl::string_view role, const serde::SerdeSpec& named,
                              const NamedSerdeExtras& extras, const serde::Deserializer* value_deserializer,
                              const serde::Serializer* value_serializer) {
  auto fail = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("topic '", t.name, "' ", role, ": ", why));
  };
  // As serde::Make* reads it ("" is json); both arms string_view, so no temporary string.
  const absl::string_view name = named.name.empty() ? absl::string_view("json") : absl::string_view(named.name);
  if (extras.split_values) {
    if (value_deserializer == nullptr) return fail("split_values is only for value deserializers");
    if (!value_deserializer->split_values()) {
      return fail(absl::StrCat("split_values would be ignored: the sidecar deserializer '", name,
                               "' does not split values (split_values is for client deserializers)"));
    }
  }
  if (!extras.extra_headers.empty()) {
    if (value_serializer == nullptr) return fail("extra_headers are only for value serializers");
    std::vector<std::pair<std::string, std::optional<std::string>>> own;
    for (auto& [k, v] : value_serializer->ExtraHeaders()) own.emplace_back(std::move(k), std::move(v));
    if (extras.extra_headers != own) {
      std::string adds = "adds no headers";
      if (!own.empty()) {
        adds = absl::StrCat("adds exactly its own headers [",
                            absl::StrJoin(own, ", ",
                                          [](std::string* out, const auto& h) {
                                            absl::StrAppend(out, h.first, "=", *h.second);
                                          }),
                            "]");
      }
      return fail(absl::StrCat("extra_headers would be ignored: the sidecar serializer '", name, "' ", adds,
                               " (extra_headers are for client serializers)"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<expr::Value> ParseLiteral(const Step& step, const std::string& text) {
  expr::Value v = expr::Value::parse(text, nullptr, /*allow_exceptions=*/false);
  if (v.is_discarded()) {
    return StepError(step, absl::StrCat("expression: literal '", text, "' is not valid JSON"));
  }
  return v;
}

}  // namespace

// Turns an ExprSpec into a native tree, creating segments for series.apply.
class ExprCompiler {
 public:
  ExprCompiler(Plan* plan, const Step& step, CompiledExpr* out) : plan_(plan), step_(step), out_(out) {}

  // Compiles `e`; `*level` is the number of client-call rounds it needs.
  absl::StatusOr<expr::ExprPtr> Compile(const ExprSpec* e, int depth, int* level) {
    *level = 0;
    if (e == nullptr) return StepError(step_, "expression: missing operand (wrong arity)");
    if (depth > kMaxDepth) return StepError(step_, "expression: nested too deeply");
    using K = ExprSpec::Kind;
    switch (e->kind) {
      case K::kValue:
        return expr::Expr::MakeValue();
      case K::kLiteral: {
        auto v = ParseLiteral(step_, e->literal_json);
        if (!v.ok()) return v.status();
        return expr::Expr::MakeLiteral(std::move(*v));
      }
      case K::kGetItem: {
        auto key = ParseLiteral(step_, e->literal_json);
        if (!key.ok()) return key.status();
        if (!key->is_string() && !key->is_number_integer()) {
          return StepError(step_, absl::StrCat("expression: column key must be a string or an integer, got ",
                                               e->literal_json));
        }
        auto operand = Compile(e->left.get(), depth + 1, level);
        if (!operand.ok()) return operand.status();
        return expr::Expr::MakeGetItem(std::move(*operand), std::move(*key));
      }
      case K::kUnary: {
        static constexpr expr::UnaryOp kOps[] = {expr::UnaryOp::kNeg, expr::UnaryOp::kInvert,
                                                 expr::UnaryOp::kAbs, expr::UnaryOp::kIsNull,
                                                 expr::UnaryOp::kNotNull};
        if (e->op < 1 || e->op > 5) return StepError(step_, absl::StrCat("expression: unknown unary operator ", e->op));
        auto operand = Compile(e->left.get(), depth + 1, level);
        if (!operand.ok()) return operand.status();
        return expr::Expr::MakeUnary(kOps[e->op - 1], std::move(*operand));
      }
      case K::kBinary: {
        static constexpr expr::BinaryOp kOps[] = {
            expr::BinaryOp::kAdd, expr::BinaryOp::kSub, expr::BinaryOp::kMul, expr::BinaryOp::kTrueDiv,
            expr::BinaryOp::kFloorDiv, expr::BinaryOp::kMod, expr::BinaryOp::kPow, expr::BinaryOp::kEq,
            expr::BinaryOp::kNe, expr::BinaryOp::kLt, expr::BinaryOp::kLe, expr::BinaryOp::kGt,
            expr::BinaryOp::kGe, expr::BinaryOp::kAnd, expr::BinaryOp::kOr, expr::BinaryOp::kIs,
            expr::BinaryOp::kIsNot, expr::BinaryOp::kContains, expr::BinaryOp::kIsIn};
        if (e->op < 1 || e->op > 19) return StepError(step_, absl::StrCat("expression: unknown binary operator ", e->op));
        int l1 = 0, l2 = 0;
        auto left = Compile(e->left.get(), depth + 1, &l1);
        if (!left.ok()) return left.status();
        auto right = Compile(e->right.get(), depth + 1, &l2);
        if (!right.ok()) return right.status();
        *level = std::max(l1, l2);
        return expr::Expr::MakeBinary(kOps[e->op - 1], std::move(*left), std::move(*right));
      }
      case K::kApply: {
        if (auto st = CheckFunction(step_, e->function, "series.apply function"); !st.ok()) return st;
        if (e->left != nullptr && e->left->kind == K::kApply) {
          // x.apply(f).apply(g): one call running f then g.
          auto inner = Compile(e->left.get(), depth + 1, level);
          if (!inner.ok()) return inner.status();
          const ApplyCall& call = out_->calls[(*inner)->slot];
          plan_->segments_[call.segment_id].ops.push_back(SegmentOp{OpKind::kApply, e->function, step_.id});
          plan_->segments_[call.segment_id].stateful |= e->function.stateful;
          return inner;
        }
        int arg_level = 0;
        auto argument = Compile(e->left.get(), depth + 1, &arg_level);
        if (!argument.ok()) return argument.status();
        Segment seg;
        seg.id = static_cast<uint32_t>(plan_->segments_.size());
        seg.on_argument = true;
        seg.stateful = e->function.stateful;
        seg.ops.push_back(SegmentOp{OpKind::kApply, e->function, step_.id});
        plan_->segments_.push_back(std::move(seg));
        out_->calls.push_back(ApplyCall{plan_->segments_.back().id, std::move(*argument), arg_level});
        *level = arg_level + 1;
        out_->levels = std::max(out_->levels, *level);
        return expr::Expr::MakeSlot(static_cast<int>(out_->calls.size() - 1));
      }
      case K::kUnspecified:
        break;
    }
    return StepError(step_, "expression: unknown or missing expression kind");
  }

 private:
  static constexpr int kMaxDepth = 200;
  Plan* plan_;
  const Step& step_;
  CompiledExpr* out_;
};

absl::StatusOr<std::unique_ptr<Plan>> Plan::Compile(const PipelineSpec& spec,
                                                    const CompileOptions& options) {
  auto plan = std::unique_ptr<Plan>(new Plan());

  // Topics: unique names, serializers that exist.
  std::unordered_map<std::string, const TopicSpec*> topics;
  for (const TopicSpec& t : spec.topics) {
    if (t.name.empty()) return absl::InvalidArgumentError("topic with an empty name");
    if (!topics.emplace(t.name, &t).second) {
      return absl::InvalidArgumentError(absl::StrCat("topic '", t.name, "' is declared twice"));
    }
  }
  if (spec.source_topic.empty()) return absl::InvalidArgumentError("pipeline has no source topic");
  auto src = topics.find(spec.source_topic);
  if (src == topics.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("source topic '", spec.source_topic, "' is not declared in topics"));
  }
  plan->source_topic_ = spec.source_topic;
  const TopicSpec& source = *src->second;
  if (source.client_key_deserializer) {
    if (auto st = CheckClientSerde(source, "key deserializer", source.key_deserializer,
                                   *source.client_key_deserializer, false, false);
        !st.ok()) {
      return st;
    }
  }
  if (source.client_value_deserializer) {
    if (auto st = CheckClientSerde(source, "value deserializer", source.value_deserializer,
                                   *source.client_value_deserializer, true, false);
        !st.ok()) {
      return st;
    }
  }
  {
    // A client deserializer receives the raw bytes: the sidecar's part is "bytes".
    const serde::SerdeSpec kBytes{"bytes", {}};
    auto kd = serde::MakeDeserializer(source.client_key_deserializer ? kBytes : source.key_deserializer);
    if (!kd.ok()) return absl::InvalidArgumentError(absl::StrCat("topic '", spec.source_topic, "' key: ", kd.status().message()));
    auto vd = serde::MakeDeserializer(source.client_value_deserializer ? kBytes : source.value_deserializer);
    if (!vd.ok()) return absl::InvalidArgumentError(absl::StrCat("topic '", spec.source_topic, "' value: ", vd.status().message()));
    if (!source.client_key_deserializer) {
      if (auto st = CheckNamedExtras(source, "key deserializer", source.key_deserializer,
                                     source.key_deserializer_extras, nullptr, nullptr);
          !st.ok()) {
        return st;
      }
    }
    if (!source.client_value_deserializer) {
      if (auto st = CheckNamedExtras(source, "value deserializer", source.value_deserializer,
                                     source.value_deserializer_extras, vd->get(), nullptr);
          !st.ok()) {
        return st;
      }
    }
    plan->key_deserializer_ = std::move(*kd);
    plan->value_deserializer_ = std::move(*vd);
  }

  // Steps: unique ids, inputs that resolve, a single chain from the source.
  if (spec.steps.empty()) return absl::InvalidArgumentError("pipeline is empty: it has no steps");
  std::unordered_map<std::string, const Step*> by_id;
  for (const Step& s : spec.steps) {
    if (s.id.empty()) return absl::InvalidArgumentError(absl::StrCat("a ", KindName(s.kind), " step has an empty id"));
    if (s.id == spec.source_topic) return StepError(s, "id collides with the source topic name");
    if (!by_id.emplace(s.id, &s).second) return StepError(s, "id is used twice");
  }
  std::unordered_map<std::string, const Step*> child_of;
  for (const Step& s : spec.steps) {
    if (s.input.empty()) return StepError(s, "has no input");
    if (s.input != spec.source_topic && !by_id.contains(s.input)) {
      return StepError(s, absl::StrCat("input '", s.input, "' is neither a step nor the source topic (dangling reference)"));
    }
    auto [it, inserted] = child_of.emplace(s.input, &s);
    if (!inserted) {
      return StepError(s, absl::StrCat("'", s.input, "' already feeds step '", it->second->id,
                                       "'; branching pipelines are not supported in v1"));
    }
  }
  std::vector<const Step*> chain;
  for (std::string at = spec.source_topic;;) {
    auto it = child_of.find(at);
    if (it == child_of.end()) break;
    chain.push_back(it->second);
    at = it->second->id;
  }
  if (chain.size() != spec.steps.size()) {
    for (const Step& s : spec.steps) {
      bool reached = false;
      for (const Step* c : chain) reached = reached || c == &s;
      if (!reached) return StepError(s, "is not reachable from the source topic (cycle or detached chain)");
    }
  }

  // Compile: group consecutive client functions into segments; to_topic is
  // native (its key function closes the segment before it).
  Segment* open = nullptr;
  auto open_segment = [&]() -> Segment& {
    if (open == nullptr) {
      plan->segments_.push_back(Segment{static_cast<uint32_t>(plan->segments_.size()), {}, false});
      plan->nodes_.push_back(PlanNode{PlanNode::Kind::kSegment, plan->segments_.back().id, nullptr, false, ""});
      open = &plan->segments_.back();
    }
    return *open;
  };
  // Client deserializers: the first segment, on the raw bytes, holding only
  // the deserializer ops. Their outcomes follow the consumer stage (errors go
  // to on_consumer_error, not on_processing_error), and the sidecar turns a
  // split_values result into rows before anything else runs; keeping
  // processing ops out of this segment keeps both simple at the cost of one
  // more client round trip per batch.
  if (options.client_deserializers &&
      (source.client_key_deserializer || source.client_value_deserializer)) {
    Segment& seg = open_segment();
    seg.deserializes = true;
    if (const auto& kd = source.client_key_deserializer) {
      seg.ops.push_back(SegmentOp{OpKind::kDeserializeKey, kd->function, kd->function.function_id});
      seg.yields_message_key = true;
    }
    if (const auto& vd = source.client_value_deserializer) {
      seg.ops.push_back(SegmentOp{OpKind::kDeserializeValue, vd->function, vd->function.function_id});
      seg.split_values = vd->split_values;
    }
    open = nullptr;
  }
  for (const Step* s : chain) {
    switch (s->kind) {
      case StepKind::kApply:
      case StepKind::kUpdate:
      case StepKind::kFilter: {
        if (auto st = CheckFunction(*s, s->function, "function"); !st.ok()) return st;
        OpKind k = s->kind == StepKind::kApply ? OpKind::kApply
                   : s->kind == StepKind::kUpdate ? OpKind::kUpdate : OpKind::kFilter;
        Segment& seg = open_segment();
        seg.ops.push_back(SegmentOp{k, s->function, s->id});
        seg.stateful = seg.stateful || s->function.stateful;
        break;
      }
      case StepKind::kToTopic: {
        if (s->topic.empty()) return StepError(*s, "to_topic has no topic");
        auto t = topics.find(s->topic);
        if (t == topics.end()) {
          return StepError(*s, absl::StrCat("to_topic refers to topic '", s->topic, "', which is not declared in topics"));
        }
        const TopicSpec& ts = *t->second;
        const std::optional<ClientSerde>& client_key = ts.client_key_serializer;
        const std::optional<ClientSerde>& client_value = ts.client_value_serializer;
        if (client_key) {
          if (auto st = CheckClientSerde(ts, "key serializer", ts.key_serializer, *client_key, false, false);
              !st.ok()) {
            return StepError(*s, st.message());
          }
        }
        if (client_value) {
          if (auto st = CheckClientSerde(ts, "value serializer", ts.value_serializer, *client_value, false, true);
              !st.ok()) {
            return StepError(*s, st.message());
          }
        }
        bool key_from_segment = false;
        if (s->key_function.has_value()) {
          if (auto st = CheckFunction(*s, *s->key_function, "key function"); !st.ok()) return st;
          Segment& seg = open_segment();
          seg.ops.push_back(SegmentOp{OpKind::kToTopicKey, *s->key_function, s->id});
          seg.yields_key = true;
          key_from_segment = true;
        }
        // Client serializers: a key serializer joins the open segment; a value
        // serializer gets a segment of its own, because its result (bytes) is
        // not the value the steps after the to_topic see.
        if (client_value) {
          open = nullptr;
          Segment& seg = open_segment();
          if (client_key) {
            seg.ops.push_back(SegmentOp{OpKind::kSerializeKey, client_key->function, s->id});
            seg.yields_serialized_key = true;
          }
          seg.ops.push_back(SegmentOp{OpKind::kSerializeValue, client_value->function, s->id});
          seg.yields_serialized_value = true;
        } else if (client_key) {
          Segment& seg = open_segment();
          seg.ops.push_back(SegmentOp{OpKind::kSerializeKey, client_key->function, s->id});
          seg.yields_serialized_key = true;
        }
        open = nullptr;
        auto& out = plan->outputs_[s->topic];
        if (!out) {
          out = std::make_unique<OutputTopic>();
          out->name = s->topic;
          if (!client_key) {
            auto ks = serde::MakeSerializer(ts.key_serializer);
            if (!ks.ok()) return StepError(*s, absl::StrCat("topic '", s->topic, "' key: ", ks.status().message()));
            if (auto st = CheckNamedExtras(ts, "key serializer", ts.key_serializer, ts.key_serializer_extras,
                                           nullptr, nullptr);
                !st.ok()) {
              return StepError(*s, st.message());
            }
            out->key_serializer = std::move(*ks);
          }
          if (client_value) {
            out->headers = client_value->extra_headers;
          } else {
            auto vs = serde::MakeSerializer(ts.value_serializer);
            if (!vs.ok()) return StepError(*s, absl::StrCat("topic '", s->topic, "' value: ", vs.status().message()));
            if (auto st = CheckNamedExtras(ts, "value serializer", ts.value_serializer, ts.value_serializer_extras,
                                           nullptr, vs->get());
                !st.ok()) {
              return StepError(*s, st.message());
            }
            out->value_serializer = std::move(*vs);
            for (auto& [hk, hv] : out->value_serializer->ExtraHeaders()) out->headers.emplace_back(hk, hv);
          }
        }
        PlanNode node{PlanNode::Kind::kToTopic, 0, out.get(), key_from_segment || client_key.has_value(), s->id};
        node.key_serialized = client_key.has_value();
        node.value_serialized = client_value.has_value();
        plan->nodes_.push_back(std::move(node));
        break;
      }
      case StepKind::kAssign:
      case StepKind::kFilterExpr:
      case StepKind::kMapExpr: {
        open = nullptr;
        if (s->kind == StepKind::kAssign && s->column.empty()) return StepError(*s, "assignment has no column");
        if (s->expr == nullptr) return StepError(*s, "has no expression");
        auto ce = std::make_shared<CompiledExpr>();
        ExprCompiler compiler(plan.get(), *s, ce.get());
        int level = 0;
        auto root = compiler.Compile(s->expr.get(), 0, &level);
        if (!root.ok()) return root.status();
        ce->root = std::move(*root);
        ce->text = expr::ToString(*ce->root);
        PlanNode node{s->kind == StepKind::kAssign       ? PlanNode::Kind::kAssign
                      : s->kind == StepKind::kFilterExpr ? PlanNode::Kind::kFilterExpr
                                                         : PlanNode::Kind::kMapExpr,
                      0, nullptr, false, s->id};
        node.expr = std::move(ce);
        node.column = s->column;
        plan->nodes_.push_back(std::move(node));
        break;
      }
      case StepKind::kProject: {
        open = nullptr;
        if (s->columns.empty()) return StepError(*s, "projection has no columns");
        PlanNode node{PlanNode::Kind::kProject, 0, nullptr, false, s->id};
        node.columns = s->columns;
        plan->nodes_.push_back(std::move(node));
        break;
      }
      case StepKind::kUnspecified:
        return StepError(*s, "unknown or missing step kind");
    }
  }
  // Segment pointers into the vector may dangle after push_back: node ids are
  // indices, so nothing else holds them.
  plan->plan_id_ = PlanIdOf(spec, chain);
  plan->AnalyzeDocAccess();
  return plan;
}

namespace {

// True when every use of the record value in `e` is `value[<string>]`
// (possibly indexed further); adds those top-level keys to `keys`.
bool OnlyTopLevelReads(const expr::Expr& e, std::set<std::string>& keys) {
  switch (e.kind) {
    case expr::Expr::Kind::kValue:
      return false;  // the value as a whole
    case expr::Expr::Kind::kGetItem:
      if (e.left->kind == expr::Expr::Kind::kValue) {
        if (!e.literal.is_string()) return false;
        keys.insert(e.literal.get<std::string>());
        return true;
      }
      return OnlyTopLevelReads(*e.left, keys);
    case expr::Expr::Kind::kLiteral:
    case expr::Expr::Kind::kSlot:
      return true;
    case expr::Expr::Kind::kUnary:
      return OnlyTopLevelReads(*e.left, keys);
    case expr::Expr::Kind::kBinary:
      return OnlyTopLevelReads(*e.left, keys) && OnlyTopLevelReads(*e.right, keys);
  }
  return false;
}

bool OnlyTopLevelReads(const CompiledExpr& ce, std::set<std::string>& keys) {
  if (!OnlyTopLevelReads(*ce.root, keys)) return false;
  for (const ApplyCall& call : ce.calls) {
    if (!OnlyTopLevelReads(*call.argument, keys)) return false;
  }
  return true;
}

}  // namespace

void Plan::AnalyzeDocAccess() {
  decodes_first_ = false;
  partial_doc_keys_.reset();
  partial_doc_end_ = 0;
  if (nodes_.empty()) return;
  const PlanNode::Kind first = nodes_.front().kind;
  decodes_first_ = first == PlanNode::Kind::kAssign || first == PlanNode::Kind::kFilterExpr ||
                   first == PlanNode::Kind::kMapExpr || first == PlanNode::Kind::kProject;
  if (!decodes_first_) return;
  // Walk the leading native steps up to the first one that replaces the
  // value (a projection or a map); every read before it must be a top-level
  // key. An assignment adds or replaces a key: the projection after it then
  // reads the assigned value whether or not the key was decoded.
  std::set<std::string> keys;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const PlanNode& node = nodes_[i];
    switch (node.kind) {
      case PlanNode::Kind::kAssign:
      case PlanNode::Kind::kFilterExpr:
        if (!node.expr || !OnlyTopLevelReads(*node.expr, keys)) return;
        break;
      case PlanNode::Kind::kMapExpr:
        if (!node.expr || !OnlyTopLevelReads(*node.expr, keys)) return;
        partial_doc_keys_.emplace(keys.begin(), keys.end());
        partial_doc_end_ = i + 1;
        return;
      case PlanNode::Kind::kProject:
        keys.insert(node.columns.begin(), node.columns.end());
        partial_doc_keys_.emplace(keys.begin(), keys.end());
        partial_doc_end_ = i + 1;
        return;
      default:
        return;  // a client function or an output sees the whole value
    }
  }
}

const Segment* Plan::deserializer_segment() const {
  if (nodes_.empty() || nodes_.front().kind != PlanNode::Kind::kSegment) return nullptr;
  const Segment& seg = segments_[nodes_.front().segment_id];
  return seg.deserializes ? &seg : nullptr;
}

bool Plan::stateful() const {
  for (const Segment& s : segments_) {
    if (s.stateful) return true;
  }
  return false;
}

size_t Plan::native_steps() const {
  size_t n = 0;
  for (const PlanNode& node : nodes_) n += node.kind != PlanNode::Kind::kSegment;
  return n;
}

std::vector<std::string> Plan::output_topics() const {
  std::vector<std::string> names;
  for (const auto& [name, _] : outputs_) names.push_back(name);
  return names;
}

}  // namespace sidestream::graph

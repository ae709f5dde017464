#include "rpc/convert.h"

namespace sidestream::rpc {
namespace {

serde::SerdeSpec SerdeFrom(bool has, const v1::SerdeSpec& s, const char* dflt) {
  if (!has) return serde::SerdeSpec{dflt, {}};
  serde::SerdeSpec out{s.name(), {}};
  for (const auto& [k, v] : s.options()) out.options[k] = v;
  return out;
}

graph::FunctionRef FnFrom(const v1::FunctionRef& f) {
  return graph::FunctionRef{f.function_id(), f.stateful(), f.display_name()};
}

std::vector<std::pair<std::string, std::optional<std::string>>> HeadersFrom(const v1::SerdeSpec& s) {
  std::vector<std::pair<std::string, std::optional<std::string>>> out;
  for (const v1::Header& h : s.extra_headers()) {
    out.emplace_back(h.key(), h.has_value() ? std::optional<std::string>(h.value()) : std::nullopt);
  }
  return out;
}

// The client (de)serializer of a SerdeSpec, if it names one.
std::optional<graph::ClientSerde> ClientSerdeFrom(bool has, const v1::SerdeSpec& s) {
  if (!has || !s.has_client_function()) return std::nullopt;
  return graph::ClientSerde{FnFrom(s.client_function()), s.split_values(), HeadersFrom(s)};
}

// split_values / extra_headers sent with a named (de)serializer: kept so the
// plan can reject what the sidecar would otherwise drop.
graph::NamedSerdeExtras NamedExtrasFrom(bool has, const v1::SerdeSpec& s) {
  if (!has || s.has_client_function()) return {};
  return graph::NamedSerdeExtras{s.split_values(), HeadersFrom(s)};
}

void FnTo(const graph::FunctionRef& f, v1::FunctionRef* out) {
  out->set_function_id(f.function_id);
  out->set_stateful(f.stateful);
  out->set_display_name(f.display_name);
}

graph::ExprSpecPtr ExprFrom(const v1::Expr& e) {
  auto out = std::make_shared<graph::ExprSpec>();
  using K = graph::ExprSpec::Kind;
  switch (e.kind_case()) {
    case v1::Expr::kValue:
      out->kind = K::kValue;
      break;
    case v1::Expr::kGetItem:
      out->kind = K::kGetItem;
      if (e.get_item().has_operand()) out->left = ExprFrom(e.get_item().operand());
      out->literal_json = e.get_item().key().json();
      break;
    case v1::Expr::kLiteral:
      out->kind = K::kLiteral;
      out->literal_json = e.literal().json();
      break;
    case v1::Expr::kUnary:
      out->kind = K::kUnary;
      out->op = e.unary().op();
      if (e.unary().has_operand()) out->left = ExprFrom(e.unary().operand());
      break;
    case v1::Expr::kBinary:
      out->kind = K::kBinary;
      out->op = e.binary().op();
      if (e.binary().has_left()) out->left = ExprFrom(e.binary().left());
      if (e.binary().has_right()) out->right = ExprFrom(e.binary().right());
      break;
    case v1::Expr::kApply:
      out->kind = K::kApply;
      out->function = FnFrom(e.apply().function());
      if (e.apply().has_operand()) out->left = ExprFrom(e.apply().operand());
      break;
    default:
      out->kind = K::kUnspecified;
  }
  return out;
}

}  // namespace

graph::PipelineSpec FromProto(const v1::Pipeline& p) {
  graph::PipelineSpec spec;
  spec.source_topic = p.source_topic();
  for (const v1::TopicSpec& t : p.topics()) {
    graph::TopicSpec ts;
    ts.name = t.name();
    ts.value_deserializer = SerdeFrom(t.has_value_deserializer(), t.value_deserializer(), "json");
    ts.key_deserializer = SerdeFrom(t.has_key_deserializer(), t.key_deserializer(), "bytes");
    ts.value_serializer = SerdeFrom(t.has_value_serializer(), t.value_serializer(), "json");
    ts.key_serializer = SerdeFrom(t.has_key_serializer(), t.key_serializer(), "bytes");
    ts.client_value_deserializer = ClientSerdeFrom(t.has_value_deserializer(), t.value_deserializer());
    ts.client_key_deserializer = ClientSerdeFrom(t.has_key_deserializer(), t.key_deserializer());
    ts.client_value_serializer = ClientSerdeFrom(t.has_value_serializer(), t.value_serializer());
    ts.client_key_serializer = ClientSerdeFrom(t.has_key_serializer(), t.key_serializer());
    ts.value_deserializer_extras = NamedExtrasFrom(t.has_value_deserializer(), t.value_deserializer());
    ts.key_deserializer_extras = NamedExtrasFrom(t.has_key_deserializer(), t.key_deserializer());
    ts.value_serializer_extras = NamedExtrasFrom(t.has_value_serializer(), t.value_serializer());
    ts.key_serializer_extras = NamedExtrasFrom(t.has_key_serializer(), t.key_serializer());
    spec.topics.push_back(std::move(ts));
  }
  for (const v1::Step& s : p.steps()) {
    graph::Step step;
    step.id = s.id();
    step.input = s.input();
    switch (s.kind_case()) {
      case v1::Step::kApply:
        step.kind = graph::StepKind::kApply;
        step.function = FnFrom(s.apply().function());
        break;
      case v1::Step::kUpdate:
        step.kind = graph::StepKind::kUpdate;
        step.function = FnFrom(s.update().function());
        break;
      case v1::Step::kFilter:
        step.kind = graph::StepKind::kFilter;
        step.function = FnFrom(s.filter().function());
        break;
      case v1::Step::kToTopic:
        step.kind = graph::StepKind::kToTopic;
        step.topic = s.to_topic().topic();
        if (s.to_topic().has_key()) step.key_function = FnFrom(s.to_topic().key());
        break;
      case v1::Step::kAssign:
        step.kind = graph::StepKind::kAssign;
        step.column = s.assign().column();
        if (s.assign().has_expr()) step.expr = ExprFrom(s.assign().expr());
        break;
      case v1::Step::kFilterExpr:
        step.kind = graph::StepKind::kFilterExpr;
        if (s.filter_expr().has_predicate()) step.expr = ExprFrom(s.filter_expr().predicate());
        break;
      case v1::Step::kProject:
        step.kind = graph::StepKind::kProject;
        step.columns.assign(s.project().columns().begin(), s.project().columns().end());
        break;
      case v1::Step::kMapExpr:
        step.kind = graph::StepKind::kMapExpr;
        if (s.map_expr().has_expr()) step.expr = ExprFrom(s.map_expr().expr());
        break;
      default:
        step.kind = graph::StepKind::kUnspecified;
    }
    spec.steps.push_back(std::move(step));
  }
  return spec;
}

void ToProto(const graph::Plan& plan, v1::CompiledPlan* out) {
  out->set_plan_id(plan.plan_id());
  for (const graph::Segment& seg : plan.segments()) {
    v1::Segment* s = out->add_segments();
    s->set_segment_id(seg.id);
    for (const graph::SegmentOp& op : seg.ops) {
      v1::SegmentOp* o = s->add_ops();
      switch (op.kind) {
        case graph::OpKind::kApply: o->set_kind(v1::SegmentOp::APPLY); break;
        case graph::OpKind::kUpdate: o->set_kind(v1::SegmentOp::UPDATE); break;
        case graph::OpKind::kFilter: o->set_kind(v1::SegmentOp::FILTER); break;
        case graph::OpKind::kToTopicKey: o->set_kind(v1::SegmentOp::TO_TOPIC_KEY); break;
        case graph::OpKind::kDeserializeKey: o->set_kind(v1::SegmentOp::DESERIALIZE_KEY); break;
        case graph::OpKind::kDeserializeValue: o->set_kind(v1::SegmentOp::DESERIALIZE_VALUE); break;
        case graph::OpKind::kSerializeKey: o->set_kind(v1::SegmentOp::SERIALIZE_KEY); break;
        case graph::OpKind::kSerializeValue: o->set_kind(v1::SegmentOp::SERIALIZE_VALUE); break;
      }
      FnTo(op.function, o->mutable_function());
      o->set_step_id(op.step_id);
    }
  }
}

serde::Payload FromProto(const v1::Payload& p) {
  switch (p.kind_case()) {
    case v1::Payload::kJson: return serde::Payload::Json(p.json());
    case v1::Payload::kRaw: return serde::Payload::Raw(p.raw());
    default: return serde::Payload::Null();
  }
}

void ToProto(const serde::Payload& p, v1::Payload* out) {
  switch (p.kind) {
    case serde::PayloadKind::kJson: out->set_json(p.data); break;
    case serde::PayloadKind::kRaw: out->set_raw(p.data); break;
    case serde::PayloadKind::kNull: out->clear_kind(); break;
  }
}

runtime::ErrorInfo FromProto(const v1::Error& e) {
  runtime::ErrorInfo info;
  info.code = e.code() > 0 && e.code() <= 16 ? static_cast<absl::StatusCode>(e.code())
                                             : absl::StatusCode::kUnknown;
  info.message = e.message();
  info.step_id = e.step_id();
  info.exception_type = e.exception_type();
  info.traceback = e.traceback();
  return info;
}

void ToProto(const runtime::ErrorInfo& e, v1::Error* out) {
  out->set_code(static_cast<int32_t>(e.code));
  out->set_message(e.message);
  out->set_step_id(e.step_id);
  out->set_exception_type(e.exception_type);
  out->set_traceback(e.traceback);
}

void ToProto(const runtime::MessageMeta& m, v1::MessageContext* out) {
  out->set_topic(m.topic);
  out->set_partition(m.partition);
  out->set_offset(m.offset);
  out->set_size(m.size);
  out->set_timestamp_type(static_cast<v1::TimestampType>(m.timestamp_type));
  out->set_timestamp_ms(m.timestamp_ms);
  for (const auto& h : m.headers) {
    v1::Header* ph = out->add_headers();
    ph->set_key(h.key);
    if (h.value) ph->set_value(*h.value);
  }
}

runtime::MessageMeta FromProto(const v1::MessageContext& c) {
  runtime::MessageMeta m;
  m.topic = c.topic();
  m.partition = c.partition();
  m.offset = c.offset();
  m.size = c.size();
  m.timestamp_type = static_cast<int>(c.timestamp_type());
  m.timestamp_ms = c.timestamp_ms();
  for (const auto& h : c.headers()) {
    m.headers.push_back({h.key(), h.has_value() ? std::optional<std::string>(h.value()) : std::nullopt});
  }
  return m;
}

runtime::RecordOutcome FromProto(const v1::RecordResult& r) {
  runtime::RecordOutcome o;
  switch (r.outcome_case()) {
    case v1::RecordResult::kValue:
      o.kind = runtime::RecordOutcome::Kind::kValue;
      o.value = FromProto(r.value());
      break;
    case v1::RecordResult::kFiltered:
      o.kind = runtime::RecordOutcome::Kind::kFiltered;
      break;
    case v1::RecordResult::kError:
      o.kind = runtime::RecordOutcome::Kind::kError;
      o.error = FromProto(r.error());
      break;
    case v1::RecordResult::kSkipped:
      o.kind = runtime::RecordOutcome::Kind::kSkipped;
      o.error = FromProto(r.skipped());
      break;
    default:
      // An empty outcome is a null value (a function returned None).
      o.kind = runtime::RecordOutcome::Kind::kValue;
      break;
  }
  if (r.has_produce_key()) o.produce_key = FromProto(r.produce_key());
  o.state_updates.reserve(r.state_updates_size());
  for (const v1::StateUpdate& u : r.state_updates()) {
    o.state_updates.push_back({u.key(), u.has_value() ? std::optional<std::string>(u.value()) : std::nullopt});
  }
  return o;
}

}  // namespace sidestream::rpc

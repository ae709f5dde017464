#include "runtime/executor.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace sidestream::runtime {
namespace {

std::string Where(const MessageMeta& m) {
  return absl::StrCat(m.topic, "[", m.partition, "]@", m.offset);
}

// Removes from `live` the indices marked in `dropped`.
void Compact(std::vector<int>& live, const std::vector<bool>& dropped) {
  size_t w = 0;
  for (int idx : live) {
    if (!dropped[idx]) live[w++] = idx;
  }
  live.resize(w);
}

// "KeyError: 'x' in value['x']" → "KeyError".
std::string ExceptionName(absl::string_view message) {
  size_t colon = message.find(':');
  if (colon == absl::string_view::npos || colon == 0) return "";
  absl::string_view head = message.substr(0, colon);
  for (char c : head) {
    if (!isalnum(static_cast<unsigned char>(c)) && c != '_') return "";
  }
  return std::string(head);
}

}  // namespace

Executor::Executor(const graph::Plan* plan, ClientLink* client, OutputSink* sink,
                   ExecutorOptions options)
    : plan_(plan), client_(client), sink_(sink), options_(options) {}

std::optional<ErrorInfo> Executor::Process(std::vector<Record>& batch,
                                           std::vector<RecordFate>* fates_out) {
  slow_wait_reported_ = false;
  size_t first_node = 0;
  if (const graph::Segment* deserializer = plan_->deserializer_segment()) {
    if (auto err = RunDeserializer(*deserializer, batch)) return err;
    first_node = 1;
  }
  std::vector<RecordFate> fates(batch.size());
  std::vector<int> live(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) live[i] = static_cast<int>(i);
  std::vector<std::optional<serde::Payload>> produce_keys(batch.size());
  return RunNodes(first_node, batch, live, fates, produce_keys, fates_out);
}

std::optional<ErrorInfo> Executor::RunNodes(size_t first_node, std::vector<Record>& batch,
                                            std::vector<int>& live, std::vector<RecordFate>& fates,
                                            std::vector<std::optional<serde::Payload>>& produce_keys,
                                            std::vector<RecordFate>* fates_out) {
  const std::vector<graph::PlanNode>& nodes = plan_->nodes();
  serialized_values_.assign(batch.size(), std::nullopt);
  const auto& partial_keys = plan_->partial_doc_keys();
  for (size_t n = first_node; n < nodes.size(); ++n) {
    const graph::PlanNode& node = nodes[n];
    if (live.empty()) break;
    // Leading native steps that read a few top-level keys decode only those.
    doc_keys_ = partial_keys && n < plan_->partial_doc_end() ? &*partial_keys : nullptr;
    std::optional<ErrorInfo> err;
    switch (node.kind) {
      case graph::PlanNode::Kind::kSegment:
        err = RunSegment(plan_->segments()[node.segment_id], batch, live, fates, produce_keys);
        break;
      case graph::PlanNode::Kind::kToTopic:
        err = RunToTopic(node, batch, live, fates, produce_keys);
        break;
      default:
        err = RunNative(node, batch, live, fates);
    }
    if (err) return err;
  }
  doc_keys_ = nullptr;
  for (int idx : live) {
    EnsurePayload(batch[idx]);
    fates[idx].kind = RecordFate::Kind::kDone;
    fates[idx].value = std::move(batch[idx].value);
  }
  if (fates_out != nullptr) *fates_out = std::move(fates);
  return std::nullopt;
}

bool Executor::CanPipeline() const {
  const std::vector<graph::PlanNode>& nodes = plan_->nodes();
  if (nodes.empty() || nodes.front().kind != graph::PlanNode::Kind::kSegment) return false;
  const graph::Segment& s = plan_->segments()[nodes.front().segment_id];
  return !s.stateful && !s.on_argument && !s.deserializes && !s.yields_serialized_key &&
         !s.yields_serialized_value;
}

std::unique_ptr<Executor::Started> Executor::Begin(std::vector<Record> batch) {
  auto s = std::unique_ptr<Started>(new Started());
  s->batch = std::move(batch);
  s->live.resize(s->batch.size());
  for (size_t i = 0; i < s->batch.size(); ++i) s->live[i] = static_cast<int>(i);
  s->fates.resize(s->batch.size());
  s->produce_keys.resize(s->batch.size());
  std::vector<const Record*> records;
  records.reserve(s->batch.size());
  for (Record& r : s->batch) {
    EnsurePayload(r);
    records.push_back(&r);
  }
  s->pending = StartCalls(plan_->segments()[plan_->nodes().front().segment_id].id, records);
  return s;
}

std::optional<ErrorInfo> Executor::Finish(Started& s, std::vector<RecordFate>* fates_out) {
  slow_wait_reported_ = false;
  const graph::Segment& segment = plan_->segments()[plan_->nodes().front().segment_id];
  if (auto err = FinishSegment(segment, s.pending, s.batch, s.live, s.fates, s.produce_keys)) return err;
  return RunNodes(1, s.batch, s.live, s.fates, s.produce_keys, fates_out);
}

std::optional<ErrorInfo> Executor::ApplyState(const Record& r, const RecordOutcome& o,
                                              const std::string& step_id) {
  if (o.state_updates.empty()) return std::nullopt;
  if (options_.state == nullptr) {
    return ErrorInfo{absl::StatusCode::kFailedPrecondition,
                     "client sent state updates for a pipeline without state", step_id, "", ""};
  }
  if (r.state_replay) return std::nullopt;  // applied before the crash
  if (absl::Status s = options_.state->Apply(r, o.state_updates); !s.ok()) {
    ErrorInfo e = ErrorInfo::FromStatus(s, step_id);
    e.message = absl::StrCat("state update of ", Where(r.meta), " failed: ", s.message());
    return e;
  }
  return std::nullopt;
}

Executor::PendingCalls Executor::StartCalls(uint32_t segment_id,
                                            const std::vector<const Record*>& records) {
  // One invocation per partition chunk; all in flight before any is awaited.
  std::map<int32_t, std::vector<int>> by_partition;
  for (size_t i = 0; i < records.size(); ++i) {
    by_partition[records[i]->meta.partition].push_back(static_cast<int>(i));
  }
  PendingCalls pending;
  pending.count = records.size();
  pending.started = std::chrono::steady_clock::now();
  for (auto& [partition, positions] : by_partition) {
    for (size_t start = 0; start < positions.size(); start += options_.max_invoke_records) {
      size_t end = std::min(positions.size(), start + options_.max_invoke_records);
      std::vector<int> chunk(positions.begin() + start, positions.begin() + end);
      std::vector<const Record*> chunk_records;
      chunk_records.reserve(chunk.size());
      for (int pos : chunk) chunk_records.push_back(records[pos]);
      if (options_.invoke_batch_size != nullptr) options_.invoke_batch_size->Observe(chunk.size());
      pending.futures.push_back(client_->Invoke(segment_id, chunk_records));
      pending.positions.push_back(std::move(chunk));
      ++invocations_;
    }
  }
  return pending;
}

absl::StatusOr<std::vector<RecordOutcome>> Executor::FinishCalls(PendingCalls& pending) {
  std::vector<RecordOutcome> outcomes(pending.count);
  absl::Status first_error;
  for (size_t c = 0; c < pending.futures.size(); ++c) {
    if (options_.on_slow_wait && !slow_wait_reported_ &&
        pending.futures[c].wait_until(pending.started + options_.slow_wait) == std::future_status::timeout) {
      slow_wait_reported_ = true;
      options_.on_slow_wait();
    }
    absl::StatusOr<std::vector<RecordOutcome>> result = pending.futures[c].get();
    if (!result.ok()) {
      if (first_error.ok()) first_error = result.status();
      continue;
    }
    const std::vector<int>& positions = pending.positions[c];
    if (result->size() != positions.size()) {
      if (first_error.ok()) {
        first_error = absl::InternalError(absl::StrCat("client answered ", result->size(),
                                                       " results for ", positions.size(), " records"));
      }
      continue;
    }
    for (size_t k = 0; k < positions.size(); ++k) outcomes[positions[k]] = std::move((*result)[k]);
  }
  if (options_.invoke_latency_ms != nullptr && !pending.futures.empty()) {
    options_.invoke_latency_ms->Observe(std::chrono::duration<double, std::milli>(
                                            std::chrono::steady_clock::now() - pending.started)
                                            .count());
  }
  if (!first_error.ok()) return first_error;
  return outcomes;
}

std::optional<ErrorInfo> Executor::RunSegment(const graph::Segment& segment,
                                              std::vector<Record>& batch, std::vector<int>& live,
                                              std::vector<RecordFate>& fates,
                                              std::vector<std::optional<serde::Payload>>& produce_keys) {
  std::vector<const Record*> records;
  records.reserve(live.size());
  for (int idx : live) {
    EnsurePayload(batch[idx]);
    records.push_back(&batch[idx]);
  }
  // A to_topic's client serializers get the key to produce as the key.
  auto swap_keys = [&] {
    if (!segment.yields_serialized_value) return;
    for (int idx : live) {
      if (produce_keys[idx]) std::swap(batch[idx].key, *produce_keys[idx]);
    }
  };
  swap_keys();
  PendingCalls pending = StartCalls(segment.id, records);
  swap_keys();  // the records were copied into the requests
  return FinishSegment(segment, pending, batch, live, fates, produce_keys);
}

std::optional<ErrorInfo> Executor::FinishSegment(const graph::Segment& segment, PendingCalls& pending,
                                                 std::vector<Record>& batch, std::vector<int>& live,
                                                 std::vector<RecordFate>& fates,
                                                 std::vector<std::optional<serde::Payload>>& produce_keys) {
  absl::StatusOr<std::vector<RecordOutcome>> outcomes = FinishCalls(pending);
  const std::string first_step = segment.ops.empty() ? "" : segment.ops.front().step_id;
  if (!outcomes.ok()) return ErrorInfo::FromStatus(outcomes.status(), first_step);

  std::vector<bool> dropped(batch.size(), false);
  for (size_t k = 0; k < live.size(); ++k) {
    int idx = live[k];
    RecordOutcome& o = (*outcomes)[k];
    switch (o.kind) {
      case RecordOutcome::Kind::kValue:
        if (auto err = ApplyState(batch[idx], o, first_step)) return err;
        if (segment.yields_serialized_value) {
          serialized_values_[idx] = std::move(o.value);  // the record's value passes on as it is
        } else {
          SetPayload(batch[idx], std::move(o.value));
        }
        if (segment.yields_key || segment.yields_serialized_key) produce_keys[idx] = std::move(o.produce_key);
        break;
      case RecordOutcome::Kind::kFiltered:
        if (auto err = ApplyState(batch[idx], o, first_step)) return err;
        fates[idx].kind = RecordFate::Kind::kFiltered;
        dropped[idx] = true;
        ++filtered_;
        break;
      case RecordOutcome::Kind::kSkipped:
        SS_LOG(kWarning, "record.skipped")
            .Kv("where", Where(batch[idx].meta))
            .Kv("step", o.error.step_id)
            .Kv("exception", o.error.exception_type)
            .Kv("error", o.error.message);
        fates[idx].kind = RecordFate::Kind::kSkipped;
        dropped[idx] = true;
        ++skipped_;
        break;
      case RecordOutcome::Kind::kError: {
        ErrorInfo e = std::move(o.error);
        SS_LOG(kError, "record.processing_failed")
            .Kv("where", Where(batch[idx].meta))
            .Kv("step", e.step_id)
            .Kv("exception", e.exception_type)
            .Kv("error", e.message)
            .Kv("traceback", e.traceback);
        e.message = absl::StrCat("processing ", Where(batch[idx].meta), " failed at step '",
                                 e.step_id, "': ", e.exception_type,
                                 e.exception_type.empty() ? "" : ": ", e.message);
        return e;
      }
    }
  }
  Compact(live, dropped);
  return std::nullopt;
}

std::optional<ErrorInfo> Executor::NativeFailure(const graph::PlanNode& node, const Record& r,
                                                 const absl::Status& status, RecordFate& fate) {
  ErrorInfo e = ErrorInfo::FromStatus(status, node.step_id);
  e.exception_type = ExceptionName(status.message());
  e.message = absl::StrCat("processing ", Where(r.meta), " failed at step '", node.step_id,
                           "': ", status.message());
  SS_LOG(kError, "record.processing_failed").Kv("where", Where(r.meta)).Kv("step", node.step_id)
      .Kv("error", status.message());
  absl::StatusOr<bool> ignore = client_->AskIgnore(ErrorStage::kProcessing, e, &r.meta, nullptr);
  if (!ignore.ok()) return ErrorInfo::FromStatus(ignore.status(), node.step_id);
  if (!*ignore) return e;
  fate.kind = RecordFate::Kind::kSkipped;
  ++skipped_;
  return std::nullopt;
}

std::optional<ErrorInfo> Executor::EvaluateAll(const graph::PlanNode& node,
                                               std::vector<Record>& batch,
                                               const std::vector<int>& live,
                                               std::vector<RecordFate>& fates,
                                               std::vector<bool>& dropped,
                                               std::vector<expr::Value>& results) {
  const graph::CompiledExpr& ce = *node.expr;
  for (int idx : live) {
    if (absl::Status s = EnsureDoc(batch[idx], doc_keys_); !s.ok()) {
      if (auto err = NativeFailure(node, batch[idx], s, fates[idx])) return err;
      dropped[idx] = true;
    }
  }
  // Client calls inside the expression, one round per level.
  std::vector<std::vector<expr::Value>> slots;
  if (!ce.calls.empty()) slots.assign(batch.size(), std::vector<expr::Value>(ce.calls.size()));
  for (int level = 0; level < ce.levels; ++level) {
    struct Round {
      size_t call;
      std::vector<int> indices;
      std::vector<Record> args;
      PendingCalls pending;
    };
    std::vector<Round> rounds;
    for (size_t c = 0; c < ce.calls.size(); ++c) {
      if (ce.calls[c].level != level) continue;
      Round& round = rounds.emplace_back();
      round.call = c;
      for (int idx : live) {
        if (dropped[idx]) continue;
        absl::StatusOr<expr::Value> arg = expr::Evaluate(*ce.calls[c].argument, *batch[idx].doc, slots[idx]);
        ++native_evaluations_;
        if (!arg.ok()) {
          if (auto err = NativeFailure(node, batch[idx], arg.status(), fates[idx])) return err;
          dropped[idx] = true;
          continue;
        }
        Record a;
        a.key = batch[idx].key;
        a.state_prefix = batch[idx].state_prefix;
        a.state_replay = batch[idx].state_replay;
        a.state_epoch = batch[idx].state_epoch;
        a.meta = batch[idx].meta;
        a.value = ValueToPayload(*arg);
        round.args.push_back(std::move(a));
        round.indices.push_back(idx);
      }
    }
    for (Round& round : rounds) {
      std::vector<const Record*> ptrs;
      ptrs.reserve(round.args.size());
      for (const Record& a : round.args) ptrs.push_back(&a);
      round.pending = StartCalls(ce.calls[round.call].segment_id, ptrs);
    }
    for (Round& round : rounds) {
      absl::StatusOr<std::vector<RecordOutcome>> outcomes = FinishCalls(round.pending);
      if (!outcomes.ok()) return ErrorInfo::FromStatus(outcomes.status(), node.step_id);
      for (size_t k = 0; k < round.indices.size(); ++k) {
        int idx = round.indices[k];
        RecordOutcome& o = (*outcomes)[k];
        if (dropped[idx]) continue;
        if (o.kind == RecordOutcome::Kind::kValue) {
          if (auto err = ApplyState(batch[idx], o, node.step_id)) return err;
          absl::StatusOr<expr::Value> v = PayloadToValue(o.value);
          if (!v.ok()) return ErrorInfo::FromStatus(v.status(), node.step_id);
          slots[idx][round.call] = std::move(*v);
        } else if (o.kind == RecordOutcome::Kind::kSkipped) {
          SS_LOG(kWarning, "record.skipped").Kv("where", Where(batch[idx].meta)).Kv("step", node.step_id)
              .Kv("error", o.error.message);
          fates[idx].kind = RecordFate::Kind::kSkipped;
          dropped[idx] = true;
          ++skipped_;
        } else {
          ErrorInfo e = std::move(o.error);
          e.message = absl::StrCat("processing ", Where(batch[idx].meta), " failed at step '",
                                   node.step_id, "': ", e.exception_type,
                                   e.exception_type.empty() ? "" : ": ", e.message);
          if (e.step_id.empty()) e.step_id = node.step_id;
          return e;
        }
      }
    }
  }
  static const std::vector<expr::Value> kNoSlots;
  for (int idx : live) {
    if (dropped[idx]) continue;
    absl::StatusOr<expr::Value> v =
        expr::Evaluate(*ce.root, *batch[idx].doc, ce.calls.empty() ? kNoSlots : slots[idx]);
    ++native_evaluations_;
    if (!v.ok()) {
      if (auto err = NativeFailure(node, batch[idx], v.status(), fates[idx])) return err;
      dropped[idx] = true;
      continue;
    }
    results[idx] = std::move(*v);
  }
  return std::nullopt;
}

std::optional<ErrorInfo> Executor::RunNative(const graph::PlanNode& node, std::vector<Record>& batch,
                                             std::vector<int>& live, std::vector<RecordFate>& fates) {
  std::vector<bool> dropped(batch.size(), false);
  std::vector<expr::Value> results;
  if (node.expr) {
    results.resize(batch.size());
    if (auto err = EvaluateAll(node, batch, live, fates, dropped, results)) return err;
  }
  for (int idx : live) {
    if (dropped[idx]) continue;
    Record& r = batch[idx];
    absl::Status status;
    switch (node.kind) {
      case graph::PlanNode::Kind::kAssign:
        if (!r.doc->is_object()) {
          status = absl::InvalidArgumentError(absl::StrCat(
              "TypeError: '", expr::PyTypeName(*r.doc), "' object does not support item assignment"));
          break;
        }
        (*r.doc)[node.column] = std::move(results[idx]);
        r.payload_fresh = false;
        break;
      case graph::PlanNode::Kind::kFilterExpr:
        if (!expr::Truthy(results[idx])) {
          fates[idx].kind = RecordFate::Kind::kFiltered;
          dropped[idx] = true;
          ++filtered_;
        }
        break;
      case graph::PlanNode::Kind::kMapExpr:
        SetDoc(r, std::move(results[idx]));
        break;
      case graph::PlanNode::Kind::kProject: {
        if (absl::Status s = EnsureDoc(r, doc_keys_); !s.ok()) {
          status = s;
          break;
        }
        if (!r.doc->is_object()) {
          status = absl::InvalidArgumentError(
              absl::StrCat("TypeError: '", expr::PyTypeName(*r.doc), "' object is not subscriptable"));
          break;
        }
        expr::Value out = expr::Value::object();
        for (const std::string& col : node.columns) {
          auto it = r.doc->find(col);
          if (it == r.doc->end()) {
            status = absl::InvalidArgumentError(absl::StrCat("KeyError: '", col, "'"));
            break;
          }
          out[col] = *it;  // a repeated column must keep its value
        }
        if (status.ok()) SetDoc(r, std::move(out));
        break;
      }
      default:
        status = absl::InternalError("unexpected native node");
    }
    if (!status.ok()) {
      if (auto err = NativeFailure(node, r, status, fates[idx])) return err;
      dropped[idx] = true;
    }
  }
  Compact(live, dropped);
  return std::nullopt;
}

std::optional<ErrorInfo> Executor::RunToTopic(const graph::PlanNode& node,
                                              std::vector<Record>& batch, std::vector<int>& live,
                                              std::vector<RecordFate>& fates,
                                              std::vector<std::optional<serde::Payload>>& produce_keys) {
  const graph::OutputTopic& out = *node.output;
  std::vector<bool> dropped(batch.size(), false);
  // The seed's Serializer.extra_headers (e.g. the Quix model key and codec):
  // the value serializer's headers go on every message produced here.
  std::vector<Header> headers;
  for (const auto& [hk, hv] : out.headers) headers.push_back(Header{hk, hv});
  using Bytes = absl::StatusOr<std::optional<std::string>>;
  for (int idx : live) {
    Record& r = batch[idx];
    EnsurePayload(r);
    const serde::Payload& key =
        node.key_from_segment && produce_keys[idx] ? *produce_keys[idx] : r.key;
    absl::Status status;
    // Client serializers already turned the key / value into bytes.
    Bytes k = !node.key_serialized ? out.key_serializer->Serialize(key)
              : produce_keys[idx]  ? SerializedBytes(*produce_keys[idx])
                                   : Bytes(absl::InternalError("the client key serializer returned no key"));
    Bytes v = !k.ok()                 ? Bytes(std::nullopt)
              : !node.value_serialized ? out.value_serializer->Serialize(r.value)
                                       : SerializedBytes(serialized_values_[idx].value_or(serde::Payload::Null()));
    serialized_values_[idx].reset();
    if (!k.ok()) {
      status = absl::InvalidArgumentError(absl::StrCat("key: ", k.status().message()));
    } else if (!v.ok()) {
      status = absl::InvalidArgumentError(absl::StrCat("value: ", v.status().message()));
    } else {
      status = sink_->Produce(out.name, *k, *v, headers);
    }
    produce_keys[idx].reset();
    if (status.ok()) {
      ++produced_;
      continue;
    }
    ErrorInfo e = ErrorInfo::FromStatus(status, node.step_id);
    e.message = absl::StrCat("producing ", Where(r.meta), " to topic '", out.name,
                             "' at step '", node.step_id, "' failed: ", status.message());
    SS_LOG(kError, "record.produce_failed").Kv("where", Where(r.meta)).Kv("step", node.step_id)
        .Kv("error", status.message());
    absl::StatusOr<bool> ignore = client_->AskIgnore(ErrorStage::kProducer, e, &r.meta, nullptr);
    if (!ignore.ok()) return ErrorInfo::FromStatus(ignore.status(), node.step_id);
    if (!*ignore) return e;
    fates[idx].kind = RecordFate::Kind::kSkipped;
    dropped[idx] = true;
    ++skipped_;
  }
  Compact(live, dropped);
  return std::nullopt;
}

}  // namespace sidestream::runtime

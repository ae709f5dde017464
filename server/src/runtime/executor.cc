#include "runtime/executor.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace sidestream::runtime {
namespace {

std::string Where(const MessageMeta& m) {
  return absl::StrCat(m.topic, "[", m.partition, "]@", m.offset);
}

// Removes from `live` the indices whose fate is no longer kDone-in-progress.
void Compact(std::vector<int>& live, const std::vector<bool>& dropped) {
  size_t w = 0;
  for (int idx : live) {
    if (!dropped[idx]) live[w++] = idx;
  }
  live.resize(w);
}

}  // namespace

Executor::Executor(const graph::Plan* plan, ClientLink* client, OutputSink* sink,
                   ExecutorOptions options)
    : plan_(plan), client_(client), sink_(sink), options_(options) {}

std::optional<ErrorInfo> Executor::Process(std::vector<Record>& batch,
                                           std::vector<RecordFate>* fates_out) {
  std::vector<RecordFate> fates(batch.size());
  std::vector<int> live(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) live[i] = static_cast<int>(i);
  std::vector<std::optional<serde::Payload>> produce_keys(batch.size());

  for (const graph::PlanNode& node : plan_->nodes()) {
    if (live.empty()) break;
    std::optional<ErrorInfo> err;
    if (node.kind == graph::PlanNode::Kind::kSegment) {
      err = RunSegment(plan_->segments()[node.segment_id], batch, live, fates, produce_keys);
    } else {
      err = RunToTopic(node, batch, live, fates, produce_keys);
    }
    if (err) return err;
  }
  for (int idx : live) {
    fates[idx].kind = RecordFate::Kind::kDone;
    fates[idx].value = std::move(batch[idx].value);
  }
  if (fates_out != nullptr) *fates_out = std::move(fates);
  return std::nullopt;
}

std::optional<ErrorInfo> Executor::RunSegment(const graph::Segment& segment,
                                              std::vector<Record>& batch, std::vector<int>& live,
                                              std::vector<RecordFate>& fates,
                                              std::vector<std::optional<serde::Payload>>& produce_keys) {
  // One invocation per partition chunk; all in flight before waiting.
  std::map<int32_t, std::vector<int>> by_partition;
  for (int idx : live) by_partition[batch[idx].meta.partition].push_back(idx);
  struct Call {
    std::vector<int> indices;
    InvokeFuture future;
  };
  std::vector<Call> calls;
  for (auto& [partition, indices] : by_partition) {
    for (size_t start = 0; start < indices.size(); start += options_.max_invoke_records) {
      size_t end = std::min(indices.size(), start + options_.max_invoke_records);
      Call call;
      call.indices.assign(indices.begin() + start, indices.begin() + end);
      std::vector<const Record*> records;
      records.reserve(call.indices.size());
      for (int idx : call.indices) records.push_back(&batch[idx]);
      call.future = client_->Invoke(segment.id, records);
      ++invocations_;
      calls.push_back(std::move(call));
    }
  }

  std::vector<bool> dropped(batch.size(), false);
  for (Call& call : calls) {
    absl::StatusOr<std::vector<RecordOutcome>> result = call.future.get();
    if (!result.ok()) {
      return ErrorInfo::FromStatus(result.status(),
                                   segment.ops.empty() ? "" : segment.ops.front().step_id);
    }
    if (result->size() != call.indices.size()) {
      return ErrorInfo{absl::StatusCode::kInternal,
                       absl::StrCat("client answered ", result->size(), " results for ",
                                    call.indices.size(), " records"),
                       "", "", ""};
    }
    for (size_t k = 0; k < call.indices.size(); ++k) {
      int idx = call.indices[k];
      RecordOutcome& o = (*result)[k];
      switch (o.kind) {
        case RecordOutcome::Kind::kValue:
          batch[idx].value = std::move(o.value);
          produce_keys[idx] = std::move(o.produce_key);
          break;
        case RecordOutcome::Kind::kFiltered:
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
  static const std::vector<Header> kNoHeaders;
  for (int idx : live) {
    Record& r = batch[idx];
    const serde::Payload& key =
        node.key_from_segment && produce_keys[idx] ? *produce_keys[idx] : r.key;
    absl::Status status;
    auto k = out.key_serializer->Serialize(key);
    auto v = k.ok() ? out.value_serializer->Serialize(r.value)
                    : absl::StatusOr<std::optional<std::string>>(std::nullopt);
    if (!k.ok()) {
      status = absl::InvalidArgumentError(absl::StrCat("key: ", k.status().message()));
    } else if (!v.ok()) {
      status = absl::InvalidArgumentError(absl::StrCat("value: ", v.status().message()));
    } else {
      status = sink_->Produce(out.name, *k, *v, kNoHeaders);
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

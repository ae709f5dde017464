// The executor's part in client (de)serializers (custom serializer classes
// written in the client's language; see client-sdk/python/docs/serializers.md): the deserializer
// segment that turns raw messages into records, and the bytes a client
// serializer returns for a produce. Kept apart from executor.cc because the
// outcomes of a deserializer segment follow the consumer stage, not the
// processing stage.
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "runtime/executor.h"
#include "serde/orjson_text.h"

namespace sidestream::runtime {
namespace {

std::string Where(const MessageMeta& m) {
  return absl::StrCat(m.topic, "[", m.partition, "]@", m.offset);
}

// The deserializer op that `step_id` names, or null for a processing op that
// shares the segment.
const graph::SegmentOp* DeserializerOp(const graph::Segment& segment, const std::string& step_id) {
  for (const graph::SegmentOp& op : segment.ops) {
    if (op.step_id == step_id &&
        (op.kind == graph::OpKind::kDeserializeKey || op.kind == graph::OpKind::kDeserializeValue)) {
      return &op;
    }
  }
  return nullptr;
}

// The items of a split_values result: a JSON array, each item re-encoded as
// orjson writes it (so a json serializer produces what the seed would).
absl::StatusOr<std::vector<serde::Payload>> SplitRows(const serde::Payload& value) {
  if (value.kind != serde::PayloadKind::kJson) {
    return absl::InvalidArgumentError("a split_values deserializer must return a list");
  }
  absl::StatusOr<serde::OrderedJson> doc = serde::ParseLikeOrjson(value.data);
  if (!doc.ok()) return doc.status();
  if (!doc->is_array()) return absl::InvalidArgumentError("a split_values deserializer must return a list");
  std::vector<serde::Payload> rows;
  rows.reserve(doc->size());
  for (const serde::OrderedJson& item : *doc) {
    rows.push_back(item.is_null() ? serde::Payload::Null() : serde::Payload::Json(serde::DumpLikeOrjson(item)));
  }
  return rows;
}

}  // namespace

std::optional<ErrorInfo> Executor::RunDeserializer(const graph::Segment& segment,
                                                   std::vector<Record>& batch) {
  std::vector<const Record*> records;
  records.reserve(batch.size());
  for (const Record& r : batch) records.push_back(&r);
  PendingCalls pending = StartCalls(segment.id, records);
  absl::StatusOr<std::vector<RecordOutcome>> outcomes = FinishCalls(pending);
  const std::string& first_step = segment.ops.front().step_id;
  if (!outcomes.ok()) return ErrorInfo::FromStatus(outcomes.status(), first_step);

  std::vector<Record> rows;
  rows.reserve(batch.size());
  for (size_t k = 0; k < batch.size(); ++k) {
    Record& r = batch[k];
    RecordOutcome& o = (*outcomes)[k];
    switch (o.kind) {
      case RecordOutcome::Kind::kValue: {
        if (auto err = ApplyState(r, o, first_step)) return err;
        if (segment.yields_message_key && o.produce_key) r.key = std::move(*o.produce_key);
        if (!segment.split_values) {
          SetPayload(r, std::move(o.value));
          rows.push_back(std::move(r));
          break;
        }
        absl::StatusOr<std::vector<serde::Payload>> items = SplitRows(o.value);
        if (!items.ok()) {
          ErrorInfo e = ErrorInfo::FromStatus(items.status(), first_step);
          e.message = absl::StrCat("cannot deserialize value of ", Where(r.meta), " at step '", first_step,
                                   "': ", items.status().message());
          return e;
        }
        // Each item is a record with the message's meta; the offset counts as
        // processed once the batch is, i.e. after all of them. None: ignored.
        SetPayload(r, serde::Payload::Null());
        for (size_t i = 0; i < items->size(); ++i) {
          Record row = i + 1 < items->size() ? r : std::move(r);
          row.value = std::move((*items)[i]);
          rows.push_back(std::move(row));
        }
        break;
      }
      case RecordOutcome::Kind::kFiltered:
        // IgnoreMessage (or a filter fused into the segment): nothing to run.
        if (auto err = ApplyState(r, o, first_step)) return err;
        ++filtered_;
        break;
      case RecordOutcome::Kind::kSkipped: {
        const bool consumer = DeserializerOp(segment, o.error.step_id) != nullptr;
        SS_LOG(kWarning, "record.skipped")
            .Kv("where", Where(r.meta))
            .Kv("stage", consumer ? "consumer" : "processing")
            .Kv("step", o.error.step_id)
            .Kv("exception", o.error.exception_type)
            .Kv("error", o.error.message);
        ++skipped_;
        break;
      }
      case RecordOutcome::Kind::kError: {
        ErrorInfo e = std::move(o.error);
        const graph::SegmentOp* op = DeserializerOp(segment, e.step_id);
        SS_LOG(kError, op != nullptr ? "record.deserialize_failed" : "record.processing_failed")
            .Kv("where", Where(r.meta))
            .Kv("step", e.step_id)
            .Kv("exception", e.exception_type)
            .Kv("error", e.message)
            .Kv("traceback", e.traceback);
        const std::string what = e.exception_type.empty() ? e.message
                                                          : absl::StrCat(e.exception_type, ": ", e.message);
        if (op != nullptr) {
          e.message = absl::StrCat("cannot deserialize ",
                                   op->kind == graph::OpKind::kDeserializeKey ? "key" : "value", " of ",
                                   Where(r.meta), " with ", op->function.display_name, " (step '", e.step_id,
                                   "'): ", what);
        } else {
          e.message = absl::StrCat("processing ", Where(r.meta), " failed at step '", e.step_id, "': ", what);
        }
        return e;
      }
    }
  }
  batch = std::move(rows);
  return std::nullopt;
}

absl::StatusOr<std::optional<std::string>> Executor::SerializedBytes(const serde::Payload& p) {
  switch (p.kind) {
    case serde::PayloadKind::kRaw: return std::optional<std::string>(p.data);
    case serde::PayloadKind::kNull: return std::optional<std::string>();
    case serde::PayloadKind::kJson: break;
  }
  return absl::InvalidArgumentError("a client serializer must return bytes, got a JSON value");
}

}  // namespace sidestream::runtime

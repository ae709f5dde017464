#include "rpc/packed.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "rpc/convert.h"

namespace sidestream::rpc {
namespace {

using runtime::RecordOutcome;

char KindOf(const serde::Payload& p) {
  switch (p.kind) {
    case serde::PayloadKind::kJson: return v1::PACKED_JSON;
    case serde::PayloadKind::kRaw: return v1::PACKED_RAW;
    case serde::PayloadKind::kNull: return v1::PACKED_NULL;
  }
  return v1::PACKED_NULL;
}

// Appends one element to a JSON array column under construction ("[" first).
void AppendJson(const std::string& text, std::string* column, google::protobuf::RepeatedField<uint32_t>* sizes) {
  column->push_back(sizes->empty() ? '[' : ',');
  column->append(text);
  sizes->Add(static_cast<uint32_t>(text.size()));
}

absl::Status Invalid(absl::string_view column, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("packed results: ", column, ": ", what));
}

// Counts the bytes of `kinds` equal to `kind`.
size_t Count(const std::string& kinds, int kind) {
  return static_cast<size_t>(std::count(kinds.begin(), kinds.end(), static_cast<char>(kind)));
}

// Reads payload number `*json_i` / `*raw_i` of a column for a kind byte.
serde::Payload Take(char kind, const std::vector<std::string_view>& json, const google::protobuf::RepeatedPtrField<std::string>& raw,
                    size_t* json_i, int* raw_i) {
  switch (kind) {
    case v1::PACKED_JSON: return serde::Payload::Json(std::string(json[(*json_i)++]));
    case v1::PACKED_RAW: return serde::Payload::Raw(raw[(*raw_i)++]);
    default: return serde::Payload::Null();
  }
}

}  // namespace

bool CanPack(const std::vector<const runtime::Record*>& records) {
  if (records.empty()) return false;
  const runtime::Record& first = *records.front();
  for (const runtime::Record* r : records) {
    if (r->meta.partition != first.meta.partition || r->state_epoch != first.state_epoch ||
        r->meta.topic != first.meta.topic) {
      return false;
    }
  }
  return true;
}

void ToPacked(const std::vector<const runtime::Record*>& records, bool stateful, v1::PackedRecords* out) {
  const int n = static_cast<int>(records.size());
  const runtime::Record& first = *records.front();
  out->set_topic(first.meta.topic);
  out->set_partition(first.meta.partition);
  std::string* value_kinds = out->mutable_value_kinds();
  std::string* key_kinds = out->mutable_key_kinds();
  std::string* ts_types = out->mutable_timestamp_types();
  std::string* json = out->mutable_json_values();
  value_kinds->reserve(n);
  key_kinds->reserve(n);
  ts_types->reserve(n);
  size_t json_bytes = 2;
  bool any_headers = false;
  bool any_replay = false;
  for (const runtime::Record* r : records) {
    if (r->value.kind == serde::PayloadKind::kJson) json_bytes += r->value.data.size() + 1;
    any_headers |= !r->meta.headers.empty();
    any_replay |= r->state_replay;
  }
  json->reserve(json_bytes);
  out->mutable_keys()->Reserve(n);
  out->mutable_offsets()->Reserve(n);
  out->mutable_sizes()->Reserve(n);
  out->mutable_timestamps_ms()->Reserve(n);
  for (const runtime::Record* r : records) {
    value_kinds->push_back(KindOf(r->value));
    if (r->value.kind == serde::PayloadKind::kJson) {
      AppendJson(r->value.data, json, out->mutable_json_sizes());
    } else if (r->value.kind == serde::PayloadKind::kRaw) {
      out->add_raw_values(r->value.data);
    }
    key_kinds->push_back(KindOf(r->key));
    out->add_keys(r->key.data);
    out->add_offsets(r->meta.offset);
    out->add_sizes(r->meta.size);
    ts_types->push_back(static_cast<char>(r->meta.timestamp_type));
    out->add_timestamps_ms(r->meta.timestamp_ms);
    if (any_headers) {
      out->add_header_counts(static_cast<uint32_t>(r->meta.headers.size()));
      for (const runtime::Header& h : r->meta.headers) {
        v1::Header* ph = out->add_headers();
        ph->set_key(h.key);
        if (h.value) ph->set_value(*h.value);
      }
    }
    if (stateful) {
      out->add_state_prefixes(r->state_prefix);
      if (any_replay) out->mutable_state_replays()->push_back(r->state_replay ? 1 : 0);
    }
  }
  if (!out->json_sizes().empty()) json->push_back(']');
  if (stateful) out->set_state_epoch(first.state_epoch);
}

absl::Status SplitJsonArray(std::string_view text, const google::protobuf::RepeatedField<uint32_t>& sizes,
                            std::vector<std::string_view>* out) {
  out->clear();
  if (sizes.empty()) {
    if (!text.empty() && text != "[]") return absl::InvalidArgumentError("JSON text without element sizes");
    return absl::OkStatus();
  }
  if (text.empty() || text.front() != '[') return absl::InvalidArgumentError("JSON array text does not start with '['");
  out->reserve(sizes.size());
  size_t pos = 1;
  for (int i = 0; i < sizes.size(); ++i) {
    const size_t size = sizes[i];
    // The element and its separator must lie inside the text.
    if (size == 0 || pos + size >= text.size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("element ", i, " of size ", size, " does not fit in ", text.size(), " bytes"));
    }
    out->push_back(text.substr(pos, size));
    pos += size;
    const char sep = i + 1 == sizes.size() ? ']' : ',';
    if (text[pos] != sep) {
      return absl::InvalidArgumentError(absl::StrCat("element ", i, " is not followed by '", std::string(1, sep), "'"));
    }
    ++pos;
  }
  if (pos != text.size()) {
    return absl::InvalidArgumentError(absl::StrCat(text.size() - pos, " bytes after the last element"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<RecordOutcome>> FromPacked(const v1::PackedResults& p) {
  const std::string& outcomes = p.outcomes();
  const size_t n = outcomes.size();
  size_t n_json = 0;
  size_t n_raw = 0;
  size_t n_errors = 0;
  for (char k : outcomes) {
    switch (k) {
      case v1::PACKED_NULL:
      case v1::PACKED_FILTERED: break;
      case v1::PACKED_JSON: ++n_json; break;
      case v1::PACKED_RAW: ++n_raw; break;
      case v1::PACKED_ERROR:
      case v1::PACKED_SKIPPED: ++n_errors; break;
      default: return Invalid("outcomes", absl::StrCat("unknown kind ", static_cast<int>(k)));
    }
  }
  std::vector<std::string_view> json;
  if (absl::Status s = SplitJsonArray(p.json_values(), p.json_sizes(), &json); !s.ok()) {
    return Invalid("json_values", s.message());
  }
  if (json.size() != n_json) {
    return Invalid("json_values", absl::StrCat(json.size(), " values for ", n_json, " JSON outcomes"));
  }
  if (static_cast<size_t>(p.raw_values_size()) != n_raw) {
    return Invalid("raw_values", absl::StrCat(p.raw_values_size(), " values for ", n_raw, " raw outcomes"));
  }
  if (static_cast<size_t>(p.errors_size()) != n_errors) {
    return Invalid("errors", absl::StrCat(p.errors_size(), " errors for ", n_errors, " error/skipped outcomes"));
  }

  // Produce keys: all or nothing.
  const std::string& key_kinds = p.key_kinds();
  std::vector<std::string_view> json_keys;
  if (key_kinds.empty()) {
    if (!p.json_keys().empty() || !p.json_key_sizes().empty() || !p.raw_keys().empty()) {
      return Invalid("key_kinds", "empty, but keys are present");
    }
  } else {
    if (key_kinds.size() != n) {
      return Invalid("key_kinds", absl::StrCat(key_kinds.size(), " kinds for ", n, " records"));
    }
    for (char k : key_kinds) {
      if (k != v1::PACKED_ABSENT && k != v1::PACKED_NULL && k != v1::PACKED_JSON && k != v1::PACKED_RAW) {
        return Invalid("key_kinds", absl::StrCat("unknown kind ", static_cast<int>(k)));
      }
    }
    if (absl::Status s = SplitJsonArray(p.json_keys(), p.json_key_sizes(), &json_keys); !s.ok()) {
      return Invalid("json_keys", s.message());
    }
    if (json_keys.size() != Count(key_kinds, v1::PACKED_JSON)) {
      return Invalid("json_keys", absl::StrCat(json_keys.size(), " keys for ", Count(key_kinds, v1::PACKED_JSON),
                                               " JSON key kinds"));
    }
    if (static_cast<size_t>(p.raw_keys_size()) != Count(key_kinds, v1::PACKED_RAW)) {
      return Invalid("raw_keys", absl::StrCat(p.raw_keys_size(), " keys for ", Count(key_kinds, v1::PACKED_RAW),
                                              " raw key kinds"));
    }
  }

  // State updates: counts per record, then flat keys/values, deletes by index.
  const auto& counts = p.state_update_counts();
  const int n_updates = p.state_update_keys_size();
  if (counts.empty()) {
    if (n_updates != 0 || p.state_update_values_size() != 0 || p.state_update_deletes_size() != 0) {
      return Invalid("state_update_counts", "empty, but state updates are present");
    }
  } else {
    if (static_cast<size_t>(counts.size()) != n) {
      return Invalid("state_update_counts", absl::StrCat(counts.size(), " counts for ", n, " records"));
    }
    uint64_t total = 0;
    for (uint32_t c : counts) total += c;
    if (total != static_cast<uint64_t>(n_updates) || p.state_update_values_size() != n_updates) {
      return Invalid("state_update_keys",
                     absl::StrCat(n_updates, " keys and ", p.state_update_values_size(), " values for ", total,
                                  " counted updates"));
    }
    int64_t prev = -1;
    for (uint32_t d : p.state_update_deletes()) {
      if (static_cast<int64_t>(d) <= prev || d >= static_cast<uint32_t>(n_updates)) {
        return Invalid("state_update_deletes", absl::StrCat("index ", d, " out of order or out of range"));
      }
      prev = d;
    }
  }

  std::vector<RecordOutcome> out(n);
  size_t json_i = 0;
  int raw_i = 0;
  int error_i = 0;
  size_t key_json_i = 0;
  int key_raw_i = 0;
  int update_i = 0;
  int delete_i = 0;
  for (size_t i = 0; i < n; ++i) {
    RecordOutcome& o = out[i];
    const char k = outcomes[i];
    switch (k) {
      case v1::PACKED_FILTERED: o.kind = RecordOutcome::Kind::kFiltered; break;
      case v1::PACKED_ERROR:
        o.kind = RecordOutcome::Kind::kError;
        o.error = FromProto(p.errors(error_i++));
        break;
      case v1::PACKED_SKIPPED:
        o.kind = RecordOutcome::Kind::kSkipped;
        o.error = FromProto(p.errors(error_i++));
        break;
      default:
        o.kind = RecordOutcome::Kind::kValue;
        o.value = Take(k, json, p.raw_values(), &json_i, &raw_i);
    }
    if (!key_kinds.empty() && key_kinds[i] != v1::PACKED_ABSENT) {
      o.produce_key = Take(key_kinds[i], json_keys, p.raw_keys(), &key_json_i, &key_raw_i);
    }
    if (!counts.empty() && counts[static_cast<int>(i)] > 0) {
      const int end = update_i + static_cast<int>(counts[static_cast<int>(i)]);
      o.state_updates.reserve(counts[static_cast<int>(i)]);
      for (; update_i < end; ++update_i) {
        runtime::StateUpdate& u = o.state_updates.emplace_back();
        u.key = p.state_update_keys(update_i);
        if (delete_i < p.state_update_deletes_size() &&
            p.state_update_deletes(delete_i) == static_cast<uint32_t>(update_i)) {
          ++delete_i;
        } else {
          u.value = p.state_update_values(update_i);
        }
      }
    }
  }
  return out;
}

}  // namespace sidestream::rpc

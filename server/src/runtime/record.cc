#include "runtime/record.h"

#include "absl/strings/str_cat.h"
#include "simdjson.h"

namespace sidestream::runtime {
namespace {

// Whether `key` is one of the sorted `keys` (a handful: a linear scan).
bool Wanted(std::string_view key, const std::vector<std::string>& keys) {
  for (const std::string& k : keys) {
    if (k == key) return true;
  }
  return false;
}

expr::Value FromSimd(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY: {
      expr::Value arr = expr::Value::array();
      for (simdjson::dom::element child : simdjson::dom::array(e)) arr.push_back(FromSimd(child));
      return arr;
    }
    case simdjson::dom::element_type::OBJECT: {
      simdjson::dom::object obj = e;
      expr::Value out = expr::Value::object();
      for (simdjson::dom::key_value_pair kv : obj) {
        // operator[]: a repeated key keeps the last value, as Python's json does.
        out[std::string(kv.key)] = FromSimd(kv.value);
      }
      return out;
    }
    case simdjson::dom::element_type::INT64: return expr::Value(int64_t(e));
    case simdjson::dom::element_type::UINT64: return expr::Value(uint64_t(e));
    case simdjson::dom::element_type::DOUBLE: return expr::Value(double(e));
    case simdjson::dom::element_type::STRING: return expr::Value(std::string(std::string_view(e)));
    case simdjson::dom::element_type::BOOL: return expr::Value(bool(e));
    case simdjson::dom::element_type::NULL_VALUE: return expr::Value();
  }
  return expr::Value();
}

}  // namespace

bool DecodeJson(absl::string_view bytes, const std::vector<std::string>* only_keys, expr::Value& out) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(bytes.data(), bytes.size(), true).get(doc) != simdjson::SUCCESS) return false;
  if (only_keys == nullptr || doc.type() != simdjson::dom::element_type::OBJECT) {
    out = FromSimd(doc);
    return true;
  }
  out = expr::Value::object();
  for (simdjson::dom::key_value_pair kv : simdjson::dom::object(doc)) {
    if (Wanted(kv.key, *only_keys)) out[std::string(kv.key)] = FromSimd(kv.value);
  }
  return true;
}

absl::StatusOr<expr::Value> PayloadToValue(const serde::Payload& p, const std::vector<std::string>* only_keys) {
  switch (p.kind) {
    case serde::PayloadKind::kNull:
      return expr::Value();
    case serde::PayloadKind::kRaw:
      return expr::Value::binary(std::vector<uint8_t>(p.data.begin(), p.data.end()));
    case serde::PayloadKind::kJson: {
      expr::Value decoded;
      if (DecodeJson(p.data, only_keys, decoded)) return decoded;
      // Rare: what simdjson refuses (e.g. integers beyond 64 bits) nlohmann may read.
      expr::Value v = expr::Value::parse(p.data, nullptr, /*allow_exceptions=*/false);
      if (v.is_discarded()) {
        return absl::InvalidArgumentError(absl::StrCat("value is not valid JSON: ", p.data.substr(0, 64)));
      }
      return v;
    }
  }
  return absl::InternalError("unreachable payload kind");
}

serde::Payload ValueToPayload(const expr::Value& v) {
  if (v.is_null()) return serde::Payload::Null();
  if (v.is_binary()) {
    const auto& b = v.get_binary();
    return serde::Payload::Raw(std::string(b.begin(), b.end()));
  }
  // Compact like orjson (the seed's JSON serializer); bytes nested inside
  // containers cannot be JSON and are replaced (error_handler replace keeps
  // invalid UTF-8 from throwing).
  return serde::Payload::Json(v.dump(-1, ' ', false, expr::Value::error_handler_t::replace));
}

absl::Status EnsureDoc(Record& r, const std::vector<std::string>* only_keys) {
  if (r.doc.has_value()) return absl::OkStatus();
  auto v = PayloadToValue(r.value, only_keys);
  if (!v.ok()) return v.status();
  r.doc = std::move(*v);
  return absl::OkStatus();
}

void EnsurePayload(Record& r) {
  if (r.payload_fresh) return;
  r.value = ValueToPayload(*r.doc);
  r.payload_fresh = true;
}

void SetPayload(Record& r, serde::Payload p) {
  r.value = std::move(p);
  r.doc.reset();
  r.payload_fresh = true;
}

void SetDoc(Record& r, expr::Value v) {
  r.doc = std::move(v);
  r.payload_fresh = false;
}

}  // namespace sidestream::runtime

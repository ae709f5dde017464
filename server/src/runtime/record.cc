#include "runtime/record.h"

#include "absl/strings/str_cat.h"

namespace sidestream::runtime {

absl::StatusOr<expr::Value> PayloadToValue(const serde::Payload& p) {
  switch (p.kind) {
    case serde::PayloadKind::kNull:
      return expr::Value();
    case serde::PayloadKind::kRaw:
      return expr::Value::binary(std::vector<uint8_t>(p.data.begin(), p.data.end()));
    case serde::PayloadKind::kJson: {
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

absl::Status EnsureDoc(Record& r) {
  if (r.doc.has_value()) return absl::OkStatus();
  auto v = PayloadToValue(r.value);
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

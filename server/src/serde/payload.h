// Payload: a deserialized message key or value as the engine carries it,
// without a parsed document. JSON-representable values stay JSON text (the
// bytes they arrived in, when the json deserializer validated them), bytes stay
// raw. Plain value type; not synchronized.
#pragma once

#include <string>
#include <utility>

namespace sidestream::serde {

enum class PayloadKind { kNull, kJson, kRaw };

struct Payload {
  PayloadKind kind = PayloadKind::kNull;
  // UTF-8 JSON text for kJson, opaque bytes for kRaw, empty for kNull.
  std::string data;

  static Payload Null() { return {}; }
  static Payload Json(std::string text) { return {PayloadKind::kJson, std::move(text)}; }
  static Payload Raw(std::string bytes) { return {PayloadKind::kRaw, std::move(bytes)}; }
  bool is_null() const { return kind == PayloadKind::kNull; }
  bool operator==(const Payload&) const = default;
};

}  // namespace sidestream::serde

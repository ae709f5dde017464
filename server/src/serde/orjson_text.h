// JSON text as the seed reads and writes it: Quix Streams 2.x parses and
// dumps JSON with orjson, so the Quix formats here parse with orjson's rules
// (strict RFC 8259, no BOM, no NaN/Infinity, a float that overflows is an
// error) and write compact text byte-for-byte like orjson.dumps (no spaces,
// UTF-8 unescaped, shortest round-trip floats in orjson's notation). Documents
// keep key order, and a repeated key keeps its first position with its last
// value, like a Python dict. Stateless functions; safe from any thread.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace sidestream::serde {

// An insertion-ordered JSON document (a Python dict's key order).
using OrderedJson = nlohmann::ordered_json;

// Parses `text` like orjson.loads. Errors: INVALID_ARGUMENT with the reason.
absl::StatusOr<OrderedJson> ParseLikeOrjson(absl::string_view text);

// Appends `value` to `out` like orjson.dumps (default options). Non-finite
// floats become null, as orjson writes them.
void AppendLikeOrjson(const OrderedJson& value, std::string& out);
std::string DumpLikeOrjson(const OrderedJson& value);

// A finite double in orjson's notation: shortest round-trip digits, plain
// decimal with at least one fractional digit for 1e-5 <= |d| < 1e16
// ("100.0", "0.00001"), scientific otherwise ("1e+16", "2.5e-7").
std::string FormatDoubleLikeOrjson(double d);

}  // namespace sidestream::serde

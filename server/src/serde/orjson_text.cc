#include "serde/orjson_text.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "absl/strings/str_cat.h"

namespace sidestream::serde {
namespace {

// orjson refuses a float literal that overflows a double; nlohmann reads it as
// infinity, so look for one after parsing.
bool HasNonFinite(const OrderedJson& v) {
  switch (v.type()) {
    case OrderedJson::value_t::number_float:
      return !std::isfinite(v.get<double>());
    case OrderedJson::value_t::array:
    case OrderedJson::value_t::object:
      for (const auto& e : v) {
        if (HasNonFinite(e)) return true;
      }
      return false;
    default:
      return false;
  }
}

void AppendString(const std::string& s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

}  // namespace

absl::StatusOr<OrderedJson> ParseLikeOrjson(absl::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") {
    return absl::InvalidArgumentError("invalid JSON: UTF-8 byte order mark (BOM) is not supported");
  }
  OrderedJson doc =
      OrderedJson::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    // Re-parse for the position and reason; the error path only.
    try {
      (void)OrderedJson::parse(text.begin(), text.end());
    } catch (const OrderedJson::exception& e) {
      return absl::InvalidArgumentError(absl::StrCat("invalid JSON: ", e.what()));
    }
    return absl::InvalidArgumentError("invalid JSON");
  }
  if (HasNonFinite(doc)) {
    return absl::InvalidArgumentError("invalid JSON: number is infinity when parsed as double");
  }
  return doc;
}

std::string FormatDoubleLikeOrjson(double d) {
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  // Shortest round-trip digits as d.ddde±X, then re-laid out.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  std::string out;
  size_t i = 0;
  if (sci[0] == '-') {
    out += '-';
    i = 1;
  }
  size_t e_pos = sci.find('e');
  std::string digits;
  for (size_t k = i; k < e_pos; ++k) {
    if (sci[k] != '.') digits += sci[k];
  }
  int exp = std::atoi(sci.c_str() + e_pos + 1);
  if (exp >= -5 && exp < 16) {
    if (exp < 0) {
      out += "0.";
      out.append(static_cast<size_t>(-exp - 1), '0');
      out += digits;
    } else if (static_cast<size_t>(exp) + 1 >= digits.size()) {
      out += digits;
      out.append(static_cast<size_t>(exp) + 1 - digits.size(), '0');
      out += ".0";
    } else {
      out += digits.substr(0, static_cast<size_t>(exp) + 1);
      out += '.';
      out += digits.substr(static_cast<size_t>(exp) + 1);
    }
    return out;
  }
  out += digits[0];
  if (digits.size() > 1) {
    out += '.';
    out += digits.substr(1);
  }
  absl::StrAppend(&out, exp < 0 ? "e-" : "e+", std::abs(exp));
  return out;
}

void AppendLikeOrjson(const OrderedJson& v, std::string& out) {
  switch (v.type()) {
    case OrderedJson::value_t::null:
    case OrderedJson::value_t::discarded:
      out += "null";
      return;
    case OrderedJson::value_t::boolean:
      out += v.get<bool>() ? "true" : "false";
      return;
    case OrderedJson::value_t::number_integer:
      absl::StrAppend(&out, v.get<int64_t>());
      return;
    case OrderedJson::value_t::number_unsigned:
      absl::StrAppend(&out, v.get<uint64_t>());
      return;
    case OrderedJson::value_t::number_float: {
      double d = v.get<double>();
      out += std::isfinite(d) ? FormatDoubleLikeOrjson(d) : "null";
      return;
    }
    case OrderedJson::value_t::string:
      AppendString(v.get_ref<const std::string&>(), out);
      return;
    case OrderedJson::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v) {
        if (!first) out += ',';
        first = false;
        AppendLikeOrjson(e, out);
      }
      out += ']';
      return;
    }
    case OrderedJson::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& item : v.items()) {
        if (!first) out += ',';
        first = false;
        AppendString(item.key(), out);
        out += ':';
        AppendLikeOrjson(item.value(), out);
      }
      out += '}';
      return;
    }
    case OrderedJson::value_t::binary:
      out += "null";  // never produced by ParseLikeOrjson
      return;
  }
}

std::string DumpLikeOrjson(const OrderedJson& value) {
  std::string out;
  AppendLikeOrjson(value, out);
  return out;
}

}  // namespace sidestream::serde

#include "serde/base64_py.h"

#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace sidestream::serde {

std::string Base64Encode(absl::string_view bytes) { return absl::Base64Escape(bytes); }

absl::StatusOr<std::string> Base64DecodeLikePython(absl::string_view text) {
  // Mirrors CPython's binascii.a2b_base64 in non-strict mode, which
  // base64.b64decode(validate=False) uses after its ASCII check.
  std::string out;
  out.reserve(text.size() / 4 * 3 + 3);
  int quad_pos = 0;
  int pads = 0;
  uint32_t left = 0;
  size_t data_chars = 0;
  for (unsigned char c : text) {
    if (c >= 0x80) {
      return absl::InvalidArgumentError("string argument should contain only ASCII characters");
    }
  }
  for (unsigned char c : text) {
    if (c == '=') {
      if (quad_pos >= 2 && quad_pos + ++pads >= 4) return out;  // complete padding ends the data
      continue;
    }
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '+') {
      v = 62;
    } else if (c == '/') {
      v = 63;
    } else {
      continue;  // not in the alphabet: skipped
    }
    pads = 0;
    ++data_chars;
    switch (quad_pos) {
      case 0:
        quad_pos = 1;
        left = static_cast<uint32_t>(v);
        break;
      case 1:
        quad_pos = 2;
        out += static_cast<char>((left << 2) | (static_cast<uint32_t>(v) >> 4));
        left = static_cast<uint32_t>(v) & 0x0F;
        break;
      case 2:
        quad_pos = 3;
        out += static_cast<char>((left << 4) | (static_cast<uint32_t>(v) >> 2));
        left = static_cast<uint32_t>(v) & 0x03;
        break;
      default:
        quad_pos = 0;
        out += static_cast<char>((left << 6) | static_cast<uint32_t>(v));
        left = 0;
    }
  }
  if (quad_pos == 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("Invalid base64-encoded string: number of data characters (", data_chars,
                     ") cannot be 1 more than a multiple of 4"));
  }
  if (quad_pos != 0) return absl::InvalidArgumentError("Incorrect padding");
  return out;
}

}  // namespace sidestream::serde

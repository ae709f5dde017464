#include "state/key_codec.h"

#include "absl/strings/str_cat.h"

namespace sidestream::state {

std::string EncodeStateKey(absl::string_view prefix, absl::string_view key) {
  std::string out;
  EncodeStateKeyTo(prefix, key, &out);
  return out;
}

void EncodeStateKeyTo(absl::string_view prefix, absl::string_view key, std::string* out) {
  out->clear();
  out->reserve(10 + prefix.size() + key.size());
  uint64_t n = prefix.size();
  while (n >= 0x80) {
    *out += static_cast<char>((n & 0x7f) | 0x80);
    n >>= 7;
  }
  *out += static_cast<char>(n);
  out->append(prefix.data(), prefix.size());
  out->append(key.data(), key.size());
}

absl::StatusOr<DecodedStateKey> DecodeStateKey(absl::string_view stored) {
  uint64_t n = 0;
  size_t i = 0;
  for (int shift = 0;; shift += 7) {
    if (i >= stored.size() || shift > 63) {
      return absl::DataLossError("state key: truncated prefix length");
    }
    const auto byte = static_cast<unsigned char>(stored[i++]);
    n |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) break;
  }
  if (n > stored.size() - i) {
    return absl::DataLossError(
        absl::StrCat("state key: prefix length ", n, " exceeds the key (", stored.size(), " bytes)"));
  }
  return DecodedStateKey{stored.substr(i, n), stored.substr(i + n)};
}

std::string EncodeOffset(int64_t offset) {
  std::string out(8, '\0');
  auto u = static_cast<uint64_t>(offset);
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(u & 0xff);
    u >>= 8;
  }
  return out;
}

absl::StatusOr<int64_t> DecodeOffset(absl::string_view bytes) {
  if (bytes.size() != 8) {
    return absl::DataLossError(
        absl::StrCat("processed offset: expected 8 bytes, found ", bytes.size()));
  }
  uint64_t u = 0;
  for (char c : bytes) u = (u << 8) | static_cast<unsigned char>(c);
  return static_cast<int64_t>(u);
}

}  // namespace sidestream::state

// Byte encodings of what a store partition keeps in RocksDB.
//
// State keys: every user key lives under a prefix, the serialized message key,
// so each message key's state is separate (the seed's with_prefix). The stored
// key is varint64(len(prefix)) + prefix + key: unambiguous, so ("ab", "c") and
// ("a", "bc") never meet. The processed offset lives in its own column family
// and so can never collide with a state key.
//
// Stateless functions; safe from any thread.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sidestream::state {

// Encodes (prefix, key) into the stored key.
std::string EncodeStateKey(absl::string_view prefix, absl::string_view key);
// EncodeStateKey into `out` (replacing its contents): reuses its buffer.
void EncodeStateKeyTo(absl::string_view prefix, absl::string_view key, std::string* out);

struct DecodedStateKey {
  absl::string_view prefix;
  absl::string_view key;
};
// Splits a stored key; the views point into `stored`.
// Errors: DATA_LOSS when `stored` is not an encoded state key.
absl::StatusOr<DecodedStateKey> DecodeStateKey(absl::string_view stored);

// Encodes an offset as 8 bytes, big-endian.
std::string EncodeOffset(int64_t offset);
// Errors: DATA_LOSS unless `bytes` has exactly 8 bytes.
absl::StatusOr<int64_t> DecodeOffset(absl::string_view bytes);

}  // namespace sidestream::state

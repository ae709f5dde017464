// Serializers and deserializers named by the seed API ("json", "bytes",
// "string", "integer", "double", and the Quix formats "quix",
// "quix_timeseries", "quix_events" — see quix.h). They run in the sidecar so
// every SDK gets them. Instances are immutable after creation and safe to share across
// threads.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "serde/payload.h"

namespace sidestream::serde {

// Which serializer and its options, as a client names it.
struct SerdeSpec {
  std::string name;
  std::map<std::string, std::string> options;
};

// One Kafka message header, borrowed from the message it belongs to.
struct HeaderRef {
  absl::string_view key;
  std::optional<absl::string_view> value;  // nullopt = a header without a value
};

// Bytes of a Kafka message field → Payload.
class Deserializer {
 public:
  virtual ~Deserializer() = default;
  // `bytes` is nullopt for a null field (e.g. a tombstone value), which
  // deserializes to a null Payload with every deserializer but "quix".
  // Errors: INVALID_ARGUMENT describing what is malformed.
  virtual absl::StatusOr<Payload> Deserialize(std::optional<absl::string_view> bytes) const = 0;

  // The seed's `split_values`: whether one message may become several
  // records (or none), so callers must use DeserializeMany. Default: false.
  virtual bool split_values() const { return false; }

  // Whether a non-null message deserializes to Payload::Json of its very
  // bytes once they are valid JSON (the plain "json" deserializer): a caller
  // that decodes the JSON anyway may do so instead of Deserialize, and use
  // Deserialize only when its decoder refuses the bytes. Default: false.
  virtual bool plain_json() const { return false; }

  // Deserializes a message value that may hold several rows, given the
  // message headers. An empty result is the seed's IgnoreMessage: skip the
  // message (its offset still counts as processed). The default wraps
  // Deserialize (one row; headers unused).
  // Errors: as Deserialize.
  virtual absl::StatusOr<std::vector<Payload>> DeserializeMany(
      std::optional<absl::string_view> bytes, absl::Span<const HeaderRef> headers) const;
};

// Payload → bytes of a Kafka message field (nullopt = null field).
class Serializer {
 public:
  virtual ~Serializer() = default;
  // Errors: INVALID_ARGUMENT when the value has a type the format cannot carry.
  virtual absl::StatusOr<std::optional<std::string>> Serialize(const Payload& value) const = 0;

  // The seed's `extra_headers`: (key, value) headers to set on every message
  // whose value this serializer wrote, in order. Default: none.
  virtual std::vector<std::pair<std::string, std::string>> ExtraHeaders() const { return {}; }
};

// Creates a deserializer. Errors: INVALID_ARGUMENT for an unknown name or a
// bad option.
absl::StatusOr<std::unique_ptr<Deserializer>> MakeDeserializer(const SerdeSpec& spec);
// Creates a serializer. Errors as MakeDeserializer.
absl::StatusOr<std::unique_ptr<Serializer>> MakeSerializer(const SerdeSpec& spec);

}  // namespace sidestream::serde

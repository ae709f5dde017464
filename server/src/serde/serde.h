// Serializers and deserializers named by the seed API ("json", "bytes",
// "string", "integer", "double"). They run in the sidecar so every SDK gets
// them. Instances are immutable after creation and safe to share across
// threads.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "serde/payload.h"

namespace sidestream::serde {

// Which serializer and its options, as a client names it.
struct SerdeSpec {
  std::string name;
  std::map<std::string, std::string> options;
};

// Bytes of a Kafka message field → Payload.
class Deserializer {
 public:
  virtual ~Deserializer() = default;
  // `bytes` is nullopt for a null field (e.g. a tombstone value), which
  // deserializes to a null Payload with every deserializer.
  // Errors: INVALID_ARGUMENT describing what is malformed.
  virtual absl::StatusOr<Payload> Deserialize(std::optional<absl::string_view> bytes) const = 0;
};

// Payload → bytes of a Kafka message field (nullopt = null field).
class Serializer {
 public:
  virtual ~Serializer() = default;
  // Errors: INVALID_ARGUMENT when the value has a type the format cannot carry.
  virtual absl::StatusOr<std::optional<std::string>> Serialize(const Payload& value) const = 0;
};

// Creates a deserializer. Errors: INVALID_ARGUMENT for an unknown name or a
// bad option.
absl::StatusOr<std::unique_ptr<Deserializer>> MakeDeserializer(const SerdeSpec& spec);
// Creates a serializer. Errors as MakeDeserializer.
absl::StatusOr<std::unique_ptr<Serializer>> MakeSerializer(const SerdeSpec& spec);

}  // namespace sidestream::serde

// The Quix message formats of the seed (quixstreams.models.serializers.quix,
// Quix Streams 2.x): a deserializer for any Quix-formatted topic and
// serializers for its TimeseriesData and EventData models.
//
// "quix" reads the `__Q_CodecId` / `__Q_ModelKey` headers (or the legacy
// {"C","K","V"} envelope in the value) and splits one message into rows:
// TimeseriesData / ParameterData → one row per timestamp
// ({<param>: value, ..., "Tags": {...}, "Timestamp": ns}), EventData → one
// row, EventData[] → one row per event. Protocol-only models
// (StreamProperties, StreamEnd, ParameterDefinitions, EventDefinitions) are
// ignored (no rows). Deviation forced by the Payload model (JSON or bytes,
// never bytes inside JSON): a BinaryValues item, which the seed turns into
// `bytes`, is validated like Python's base64.b64decode and kept as its
// canonical base64 text.
//
// "quix_timeseries" / "quix_events" write a row dict as TimeseriesData or
// EventData JSON, byte-for-byte like the seed (orjson text). Option
// `as_legacy` ("true" | "false"; Default: "true", as in the seed) writes the
// legacy envelope and no headers; otherwise the model key and codec go out
// as extra headers.
//
// Instances are immutable and safe to share across threads.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "serde/serde.h"

namespace sidestream::serde {

// REQUIRES: spec.name == "quix"; options already checked (column_name).
absl::StatusOr<std::unique_ptr<Deserializer>> MakeQuixDeserializer(const SerdeSpec& spec);
// REQUIRES: spec.name is "quix_timeseries" or "quix_events"; options already
// checked (as_legacy). Errors: INVALID_ARGUMENT for a bad as_legacy value.
absl::StatusOr<std::unique_ptr<Serializer>> MakeQuixSerializer(const SerdeSpec& spec);

}  // namespace sidestream::serde

// The packed batch layout of the Connect session (capability
// "packed-batch/1"): records as columns (`v1::PackedRecords`) instead of one
// `InvokeRecord` message each, and results as columns (`v1::PackedResults`).
// The JSON values of a batch travel as one JSON array text plus the byte size
// of each element, so a client decodes them with one parser call and this
// side slices the answers without parsing them. The wire format is described
// in proto/sidestream/v1/session.proto.
//
// Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/repeated_field.h"
#include "runtime/record.h"
#include "sidestream/v1/session.pb.h"

namespace sidestream::rpc {

// The capability name a client lists in Register.capabilities to receive
// packed batches (and that the server echoes in Registered.capabilities).
inline constexpr char kPackedBatchCapability[] = "packed-batch/1";

// Whether `records` fit one PackedRecords: at least one record, and all of
// the same topic, partition and state epoch (the batch-wide fields).
bool CanPack(const std::vector<const runtime::Record*>& records);

// Writes `records` into `out`. With `stateful`, the state prefixes, replay
// flags and epoch are included.
// REQUIRES: CanPack(records).
void ToPacked(const std::vector<const runtime::Record*>& records, bool stateful, v1::PackedRecords* out);

// Converts a client's packed answer, one outcome per `outcomes` byte.
// Errors: INVALID_ARGUMENT naming the column when the columns do not fit
// together (wrong counts, sizes that do not describe the JSON text, unknown
// kinds).
absl::StatusOr<std::vector<runtime::RecordOutcome>> FromPacked(const v1::PackedResults& p);

// Splits a packed JSON array column (`[e0,e1,...]`, or `[]` / empty when
// `sizes` is empty) into views of its elements, by their byte sizes.
// Errors: INVALID_ARGUMENT when the sizes do not describe `text`.
absl::Status SplitJsonArray(std::string_view text, const google::protobuf::RepeatedField<uint32_t>& sizes,
                            std::vector<std::string_view>* out);

}  // namespace sidestream::rpc

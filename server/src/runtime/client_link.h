// The runtime's view of a connected client: it runs segments of client
// functions on batches of records and gives verdicts on errors. Implemented by
// the rpc session (over the Connect stream) and by test fakes.
//
// Thread-safety: implementations must allow calls from the pipeline's loop
// thread while their own threads deliver answers.
#pragma once

#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "runtime/record.h"

namespace sidestream::runtime {

using InvokeFuture = std::future<absl::StatusOr<std::vector<RecordOutcome>>>;

class ClientLink {
 public:
  virtual ~ClientLink() = default;

  // Sends one batch of records (all from one partition, in order) to segment
  // `segment_id`; the future resolves with one outcome per record, or with
  // UNAVAILABLE when the client is gone. Does not block on the answer.
  // REQUIRES: `records` stay alive until the future resolves.
  virtual InvokeFuture Invoke(uint32_t segment_id, const std::vector<const Record*>& records) = 0;

  // Asks the client's error callback whether to ignore `error`. Blocks until
  // the verdict arrives. Without a callback for the stage the answer is
  // false (stop), as in the seed. Errors: UNAVAILABLE when the client is gone.
  virtual absl::StatusOr<bool> AskIgnore(ErrorStage stage, const ErrorInfo& error,
                                         const MessageMeta* meta, const std::string* raw_value) = 0;

  // Reports the offsets of messages whose processing ended (the seed's
  // on_message_processed), one partition per call, and blocks until the
  // client acknowledges. Returns the error the client's callback raised, if
  // any. Errors: UNAVAILABLE when the client is gone.
  virtual absl::StatusOr<std::optional<ErrorInfo>> ReportProcessed(const std::string& topic, int32_t partition,
                                                                   const std::vector<int64_t>& offsets) = 0;
};

}  // namespace sidestream::runtime

// The unit of work of the engine: one deserialized message moving through a
// plan, plus the error description shared by the runtime and its callers.
// Plain value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "expr/expr.h"
#include "serde/payload.h"

namespace sidestream::runtime {

struct Header {
  std::string key;
  std::optional<std::string> value;
};

// Where a record came from (the seed's MessageContext).
struct MessageMeta {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int32_t size = 0;
  int timestamp_type = 0;  // 0 none, 1 create time, 2 log append time
  int64_t timestamp_ms = 0;
  std::vector<Header> headers;
};

// A record's value lives in one of two forms: the encoded Payload (what
// travels to the client and to serializers) and, once a native step needed
// it, the decoded document. Use the helpers below to move between them; each
// form is converted at most once per change.
struct Record {
  serde::Payload key;
  serde::Payload value;  // valid when `payload_fresh`
  MessageMeta meta;
  std::optional<expr::Value> doc;  // decoded value, when a native step needed it
  bool payload_fresh = true;       // false after a native step changed `doc`
  // State namespace (raw message key bytes), and whether the record was
  // already applied to state before (its writes must be ignored).
  std::string state_prefix;
  bool state_replay = false;
  uint64_t state_epoch = 0;
};

// One state write of a client function.
struct StateUpdate {
  std::string key;
  std::optional<std::string> value;  // nullopt = delete
};

// Decodes the payload into `doc` if not done yet. With `only_keys` (sorted
// top-level keys, graph::Plan::partial_doc_keys), an object value keeps only
// those keys: for steps proven to read nothing else. Errors: INVALID_ARGUMENT
// for JSON text that does not parse (cannot happen for validated input).
absl::Status EnsureDoc(Record& r, const std::vector<std::string>* only_keys = nullptr);
// Re-encodes `doc` into the payload if a native step changed it.
void EnsurePayload(Record& r);
// Replaces the value with a payload (e.g. a client result).
void SetPayload(Record& r, serde::Payload p);
// Replaces the value with a document (a native step's result).
void SetDoc(Record& r, expr::Value v);
// Payload <-> document conversions.
absl::StatusOr<expr::Value> PayloadToValue(const serde::Payload& p,
                                           const std::vector<std::string>* only_keys = nullptr);
// Decodes JSON text with simdjson (keeping only `only_keys` of an object
// when given). False when simdjson refuses it: invalid JSON, or what only
// Python's parser takes (integers beyond 64 bits); the caller then falls back
// to the full validating path.
bool DecodeJson(absl::string_view bytes, const std::vector<std::string>* only_keys, expr::Value& out);
serde::Payload ValueToPayload(const expr::Value& v);

// An error with the context a user needs to act on it.
struct ErrorInfo {
  absl::StatusCode code = absl::StatusCode::kInternal;
  std::string message;
  std::string step_id;
  std::string exception_type;
  std::string traceback;

  static ErrorInfo FromStatus(const absl::Status& s, std::string step_id = "") {
    return ErrorInfo{s.code(), std::string(s.message()), std::move(step_id), "", ""};
  }
};

// The error-callback stage an error belongs to (the seed's on_*_error).
enum class ErrorStage { kConsumer, kProcessing, kProducer };

// What a client segment did with one record.
struct RecordOutcome {
  enum class Kind { kValue, kFiltered, kError, kSkipped };
  Kind kind = Kind::kValue;
  serde::Payload value;                      // kValue
  ErrorInfo error;                           // kError, kSkipped
  std::optional<serde::Payload> produce_key; // set by a kToTopicKey op
  std::vector<StateUpdate> state_updates;    // kValue, kFiltered
};

// Where client state writes go, and where client state reads are served
// from (the pipeline's state transactions). Apply is called on the loop
// thread; Read may be called from any thread while the loop thread waits for
// the client. Implementations synchronize.
class StateAccess {
 public:
  // State keys under one prefix, for Read.
  struct ReadGroup {
    std::string prefix;
    std::vector<std::string> keys;
  };

  virtual ~StateAccess() = default;
  virtual absl::Status Apply(const Record& record, const std::vector<StateUpdate>& updates) = 0;
  // The values of every group's keys of one topic partition (one client
  // StateRead): group after group, key after key; nullopt = no value.
  virtual absl::StatusOr<std::vector<std::optional<std::string>>> Read(
      const std::string& topic, int32_t partition, const std::vector<ReadGroup>& groups) = 0;
};

}  // namespace sidestream::runtime

// Runs a compiled plan over a batch of records: client segments are shipped
// to the client one InvokeBatch per partition (all partitions in flight at
// once, order within a partition preserved), native steps run in C++, and
// to_topic outputs go to an OutputSink.
//
// Thread-safety: one Executor per pipeline, used from its loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "graph/plan.h"
#include "metrics/histogram.h"
#include "runtime/client_link.h"
#include "runtime/record.h"

namespace sidestream::runtime {

// Where to_topic outputs go (the Kafka producer, or a collector in dry runs).
class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual absl::Status Produce(const std::string& topic, const std::optional<std::string>& key,
                               const std::optional<std::string>& value,
                               const std::vector<Header>& headers) = 0;
};

// What became of one record at the end of the plan.
struct RecordFate {
  enum class Kind { kDone, kFiltered, kSkipped };
  Kind kind = Kind::kDone;
  serde::Payload value;  // kDone: the final value
};

struct ExecutorOptions {
  // Most records per InvokeBatch message. Default: 1000.
  size_t max_invoke_records = 1000;
  // (Optional) Where client state writes go (pipelines with state).
  StateAccess* state = nullptr;
  // (Optional) Where to record client round-trip latency and batch sizes.
  metrics::Histogram* invoke_latency_ms = nullptr;
  metrics::Histogram* invoke_batch_size = nullptr;
  // (Optional) Called once per Process() on the loop thread when the client
  // has not answered within `slow_wait` (the runner pauses fetching so a
  // stalled client does not make the sidecar buffer without limit).
  std::function<void()> on_slow_wait;
  std::chrono::milliseconds slow_wait{1000};
};

class Executor {
 public:
  // `plan`, `client` and `sink` must outlive the executor.
  Executor(const graph::Plan* plan, ClientLink* client, OutputSink* sink,
           ExecutorOptions options = {});

  // Processes `batch` in order. On success every record has a fate in
  // `fates` (same order). On failure returns the error that stops the
  // pipeline; outputs of this batch may have been produced partly.
  // When the plan runs client deserializers, `batch` is first replaced by the
  // records they yield (several per message with split_values, none for an
  // ignored or skipped message) and `fates` follow that new batch.
  std::optional<ErrorInfo> Process(std::vector<Record>& batch, std::vector<RecordFate>* fates);

  // Pipelining (the runner's, for throughput): Begin ships a batch's first
  // client segment and returns at once; Finish waits for the answers and
  // runs the rest of the plan, exactly as Process would have. The runner may
  // Begin batch N+1 before it Finishes batch N (the client answers in order),
  // so the client works on N+1 while the sidecar produces N's outputs and
  // polls. Only for plans whose first node is a stateless client segment
  // (CanPipeline): a stateful one would read state that N's pending writes
  // have not reached yet. Finish each Started exactly once, in Begin order.
  struct Started;
  bool CanPipeline() const;
  std::unique_ptr<Started> Begin(std::vector<Record> batch);
  std::optional<ErrorInfo> Finish(Started& started, std::vector<RecordFate>* fates);

  uint64_t invocations() const { return invocations_; }
  uint64_t produced() const { return produced_; }
  uint64_t filtered() const { return filtered_; }
  uint64_t skipped() const { return skipped_; }
  uint64_t native_evaluations() const { return native_evaluations_; }

 private:
  // Invocations of one segment over some records, all in flight at once.
  struct PendingCalls {
    std::vector<std::vector<int>> positions;  // per call: positions in `records`
    std::vector<InvokeFuture> futures;
    size_t count = 0;
    std::chrono::steady_clock::time_point started;
  };
  PendingCalls StartCalls(uint32_t segment_id, const std::vector<const Record*>& records);
  // The second half of RunSegment: waits for `pending` and applies the outcomes.
  std::optional<ErrorInfo> FinishSegment(const graph::Segment& segment, PendingCalls& pending,
                                         std::vector<Record>& batch, std::vector<int>& live,
                                         std::vector<RecordFate>& fates,
                                         std::vector<std::optional<serde::Payload>>& produce_keys);
  // Runs nodes from `first_node` on, then sets the fates of what is left.
  std::optional<ErrorInfo> RunNodes(size_t first_node, std::vector<Record>& batch, std::vector<int>& live,
                                    std::vector<RecordFate>& fates,
                                    std::vector<std::optional<serde::Payload>>& produce_keys,
                                    std::vector<RecordFate>* fates_out);
  // Waits for the calls; outcomes in the order of `records` given to StartCalls.
  absl::StatusOr<std::vector<RecordOutcome>> FinishCalls(PendingCalls& pending);

  // Runs the client deserializer segment over raw messages and replaces
  // `batch` with the resulting records (executor_serde.cc).
  std::optional<ErrorInfo> RunDeserializer(const graph::Segment& segment, std::vector<Record>& batch);
  // The bytes of a client serializer's result: raw bytes, or nullopt for null.
  // Errors: INVALID_ARGUMENT for any other payload (executor_serde.cc).
  static absl::StatusOr<std::optional<std::string>> SerializedBytes(const serde::Payload& p);
  std::optional<ErrorInfo> RunSegment(const graph::Segment& segment, std::vector<Record>& batch,
                                      std::vector<int>& live, std::vector<RecordFate>& fates,
                                      std::vector<std::optional<serde::Payload>>& produce_keys);
  std::optional<ErrorInfo> RunNative(const graph::PlanNode& node, std::vector<Record>& batch,
                                     std::vector<int>& live, std::vector<RecordFate>& fates);
  // Evaluates node.expr for every live record (running its client calls
  // first). Records whose evaluation failed and were skipped are marked in
  // `dropped`; results[idx] is set for the others.
  std::optional<ErrorInfo> EvaluateAll(const graph::PlanNode& node, std::vector<Record>& batch,
                                       const std::vector<int>& live, std::vector<RecordFate>& fates,
                                       std::vector<bool>& dropped, std::vector<expr::Value>& results);
  // Applies a record's state updates (not for replays).
  std::optional<ErrorInfo> ApplyState(const Record& r, const RecordOutcome& o,
                                      const std::string& step_id);
  // The processing-error path of a native step: asks the client's verdict.
  // Returns the fatal error, or nullopt when the record is skipped.
  std::optional<ErrorInfo> NativeFailure(const graph::PlanNode& node, const Record& r,
                                         const absl::Status& status, RecordFate& fate);
  std::optional<ErrorInfo> RunToTopic(const graph::PlanNode& node, std::vector<Record>& batch,
                                      std::vector<int>& live, std::vector<RecordFate>& fates,
                                      std::vector<std::optional<serde::Payload>>& produce_keys);

  const graph::Plan* plan_;
  ClientLink* client_;
  OutputSink* sink_;
  ExecutorOptions options_;
  uint64_t invocations_ = 0;
  uint64_t produced_ = 0;
  uint64_t filtered_ = 0;
  uint64_t skipped_ = 0;
  uint64_t native_evaluations_ = 0;
  // Scratch of the current Process(): per record, the value bytes a client
  // value serializer returned for the next to_topic.
  std::vector<std::optional<serde::Payload>> serialized_values_;
  bool slow_wait_reported_ = false;  // on_slow_wait called in this Process()
  // Keys to decode for the node being run (Plan::partial_doc_keys), or null.
  const std::vector<std::string>* doc_keys_ = nullptr;
};

// A batch whose first segment is with the client (Executor::Begin).
struct Executor::Started {
  std::vector<Record> batch;
  std::vector<int> live;
  std::vector<RecordFate> fates;
  std::vector<std::optional<serde::Payload>> produce_keys;
  PendingCalls pending;
};

}  // namespace sidestream::runtime

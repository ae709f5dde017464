// The processing loop of one running pipeline: poll a batch from Kafka →
// deserialize → run the plan (client segments batched over the session) →
// produce → checkpoint. Checkpoint = producer flush, then commit of the
// offsets of fully processed records (at-least-once: an input offset is
// committed only after everything it produced was delivered).
//
// Threading: Run() executes on one dedicated thread (the loop thread) and
// owns the consumer, producer and executor; rebalance callbacks run on it too.
// RequestStop() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "graph/plan.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "metrics/histogram.h"
#include "runtime/client_link.h"
#include "runtime/executor.h"
#include "state/options.h"
#include "state/partition_transaction.h"
#include "state/store_manager.h"

namespace sidestream::runtime {

struct PipelineOptions {
  // For logs, e.g. the consumer group.
  std::string name;
  kafka::ConsumerOptions consumer;
  kafka::ProducerOptions producer;
  // Longest wait for the first message of a batch. Default: 1 s (the seed's
  // consumer_poll_timeout).
  std::chrono::milliseconds poll_timeout{1000};
  // Time between checkpoints. Default: 1 s.
  std::chrono::milliseconds commit_interval{1000};
  // Whether checkpoints commit offsets (the seed's auto_commit_enable).
  bool commit_enabled = true;
  // Report the messages whose processing ended to the client after each
  // batch (ClientLink::ReportProcessed; the seed's on_message_processed).
  bool report_processed = false;
  // Most messages per poll batch. Default: 1000.
  size_t max_batch = 1000;
  // Adaptive linger: while the pipeline produces fewer than this many
  // messages per second, each batch's outputs are sent at once
  // (Producer::Nudge, up to 1 ms) instead of waiting for linger.ms, which
  // at such rates would gather only a few messages per request. Above it the
  // linger batches as configured. 0 disables. Default: 2000.
  double nudge_below_rate = 2000;
  // Pipelining: for plans that start with a stateless client segment, ship
  // the next batch before finishing the current one, so the client works
  // while the sidecar produces and polls (Executor::Begin). Only full
  // batches (max_batch messages: a backlog) stay in flight, so light traffic
  // is not delayed. At most two batches are with the client. Default: true.
  bool pipeline_batches = true;
  // Longest wait for the producer at a checkpoint. Default: 30 s.
  std::chrono::milliseconds flush_timeout{30000};
  // Time between INFO progress lines. Default: 10 s.
  std::chrono::milliseconds progress_interval{10000};
  ExecutorOptions executor;
  // State of stateful pipelines: the sidecar's store options and the
  // application's state_dir (relative, confined under the root).
  state::StateOptions state;
  std::string client_state_dir = "state";
};

// Counters of a pipeline, readable from any thread (rendered on /metrics).
struct PipelineCounters {
  metrics::Histogram invoke_latency_ms{metrics::LatencyMsBuckets()};
  metrics::Histogram invoke_batch_size{metrics::BatchSizeBuckets()};
  metrics::Histogram checkpoint_ms{metrics::LatencyMsBuckets()};
  // Consumer lag per assigned partition, refreshed at each checkpoint.
  std::map<kafka::TopicPartition, int64_t> Lag() const {
    std::lock_guard<std::mutex> lock(lag_mu);
    return lag;
  }
  mutable std::mutex lag_mu;
  std::map<kafka::TopicPartition, int64_t> lag;  // guarded by lag_mu

  std::atomic<uint64_t> consumed{0};
  std::atomic<uint64_t> produced{0};
  std::atomic<uint64_t> filtered{0};
  std::atomic<uint64_t> skipped{0};
  std::atomic<uint64_t> invocations{0};
  std::atomic<uint64_t> commits{0};
  std::atomic<uint64_t> native_evaluations{0};
  std::atomic<uint64_t> state_reads{0};   // keys read for clients (each StateRead key)
  std::atomic<uint64_t> state_read_requests{0};  // StateRead round-trips
  std::atomic<uint64_t> state_writes{0};  // set/delete updates applied
  std::atomic<uint64_t> pauses{0};  // fetching paused for a slow client
  std::atomic<uint64_t> producer_nudges{0};  // batches sent without linger (light traffic)
};

// What one Run() did (counter differences over the run).
struct RunStats {
  uint64_t consumed = 0, produced = 0, filtered = 0, skipped = 0, invocations = 0, commits = 0,
           native_evaluations = 0;
};

class PipelineRunner final : public kafka::RebalanceListener,
                             public OutputSink,
                             public StateAccess {
 public:
  // Creates the Kafka clients (no network I/O yet). `plan` and `client` must
  // outlive the runner. `counters` may be shared with earlier runs of the
  // same pipeline (they keep counting for /metrics); null = private ones.
  // Errors: INVALID_ARGUMENT for bad Kafka settings.
  static absl::StatusOr<std::unique_ptr<PipelineRunner>> Create(
      PipelineOptions options, const graph::Plan* plan, ClientLink* client,
      std::shared_ptr<PipelineCounters> counters = nullptr);
  ~PipelineRunner() override;

  // Runs until RequestStop() (returns nullopt) or a fatal error (returns it).
  // Either way it checkpoints finished work and leaves the consumer group.
  std::optional<ErrorInfo> Run();
  // Asks Run() to finish the batch in progress and return. Thread-safe.
  void RequestStop() { stop_requested_.store(true); }

  const PipelineCounters& counters() const { return counters_; }
  // Counters of this runner's Run() so far.
  RunStats run_stats() const;

  // kafka::RebalanceListener (loop thread).
  void OnAssigned(const std::vector<kafka::TopicPartition>& partitions) override;
  void OnRevoking(const std::vector<kafka::TopicPartition>& partitions) override;
  void OnLost(const std::vector<kafka::TopicPartition>& partitions) override;

  // StateAccess: Apply on the loop thread, Read from the session's reader
  // thread while the loop thread waits for the client.
  absl::Status Apply(const Record& record, const std::vector<StateUpdate>& updates) override;
  absl::StatusOr<std::vector<std::optional<std::string>>> Read(
      const std::string& topic, int32_t partition, const std::vector<ReadGroup>& groups) override;

  // OutputSink (loop thread).
  absl::Status Produce(const std::string& topic, const std::optional<std::string>& key,
                       const std::optional<std::string>& value,
                       const std::vector<Header>& headers) override;

 private:
  PipelineRunner(PipelineOptions options, const graph::Plan* plan, ClientLink* client,
                 std::shared_ptr<PipelineCounters> counters);
  RunStats Snapshot() const;
  // Deserializes and processes one poll batch. Returns the fatal error, if any.
  std::optional<ErrorInfo> ProcessBatch(std::vector<kafka::ConsumedMessage>& messages);
  // Finishes the batch at the client (pipelining), if any, and records its
  // offsets as processed.
  std::optional<ErrorInfo> FinishInFlight();
  // Adds what the executor counted since the last call to counters_.
  void SyncCounters();
  // Sets the state fields of a stateful pipeline's record of message `m`.
  void AttachState(const kafka::ConsumedMessage& m, Record& r);
  // Flushes the producer and commits processed offsets.
  // kSync waits for the coordinator's answer (revokes, the final checkpoint);
  // kAsync only sends the commit (periodic checkpoints: the loop does not stall
  // on the round trip; a failure is seen, and everything recommitted, at the
  // next checkpoint).
  enum class CommitMode { kSync, kAsync };
  std::optional<ErrorInfo> Checkpoint(CommitMode mode);
  void MaybeLogProgress(bool force);
  // Pause/resume fetching of every assigned partition while the client is
  // slow to answer (called by the executor's slow-wait hook / after a batch).
  void PauseFetching();
  // Sends the offsets of the batch's messages (those still in `records`
  // after processing) to the client; the error its callback raised, if any.
  std::optional<ErrorInfo> ReportProcessed(const std::vector<Record>& records);
  void ResumeFetching();

  // Constant after construction.
  const PipelineOptions options_;
  const graph::Plan* plan_;
  ClientLink* client_;

  std::atomic<bool> stop_requested_{false};
  std::shared_ptr<PipelineCounters> counters_owner_;
  PipelineCounters& counters_;
  RunStats baseline_;

  // Loop thread only.
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<kafka::Consumer> consumer_;
  std::unique_ptr<Executor> executor_;
  std::set<kafka::TopicPartition> assigned_;
  std::map<kafka::TopicPartition, int64_t> processed_;  // next offset to commit
  std::map<kafka::TopicPartition, int64_t> committed_;
  bool async_unconfirmed_ = false;  // the last commit sent was asynchronous
  std::optional<ErrorInfo> fatal_;  // set by rebalance callbacks
  // State (stateful plans only). stores_ and txns_ are guarded by state_mu_
  // because Read runs on another thread.
  std::mutex state_mu_;
  std::unique_ptr<state::StoreManager> stores_;
  std::map<kafka::TopicPartition, std::unique_ptr<state::PartitionTransaction>> txns_;
  std::map<kafka::TopicPartition, uint64_t> epochs_;  // loop thread
  uint64_t next_epoch_ = 1;
  // After a failure of a stateful pipeline nothing more is flushed or
  // committed: partial state of the failed batch must not reach RocksDB.
  bool abandoned_ = false;
  // Returns the transaction of a partition, beginning one. REQUIRES state_mu_.
  absl::StatusOr<state::PartitionTransaction*> TxnLocked(const std::string& topic, int32_t partition);
  bool dirty_ = false;   // processed records not checkpointed yet
  bool paused_ = false;  // fetching paused by PauseFetching
  std::chrono::steady_clock::time_point paused_at_;
  std::chrono::steady_clock::time_point last_progress_;
  uint64_t last_progress_consumed_ = 0;
  // Seconds spent waiting in poll, processing and checkpointing since the
  // last progress line (where the loop's time goes).
  double poll_s_ = 0, process_s_ = 0, checkpoint_s_ = 0;
  // Pipelining (PipelineOptions::pipeline_batches): the batch whose first
  // client segment is with the client, and its offsets to record once done.
  struct InFlight {
    std::unique_ptr<Executor::Started> started;  // null: nothing to process
    std::map<kafka::TopicPartition, int64_t> next_offsets;
  };
  bool pipelined_ = false;
  std::unique_ptr<InFlight> inflight_;
  struct Synced {
    uint64_t invocations = 0, produced = 0, filtered = 0, skipped = 0, native_evaluations = 0;
  } synced_;
  // Produce rate over the last ~100 ms window, for the adaptive linger.
  std::chrono::steady_clock::time_point rate_window_start_{};
  uint64_t rate_window_produced_ = 0;
  double produce_rate_ = 0;
  // Whether the last rate window was light traffic (nudges the producer).
  bool light_traffic_ = false;
  void UpdateProduceRate(std::chrono::steady_clock::time_point now);
};

}  // namespace sidestream::runtime

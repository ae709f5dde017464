// One application session on the bidirectional Connect stream: registration,
// then either a running pipeline (SESSION_MODE_RUN) or dry runs
// (SESSION_MODE_DRY_RUN). Implements runtime::ClientLink over the stream.
//
// Threading: Serve() runs on the gRPC handler thread and becomes the stream's
// only reader. The pipeline (or dry-run worker) runs on one thread the session
// owns; it writes to the stream under write_mu_. Invoke/AskIgnore are called
// from that thread and resolved by the reader. RequestStop/ForceClose may be
// called from any thread. The session outlives both threads (Serve joins).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "common/log.h"
#include "config/server_options.h"
#include "graph/plan.h"
#include "runtime/client_link.h"
#include "runtime/pipeline_runner.h"
#include "sidestream/v1/service.grpc.pb.h"

namespace sidestream::rpc {

using Stream = grpc::ServerReaderWriter<v1::ServerMessage, v1::ClientMessage>;

class Session final : public runtime::ClientLink {
 public:
  // Gives the metrics counters of a pipeline (consumer group, source topic).
  using CountersFor = std::function<std::shared_ptr<runtime::PipelineCounters>(
      const std::string& group, const std::string& topic)>;

  // `options` must outlive the session; `context` and `stream` live for the call.
  Session(const config::ServerOptions* options, grpc::ServerContext* context, Stream* stream,
          CountersFor counters_for = nullptr);
  ~Session() override;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs the whole session; returns the call's final status.
  grpc::Status Serve();
  // Graceful stop (server shutdown): finish in-flight work, commit, tell the
  // client to reconnect later (Stopped with UNAVAILABLE).
  void RequestStop();
  // Hard stop: fail everything pending and cancel the call.
  void ForceClose();
  // True once the session's work thread has finished.
  bool finished() const { return finished_.load(); }
  // The consumer group of a running (not dry-run) pipeline, else empty.
  // Thread-safe after Serve() registered the session.
  std::string running_group() const {
    return running_.load() && !finished_.load() ? app_config_.consumer_group() : std::string();
  }


  // runtime::ClientLink (work thread).
  runtime::InvokeFuture Invoke(uint32_t segment_id,
                               const std::vector<const runtime::Record*>& records) override;
  absl::StatusOr<bool> AskIgnore(runtime::ErrorStage stage, const runtime::ErrorInfo& error,
                                 const runtime::MessageMeta* meta,
                                 const std::string* raw_value) override;
  absl::StatusOr<std::optional<runtime::ErrorInfo>> ReportProcessed(const std::string& topic, int32_t partition,
                                                                     const std::vector<int64_t>& offsets) override;

 private:
  grpc::Status Register(const v1::Register& reg);
  void RunPipeline();
  void RunDryRuns();
  void ReadLoop();
  // Resolves the InvokeBatch that `result` answers.
  void Resolve(const v1::InvokeResult& result);
  bool Write(const v1::ServerMessage& msg);
  void FailPending(const absl::Status& status);
  void FinishWork();
  // Marks the work finished, sends `stopped` and waits (5 s at most) for the
  // client to end the stream before cancelling the call.
  void EndWith(const v1::ServerMessage& stopped);

  // Constant after construction.
  const config::ServerOptions* options_;
  grpc::ServerContext* context_;
  Stream* stream_;

  // Set during Register, before the work thread starts.
  std::unique_ptr<graph::Plan> plan_;
  std::unique_ptr<runtime::PipelineRunner> runner_;
  std::unique_ptr<runtime::StateAccess> dry_state_;  // dry runs: in-memory state
  v1::AppConfig app_config_;
  // AppConfig.loglevel: this session's threads log at this level (if set).
  std::optional<common::LogLevel> log_level_;
  v1::SessionMode mode_ = v1::SESSION_MODE_RUN;
  std::string name_;

  std::mutex write_mu_;  // serializes stream writes

  // Whether InvokeBatch records go in the packed layout (the client
  // negotiated "packed-batch/1" and the server allows it).
  bool packed_ = false;
  // The client may batch prefixes in one StateRead (negotiated
  // "state-read-groups/1"). Set during registration, read by the reader thread
  // (the same handler thread) afterwards.
  bool state_read_groups_ = false;

  // An InvokeBatch waiting for its InvokeResult, and what the answer must fit.
  struct PendingInvoke {
    std::promise<absl::StatusOr<std::vector<runtime::RecordOutcome>>> promise;
    bool packed = false;  // sent in the packed layout: the answer must be packed too
    size_t records = 0;   // the answer has one outcome per record
  };

  std::mutex mu_;
  std::map<uint64_t, PendingInvoke> pending_invokes_;                 // guarded by mu_
  std::map<uint64_t, std::promise<absl::StatusOr<bool>>> pending_verdicts_;  // guarded by mu_
  std::map<uint64_t, std::promise<absl::StatusOr<std::optional<runtime::ErrorInfo>>>>
      pending_acks_;  // MessagesProcessed awaiting ProcessedAck; guarded by mu_
  bool closed_ = false;                                               // guarded by mu_
  std::deque<v1::TestInput> test_inputs_;                             // guarded by mu_
  bool reader_done_ = false;                                          // guarded by mu_
  std::condition_variable cv_;

  std::atomic<uint64_t> next_request_id_{1};
  std::atomic<bool> shutting_down_{false};
  std::atomic<bool> finished_{false};
  std::atomic<bool> running_{false};  // a run-mode pipeline was started
  const CountersFor counters_for_;
  std::thread worker_;
};

}  // namespace sidestream::rpc

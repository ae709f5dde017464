#include "rpc/service.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "grpc/health/v1/health.pb.h"
#include "metrics/text_format.h"
#include "rpc/convert.h"
#include "rpc/status_map.h"
#include "runtime/executor.h"
#include "state/store_manager.h"

namespace sidestream::rpc {
namespace {

// A client link for graphs without client functions: never called.
class NoClient final : public runtime::ClientLink {
 public:
  runtime::InvokeFuture Invoke(uint32_t, const std::vector<const runtime::Record*>&) override {
    std::promise<absl::StatusOr<std::vector<runtime::RecordOutcome>>> p;
    p.set_value(absl::FailedPreconditionError("no client functions in a unary dry run"));
    return p.get_future();
  }
  absl::StatusOr<bool> AskIgnore(runtime::ErrorStage, const runtime::ErrorInfo&,
                                 const runtime::MessageMeta*, const std::string*) override {
    return false;
  }
  absl::StatusOr<std::optional<runtime::ErrorInfo>> ReportProcessed(const std::string&, int32_t,
                                                                     const std::vector<int64_t>&) override {
    return absl::FailedPreconditionError("no processed-message reports in a unary dry run");
  }
};

class VectorSink final : public runtime::OutputSink {
 public:
  absl::Status Produce(const std::string& topic, const std::optional<std::string>& key,
                       const std::optional<std::string>& value,
                       const std::vector<runtime::Header>&) override {
    v1::ProducedMessage& m = produced.emplace_back();
    m.set_topic(topic);
    if (key) m.set_key(*key);
    if (value) m.set_value(*value);
    return absl::OkStatus();
  }
  std::vector<v1::ProducedMessage> produced;
};

}  // namespace

SidestreamService::SidestreamService(const config::ServerOptions* options) : options_(options) {
  // Links the health protocol's descriptors so that server reflection can
  // describe gRPC's built-in health service (grpcurl calls it by name).
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
}

grpc::Status SidestreamService::Connect(grpc::ServerContext* context, Stream* stream) {
  Session session(options_, context, stream,
                  [this](const std::string& group, const std::string& topic) {
                    std::lock_guard<std::mutex> lock(mu_);
                    auto& c = counters_[{group, topic}];
                    if (!c) c = std::make_shared<runtime::PipelineCounters>();
                    return c;
                  });
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shutting_down_) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "sidestreamd is shutting down");
    }
    sessions_.insert(&session);
  }
  grpc::Status status = session.Serve();
  {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.erase(&session);
  }
  return status;
}

grpc::Status SidestreamService::Validate(grpc::ServerContext*, const v1::ValidateRequest* request,
                                         v1::ValidateResponse* response) {
  auto plan = graph::Plan::Compile(FromProto(request->pipeline()));
  if (!plan.ok()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("invalid pipeline: ", plan.status().message()));
  }
  ToProto(**plan, response->mutable_plan());
  return grpc::Status::OK;
}

grpc::Status SidestreamService::DryRun(grpc::ServerContext*, const v1::DryRunRequest* request,
                                       v1::DryRunResponse* response) {
  auto plan = graph::Plan::Compile(FromProto(request->pipeline()), {.client_deserializers = false});
  if (!plan.ok()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("invalid pipeline: ", plan.status().message()));
  }
  if ((*plan)->has_client_functions()) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "the pipeline calls client functions; dry-run it over Connect in "
                        "SESSION_MODE_DRY_RUN (as the SDKs' sdf.test() does)");
  }
  NoClient client;
  VectorSink sink;
  runtime::Executor executor(plan->get(), &client, &sink);
  for (const v1::TestInput& in : request->inputs()) {
    std::vector<runtime::Record> batch(1);
    batch[0].value = FromProto(in.value());
    batch[0].key = FromProto(in.key());
    batch[0].meta = FromProto(in.context());
    sink.produced.clear();
    std::vector<runtime::RecordFate> fates;
    v1::TestOutput* out = response->add_outputs();
    out->set_request_id(in.request_id());
    if (auto err = executor.Process(batch, &fates)) {
      ToProto(*err, out->mutable_error());
    } else if (fates[0].kind == runtime::RecordFate::Kind::kDone) {
      ToProto(fates[0].value, out->mutable_value());
    } else {
      out->set_filtered(true);
    }
    for (auto& p : sink.produced) *out->add_produced() = std::move(p);
  }
  return grpc::Status::OK;
}

grpc::Status SidestreamService::ClearState(grpc::ServerContext*, const v1::ClearStateRequest* request,
                                           v1::ClearStateResponse*) {
  if (request->consumer_group().empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "consumer_group is required");
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (Session* s : sessions_) {
    if (s->running_group() == request->consumer_group()) {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          absl::StrCat("consumer group '", request->consumer_group(),
                                       "' is running a pipeline on this sidecar; stop it first"));
    }
  }
  state::StateOptions so;
  so.root = options_->state_dir;
  so.open_max_retries = 0;
  auto stores = state::StoreManager::Create(so, request->state_dir().empty() ? "state" : request->state_dir(),
                                            request->consumer_group());
  if (!stores.ok()) return ToGrpcStatus(stores.status());
  if (absl::Status s = (*stores)->ClearAll(); !s.ok()) return ToGrpcStatus(s);
  SS_LOG(kInfo, "state.cleared").Kv("group", request->consumer_group());
  return grpc::Status::OK;
}

void SidestreamService::Shutdown(std::chrono::milliseconds timeout) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
    for (Session* s : sessions_) s->RequestStop();
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      bool all_done = true;
      for (Session* s : sessions_) all_done = all_done && s->finished();
      if (all_done) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (Session* s : sessions_) {
    if (!s->finished()) {
      SS_LOG(kWarning, "session.force_closed");
      s->ForceClose();
    }
  }
}

std::string SidestreamService::RenderMetrics() {
  std::lock_guard<std::mutex> lock(mu_);
  struct Row {
    std::string labels;
    const runtime::PipelineCounters* c;
  };
  std::vector<Row> rows;
  for (const auto& [key, c] : counters_) {
    rows.push_back({absl::StrCat("pipeline=\"", metrics::EscapeLabelValue(key.first), "\",topic=\"",
                                 metrics::EscapeLabelValue(key.second), "\""),
                    c.get()});
  }
  std::string out;
  absl::StrAppend(&out, "# HELP sidestream_client_sessions Connect sessions currently open.\n",
                  "# TYPE sidestream_client_sessions gauge\n", "sidestream_client_sessions ",
                  sessions_.size(), "\n");
  auto counter = [&](const char* name, const char* help,
                     const std::atomic<uint64_t> runtime::PipelineCounters::*field) {
    absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name, " counter\n");
    for (const Row& r : rows) absl::StrAppend(&out, name, "{", r.labels, "} ", (r.c->*field).load(), "\n");
  };
  counter("sidestream_messages_consumed_total", "Messages consumed from Kafka.", &runtime::PipelineCounters::consumed);
  counter("sidestream_messages_produced_total", "Messages produced by to_topic.", &runtime::PipelineCounters::produced);
  counter("sidestream_messages_filtered_total", "Records dropped by filters.", &runtime::PipelineCounters::filtered);
  counter("sidestream_messages_errored_total", "Records skipped after an error.", &runtime::PipelineCounters::skipped);
  counter("sidestream_callback_invocations_total", "InvokeBatch messages sent to clients.",
          &runtime::PipelineCounters::invocations);
  counter("sidestream_native_evaluations_total", "Native expression evaluations.",
          &runtime::PipelineCounters::native_evaluations);
  counter("sidestream_state_read_requests_total", "StateRead round-trips from clients.",
          &runtime::PipelineCounters::state_read_requests);
  counter("sidestream_state_reads_total", "State keys read for clients.", &runtime::PipelineCounters::state_reads);
  counter("sidestream_state_writes_total", "State updates (set/delete) applied.",
          &runtime::PipelineCounters::state_writes);
  counter("sidestream_checkpoint_commits_total", "Offset commits at checkpoints.", &runtime::PipelineCounters::commits);
  counter("sidestream_producer_nudges_total",
          "Batches whose outputs were sent at once instead of after linger.ms (light traffic).",
          &runtime::PipelineCounters::producer_nudges);
  counter("sidestream_fetch_pauses_total", "Times fetching was paused because the client was slow to answer.",
          &runtime::PipelineCounters::pauses);
  auto histogram = [&](const char* name, const char* help,
                       const metrics::Histogram runtime::PipelineCounters::*field) {
    absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name, " histogram\n");
    for (const Row& r : rows) (r.c->*field).Render(name, r.labels, &out);
  };
  histogram("sidestream_callback_latency_ms", "Client round-trip time of one batch of invocations (ms).",
            &runtime::PipelineCounters::invoke_latency_ms);
  histogram("sidestream_callback_batch_size", "Records per InvokeBatch.",
            &runtime::PipelineCounters::invoke_batch_size);
  histogram("sidestream_checkpoint_duration_ms", "Producer flush + offset commit (ms).",
            &runtime::PipelineCounters::checkpoint_ms);
  absl::StrAppend(&out, "# HELP sidestream_consumer_lag Messages behind the high watermark per partition.\n",
                  "# TYPE sidestream_consumer_lag gauge\n");
  for (const Row& r : rows) {
    for (const auto& [tp, lag] : r.c->Lag()) {
      absl::StrAppend(&out, "sidestream_consumer_lag{", r.labels, ",partition=\"", tp.partition, "\"} ", lag, "\n");
    }
  }
  return out;
}

size_t SidestreamService::session_count() {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

}  // namespace sidestream::rpc

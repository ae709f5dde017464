#include "rpc/session.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "kafka/consumer.h"
#include "rpc/convert.h"
#include "rpc/packed.h"
#include "runtime/executor.h"

namespace sidestream::rpc {
namespace {

constexpr uint32_t kProtocolVersion = 1;
constexpr char kServerName[] = "sidestreamd/0.1.0";
// StateRead.groups (session.proto): many prefixes in one StateRead.
constexpr char kStateReadGroupsCapability[] = "state-read-groups/1";

std::chrono::milliseconds Seconds(double s) {
  return std::chrono::milliseconds(static_cast<int64_t>(s * 1000));
}

v1::ErrorStage StageToProto(runtime::ErrorStage s) {
  switch (s) {
    case runtime::ErrorStage::kConsumer: return v1::ERROR_STAGE_CONSUMER;
    case runtime::ErrorStage::kProcessing: return v1::ERROR_STAGE_PROCESSING;
    case runtime::ErrorStage::kProducer: return v1::ERROR_STAGE_PRODUCER;
  }
  return v1::ERROR_STAGE_UNSPECIFIED;
}

// State of a dry run: an in-memory map per (prefix, key), no Kafka, no disk.
class MemoryState final : public runtime::StateAccess {
 public:
  absl::Status Apply(const runtime::Record& r, const std::vector<runtime::StateUpdate>& updates) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& u : updates) {
      if (u.value) {
        values_[{r.state_prefix, u.key}] = *u.value;
      } else {
        values_.erase({r.state_prefix, u.key});
      }
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<std::optional<std::string>>> Read(const std::string&, int32_t,
                                                                const std::vector<ReadGroup>& groups) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::optional<std::string>> out;
    for (const ReadGroup& g : groups) {
      for (const auto& k : g.keys) {
        auto it = values_.find({g.prefix, k});
        out.push_back(it == values_.end() ? std::nullopt : std::optional<std::string>(it->second));
      }
    }
    return out;
  }

 private:
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, std::string> values_;
};

// Collects what to_topic would produce during a dry run.
class CollectingSink final : public runtime::OutputSink {
 public:
  absl::Status Produce(const std::string& topic, const std::optional<std::string>& key,
                       const std::optional<std::string>& value,
                       const std::vector<runtime::Header>& headers) override {
    v1::ProducedMessage& m = produced.emplace_back();
    m.set_topic(topic);
    if (key) m.set_key(*key);
    if (value) m.set_value(*value);
    for (const auto& h : headers) {
      auto* ph = m.add_headers();
      ph->set_key(h.key);
      if (h.value) ph->set_value(*h.value);
    }
    return absl::OkStatus();
  }
  std::vector<v1::ProducedMessage> produced;
};

}  // namespace

Session::Session(const config::ServerOptions* options, grpc::ServerContext* context, Stream* stream,
                 CountersFor counters_for)
    : options_(options), context_(context), stream_(stream), counters_for_(std::move(counters_for)) {}

Session::~Session() {
  if (worker_.joinable()) worker_.join();
}

grpc::Status Session::Serve() {
  v1::ClientMessage first;
  if (!stream_->Read(&first)) {
    return grpc::Status(grpc::StatusCode::CANCELLED, "client closed the stream before registering");
  }
  if (first.kind_case() != v1::ClientMessage::kRegister) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "the first message of a Connect stream must be Register");
  }
  if (grpc::Status s = Register(first.register_()); !s.ok()) {
    SS_LOG(kWarning, "session.rejected").Kv("peer", context_->peer()).Kv("error", s.error_message());
    finished_.store(true);
    return s;
  }
  running_.store(mode_ == v1::SESSION_MODE_RUN);
  // The application's loglevel governs this session's lines, on both threads.
  common::ScopedThreadLogLevel thread_level(log_level_);
  worker_ = std::thread([this] {
    common::ScopedThreadLogLevel worker_level(log_level_);
    if (mode_ == v1::SESSION_MODE_DRY_RUN) {
      RunDryRuns();
    } else {
      RunPipeline();
    }
  });
  ReadLoop();
  {
    std::lock_guard<std::mutex> lock(mu_);
    reader_done_ = true;
  }
  cv_.notify_all();
  if (!finished_.load()) {
    // The client went away (or half-closed) with work under way: stop without
    // committing unfinished work.
    SS_LOG(kWarning, "session.client_gone").Kv("pipeline", name_);
    FailPending(absl::UnavailableError("client disconnected"));
    if (runner_) runner_->RequestStop();
  }
  worker_.join();
  SS_LOG(kInfo, "session.closed").Kv("pipeline", name_);
  return grpc::Status::OK;
}

grpc::Status Session::Register(const v1::Register& reg) {
  if (reg.protocol_version() != kProtocolVersion) {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        absl::StrCat("unsupported protocol_version ", reg.protocol_version(),
                                     "; this sidecar speaks ", kProtocolVersion));
  }
  mode_ = reg.mode();
  app_config_ = reg.config();
  absl::StatusOr<std::optional<common::LogLevel>> level = common::ParseAppLogLevel(app_config_.loglevel());
  if (!level.ok()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, absl::StrCat("config: ", level.status().message()));
  }
  log_level_ = *level;
  // Dry-run inputs arrive deserialized: client deserializers do not run.
  auto plan = graph::Plan::Compile(FromProto(reg.pipeline()),
                                   {.client_deserializers = mode_ == v1::SESSION_MODE_RUN});
  if (!plan.ok()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("invalid pipeline: ", plan.status().message()));
  }
  plan_ = std::move(*plan);
  if (mode_ == v1::SESSION_MODE_DRY_RUN) dry_state_ = std::make_unique<MemoryState>();
  name_ = mode_ == v1::SESSION_MODE_DRY_RUN ? "dry-run" : app_config_.consumer_group();

  if (mode_ == v1::SESSION_MODE_RUN) {
    if (app_config_.consumer_group().empty()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "config: consumer_group is required");
    }
    runtime::PipelineOptions po;
    po.name = app_config_.consumer_group();
    std::string brokers =
        app_config_.broker_address().empty() ? options_->broker : app_config_.broker_address();
    po.consumer.brokers = brokers;
    po.consumer.group_id = app_config_.consumer_group();
    po.consumer.auto_offset_reset = app_config_.auto_offset_reset();
    po.consumer.assignment_strategy = app_config_.assignment_strategy();
    for (const auto& [k, v] : app_config_.consumer_extra_config()) po.consumer.extra[k] = v;
    po.producer.brokers = brokers;
    po.producer.partitioner = app_config_.partitioner();
    for (const auto& [k, v] : app_config_.producer_extra_config()) po.producer.extra[k] = v;
    if (app_config_.has_consumer_poll_timeout()) {
      if (app_config_.consumer_poll_timeout() < 0) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "config: consumer_poll_timeout must be >= 0");
      }
      po.poll_timeout = Seconds(app_config_.consumer_poll_timeout());
    }
    if (app_config_.has_commit_interval()) {
      if (app_config_.commit_interval() < 0) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "config: commit_interval must be >= 0");
      }
      po.commit_interval = Seconds(app_config_.commit_interval());
    }
    po.commit_enabled = !app_config_.has_auto_commit_enable() || app_config_.auto_commit_enable();
    po.report_processed = app_config_.report_processed();
    po.max_batch = static_cast<size_t>(options_->max_batch);
    po.nudge_below_rate = options_->nudge_below_rate;
    po.pipeline_batches = options_->pipeline_batches;
    po.state.root = options_->state_dir;
    po.client_state_dir = app_config_.state_dir().empty() ? "state" : app_config_.state_dir();
    if (app_config_.has_rocksdb_options()) {
      const v1::RocksDBOptions& ro = app_config_.rocksdb_options();
      if (ro.has_write_buffer_size()) po.state.rocksdb.write_buffer_size = ro.write_buffer_size();
      if (ro.has_target_file_size_base()) po.state.rocksdb.target_file_size_base = ro.target_file_size_base();
      if (ro.has_block_cache_size()) po.state.rocksdb.block_cache_size = ro.block_cache_size();
      for (const auto& [k, v] : ro.extra()) po.state.rocksdb.extra[k] = v;
    }
    if (app_config_.has_state_open_max_retries()) po.state.open_max_retries = app_config_.state_open_max_retries();
    if (app_config_.has_state_open_retry_backoff()) {
      po.state.open_retry_backoff = Seconds(app_config_.state_open_retry_backoff());
    }
    po.progress_interval = options_->progress_interval;
    auto runner = runtime::PipelineRunner::Create(
        std::move(po), plan_.get(), this,
        counters_for_ ? counters_for_(app_config_.consumer_group(), plan_->source_topic()) : nullptr);
    if (!runner.ok()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          absl::StrCat("config: ", runner.status().message()));
    }
    const kafka::Settings security(app_config_.consumer_extra_config().begin(),
                                   app_config_.consumer_extra_config().end());
    if (absl::Status s = kafka::CheckBrokerReachable(brokers, security, options_->broker_timeout);
        !s.ok()) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, std::string(s.message()));
    }
    runner_ = std::move(*runner);
  }

  v1::ServerMessage reply;
  ToProto(*plan_, reply.mutable_registered()->mutable_plan());
  reply.mutable_registered()->set_server_name(kServerName);
  for (const std::string& c : reg.capabilities()) {
    if (c == kPackedBatchCapability && options_->packed_batches && !packed_) {
      packed_ = true;
      reply.mutable_registered()->add_capabilities(c);
    } else if (c == kStateReadGroupsCapability && !state_read_groups_) {
      state_read_groups_ = true;
      reply.mutable_registered()->add_capabilities(c);
    }
  }
  if (!Write(reply)) {
    return grpc::Status(grpc::StatusCode::CANCELLED, "client went away during registration");
  }
  common::ScopedThreadLogLevel level_guard(log_level_);
  SS_LOG(kInfo, "session.registered")
      .Kv("pipeline", name_)
      .Kv("client", reg.client_name())
      .Kv("peer", context_->peer())
      .Kv("plan", plan_->plan_id())
      .Kv("segments", static_cast<uint64_t>(plan_->segments().size()))
      .Kv("layout", packed_ ? "packed" : "records")
      .Kv("mode", mode_ == v1::SESSION_MODE_DRY_RUN ? "dry_run" : "run");
  return grpc::Status::OK;
}

void Session::RunPipeline() {
  std::optional<runtime::ErrorInfo> failure = runner_->Run();
  v1::ServerMessage msg;
  v1::Stopped* stopped = msg.mutable_stopped();
  if (failure) {
    ToProto(*failure, stopped->mutable_error());
  } else if (shutting_down_.load()) {
    runtime::ErrorInfo e{absl::StatusCode::kUnavailable,
                         "sidestreamd is shutting down; reconnect to resume from committed offsets",
                         "", "", ""};
    ToProto(e, stopped->mutable_error());
  }
  const runtime::RunStats c = runner_->run_stats();
  v1::PipelineStats* stats = stopped->mutable_stats();
  stats->set_consumed(c.consumed);
  stats->set_produced(c.produced);
  stats->set_filtered(c.filtered);
  stats->set_skipped(c.skipped);
  stats->set_invocations(c.invocations);
  stats->set_commits(c.commits);
  stats->set_native_evaluations(c.native_evaluations);
  EndWith(msg);
}

void Session::EndWith(const v1::ServerMessage& stopped) {
  FinishWork();
  Write(stopped);
  // The client ends its side when it sees Stopped; don't wait forever for it.
  std::unique_lock<std::mutex> lock(mu_);
  if (!cv_.wait_for(lock, std::chrono::seconds(5), [this] { return reader_done_; })) {
    context_->TryCancel();
  }
}

void Session::RunDryRuns() {
  CollectingSink sink;
  runtime::ExecutorOptions eo;
  eo.state = dry_state_.get();
  runtime::Executor executor(plan_.get(), this, &sink, eo);
  for (;;) {
    v1::TestInput input;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return !test_inputs_.empty() || reader_done_ || closed_; });
      if (test_inputs_.empty()) break;
      input = std::move(test_inputs_.front());
      test_inputs_.pop_front();
    }
    std::vector<runtime::Record> batch(1);
    batch[0].value = FromProto(input.value());
    batch[0].key = FromProto(input.key());
    batch[0].meta = FromProto(input.context());
    if (batch[0].meta.topic.empty()) batch[0].meta.topic = plan_->source_topic();
    sink.produced.clear();
    std::vector<runtime::RecordFate> fates;
    v1::ServerMessage msg;
    v1::TestOutput* out = msg.mutable_test_output();
    out->set_request_id(input.request_id());
    if (auto err = executor.Process(batch, &fates)) {
      ToProto(*err, out->mutable_error());
    } else if (fates[0].kind == runtime::RecordFate::Kind::kDone) {
      ToProto(fates[0].value, out->mutable_value());
    } else {
      out->set_filtered(true);
    }
    for (auto& p : sink.produced) *out->add_produced() = std::move(p);
    if (!Write(msg)) break;
  }
  v1::ServerMessage msg;
  v1::Stopped* stopped = msg.mutable_stopped();
  if (shutting_down_.load()) {
    ToProto(runtime::ErrorInfo{absl::StatusCode::kUnavailable, "sidestreamd is shutting down", "", "", ""},
            stopped->mutable_error());
  }
  EndWith(msg);
}

void Session::FinishWork() { finished_.store(true); }

void Session::ReadLoop() {
  v1::ClientMessage msg;
  while (stream_->Read(&msg)) {
    switch (msg.kind_case()) {
      case v1::ClientMessage::kInvokeResult:
        Resolve(msg.invoke_result());
        break;
      case v1::ClientMessage::kErrorVerdict: {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = pending_verdicts_.find(msg.error_verdict().request_id());
        if (it != pending_verdicts_.end()) {
          it->second.set_value(msg.error_verdict().ignore());
          pending_verdicts_.erase(it);
        }
        break;
      }
      case v1::ClientMessage::kProcessedAck: {
        const v1::ProcessedAck& ack = msg.processed_ack();
        std::lock_guard<std::mutex> lock(mu_);
        auto it = pending_acks_.find(ack.request_id());
        if (it != pending_acks_.end()) {
          it->second.set_value(ack.has_error() ? std::optional<runtime::ErrorInfo>(FromProto(ack.error()))
                                               : std::nullopt);
          pending_acks_.erase(it);
        }
        break;
      }
      case v1::ClientMessage::kStop:
        SS_LOG(kInfo, "session.stop_requested").Kv("pipeline", name_);
        if (runner_) runner_->RequestStop();
        if (mode_ == v1::SESSION_MODE_DRY_RUN) {
          {
            std::lock_guard<std::mutex> lock(mu_);
            closed_ = true;
          }
          cv_.notify_all();
        }
        break;
      case v1::ClientMessage::kStateRead: {
        const v1::StateRead& rd = msg.state_read();
        v1::ServerMessage reply;
        v1::StateReadResult* res = reply.mutable_state_read_result();
        res->set_request_id(rd.request_id());
        runtime::StateAccess* state = runner_ ? static_cast<runtime::StateAccess*>(runner_.get())
                                              : static_cast<runtime::StateAccess*>(dry_state_.get());
        // StateRead.groups are honoured only where negotiated: a client that did not
        // ask for them gets what an older server would answer.
        std::vector<runtime::StateAccess::ReadGroup> groups(1 + (state_read_groups_ ? rd.groups_size() : 0));
        groups[0].prefix = rd.prefix();
        groups[0].keys.assign(rd.keys().begin(), rd.keys().end());
        for (size_t g = 1; g < groups.size(); ++g) {
          const v1::StateReadGroup& src = rd.groups(static_cast<int>(g - 1));
          groups[g].prefix = src.prefix();
          groups[g].keys.assign(src.keys().begin(), src.keys().end());
        }
        auto values = state->Read(rd.topic(), rd.partition(), groups);
        if (!values.ok()) {
          ToProto(runtime::ErrorInfo::FromStatus(values.status()), res->mutable_error());
        } else {
          for (auto& v : *values) {
            v1::StateValue* sv = res->add_values();
            if (v) sv->set_value(std::move(*v));
          }
        }
        Write(reply);
        break;
      }
      case v1::ClientMessage::kTestInput:
        if (mode_ != v1::SESSION_MODE_DRY_RUN) {
          SS_LOG(kWarning, "session.unexpected_message").Kv("pipeline", name_).Kv("kind", "test_input");
          break;
        }
        {
          std::lock_guard<std::mutex> lock(mu_);
          test_inputs_.push_back(msg.test_input());
        }
        cv_.notify_all();
        break;
      default:
        SS_LOG(kWarning, "session.unexpected_message").Kv("pipeline", name_).Kv("kind", static_cast<int>(msg.kind_case()));
    }
  }
}

void Session::Resolve(const v1::InvokeResult& r) {
  PendingInvoke pending;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pending_invokes_.find(r.request_id());
    if (it == pending_invokes_.end()) {
      SS_LOG(kWarning, "session.unknown_request").Kv("pipeline", name_).Kv("request_id", r.request_id());
      return;
    }
    pending = std::move(it->second);
    pending_invokes_.erase(it);
  }
  if (r.has_error()) {
    runtime::ErrorInfo e = FromProto(r.error());
    pending.promise.set_value(absl::Status(e.code == absl::StatusCode::kOk ? absl::StatusCode::kInternal : e.code,
                                           absl::StrCat("client failed the batch: ", e.message)));
    return;
  }
  // The answer must come in the layout of the batch, one outcome per record;
  // anything else is a client bug that stops the pipeline with a clear error.
  absl::StatusOr<std::vector<runtime::RecordOutcome>> outcomes;
  if (pending.packed != r.has_packed() || (r.has_packed() && r.results_size() > 0)) {
    outcomes = absl::InvalidArgumentError(
        absl::StrCat("client answered request ", r.request_id(), " in the ", r.has_packed() ? "packed" : "per-record",
                     " layout; the batch was sent in the ", pending.packed ? "packed" : "per-record", " layout"));
  } else if (pending.packed) {
    outcomes = FromPacked(r.packed());
  } else {
    std::vector<runtime::RecordOutcome> v;
    v.reserve(r.results_size());
    for (const v1::RecordResult& rr : r.results()) v.push_back(FromProto(rr));
    outcomes = std::move(v);
  }
  if (outcomes.ok() && outcomes->size() != pending.records) {
    outcomes = absl::InvalidArgumentError(absl::StrCat("client answered request ", r.request_id(), " with ",
                                                       outcomes->size(), " results for ", pending.records,
                                                       " records"));
  }
  if (!outcomes.ok()) {
    SS_LOG(kWarning, "session.bad_result")
        .Kv("pipeline", name_)
        .Kv("request_id", r.request_id())
        .Kv("error", outcomes.status().message());
  }
  pending.promise.set_value(std::move(outcomes));
}

bool Session::Write(const v1::ServerMessage& msg) {
  std::lock_guard<std::mutex> lock(write_mu_);
  return stream_->Write(msg);
}

runtime::InvokeFuture Session::Invoke(uint32_t segment_id,
                                      const std::vector<const runtime::Record*>& records) {
  PendingInvoke pending;
  runtime::InvokeFuture future = pending.promise.get_future();
  const uint64_t id = next_request_id_.fetch_add(1);
  pending.packed = packed_ && CanPack(records);
  pending.records = records.size();
  const bool packed = pending.packed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) {
      pending.promise.set_value(absl::UnavailableError("client disconnected"));
      return future;
    }
    pending_invokes_.emplace(id, std::move(pending));
  }
  v1::ServerMessage msg;
  v1::InvokeBatch* batch = msg.mutable_invoke();
  batch->set_request_id(id);
  batch->set_segment_id(segment_id);
  const bool stateful = segment_id < plan_->segments().size() && plan_->segments()[segment_id].stateful;
  if (packed) {
    ToPacked(records, stateful, batch->mutable_packed());
  } else {
    batch->mutable_records()->Reserve(static_cast<int>(records.size()));
    for (const runtime::Record* r : records) {
      v1::InvokeRecord* ir = batch->add_records();
      ToProto(r->value, ir->mutable_value());
      ToProto(r->key, ir->mutable_key());
      ToProto(r->meta, ir->mutable_context());
      if (stateful) {
        ir->set_state_prefix(r->state_prefix);
        ir->set_state_replay(r->state_replay);
        ir->set_state_epoch(r->state_epoch);
      }
    }
  }
  if (!Write(msg)) FailPending(absl::UnavailableError("client disconnected"));
  return future;
}

absl::StatusOr<bool> Session::AskIgnore(runtime::ErrorStage stage, const runtime::ErrorInfo& error,
                                        const runtime::MessageMeta* meta,
                                        const std::string* raw_value) {
  bool has_callback =
      (stage == runtime::ErrorStage::kConsumer && app_config_.has_on_consumer_error()) ||
      (stage == runtime::ErrorStage::kProcessing && app_config_.has_on_processing_error()) ||
      (stage == runtime::ErrorStage::kProducer && app_config_.has_on_producer_error());
  if (!has_callback) return false;
  std::promise<absl::StatusOr<bool>> promise;
  auto future = promise.get_future();
  const uint64_t id = next_request_id_.fetch_add(1);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return absl::UnavailableError("client disconnected");
    pending_verdicts_.emplace(id, std::move(promise));
  }
  v1::ServerMessage msg;
  v1::ErrorReport* rep = msg.mutable_error_report();
  rep->set_request_id(id);
  rep->set_stage(StageToProto(stage));
  ToProto(error, rep->mutable_error());
  if (meta != nullptr) ToProto(*meta, rep->mutable_context());
  if (raw_value != nullptr) rep->set_raw_value(*raw_value);
  if (!Write(msg)) FailPending(absl::UnavailableError("client disconnected"));
  return future.get();
}

absl::StatusOr<std::optional<runtime::ErrorInfo>> Session::ReportProcessed(const std::string& topic,
                                                                           int32_t partition,
                                                                           const std::vector<int64_t>& offsets) {
  std::promise<absl::StatusOr<std::optional<runtime::ErrorInfo>>> promise;
  auto future = promise.get_future();
  const uint64_t id = next_request_id_.fetch_add(1);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return absl::UnavailableError("client disconnected");
    pending_acks_.emplace(id, std::move(promise));
  }
  v1::ServerMessage msg;
  v1::MessagesProcessed* mp = msg.mutable_messages_processed();
  mp->set_request_id(id);
  mp->set_topic(topic);
  mp->set_partition(partition);
  mp->mutable_offsets()->Add(offsets.begin(), offsets.end());
  if (!Write(msg)) FailPending(absl::UnavailableError("client disconnected"));
  return future.get();
}

void Session::FailPending(const absl::Status& status) {
  std::map<uint64_t, PendingInvoke> invokes;
  std::map<uint64_t, std::promise<absl::StatusOr<bool>>> verdicts;
  std::map<uint64_t, std::promise<absl::StatusOr<std::optional<runtime::ErrorInfo>>>> acks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    invokes.swap(pending_invokes_);
    verdicts.swap(pending_verdicts_);
    acks.swap(pending_acks_);
  }
  cv_.notify_all();
  for (auto& [id, p] : invokes) p.promise.set_value(status);
  for (auto& [id, p] : verdicts) p.set_value(status);
  for (auto& [id, p] : acks) p.set_value(status);
}

void Session::RequestStop() {
  shutting_down_.store(true);
  if (runner_) runner_->RequestStop();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (mode_ == v1::SESSION_MODE_DRY_RUN) closed_ = true;
  }
  cv_.notify_all();
}

void Session::ForceClose() {
  FailPending(absl::UnavailableError("sidestreamd is shutting down"));
  if (runner_) runner_->RequestStop();
  context_->TryCancel();
}

}  // namespace sidestream::rpc

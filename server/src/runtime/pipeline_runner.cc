#include "runtime/pipeline_runner.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace sidestream::runtime {
namespace {

// Fault injection for the e2e test of the state replay guard: with
// SIDESTREAM_TEST_CRASH_AFTER_STATE_FLUSH=N the process dies (as if killed)
// right after its N-th state flush, before the offsets are committed: the
// window in which replayed records must not apply their state again.
void MaybeCrashForTest() {
  static const int crash_after = [] {
    const char* v = std::getenv("SIDESTREAM_TEST_CRASH_AFTER_STATE_FLUSH");
    return v != nullptr ? std::atoi(v) : 0;
  }();
  static std::atomic<int> flushes{0};
  if (crash_after > 0 && ++flushes == crash_after) {
    SS_LOG(kWarning, "test.crash_after_state_flush").Kv("flushes", crash_after);
    std::_Exit(137);
  }
}

std::string TpName(const kafka::TopicPartition& tp) {
  return absl::StrCat(tp.topic, "[", tp.partition, "]");
}

std::string TpList(const std::vector<kafka::TopicPartition>& tps) {
  std::string out;
  for (const auto& tp : tps) absl::StrAppend(&out, out.empty() ? "" : ",", TpName(tp));
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PipelineRunner>> PipelineRunner::Create(
    PipelineOptions options, const graph::Plan* plan, ClientLink* client,
    std::shared_ptr<PipelineCounters> counters) {
  if (counters == nullptr) counters = std::make_shared<PipelineCounters>();
  auto runner = std::unique_ptr<PipelineRunner>(
      new PipelineRunner(std::move(options), plan, client, std::move(counters)));
  auto producer = kafka::Producer::Create(runner->options_.producer);
  if (!producer.ok()) return producer.status();
  runner->producer_ = std::move(*producer);
  auto consumer = kafka::Consumer::Create(runner->options_.consumer, runner.get());
  if (!consumer.ok()) return consumer.status();
  runner->consumer_ = std::move(*consumer);
  if (plan->stateful()) {
    auto stores = state::StoreManager::Create(runner->options_.state, runner->options_.client_state_dir,
                                              runner->options_.consumer.group_id);
    if (!stores.ok()) return stores.status();
    if (absl::Status s = (*stores)->RegisterStore(plan->source_topic()); !s.ok()) return s;
    runner->stores_ = std::move(*stores);
  }
  ExecutorOptions eo = runner->options_.executor;
  if (runner->stores_) eo.state = runner.get();
  eo.invoke_latency_ms = &runner->counters_.invoke_latency_ms;
  eo.invoke_batch_size = &runner->counters_.invoke_batch_size;
  eo.on_slow_wait = [r = runner.get()] { r->PauseFetching(); };
  runner->executor_ = std::make_unique<Executor>(plan, client, runner.get(), eo);
  runner->pipelined_ = runner->options_.pipeline_batches && !runner->stores_ && runner->executor_->CanPipeline();
  return runner;
}

PipelineRunner::PipelineRunner(PipelineOptions options, const graph::Plan* plan,
                               ClientLink* client, std::shared_ptr<PipelineCounters> counters)
    : options_(std::move(options)),
      plan_(plan),
      client_(client),
      counters_owner_(std::move(counters)),
      counters_(*counters_owner_) {}

RunStats PipelineRunner::Snapshot() const {
  RunStats s;
  s.consumed = counters_.consumed.load();
  s.produced = counters_.produced.load();
  s.filtered = counters_.filtered.load();
  s.skipped = counters_.skipped.load();
  s.invocations = counters_.invocations.load();
  s.commits = counters_.commits.load();
  s.native_evaluations = counters_.native_evaluations.load();
  return s;
}

RunStats PipelineRunner::run_stats() const {
  RunStats now = Snapshot();
  return RunStats{now.consumed - baseline_.consumed, now.produced - baseline_.produced,
                  now.filtered - baseline_.filtered, now.skipped - baseline_.skipped,
                  now.invocations - baseline_.invocations, now.commits - baseline_.commits,
                  now.native_evaluations - baseline_.native_evaluations};
}

PipelineRunner::~PipelineRunner() {
  // Consumer first: closing it may still call back into this object.
  consumer_.reset();
  producer_.reset();
}

std::optional<ErrorInfo> PipelineRunner::Run() {
  baseline_ = Snapshot();
  last_progress_consumed_ = baseline_.consumed;
  SS_LOG(kInfo, "pipeline.started")
      .Kv("pipeline", options_.name)
      .Kv("topic", plan_->source_topic())
      .Kv("plan", plan_->plan_id());
  if (absl::Status s = consumer_->Subscribe(plan_->source_topic()); !s.ok()) {
    return ErrorInfo::FromStatus(s);
  }
  auto last_commit = std::chrono::steady_clock::now();
  last_progress_ = last_commit;
  // Short waits keep stop requests and checkpoints prompt on idle topics.
  const auto poll_wait = std::min({options_.poll_timeout, options_.commit_interval,
                                   std::chrono::milliseconds(100)});
  std::optional<ErrorInfo> failure;

  while (!stop_requested_.load() && !failure) {
    auto t_poll = std::chrono::steady_clock::now();
    // With a batch at the client, take only what is already fetched: an
    // empty poll finishes that batch at once instead of after a wait.
    kafka::PollResult polled =
        consumer_->PollBatch(options_.max_batch, inflight_ ? std::chrono::milliseconds(0) : poll_wait);
    auto t_polled = std::chrono::steady_clock::now();
    poll_s_ += std::chrono::duration<double>(t_polled - t_poll).count();
    if (fatal_) {
      failure = fatal_;
      break;
    }
    if (!polled.fatal.ok()) {
      failure = ErrorInfo::FromStatus(polled.fatal);
      break;
    }
    for (const absl::Status& e : polled.errors) {
      SS_LOG(kWarning, "consumer.error").Kv("pipeline", options_.name).Kv("error", e.message());
      ErrorInfo info = ErrorInfo::FromStatus(e);
      absl::StatusOr<bool> ignore = client_->AskIgnore(ErrorStage::kConsumer, info, nullptr, nullptr);
      if (!ignore.ok()) {
        failure = ErrorInfo::FromStatus(ignore.status());
      } else if (!*ignore) {
        failure = info;
      }
      if (failure) break;
    }
    if (failure) break;
    const bool caught_up = polled.messages.empty();
    if (!caught_up) {
      failure = ProcessBatch(polled.messages);
      ResumeFetching();
      if (failure) break;
      dirty_ = true;
    } else if (inflight_) {
      failure = FinishInFlight();
      ResumeFetching();
      if (failure) break;
    }
    auto now = std::chrono::steady_clock::now();
    UpdateProduceRate(now);
    if (light_traffic_ && !caught_up && polled.messages.size() < options_.max_batch) {
      producer_->Nudge(std::chrono::milliseconds(1));
      counters_.producer_nudges.fetch_add(1, std::memory_order_relaxed);
      now = std::chrono::steady_clock::now();
    } else {
      producer_->Poll();
    }
    process_s_ += std::chrono::duration<double>(now - t_polled).count();
    // Checkpoint every commit_interval, and as soon as the consumer has caught
    // up (a poll found nothing) so that idle pipelines have their offsets
    // committed promptly instead of up to commit_interval later.
    if (now - last_commit >= options_.commit_interval || (caught_up && dirty_)) {
      dirty_ = false;
      failure = Checkpoint(CommitMode::kAsync);
      last_commit = now;
      checkpoint_s_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - now).count();
    }
    MaybeLogProgress(false);
  }

  // The batch still at the client finishes normally on a stop; after a
  // failure it is dropped unprocessed (never committed).
  if (!failure) {
    failure = FinishInFlight();
  }
  inflight_.reset();
  // Finished work is committed even when the pipeline failed: what failed was
  // never marked processed. A failed producer is the exception: its flush is
  // what a commit would need. A stateful pipeline that failed commits nothing
  // more: its open transactions may hold updates of the failed batch.
  if (failure && stores_) {
    abandoned_ = true;
    std::lock_guard<std::mutex> lock(state_mu_);
    txns_.clear();
  }
  if (!abandoned_ && (!failure || failure->code != absl::StatusCode::kDataLoss)) {
    if (auto e = Checkpoint(CommitMode::kSync); e && !failure) failure = e;
  }
  MaybeLogProgress(true);
  {
    std::lock_guard<std::mutex> lock(counters_.lag_mu);
    counters_.lag.clear();  // no partitions once the consumer is gone
  }
  if (absl::Status s = consumer_->Close(); !s.ok()) {
    SS_LOG(kWarning, "consumer.close_failed").Kv("pipeline", options_.name).Kv("error", s.message());
  }
  if (stores_) {
    std::lock_guard<std::mutex> lock(state_mu_);
    txns_.clear();
    if (absl::Status s = stores_->Close(); !s.ok()) {
      SS_LOG(kWarning, "state.close_failed").Kv("pipeline", options_.name).Kv("error", s.message());
    }
  }
  if (failure) {
    SS_LOG(kError, "pipeline.failed")
        .Kv("pipeline", options_.name)
        .Kv("step", failure->step_id)
        .Kv("error", failure->message);
  } else {
    SS_LOG(kInfo, "pipeline.stopped").Kv("pipeline", options_.name);
  }
  return failure;
}

std::optional<ErrorInfo> PipelineRunner::ProcessBatch(std::vector<kafka::ConsumedMessage>& messages) {
  std::vector<Record> records;
  records.reserve(messages.size());
  std::map<kafka::TopicPartition, int64_t> next_offsets;
  const bool decode_first = plan_->decodes_first() && plan_->value_deserializer().plain_json() &&
                            plan_->deserializer_segment() == nullptr;
  const std::vector<std::string>* doc_keys =
      plan_->partial_doc_keys() ? &*plan_->partial_doc_keys() : nullptr;
  for (kafka::ConsumedMessage& m : messages) {
    // A revoke inside this poll may have taken the partition away.
    if (!assigned_.contains(m.tp)) continue;
    next_offsets[m.tp] = m.offset + 1;
    counters_.consumed.fetch_add(1, std::memory_order_relaxed);
    Record r;
    r.meta.topic = m.tp.topic;
    r.meta.partition = m.tp.partition;
    r.meta.offset = m.offset;
    r.meta.size = static_cast<int32_t>(m.value.size());
    r.meta.timestamp_type = m.timestamp_type;
    r.meta.timestamp_ms = m.timestamp_ms;
    r.meta.headers.reserve(m.headers.size());
    for (auto& h : m.headers) {
      r.meta.headers.push_back(Header{std::move(h.key), h.has_value ? std::optional<std::string>(std::move(h.value)) : std::nullopt});
    }
    absl::StatusOr<serde::Payload> key = plan_->key_deserializer().Deserialize(
        m.has_key ? std::optional<absl::string_view>(m.key) : std::nullopt);
    const serde::Deserializer& vd = plan_->value_deserializer();
    // A plan whose first step decodes the value: decode it here, once,
    // instead of validating it in the deserializer and decoding it again in
    // the step (only the keys the leading steps read, when the plan allows).
    // What simdjson refuses takes the deserializer's path below, with its
    // error or its fallback parser.
    if (key.ok() && m.has_value && decode_first) {
      expr::Value doc;
      if (DecodeJson(m.value, doc_keys, doc)) {
        r.key = std::move(*key);
        if (stores_) AttachState(m, r);
        r.doc = std::move(doc);
        // A partial document must never be re-encoded: the plan's leading
        // steps replace it before anything reads the payload; the original
        // bytes stay the payload of a full one until a step changes it.
        r.value = serde::Payload::Json(std::move(m.value));
        r.payload_fresh = doc_keys == nullptr;
        records.push_back(std::move(r));
        continue;
      }
    }
    // The seed's split_values: a value deserializer (the Quix formats) may
    // turn one message into several rows, read from the headers, or into
    // none (IgnoreMessage). Each row becomes a record with the message's
    // meta; the offset counts as processed once the whole batch is, i.e.
    // after all its rows.
    std::vector<serde::HeaderRef> header_refs;
    if (vd.split_values()) {
      header_refs.reserve(r.meta.headers.size());
      for (const Header& h : r.meta.headers) {
        header_refs.push_back({h.key, h.value ? std::optional<absl::string_view>(*h.value) : std::nullopt});
      }
    }
    absl::StatusOr<std::vector<serde::Payload>> values =
        key.ok() ? vd.DeserializeMany(m.has_value ? std::optional<absl::string_view>(m.value) : std::nullopt,
                                      header_refs)
                 : absl::StatusOr<std::vector<serde::Payload>>(std::vector<serde::Payload>());
    if (!key.ok() || !values.ok()) {
      const absl::Status& s = !key.ok() ? key.status() : values.status();
      ErrorInfo e = ErrorInfo::FromStatus(s);
      e.message = absl::StrCat("cannot deserialize ", !key.ok() ? "key" : "value", " of ",
                               TpName(m.tp), "@", m.offset, ": ", s.message());
      SS_LOG(kError, "record.deserialize_failed").Kv("pipeline", options_.name).Kv("error", e.message);
      absl::StatusOr<bool> ignore =
          client_->AskIgnore(ErrorStage::kConsumer, e, &r.meta, &m.value);
      if (!ignore.ok()) return ErrorInfo::FromStatus(ignore.status());
      if (!*ignore) return e;
      counters_.skipped.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    if (values->empty()) continue;  // IgnoreMessage: nothing to run, offset still processed
    r.key = std::move(*key);
    if (stores_) AttachState(m, r);
    for (size_t i = 0; i + 1 < values->size(); ++i) {  // extra rows: copies sharing the meta
      Record row = r;
      row.value = std::move((*values)[i]);
      records.push_back(std::move(row));
    }
    r.value = std::move(values->back());
    records.push_back(std::move(r));
  }

  if (pipelined_) {
    // Ship this batch, then finish the previous one while the client works
    // on this one (Executor::Begin / Finish). Only a full batch (a backlog)
    // stays in flight: a partial one means the loop has caught up, and
    // keeping it at the client would only delay its outputs by a round.
    auto next = std::make_unique<InFlight>();
    next->next_offsets = std::move(next_offsets);
    if (!records.empty()) next->started = executor_->Begin(std::move(records));
    SyncCounters();
    std::optional<ErrorInfo> failure = FinishInFlight();
    inflight_ = std::move(next);
    if (!failure && messages.size() < options_.max_batch) failure = FinishInFlight();
    return failure;
  }
  if (!records.empty()) {
    std::optional<ErrorInfo> err = executor_->Process(records, nullptr);
    SyncCounters();
    if (err) return err;
    if (options_.report_processed) {
      if (auto failure = ReportProcessed(records)) return failure;
    }
  }
  for (const auto& [tp, next] : next_offsets) processed_[tp] = next;
  return std::nullopt;
}

std::optional<ErrorInfo> PipelineRunner::FinishInFlight() {
  if (!inflight_) return std::nullopt;
  std::unique_ptr<InFlight> done = std::move(inflight_);
  if (done->started) {
    std::optional<ErrorInfo> err = executor_->Finish(*done->started, nullptr);
    SyncCounters();
    if (err) return err;
    if (options_.report_processed) {
      if (auto failure = ReportProcessed(done->started->batch)) return failure;
    }
  }
  // A partition lost since the batch was shipped is not ours to commit.
  for (const auto& [tp, next] : done->next_offsets) {
    if (assigned_.contains(tp)) processed_[tp] = next;
  }
  return std::nullopt;
}

void PipelineRunner::SyncCounters() {
  auto add = [](std::atomic<uint64_t>& counter, uint64_t now, uint64_t& seen) {
    counter.fetch_add(now - seen, std::memory_order_relaxed);
    seen = now;
  };
  add(counters_.invocations, executor_->invocations(), synced_.invocations);
  add(counters_.produced, executor_->produced(), synced_.produced);
  add(counters_.filtered, executor_->filtered(), synced_.filtered);
  add(counters_.skipped, executor_->skipped(), synced_.skipped);
  add(counters_.native_evaluations, executor_->native_evaluations(), synced_.native_evaluations);
}

void PipelineRunner::AttachState(const kafka::ConsumedMessage& m, Record& r) {
  r.state_prefix = m.has_key ? m.key : std::string();
  std::lock_guard<std::mutex> lock(state_mu_);
  const state::StorePartition* sp = stores_->GetPartition(m.tp.topic, m.tp.partition);
  r.state_replay = sp != nullptr && !sp->ShouldApply(m.offset);
  r.state_epoch = epochs_[m.tp];
}

std::optional<ErrorInfo> PipelineRunner::Checkpoint(CommitMode mode) {
  if (abandoned_) return std::nullopt;
  const auto started = std::chrono::steady_clock::now();
  struct Observe {
    PipelineCounters& c;
    std::chrono::steady_clock::time_point t0;
    ~Observe() {
      c.checkpoint_ms.Observe(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
  } observe{counters_, started};
  {
    std::map<kafka::TopicPartition, int64_t> lag = consumer_->CachedLagPerPartition();
    std::lock_guard<std::mutex> lock(counters_.lag_mu);
    counters_.lag = std::move(lag);
  }
  absl::Status flushed = producer_->Flush(options_.flush_timeout);
  if (!flushed.ok()) {
    ErrorInfo e = ErrorInfo::FromStatus(flushed);
    SS_LOG(kError, "producer.error").Kv("pipeline", options_.name).Kv("error", e.message);
    absl::StatusOr<bool> ignore = client_->AskIgnore(ErrorStage::kProducer, e, nullptr, nullptr);
    if (!ignore.ok() || !*ignore) {
      e.code = absl::StatusCode::kDataLoss;  // marks "do not commit"
      return e;
    }
  }
  if (stores_) {
    std::lock_guard<std::mutex> lock(state_mu_);
    for (auto& [tp, txn] : txns_) {
      auto it = processed_.find(tp);
      std::optional<int64_t> last = it == processed_.end() ? std::nullopt : std::optional<int64_t>(it->second - 1);
      if (absl::Status s = txn->MaybeFlush(last); !s.ok()) {
        ErrorInfo e = ErrorInfo::FromStatus(s);
        e.message = absl::StrCat("state flush of ", TpName(tp), " failed: ", s.message());
        e.code = absl::StatusCode::kDataLoss;  // marks "do not commit"
        txns_.clear();
        abandoned_ = true;
        return e;
      }
    }
    txns_.clear();
    MaybeCrashForTest();
  }
  if (!options_.commit_enabled) return std::nullopt;
  if (absl::Status s = consumer_->TakeAsyncCommitError(); !s.ok()) {
    // An earlier commit was not taken: commit every processed offset again.
    SS_LOG(kWarning, "checkpoint.commit_failed").Kv("pipeline", options_.name).Kv("error", s.message());
    committed_.clear();
  }
  // A synchronous commit also repeats what asynchronous ones sent since the
  // last synchronous commit: their answers may not have come back yet.
  const bool resend = mode == CommitMode::kSync && async_unconfirmed_;
  std::vector<kafka::PartitionOffset> offsets;
  for (const auto& [tp, next] : processed_) {
    auto it = committed_.find(tp);
    if (resend || it == committed_.end() || it->second != next) offsets.push_back({tp, next});
  }
  if (offsets.empty()) return std::nullopt;
  // The outputs of these offsets are delivered (flushed above), so the
  // commit may complete while the loop goes on: at-least-once either way.
  // Only revokes and the final checkpoint wait for the coordinator.
  absl::Status committed =
      mode == CommitMode::kSync ? consumer_->Commit(offsets) : consumer_->CommitAsync(offsets);
  if (absl::Status s = committed; !s.ok()) {
    // Not fatal: the next checkpoint retries; a rebalance replays at worst.
    SS_LOG(kWarning, "checkpoint.commit_failed").Kv("pipeline", options_.name).Kv("error", s.message());
    return std::nullopt;
  }
  for (const auto& po : offsets) committed_[po.tp] = po.offset;
  async_unconfirmed_ = mode == CommitMode::kAsync;
  counters_.commits.fetch_add(1, std::memory_order_relaxed);
  SS_LOG(kDebug, "checkpoint.committed").Kv("pipeline", options_.name).Kv("partitions", offsets.size());
  return std::nullopt;
}

std::optional<ErrorInfo> PipelineRunner::ReportProcessed(const std::vector<Record>& records) {
  // Records of a partition are in offset order; rows of one message are adjacent.
  std::map<kafka::TopicPartition, std::vector<int64_t>> ended;
  for (const Record& r : records) {
    std::vector<int64_t>& offsets = ended[kafka::TopicPartition{r.meta.topic, r.meta.partition}];
    if (offsets.empty() || offsets.back() != r.meta.offset) offsets.push_back(r.meta.offset);
  }
  for (const auto& [tp, offsets] : ended) {
    absl::StatusOr<std::optional<ErrorInfo>> raised = client_->ReportProcessed(tp.topic, tp.partition, offsets);
    if (!raised.ok()) return ErrorInfo::FromStatus(raised.status());
    if (*raised) return std::move(**raised);
  }
  return std::nullopt;
}

void PipelineRunner::PauseFetching() {
  if (paused_ || assigned_.empty()) return;
  std::vector<kafka::TopicPartition> tps(assigned_.begin(), assigned_.end());
  if (absl::Status s = consumer_->Pause(tps); !s.ok()) {
    SS_LOG(kWarning, "pipeline.pause_failed").Kv("pipeline", options_.name).Kv("error", s.message());
    return;
  }
  paused_ = true;
  paused_at_ = std::chrono::steady_clock::now();
  counters_.pauses.fetch_add(1, std::memory_order_relaxed);
  SS_LOG(kInfo, "pipeline.paused")
      .Kv("pipeline", options_.name)
      .Kv("reason", "the client has not answered a batch for 1 s; fetching stops until it does")
      .Kv("partitions", TpList(tps));
}

void PipelineRunner::ResumeFetching() {
  if (!paused_) return;
  paused_ = false;
  std::vector<kafka::TopicPartition> tps(assigned_.begin(), assigned_.end());
  if (absl::Status s = consumer_->Resume(tps); !s.ok()) {
    SS_LOG(kWarning, "pipeline.resume_failed").Kv("pipeline", options_.name).Kv("error", s.message());
  }
  SS_LOG(kInfo, "pipeline.resumed")
      .Kv("pipeline", options_.name)
      .Kv("paused_s", std::chrono::duration<double>(std::chrono::steady_clock::now() - paused_at_).count());
}

void PipelineRunner::UpdateProduceRate(std::chrono::steady_clock::time_point now) {
  if (options_.nudge_below_rate <= 0) return;
  if (rate_window_start_ == std::chrono::steady_clock::time_point{}) {
    rate_window_start_ = now;
    rate_window_produced_ = counters_.produced.load(std::memory_order_relaxed);
    return;
  }
  const double secs = std::chrono::duration<double>(now - rate_window_start_).count();
  if (secs < 0.1) return;
  const uint64_t produced = counters_.produced.load(std::memory_order_relaxed);
  produce_rate_ = static_cast<double>(produced - rate_window_produced_) / secs;
  rate_window_start_ = now;
  rate_window_produced_ = produced;
  light_traffic_ = produce_rate_ < options_.nudge_below_rate;
}

void PipelineRunner::MaybeLogProgress(bool force) {
  auto now = std::chrono::steady_clock::now();
  auto elapsed = now - last_progress_;
  if (!force && elapsed < options_.progress_interval) return;
  uint64_t consumed = counters_.consumed.load();
  double secs = std::chrono::duration<double>(elapsed).count();
  double rate = secs > 0 ? (consumed - last_progress_consumed_) / secs : 0;
  SS_LOG(kInfo, "pipeline.progress")
      .Kv("pipeline", options_.name)
      .Kv("consumed", consumed)
      .Kv("produced", counters_.produced.load())
      .Kv("filtered", counters_.filtered.load())
      .Kv("skipped", counters_.skipped.load())
      .Kv("msgs_per_s", rate)
      .Kv("lag", consumer_->CachedLag())
      .Kv("partitions", static_cast<uint64_t>(assigned_.size()))
      .Kv("poll_s", poll_s_)
      .Kv("process_s", process_s_)
      .Kv("checkpoint_s", checkpoint_s_);
  poll_s_ = process_s_ = checkpoint_s_ = 0;
  last_progress_ = now;
  last_progress_consumed_ = consumed;
}

void PipelineRunner::OnAssigned(const std::vector<kafka::TopicPartition>& partitions) {
  for (const auto& tp : partitions) {
    assigned_.insert(tp);
    epochs_[tp] = next_epoch_++;
    if (stores_) {
      std::lock_guard<std::mutex> lock(state_mu_);
      if (absl::Status s = stores_->OnAssign(tp.topic, tp.partition); !s.ok() && !fatal_) {
        fatal_ = ErrorInfo::FromStatus(s);
        fatal_->message = absl::StrCat("opening state of ", TpName(tp), ": ", s.message());
      }
    }
  }
  SS_LOG(kInfo, "partitions.assigned").Kv("pipeline", options_.name).Kv("partitions", TpList(partitions));
}

void PipelineRunner::OnRevoking(const std::vector<kafka::TopicPartition>& partitions) {
  SS_LOG(kInfo, "partitions.revoked").Kv("pipeline", options_.name).Kv("partitions", TpList(partitions));
  // The batch at the client finishes first, so that the checkpoint below
  // includes it and the partitions' next owner does not redo it.
  if (!fatal_) {
    if (auto e = FinishInFlight()) fatal_ = e;
  }
  if (!fatal_) {
    if (auto e = Checkpoint(CommitMode::kSync)) fatal_ = e;
  }
  for (const auto& tp : partitions) {
    assigned_.erase(tp);
    processed_.erase(tp);
    committed_.erase(tp);
    if (stores_) {
      std::lock_guard<std::mutex> lock(state_mu_);
      txns_.erase(tp);
      (void)stores_->OnRevoke(tp.topic, tp.partition);
    }
  }
}

void PipelineRunner::OnLost(const std::vector<kafka::TopicPartition>& partitions) {
  SS_LOG(kWarning, "partitions.lost").Kv("pipeline", options_.name).Kv("partitions", TpList(partitions));
  for (const auto& tp : partitions) {
    assigned_.erase(tp);
    processed_.erase(tp);
    committed_.erase(tp);
    if (stores_) {
      std::lock_guard<std::mutex> lock(state_mu_);
      txns_.erase(tp);  // unflushed: the new owner replays
      (void)stores_->OnLost(tp.topic, tp.partition);
    }
  }
}

absl::Status PipelineRunner::Produce(const std::string& topic, const std::optional<std::string>& key,
                                     const std::optional<std::string>& value,
                                     const std::vector<Header>& headers) {
  std::vector<kafka::OutHeader> out;
  out.reserve(headers.size());
  for (const auto& h : headers) out.push_back({h.key, h.value});
  return producer_->Produce(topic, key, value, out);
}

}  // namespace sidestream::runtime

namespace sidestream::runtime {

absl::StatusOr<state::PartitionTransaction*> PipelineRunner::TxnLocked(const std::string& topic,
                                                                       int32_t partition) {
  kafka::TopicPartition tp{topic, partition};
  auto it = txns_.find(tp);
  if (it != txns_.end()) return it->second.get();
  auto txn = stores_->Begin(topic, partition);
  if (!txn.ok()) return txn.status();
  return txns_.emplace(tp, std::move(*txn)).first->second.get();
}

absl::Status PipelineRunner::Apply(const Record& record, const std::vector<StateUpdate>& updates) {
  std::lock_guard<std::mutex> lock(state_mu_);
  auto txn = TxnLocked(record.meta.topic, record.meta.partition);
  if (!txn.ok()) return txn.status();
  counters_.state_writes.fetch_add(updates.size(), std::memory_order_relaxed);
  for (const StateUpdate& u : updates) {
    absl::Status s = u.value ? (*txn)->Set(record.state_prefix, u.key, *u.value)
                             : (*txn)->Delete(record.state_prefix, u.key);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::optional<std::string>>> PipelineRunner::Read(
    const std::string& topic, int32_t partition, const std::vector<ReadGroup>& groups) {
  std::lock_guard<std::mutex> lock(state_mu_);
  if (!stores_) return absl::FailedPreconditionError("the pipeline has no stateful functions");
  auto txn = TxnLocked(topic, partition);
  if (!txn.ok()) return txn.status();
  size_t n = 0;
  for (const ReadGroup& g : groups) n += g.keys.size();
  counters_.state_read_requests.fetch_add(1, std::memory_order_relaxed);
  counters_.state_reads.fetch_add(n, std::memory_order_relaxed);
  std::vector<std::optional<std::string>> out;
  out.reserve(n);
  for (const ReadGroup& g : groups) {
    for (const std::string& k : g.keys) {
      auto v = (*txn)->Get(g.prefix, k);
      if (!v.ok()) return v.status();
      out.push_back(std::move(*v));
    }
  }
  return out;
}

}  // namespace sidestream::runtime

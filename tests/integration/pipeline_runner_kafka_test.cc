// PipelineRunner against a real Kafka broker (address in SIDESTREAM_TEST_BROKER,
// started by scripts/test.sh through scripts/kafka.sh): offsets are committed
// only for finished work, a client that disappears mid-run loses nothing, and
// a new run of the same group resumes from the committed offsets.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "graph/plan.h"
#include "kafka/admin.h"
#include "runtime/pipeline_runner.h"

namespace sidestream::runtime {
namespace {

using namespace std::chrono_literals;

constexpr int kPartitions = 3;
constexpr int kMessages = 3000;

std::string Broker() {
  const char* b = std::getenv("SIDESTREAM_TEST_BROKER");
  return b != nullptr ? b : "";
}

// Applies the identity and fails every call from the Nth on (a client that
// went away).
class CountingClient final : public ClientLink {
 public:
  explicit CountingClient(int fail_from_call = -1) : fail_from_call_(fail_from_call) {}
  InvokeFuture Invoke(uint32_t, const std::vector<const Record*>& records) override {
    std::promise<absl::StatusOr<std::vector<RecordOutcome>>> p;
    int call = calls_++;
    if (fail_from_call_ >= 0 && call >= fail_from_call_) {
      p.set_value(absl::UnavailableError("client disconnected"));
      return p.get_future();
    }
    std::vector<RecordOutcome> out(records.size());
    for (size_t i = 0; i < records.size(); ++i) out[i].value = records[i]->value;
    p.set_value(std::move(out));
    return p.get_future();
  }
  absl::StatusOr<bool> AskIgnore(ErrorStage, const ErrorInfo&, const MessageMeta*,
                                 const std::string*) override {
    return false;
  }
  absl::StatusOr<std::optional<ErrorInfo>> ReportProcessed(const std::string&, int32_t,
                                                            const std::vector<int64_t>& offsets) override {
    reported += offsets.size();
    return std::optional<ErrorInfo>();
  }
  std::atomic<size_t> reported{0};

 private:
  int fail_from_call_;
  std::atomic<int> calls_{0};
};

// Answers every invocation from its own thread ~`delay` later, in order, like
// a real client's worker; counts how many invocations were outstanding at most.
class AsyncClient final : public ClientLink {
 public:
  explicit AsyncClient(std::chrono::milliseconds delay) : delay_(delay), worker_([this] { Serve(); }) {}
  ~AsyncClient() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }
  InvokeFuture Invoke(uint32_t, const std::vector<const Record*>& records) override {
    Job job;
    job.partition = records.empty() ? -1 : records.front()->meta.partition;
    for (const Record* r : records) {
      RecordOutcome o;
      o.value = r->value;
      job.outcomes.push_back(std::move(o));
    }
    InvokeFuture f = job.promise.get_future();
    std::lock_guard<std::mutex> lock(mu_);
    for (const Job& earlier : jobs_) {
      if (earlier.partition == job.partition) same_partition_overlap = true;
    }
    jobs_.push_back(std::move(job));
    cv_.notify_all();
    return f;
  }
  absl::StatusOr<bool> AskIgnore(ErrorStage, const ErrorInfo&, const MessageMeta*, const std::string*) override {
    return false;
  }
  absl::StatusOr<std::optional<ErrorInfo>> ReportProcessed(const std::string&, int32_t,
                                                            const std::vector<int64_t>&) override {
    return std::optional<ErrorInfo>();
  }
  // Whether a call came while an earlier call for the same partition was
  // unanswered: within one batch a partition is one call (at most 1000
  // records), so only a batch shipped before the previous one finished
  // (pipelining) does that.
  std::atomic<bool> same_partition_overlap{false};

 private:
  struct Job {
    int32_t partition = -1;
    std::vector<RecordOutcome> outcomes;
    std::promise<absl::StatusOr<std::vector<RecordOutcome>>> promise;
  };
  void Serve() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return done_ || !jobs_.empty(); });
      if (done_ && jobs_.empty()) return;
      lock.unlock();
      std::this_thread::sleep_for(delay_);
      lock.lock();
      Job job = std::move(jobs_.front());
      jobs_.pop_front();
      job.promise.set_value(std::move(job.outcomes));
    }
  }
  std::chrono::milliseconds delay_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;  // guarded by mu_
  bool done_ = false;     // guarded by mu_
  std::thread worker_;
};

struct Msg {
  int32_t partition;
  int64_t offset;
  std::string value;
};

// Reads every message of `topic` from the beginning up to its end offsets.
std::vector<Msg> ReadAll(const std::string& topic) {
  auto ends = kafka::EndOffsets(Broker(), topic, kPartitions, 10s);
  EXPECT_TRUE(ends.ok()) << ends.status();
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", Broker(), err);
  conf->set("group.id", "reader-" + topic, err);
  std::unique_ptr<RdKafka::KafkaConsumer> c(RdKafka::KafkaConsumer::create(conf.get(), err));
  std::vector<RdKafka::TopicPartition*> parts;
  int64_t want = 0;
  for (int p = 0; p < kPartitions; ++p) {
    parts.push_back(RdKafka::TopicPartition::create(topic, p, RdKafka::Topic::OFFSET_BEGINNING));
    want += (*ends)[p];
  }
  c->assign(parts);
  RdKafka::TopicPartition::destroy(parts);
  std::vector<Msg> out;
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (static_cast<int64_t>(out.size()) < want && std::chrono::steady_clock::now() < deadline) {
    std::unique_ptr<RdKafka::Message> m(c->consume(200));
    if (m->err() != RdKafka::ERR_NO_ERROR) continue;
    out.push_back({m->partition(), m->offset(), std::string(static_cast<const char*>(m->payload()), m->len())});
  }
  c->close();
  return out;
}

class PipelineRunnerKafkaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Broker().empty()) GTEST_SKIP() << "SIDESTREAM_TEST_BROKER is not set (scripts/test.sh sets it)";
    suffix_ = absl::StrCat(std::chrono::steady_clock::now().time_since_epoch().count());
    in_ = "it-in-" + suffix_;
    out_ = "it-out-" + suffix_;
    group_ = "it-group-" + suffix_;
    ASSERT_TRUE(kafka::CreateTopic(Broker(), in_, kPartitions, 20s).ok());
    ASSERT_TRUE(kafka::CreateTopic(Broker(), out_, kPartitions, 20s).ok());
    auto producer = kafka::Producer::Create({Broker(), "murmur2", {}});
    ASSERT_TRUE(producer.ok());
    for (int i = 0; i < kMessages; ++i) {
      ASSERT_TRUE((*producer)->Produce(in_, absl::StrCat("k", i % 50), absl::StrCat("{\"i\":", i, "}"), {}).ok());
    }
    ASSERT_TRUE((*producer)->Flush(30s).ok());
    ASSERT_TRUE(Recompile(out_));
  }

  PipelineOptions Options() {
    PipelineOptions o;
    o.name = group_;
    o.consumer = {Broker(), group_, "earliest", "range", {}};
    o.producer = {Broker(), "murmur2", {}};
    o.poll_timeout = 200ms;
    o.commit_interval = 200ms;
    o.max_batch = 100;
    o.pipeline_batches = pipeline_batches_;
    return o;
  }

  // Runs until the output holds `target` messages or the runner stops itself.
  std::optional<ErrorInfo> RunUntil(ClientLink* client, int64_t target) {
    auto runner = PipelineRunner::Create(Options(), plan_.get(), client);
    EXPECT_TRUE(runner.ok()) << runner.status();
    std::optional<ErrorInfo> result;
    std::atomic<bool> done{false};
    std::thread t([&] {
      result = (*runner)->Run();
      done = true;
    });
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (!done && std::chrono::steady_clock::now() < deadline) {
      auto ends = kafka::EndOffsets(Broker(), out_, kPartitions, 5s);
      int64_t total = 0;
      if (ends.ok()) {
        for (auto& [p, e] : *ends) total += e;
      }
      if (total >= target) break;
      std::this_thread::sleep_for(100ms);
    }
    (*runner)->RequestStop();
    t.join();
    return result;
  }

  std::map<int32_t, int64_t> Committed() {
    auto c = kafka::CommittedOffsets(Broker(), group_, in_, kPartitions, 10s);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? *c : std::map<int32_t, int64_t>{};
  }

  // The plan of SetUp (apply identity → to_topic) writing to `out`.
  bool Recompile(const std::string& out) {
    graph::PipelineSpec spec;
    spec.topics = {graph::TopicSpec{in_}, graph::TopicSpec{out}};
    spec.source_topic = in_;
    graph::Step apply;
    apply.id = "apply-1";
    apply.input = in_;
    apply.kind = graph::StepKind::kApply;
    apply.function.function_id = "identity";
    graph::Step to;
    to.id = "to_topic-2";
    to.input = "apply-1";
    to.kind = graph::StepKind::kToTopic;
    to.topic = out;
    spec.steps = {apply, to};
    auto plan = graph::Plan::Compile(spec);
    EXPECT_TRUE(plan.ok()) << plan.status();
    if (!plan.ok()) return false;
    plan_ = std::move(*plan);
    return true;
  }

  bool pipeline_batches_ = true;
  std::string suffix_, in_, out_, group_;
  std::unique_ptr<graph::Plan> plan_;
};

TEST_F(PipelineRunnerKafkaTest, ProcessesEverythingAndCommitsTheEnd) {
  CountingClient client;
  auto failure = RunUntil(&client, kMessages);
  EXPECT_FALSE(failure.has_value()) << failure->message;
  auto ends = kafka::EndOffsets(Broker(), in_, kPartitions, 10s);
  ASSERT_TRUE(ends.ok());
  EXPECT_EQ(Committed(), *ends);
  std::vector<Msg> out = ReadAll(out_);
  std::set<std::string> values;
  for (const Msg& m : out) values.insert(m.value);
  EXPECT_EQ(out.size(), static_cast<size_t>(kMessages));
  EXPECT_EQ(values.size(), static_cast<size_t>(kMessages));
}

TEST_F(PipelineRunnerKafkaTest, ClientLostMidRunCommitsOnlyFinishedWorkAndResumes) {
  // The client answers 4 calls and then disappears.
  CountingClient flaky(4);
  auto failure = RunUntil(&flaky, kMessages);
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->code, absl::StatusCode::kUnavailable);

  std::map<int32_t, int64_t> committed = Committed();
  std::vector<Msg> input = ReadAll(in_);
  std::set<std::string> produced;
  for (const Msg& m : ReadAll(out_)) produced.insert(m.value);
  ASSERT_LT(produced.size(), static_cast<size_t>(kMessages));
  // Everything below a committed offset has its output: nothing unfinished was committed.
  int below = 0;
  for (const Msg& m : input) {
    if (m.offset < committed[m.partition]) {
      ++below;
      EXPECT_TRUE(produced.contains(m.value)) << "committed but never produced: " << m.value;
    }
  }
  EXPECT_LT(below, kMessages);

  // A new session of the same group resumes and finishes.
  CountingClient good;
  failure = RunUntil(&good, kMessages);
  EXPECT_FALSE(failure.has_value());
  // Wait for the commit of the final checkpoint to be visible, then compare.
  auto ends = kafka::EndOffsets(Broker(), in_, kPartitions, 10s);
  EXPECT_EQ(Committed(), *ends);
  produced.clear();
  for (const Msg& m : ReadAll(out_)) produced.insert(m.value);
  EXPECT_EQ(produced.size(), static_cast<size_t>(kMessages));  // at least once, none missing
}

// Pipelining: with a client that answers each call later (from its own
// thread), the runner ships the next batch before finishing the current one,
// so more calls than one batch's (one per partition) are outstanding; every
// output is there, in input order per key, and the committed offsets are the
// end offsets.
TEST_F(PipelineRunnerKafkaTest, PipelinedBatchesKeepOrderAndCommitOnlyFinishedWork) {
  {
    // Without pipelining no two calls of one partition overlap (and the
    // output is complete too); this run's outputs are reread below.
    pipeline_batches_ = false;
    AsyncClient sequential(5ms);
    auto failure = RunUntil(&sequential, kMessages);
    EXPECT_FALSE(failure.has_value()) << failure->message;
    EXPECT_FALSE(sequential.same_partition_overlap.load());
  }
  // A second group over the same input, pipelined, into a second output.
  pipeline_batches_ = true;
  group_ += "-pipelined";
  out_ += "-pipelined";
  ASSERT_TRUE(kafka::CreateTopic(Broker(), out_, kPartitions, 20s).ok());
  ASSERT_TRUE(Recompile(out_));
  AsyncClient client(5ms);
  auto failure = RunUntil(&client, kMessages);
  EXPECT_FALSE(failure.has_value()) << failure->message;
  EXPECT_TRUE(client.same_partition_overlap.load());
  auto ends = kafka::EndOffsets(Broker(), in_, kPartitions, 10s);
  ASSERT_TRUE(ends.ok());
  EXPECT_EQ(Committed(), *ends);
  std::vector<Msg> out = ReadAll(out_);
  ASSERT_EQ(out.size(), static_cast<size_t>(kMessages));
  // Values are {"i":N}; key k<N % 50>: per key (one partition) N must rise.
  std::map<int, int> last_by_key;
  std::sort(out.begin(), out.end(), [](const Msg& a, const Msg& b) {
    return a.partition != b.partition ? a.partition < b.partition : a.offset < b.offset;
  });
  for (const Msg& m : out) {
    int i = 0;
    ASSERT_TRUE(absl::SimpleAtoi(m.value.substr(5, m.value.size() - 6), &i)) << m.value;
    auto [it, fresh] = last_by_key.try_emplace(i % 50, i);
    if (!fresh) {
      EXPECT_GT(i, it->second) << "out of order for key k" << i % 50;
      it->second = i;
    }
  }
}

// Adaptive linger: with a 10 s linger.ms and no periodic checkpoint, a trickle
// of messages (~25/s, "light traffic") still comes out while it lasts, because
// each batch's outputs are nudged out; with the nudge disabled none is.
TEST_F(PipelineRunnerKafkaTest, LightTrafficIsSentWithoutWaitingForTheLinger) {
  for (double nudge_below : {2000.0, 0.0}) {
    SCOPED_TRACE(absl::StrCat("nudge_below_rate=", nudge_below));
    // Fresh topics and group per round (SetUp's backlog is not used here).
    const std::string tag = absl::StrCat(suffix_, "-", static_cast<int>(nudge_below));
    const std::string in = "it-trickle-in-" + tag, out = "it-trickle-out-" + tag;
    ASSERT_TRUE(kafka::CreateTopic(Broker(), in, 1, 20s).ok());
    ASSERT_TRUE(kafka::CreateTopic(Broker(), out, 1, 20s).ok());
    graph::PipelineSpec spec;
    spec.topics = {graph::TopicSpec{in}, graph::TopicSpec{out}};
    spec.source_topic = in;
    graph::Step filter;  // native only: sdf[sdf["i"] >= 0]
    filter.id = "filter-1";
    filter.input = in;
    filter.kind = graph::StepKind::kFilterExpr;
    auto value = std::make_shared<graph::ExprSpec>();
    value->kind = graph::ExprSpec::Kind::kValue;
    auto col = std::make_shared<graph::ExprSpec>();
    col->kind = graph::ExprSpec::Kind::kGetItem;
    col->left = value;
    col->literal_json = "\"i\"";
    auto zero = std::make_shared<graph::ExprSpec>();
    zero->kind = graph::ExprSpec::Kind::kLiteral;
    zero->literal_json = "0";
    auto ge = std::make_shared<graph::ExprSpec>();
    ge->kind = graph::ExprSpec::Kind::kBinary;
    ge->op = 13;  // GE
    ge->left = col;
    ge->right = zero;
    filter.expr = ge;
    graph::Step to;
    to.id = "to_topic-2";
    to.input = "filter-1";
    to.kind = graph::StepKind::kToTopic;
    to.topic = out;
    spec.steps = {filter, to};
    auto plan = graph::Plan::Compile(spec);
    ASSERT_TRUE(plan.ok()) << plan.status();

    PipelineOptions o = Options();
    o.name = o.consumer.group_id = "it-trickle-group-" + tag;
    o.producer.extra = {{"linger.ms", "10000"}};
    o.commit_interval = 600s;  // no periodic checkpoint (its flush would send)
    o.poll_timeout = 1000ms;
    o.nudge_below_rate = nudge_below;
    CountingClient client;
    auto runner = PipelineRunner::Create(o, plan->get(), &client);
    ASSERT_TRUE(runner.ok()) << runner.status();
    std::thread t([&] { (void)(*runner)->Run(); });
    // Wait for the assignment (an empty topic: nothing to see but the lag).
    std::this_thread::sleep_for(3s);

    auto producer = kafka::Producer::Create({Broker(), "murmur2", {{"linger.ms", "0"}}});
    ASSERT_TRUE(producer.ok());
    constexpr int kTrickle = 40, kMeasureAt = 30;
    int64_t delivered = -1;
    uint64_t nudges = 0, commits = 0;
    for (int i = 0; i < kTrickle; ++i) {
      ASSERT_TRUE((*producer)->Produce(in, "k", absl::StrCat("{\"i\":", i, "}"), {}).ok());
      (*producer)->Poll();
      // Shorter than the runner's 100 ms poll wait: its polls do not come back
      // empty, so no idle checkpoint flushes during the trickle.
      std::this_thread::sleep_for(40ms);
      if (i == kMeasureAt) {
        // Counters first: a checkpoint after them can only add deliveries.
        commits = (*runner)->counters().commits.load();
        nudges = (*runner)->counters().producer_nudges.load();
        auto ends = kafka::EndOffsets(Broker(), out, 1, 5s);
        ASSERT_TRUE(ends.ok());
        delivered = (*ends)[0];
      }
    }
    (*runner)->RequestStop();
    t.join();
    if (nudge_below > 0) {
      EXPECT_GT(nudges, 0u);
      // All but the last few (not polled yet, or their nudge still running).
      EXPECT_GE(delivered, kMeasureAt - 5) << "commits " << commits;
    } else {
      EXPECT_EQ(nudges, 0u);
      // Held by the 10 s linger, unless a checkpoint flushed (none expected).
      if (commits == 0) EXPECT_EQ(delivered, 0);
    }
  }
}

}  // namespace
}  // namespace sidestream::runtime

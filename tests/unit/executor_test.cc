// The batch dispatcher: segments shipped per partition in order, outcomes
// applied, to_topic serialization and the error paths. Uses an in-memory
// client that runs C++ stand-ins for client functions.
#include "runtime/executor.h"

#include <functional>
#include <map>

#include <gtest/gtest.h>

#include "step_builders.h"

namespace sidestream::runtime {
namespace {

using graph::OpKind;
using serde::Payload;

// Runs plan segments with C++ functions keyed by function id, like an SDK.
class FakeClient final : public ClientLink {
 public:
  using Fn = std::function<absl::StatusOr<Payload>(const Payload&)>;
  explicit FakeClient(const graph::Plan* plan) : plan_(plan) {}

  std::map<std::string, Fn> functions;
  struct Call {
    uint32_t segment;
    std::vector<int32_t> partitions;
    std::vector<int64_t> offsets;
  };
  std::vector<Call> calls;
  std::vector<ErrorStage> asked;
  bool verdict = false;

  InvokeFuture Invoke(uint32_t segment_id, const std::vector<const Record*>& records) override {
    Call call{segment_id, {}, {}};
    std::vector<RecordOutcome> out;
    for (const Record* r : records) {
      call.partitions.push_back(r->meta.partition);
      call.offsets.push_back(r->meta.offset);
      RecordOutcome o;
      o.value = r->value;
      for (const graph::SegmentOp& op : plan_->segments()[segment_id].ops) {
        absl::StatusOr<Payload> res = functions.at(op.function.function_id)(o.value);
        if (!res.ok()) {
          o.kind = RecordOutcome::Kind::kError;
          o.error = ErrorInfo{absl::StatusCode::kUnknown, std::string(res.status().message()),
                              op.step_id, "ValueError", "Traceback..."};
          break;
        }
        if (op.kind == OpKind::kApply) o.value = *res;
        if (op.kind == OpKind::kFilter && res->data == "false") {
          o.kind = RecordOutcome::Kind::kFiltered;
          break;
        }
        if (op.kind == OpKind::kToTopicKey) o.produce_key = *res;
      }
      out.push_back(std::move(o));
    }
    calls.push_back(std::move(call));
    std::promise<absl::StatusOr<std::vector<RecordOutcome>>> p;
    p.set_value(std::move(out));
    return p.get_future();
  }
  absl::StatusOr<bool> AskIgnore(ErrorStage stage, const ErrorInfo&, const MessageMeta*,
                                 const std::string*) override {
    asked.push_back(stage);
    return verdict;
  }
  absl::StatusOr<std::optional<ErrorInfo>> ReportProcessed(const std::string&, int32_t,
                                                            const std::vector<int64_t>&) override {
    return std::optional<ErrorInfo>();
  }

 private:
  const graph::Plan* plan_;
};

class MemorySink final : public OutputSink {
 public:
  struct Msg {
    std::string topic;
    std::optional<std::string> key, value;
  };
  std::vector<Msg> messages;
  absl::Status Produce(const std::string& topic, const std::optional<std::string>& key,
                       const std::optional<std::string>& value, const std::vector<Header>&) override {
    messages.push_back({topic, key, value});
    return absl::OkStatus();
  }
};

using graph::testing::Fn;

std::unique_ptr<graph::Plan> Compile(std::vector<graph::Step> steps, std::string out_key_serde = "bytes") {
  graph::PipelineSpec p;
  p.topics.push_back(graph::TopicSpec{"in"});
  graph::TopicSpec out{"out"};
  out.key_serializer.name = out_key_serde;
  p.topics.push_back(out);
  p.source_topic = "in";
  p.steps = std::move(steps);
  auto plan = graph::Plan::Compile(p);
  EXPECT_TRUE(plan.ok()) << plan.status();
  return std::move(*plan);
}

Record Rec(int32_t partition, int64_t offset, std::string json, std::string key = "k") {
  Record r;
  r.meta.topic = "in";
  r.meta.partition = partition;
  r.meta.offset = offset;
  r.key = Payload::Raw(std::move(key));
  r.value = Payload::Json(std::move(json));
  return r;
}

graph::Step ToOut(std::string id, std::string input, std::string key_fn = "") {
  graph::Step s;
  s.id = std::move(id);
  s.input = std::move(input);
  s.kind = graph::StepKind::kToTopic;
  s.topic = "out";
  if (!key_fn.empty()) s.key_function = graph::FunctionRef{key_fn, false, ""};
  return s;
}

TEST(Executor, OneInvocationPerPartitionInOffsetOrder) {
  auto plan = Compile({Fn("a", "in", graph::StepKind::kApply, "id"), ToOut("t", "a")});
  FakeClient client(plan.get());
  client.functions["id"] = [](const Payload& v) { return v; };
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  std::vector<Record> batch = {Rec(0, 10, "1"), Rec(1, 5, "2"), Rec(0, 11, "3"), Rec(1, 6, "4")};
  std::vector<RecordFate> fates;
  ASSERT_FALSE(ex.Process(batch, &fates).has_value());
  ASSERT_EQ(client.calls.size(), 2u);
  EXPECT_EQ(client.calls[0].partitions, (std::vector<int32_t>{0, 0}));
  EXPECT_EQ(client.calls[0].offsets, (std::vector<int64_t>{10, 11}));
  EXPECT_EQ(client.calls[1].offsets, (std::vector<int64_t>{5, 6}));
  ASSERT_EQ(sink.messages.size(), 4u);
  // Produce order follows the batch order, which is per-partition order.
  EXPECT_EQ(*sink.messages[0].value, "1");
  EXPECT_EQ(*sink.messages[2].value, "3");
  EXPECT_EQ(*sink.messages[0].key, "k");  // current key by default
}

TEST(Executor, LargePartitionBatchesAreChunked) {
  auto plan = Compile({Fn("a", "in", graph::StepKind::kApply, "id")});
  FakeClient client(plan.get());
  client.functions["id"] = [](const Payload& v) { return v; };
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink, ExecutorOptions{2});
  std::vector<Record> batch = {Rec(0, 1, "1"), Rec(0, 2, "2"), Rec(0, 3, "3"), Rec(0, 4, "4"), Rec(0, 5, "5")};
  ASSERT_FALSE(ex.Process(batch, nullptr).has_value());
  ASSERT_EQ(client.calls.size(), 3u);
  EXPECT_EQ(client.calls[2].offsets, (std::vector<int64_t>{5}));
  EXPECT_EQ(ex.invocations(), 3u);
}

TEST(Executor, FilterApplyAndKeyFunction) {
  auto plan = Compile({Fn("f", "in", graph::StepKind::kFilter, "odd"),
                       Fn("a", "f", graph::StepKind::kApply, "times10"), ToOut("t", "a", "key")},
                      "string");
  FakeClient client(plan.get());
  client.functions["odd"] = [](const Payload& v) {
    return Payload::Json(std::stoi(v.data) % 2 ? "true" : "false");
  };
  client.functions["times10"] = [](const Payload& v) { return Payload::Json(v.data + "0"); };
  client.functions["key"] = [](const Payload& v) { return Payload::Json("\"user-" + v.data + "\""); };
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  std::vector<Record> batch = {Rec(0, 1, "1"), Rec(0, 2, "2"), Rec(0, 3, "3")};
  std::vector<RecordFate> fates;
  ASSERT_FALSE(ex.Process(batch, &fates).has_value());
  EXPECT_EQ(client.calls.size(), 1u);  // filter + apply + key in one round-trip
  ASSERT_EQ(sink.messages.size(), 2u);
  EXPECT_EQ(*sink.messages[0].key, "user-10");
  EXPECT_EQ(*sink.messages[0].value, "10");
  EXPECT_EQ(*sink.messages[1].value, "30");
  EXPECT_EQ(fates[1].kind, RecordFate::Kind::kFiltered);
  EXPECT_EQ(fates[2].kind, RecordFate::Kind::kDone);
  EXPECT_EQ(fates[2].value.data, "30");
  EXPECT_EQ(ex.filtered(), 1u);
}

TEST(Executor, ClientErrorStopsWithStepAndPosition) {
  auto plan = Compile({Fn("apply-1", "in", graph::StepKind::kApply, "boom"), ToOut("t", "apply-1")});
  FakeClient client(plan.get());
  client.functions["boom"] = [](const Payload& v) -> absl::StatusOr<Payload> {
    if (v.data == "2") return absl::UnknownError("bad value 2");
    return v;
  };
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  std::vector<Record> batch = {Rec(0, 7, "1"), Rec(0, 8, "2")};
  auto err = ex.Process(batch, nullptr);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->step_id, "apply-1");
  EXPECT_NE(err->message.find("in[0]@8"), std::string::npos) << err->message;
  EXPECT_NE(err->message.find("bad value 2"), std::string::npos) << err->message;
  EXPECT_TRUE(sink.messages.empty());  // nothing of the failed segment was produced
}

TEST(Executor, SerializationFailureAsksProducerVerdict) {
  // A string key serializer cannot take bytes: the producer-error path.
  auto plan = Compile({ToOut("t", "in")}, "string");
  FakeClient client(plan.get());
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  std::vector<Record> batch = {Rec(0, 1, "1")};
  auto err = ex.Process(batch, nullptr);
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->message.find("key: string serializer"), std::string::npos) << err->message;
  ASSERT_EQ(client.asked.size(), 1u);
  EXPECT_EQ(client.asked[0], ErrorStage::kProducer);

  client.verdict = true;  // on_producer_error returned True: skip the record
  std::vector<RecordFate> fates;
  std::vector<Record> batch2 = {Rec(0, 2, "2")};
  EXPECT_FALSE(ex.Process(batch2, &fates).has_value());
  EXPECT_EQ(fates[0].kind, RecordFate::Kind::kSkipped);
  EXPECT_TRUE(sink.messages.empty());
}

TEST(Executor, UnavailableClientFailsTheBatch) {
  class GoneClient final : public ClientLink {
   public:
    InvokeFuture Invoke(uint32_t, const std::vector<const Record*>&) override {
      std::promise<absl::StatusOr<std::vector<RecordOutcome>>> p;
      p.set_value(absl::UnavailableError("client disconnected"));
      return p.get_future();
    }
    absl::StatusOr<bool> AskIgnore(ErrorStage, const ErrorInfo&, const MessageMeta*,
                                   const std::string*) override {
      return absl::UnavailableError("client disconnected");
    }
    absl::StatusOr<std::optional<ErrorInfo>> ReportProcessed(const std::string&, int32_t,
                                                              const std::vector<int64_t>&) override {
      return absl::UnavailableError("client disconnected");
    }
  } client;
  auto plan = Compile({Fn("a", "in", graph::StepKind::kApply, "f"), ToOut("t", "a")});
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  std::vector<Record> batch = {Rec(0, 1, "1")};
  auto err = ex.Process(batch, nullptr);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, absl::StatusCode::kUnavailable);
  EXPECT_TRUE(sink.messages.empty());
}

}  // namespace
}  // namespace sidestream::runtime

namespace sidestream::runtime {
namespace {

graph::ExprSpecPtr Col(std::string name, graph::ExprSpecPtr of = nullptr) {
  auto e = std::make_shared<graph::ExprSpec>();
  e->kind = graph::ExprSpec::Kind::kGetItem;
  if (!of) {
    auto v = std::make_shared<graph::ExprSpec>();
    v->kind = graph::ExprSpec::Kind::kValue;
    of = v;
  }
  e->left = of;
  e->literal_json = "\"" + name + "\"";
  return e;
}
graph::ExprSpecPtr Lit(std::string json) {
  auto e = std::make_shared<graph::ExprSpec>();
  e->kind = graph::ExprSpec::Kind::kLiteral;
  e->literal_json = std::move(json);
  return e;
}
graph::ExprSpecPtr Bin(int op, graph::ExprSpecPtr l, graph::ExprSpecPtr r) {
  auto e = std::make_shared<graph::ExprSpec>();
  e->kind = graph::ExprSpec::Kind::kBinary;
  e->op = op;
  e->left = std::move(l);
  e->right = std::move(r);
  return e;
}
graph::ExprSpecPtr ApplyFn(std::string fn, graph::ExprSpecPtr operand) {
  auto e = std::make_shared<graph::ExprSpec>();
  e->kind = graph::ExprSpec::Kind::kApply;
  e->function.function_id = std::move(fn);
  e->left = std::move(operand);
  return e;
}
constexpr int kAdd = 1, kGt = 12;

graph::Step Native(std::string id, std::string input, graph::StepKind kind, graph::ExprSpecPtr e,
                   std::string column = "") {
  graph::Step s;
  s.id = std::move(id);
  s.input = std::move(input);
  s.kind = kind;
  s.expr = std::move(e);
  s.column = std::move(column);
  return s;
}

// sdf = sdf[sdf["x"] > 0]; sdf["z"] = sdf["x"] + sdf["y"]; sdf = sdf[["x", "z"]]; to_topic
TEST(ExecutorNative, FilterAssignProjectWithoutAnyClientCall) {
  graph::Step project;
  project.id = "project-3";
  project.input = "assign-2";
  project.kind = graph::StepKind::kProject;
  project.columns = {"x", "z"};
  auto plan = Compile({Native("filter-1", "in", graph::StepKind::kFilterExpr, Bin(kGt, Col("x"), Lit("0"))),
                       Native("assign-2", "filter-1", graph::StepKind::kAssign, Bin(kAdd, Col("x"), Col("y")), "z"),
                       project, ToOut("to_topic-4", "project-3")});
  EXPECT_FALSE(plan->has_client_functions());
  FakeClient client(plan.get());
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  std::vector<Record> batch = {Rec(0, 1, R"({"x":1,"y":2.5,"w":0})"), Rec(0, 2, R"({"x":-1,"y":2})"),
                               Rec(1, 3, R"({"x":3,"y":4})")};
  std::vector<RecordFate> fates;
  ASSERT_FALSE(ex.Process(batch, &fates).has_value());
  EXPECT_TRUE(client.calls.empty());
  EXPECT_EQ(ex.invocations(), 0u);
  ASSERT_EQ(sink.messages.size(), 2u);
  EXPECT_EQ(*sink.messages[0].value, R"({"x":1,"z":3.5})");
  EXPECT_EQ(*sink.messages[1].value, R"({"x":3,"z":7})");
  EXPECT_EQ(fates[1].kind, RecordFate::Kind::kFiltered);
}

// sdf["z"] = (sdf["x"] + sdf["y"]).apply(f) + 1: x+y natively, f in the client, +1 natively.
TEST(ExecutorNative, SeriesApplyInsideAnExpressionShipsOnlyTheArgument) {
  auto plan = Compile({Native("assign-1", "in", graph::StepKind::kAssign,
                              Bin(kAdd, ApplyFn("double", Bin(kAdd, Col("x"), Col("y"))), Lit("1")), "z")});
  ASSERT_EQ(plan->segments().size(), 1u);
  EXPECT_TRUE(plan->segments()[0].on_argument);
  FakeClient client(plan.get());
  std::vector<std::string> seen;
  client.functions["double"] = [&](const Payload& v) {
    seen.push_back(v.data);
    return Payload::Json(std::to_string(std::stoi(v.data) * 2));
  };
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  std::vector<Record> batch = {Rec(0, 1, R"({"x":1,"y":2})"), Rec(0, 2, R"({"x":5,"y":5})")};
  std::vector<RecordFate> fates;
  ASSERT_FALSE(ex.Process(batch, &fates).has_value());
  EXPECT_EQ(seen, (std::vector<std::string>{"3", "10"}));  // only the argument travels
  EXPECT_EQ(client.calls.size(), 1u);
  EXPECT_EQ(fates[0].value.data, R"({"x":1,"y":2,"z":7})");
  EXPECT_EQ(fates[1].value.data, R"({"x":5,"y":5,"z":21})");
}

TEST(ExecutorNative, ChainedSeriesAppliesFuseIntoOneCall) {
  auto plan = Compile({Native("assign-1", "in", graph::StepKind::kAssign,
                              ApplyFn("inc", ApplyFn("inc", Col("x"))), "z")});
  ASSERT_EQ(plan->segments().size(), 1u);
  EXPECT_EQ(plan->segments()[0].ops.size(), 2u);
  FakeClient client(plan.get());
  client.functions["inc"] = [](const Payload& v) { return Payload::Json(std::to_string(std::stoi(v.data) + 1)); };
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  std::vector<Record> batch = {Rec(0, 1, R"({"x":1})")};
  std::vector<RecordFate> fates;
  ASSERT_FALSE(ex.Process(batch, &fates).has_value());
  EXPECT_EQ(client.calls.size(), 1u);
  EXPECT_EQ(fates[0].value.data, R"({"x":1,"z":3})");
}

TEST(ExecutorNative, PythonErrorsStopWithTheExpressionOrAreSkippedOnVerdict) {
  auto plan = Compile({Native("assign-1", "in", graph::StepKind::kAssign, Bin(kAdd, Col("x"), Col("y")), "z")});
  FakeClient client(plan.get());
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  std::vector<Record> batch = {Rec(0, 1, R"({"x":1,"y":2})"), Rec(0, 2, R"({"x":1})"), Rec(0, 3, R"({"x":"a","y":2})")};
  auto err = ex.Process(batch, nullptr);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->step_id, "assign-1");
  EXPECT_EQ(err->exception_type, "KeyError");
  EXPECT_NE(err->message.find("in[0]@2"), std::string::npos) << err->message;
  EXPECT_NE(err->message.find("value['y']"), std::string::npos) << err->message;
  ASSERT_EQ(client.asked.size(), 1u);
  EXPECT_EQ(client.asked[0], ErrorStage::kProcessing);

  client.verdict = true;  // on_processing_error returned True
  std::vector<Record> again = {Rec(0, 1, R"({"x":1,"y":2})"), Rec(0, 2, R"({"x":1})"), Rec(0, 3, R"({"x":"a","y":2})")};
  std::vector<RecordFate> fates;
  ASSERT_FALSE(ex.Process(again, &fates).has_value());
  EXPECT_EQ(fates[0].kind, RecordFate::Kind::kDone);
  EXPECT_EQ(fates[1].kind, RecordFate::Kind::kSkipped);
  EXPECT_EQ(fates[2].kind, RecordFate::Kind::kSkipped);  // TypeError: str + int
}

TEST(ExecutorNative, AssignOnANonDictIsATypeError) {
  auto plan = Compile({Native("assign-1", "in", graph::StepKind::kAssign, Lit("1"), "z")});
  FakeClient client(plan.get());
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  std::vector<Record> batch = {Rec(0, 1, "[1,2]")};
  auto err = ex.Process(batch, nullptr);
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->message.find("TypeError: 'list' object does not support item assignment"), std::string::npos)
      << err->message;
}

}  // namespace
}  // namespace sidestream::runtime

namespace sidestream::runtime {
namespace {

// Regression: projecting ["a", "b", "a"] moved "a" out on first use and wrote null the second time.
TEST(ExecutorNative, ProjectionWithARepeatedColumnKeepsItsValue) {
  graph::Step project;
  project.id = "project-1";
  project.input = "in";
  project.kind = graph::StepKind::kProject;
  project.columns = {"a", "b", "a"};
  auto plan = Compile({project});
  FakeClient client(plan.get());
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  std::vector<Record> batch = {Rec(0, 1, R"({"a":1,"b":2,"c":3})")};
  std::vector<RecordFate> fates;
  ASSERT_FALSE(ex.Process(batch, &fates).has_value());
  EXPECT_EQ(fates[0].value.data, R"({"a":1,"b":2})");
}

}  // namespace
}  // namespace sidestream::runtime

namespace sidestream::runtime {
namespace {

graph::ExprSpecPtr WholeValue() {
  auto v = std::make_shared<graph::ExprSpec>();
  v->kind = graph::ExprSpec::Kind::kValue;
  return v;
}
graph::Step Project(std::string id, std::string input, std::vector<std::string> columns) {
  graph::Step s;
  s.id = std::move(id);
  s.input = std::move(input);
  s.kind = graph::StepKind::kProject;
  s.columns = std::move(columns);
  return s;
}
constexpr int kContains = 18;

// Partial decoding (Plan::partial_doc_keys): the leading filter/assign/project
// read x and y only, so the decoder skips every other key; what comes out must
// be exactly what the full document gives, key order included.
TEST(ExecutorNative, PartialDecodingGivesTheFullDocumentsResults) {
  auto plan = Compile({Native("filter-1", "in", graph::StepKind::kFilterExpr, Bin(kGt, Col("x"), Lit("0"))),
                       Native("assign-2", "filter-1", graph::StepKind::kAssign, Bin(kAdd, Col("x"), Col("y")), "z"),
                       Project("project-3", "assign-2", {"z", "x"}), ToOut("to_topic-4", "project-3")});
  ASSERT_TRUE(plan->decodes_first());
  ASSERT_TRUE(plan->partial_doc_keys().has_value());
  EXPECT_EQ(*plan->partial_doc_keys(), (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(plan->partial_doc_end(), 3u);
  FakeClient client(plan.get());
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  std::vector<Record> batch = {
      Rec(0, 1, R"({"pad":"aaaa","z":"old","x":1,"y":2,"w":[1,{"x":-5}]})"),  // z replaced in place
      Rec(0, 2, R"({"x":2,"x":5,"y":1})"),                                      // a repeated key: the last wins
      Rec(0, 3, R"({"x":{"n":1},"y":1})"),                                      // dict > int: TypeError
      Rec(0, 4, R"({"y":1})"),                                                  // KeyError, as in full
  };
  client.verdict = true;  // skip the failing ones
  std::vector<RecordFate> fates;
  ASSERT_FALSE(ex.Process(batch, &fates).has_value());
  ASSERT_EQ(sink.messages.size(), 2u);
  EXPECT_EQ(*sink.messages[0].value, R"({"z":3,"x":1})");
  EXPECT_EQ(*sink.messages[1].value, R"({"z":6,"x":5})");
  EXPECT_EQ(fates[2].kind, RecordFate::Kind::kSkipped);
  EXPECT_EQ(fates[3].kind, RecordFate::Kind::kSkipped);
  EXPECT_EQ(client.asked.size(), 2u);
}

TEST(PlanDocAccess, PartialDecodingOnlyWhenNothingSeesTheWholeValue) {
  // A filter alone: the value goes out as it came, whole.
  auto filter_only = Compile({Native("filter-1", "in", graph::StepKind::kFilterExpr, Bin(kGt, Col("x"), Lit("0"))),
                              ToOut("to_topic-2", "filter-1")});
  EXPECT_TRUE(filter_only->decodes_first());
  EXPECT_FALSE(filter_only->partial_doc_keys().has_value());
  // sdf.contains("x") reads the value as a whole (its keys).
  auto contains = Compile({Native("filter-1", "in", graph::StepKind::kFilterExpr,
                                  Bin(kContains, WholeValue(), Lit("\"x\""))),
                           Project("project-2", "filter-1", {"x"})});
  EXPECT_FALSE(contains->partial_doc_keys().has_value());
  // sdf["z"] = sdf.apply(f): the client gets the whole value.
  auto apply_whole = Compile({Native("assign-1", "in", graph::StepKind::kAssign, ApplyFn("f", WholeValue()), "z"),
                              Project("project-2", "assign-1", {"z"})});
  EXPECT_FALSE(apply_whole->partial_doc_keys().has_value());
  // A client function first: nothing is decoded before it.
  auto fn_first = Compile({Fn("apply-1", "in", graph::StepKind::kApply, "f"), Project("project-2", "apply-1", {"x"})});
  EXPECT_FALSE(fn_first->decodes_first());
  EXPECT_FALSE(fn_first->partial_doc_keys().has_value());
  // Nested reads need their top-level key; series.apply arguments count.
  auto nested = Compile({Native("assign-1", "in", graph::StepKind::kAssign,
                                ApplyFn("f", Col("b", Col("a"))), "z"),
                         Project("project-2", "assign-1", {"z"}), ToOut("to_topic-3", "project-2")});
  ASSERT_TRUE(nested->partial_doc_keys().has_value());
  EXPECT_EQ(*nested->partial_doc_keys(), (std::vector<std::string>{"a", "z"}));
  EXPECT_EQ(nested->partial_doc_end(), 2u);
}

}  // namespace
}  // namespace sidestream::runtime

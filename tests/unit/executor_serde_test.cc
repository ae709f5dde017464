// The executor's part in client (de)serializers: the deserializer segment
// (split_values rows, IgnoreMessage, consumer errors) and the serializer
// segments whose bytes go to the produce. Uses an in-memory client that runs
// C++ stand-ins for the client's (de)serializers.
#include <functional>
#include <map>

#include <gtest/gtest.h>

#include "runtime/executor.h"

namespace sidestream::runtime {
namespace {

using graph::OpKind;
using serde::Payload;

// Client function stand-ins: CANCELLED means the seed's IgnoreMessage,
// ABORTED an exception that on_consumer_error / on_producer_error chose to
// ignore, any other error one it did not.
class FakeClient final : public ClientLink {
 public:
  using Fn = std::function<absl::StatusOr<Payload>(const Payload&)>;
  explicit FakeClient(const graph::Plan* plan) : plan_(plan) {}

  std::map<std::string, Fn> functions;
  std::vector<uint32_t> segments_called;
  std::vector<Payload> keys_seen;  // InvokeRecord.key of every record sent

  InvokeFuture Invoke(uint32_t segment_id, const std::vector<const Record*>& records) override {
    segments_called.push_back(segment_id);
    std::vector<RecordOutcome> out;
    for (const Record* r : records) {
      keys_seen.push_back(r->key);
      RecordOutcome o;
      o.value = r->value;
      for (const graph::SegmentOp& op : plan_->segments()[segment_id].ops) {
        const bool on_key = op.kind == OpKind::kDeserializeKey || op.kind == OpKind::kSerializeKey;
        Payload in = on_key ? (o.produce_key ? *o.produce_key : r->key) : o.value;
        absl::StatusOr<Payload> res = functions.at(op.function.function_id)(in);
        if (absl::IsCancelled(res.status())) {
          o = RecordOutcome{};
          o.kind = RecordOutcome::Kind::kFiltered;
          break;
        }
        if (!res.ok()) {
          o.kind = absl::IsAborted(res.status()) ? RecordOutcome::Kind::kSkipped
                                                 : RecordOutcome::Kind::kError;
          o.error = ErrorInfo{absl::StatusCode::kUnknown, std::string(res.status().message()),
                              op.step_id, "ValueError", "Traceback..."};
          break;
        }
        if (on_key || op.kind == OpKind::kToTopicKey) {
          o.produce_key = *res;
        } else if (op.kind != OpKind::kUpdate) {
          o.value = *res;
        }
      }
      out.push_back(std::move(o));
    }
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
  std::vector<ErrorStage> asked;
  bool verdict = false;

 private:
  const graph::Plan* plan_;
};

class MemorySink final : public OutputSink {
 public:
  struct Msg {
    std::optional<std::string> key, value;
    std::vector<Header> headers;
  };
  std::vector<Msg> messages;
  absl::Status Produce(const std::string&, const std::optional<std::string>& key,
                       const std::optional<std::string>& value,
                       const std::vector<Header>& headers) override {
    messages.push_back({key, value, headers});
    return absl::OkStatus();
  }
};

graph::ClientSerde Client(std::string function_id) {
  graph::ClientSerde c;
  c.function.function_id = std::move(function_id);
  c.function.display_name = "app.Csv";
  return c;
}

graph::Step Apply(std::string id, std::string input, std::string fn) {
  graph::Step s;
  s.id = std::move(id);
  s.input = std::move(input);
  s.kind = graph::StepKind::kApply;
  s.function.function_id = std::move(fn);
  return s;
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

std::unique_ptr<graph::Plan> Compile(graph::PipelineSpec p) {
  auto plan = graph::Plan::Compile(p);
  EXPECT_TRUE(plan.ok()) << plan.status();
  return std::move(*plan);
}

graph::PipelineSpec Spec(std::vector<graph::Step> steps) {
  graph::PipelineSpec p;
  p.topics.push_back(graph::TopicSpec{"in"});
  p.topics.push_back(graph::TopicSpec{"out"});
  p.source_topic = "in";
  p.steps = std::move(steps);
  return p;
}

Record Raw(int64_t offset, std::string bytes, std::string key = "k") {
  Record r;
  r.meta.topic = "in";
  r.meta.offset = offset;
  r.key = Payload::Raw(std::move(key));
  r.value = Payload::Raw(std::move(bytes));
  return r;
}

// "a;b;c" → ["a","b","c"]; "ignore" → IgnoreMessage; "skip" / "bad" → errors.
absl::StatusOr<Payload> SplitCsv(const Payload& v) {
  if (v.data == "ignore") return absl::CancelledError("IgnoreMessage");
  if (v.data == "skip") return absl::AbortedError("cannot parse 'skip'");
  if (v.data == "bad") return absl::UnknownError("cannot parse 'bad'");
  std::string json = "[";
  size_t start = 0;
  for (size_t i = 0; i <= v.data.size(); ++i) {
    if (i == v.data.size() || v.data[i] == ';') {
      if (start > 0) json += ",";
      json += "\"" + v.data.substr(start, i - start) + "\"";
      start = i + 1;
    }
  }
  return Payload::Json(v.data.empty() ? "[]" : json + "]");
}

graph::PipelineSpec SplittingSpec() {
  graph::PipelineSpec p = Spec({Apply("apply-1", "in", "id"), ToOut("to_topic-2", "apply-1")});
  p.topics[0].value_deserializer = {};
  p.topics[0].client_value_deserializer = Client("in.value");
  p.topics[0].client_value_deserializer->split_values = true;
  return p;
}

TEST(ExecutorSerde, SplitValuesMakesOneRecordPerItemAndIgnoreMessageDrops) {
  auto plan = Compile(SplittingSpec());
  FakeClient client(plan.get());
  client.functions["in.value"] = SplitCsv;
  client.functions["id"] = [](const Payload& v) { return v; };
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  std::vector<Record> batch = {Raw(1, "a;b;c"), Raw(2, "ignore"), Raw(3, ""), Raw(4, "d")};
  std::vector<RecordFate> fates;
  ASSERT_FALSE(ex.Process(batch, &fates).has_value());
  ASSERT_EQ(batch.size(), 4u);  // a, b, c, d
  EXPECT_EQ(batch[1].meta.offset, 1);
  EXPECT_EQ(batch[3].meta.offset, 4);
  EXPECT_EQ(fates.size(), 4u);
  ASSERT_EQ(sink.messages.size(), 4u);
  EXPECT_EQ(*sink.messages[0].value, "\"a\"");
  EXPECT_EQ(*sink.messages[2].value, "\"c\"");
  EXPECT_EQ(*sink.messages[3].value, "\"d\"");
  EXPECT_EQ(ex.filtered(), 1u);
  EXPECT_EQ(client.segments_called, (std::vector<uint32_t>{0, 1}));  // deserializers, then apply
}

TEST(ExecutorSerde, SkippedDeserializerErrorDropsOnlyThatMessage) {
  auto plan = Compile(SplittingSpec());
  FakeClient client(plan.get());
  client.functions["in.value"] = SplitCsv;
  client.functions["id"] = [](const Payload& v) { return v; };
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  std::vector<Record> batch = {Raw(1, "a"), Raw(2, "skip"), Raw(3, "b")};
  ASSERT_FALSE(ex.Process(batch, nullptr).has_value());
  ASSERT_EQ(sink.messages.size(), 2u);
  EXPECT_EQ(*sink.messages[1].value, "\"b\"");
  EXPECT_EQ(ex.skipped(), 1u);
  EXPECT_TRUE(client.asked.empty());  // the client decided with on_consumer_error itself
}

TEST(ExecutorSerde, DeserializerErrorStopsNamingTheMessageAndTheClass) {
  auto plan = Compile(SplittingSpec());
  FakeClient client(plan.get());
  client.functions["in.value"] = SplitCsv;
  client.functions["id"] = [](const Payload& v) { return v; };
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  std::vector<Record> batch = {Raw(1, "a"), Raw(2, "bad")};
  auto err = ex.Process(batch, nullptr);
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->message.find("cannot deserialize value of in[0]@2 with app.Csv"), std::string::npos)
      << err->message;
  EXPECT_NE(err->message.find("ValueError: cannot parse 'bad'"), std::string::npos) << err->message;
  EXPECT_TRUE(sink.messages.empty());
}

TEST(ExecutorSerde, SplitValuesResultThatIsNotAListStops) {
  auto plan = Compile(SplittingSpec());
  FakeClient client(plan.get());
  client.functions["in.value"] = [](const Payload&) { return Payload::Json("{\"a\":1}"); };
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  std::vector<Record> batch = {Raw(5, "x")};
  auto err = ex.Process(batch, nullptr);
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->message.find("must return a list"), std::string::npos) << err->message;
}

TEST(ExecutorSerde, KeyDeserializerResultBecomesTheMessageKey) {
  graph::PipelineSpec p = Spec({ToOut("to_topic-1", "in")});
  p.topics[0].key_deserializer = {};
  p.topics[0].client_key_deserializer = Client("in.key");
  p.topics[1].key_serializer = {"string", {}};
  auto plan = Compile(p);
  FakeClient client(plan.get());
  client.functions["in.key"] = [](const Payload& k) { return Payload::Json("\"user-" + k.data + "\""); };
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  Record r = Raw(1, "", "7");
  r.value = Payload::Json("{\"x\":1}");  // the value keeps the sidecar's json deserializer
  std::vector<Record> batch = {r};
  ASSERT_FALSE(ex.Process(batch, nullptr).has_value());
  ASSERT_EQ(sink.messages.size(), 1u);
  EXPECT_EQ(*sink.messages[0].key, "user-7");
  EXPECT_EQ(*sink.messages[0].value, "{\"x\":1}");
}

graph::PipelineSpec SerializingSpec(bool key_fn) {
  graph::PipelineSpec p = Spec({Apply("apply-1", "in", "id"), ToOut("to_topic-2", "apply-1", key_fn ? "keyfn" : "")});
  p.topics[1].key_serializer = {};
  p.topics[1].value_serializer = {};
  p.topics[1].client_key_serializer = Client("out.key");
  p.topics[1].client_value_serializer = Client("out.value");
  p.topics[1].client_value_serializer->extra_headers = {{"format", "pipe"}, {"none", std::nullopt}};
  return p;
}

Record Json(int64_t offset, std::string json) {
  Record r = Raw(offset, "");
  r.value = Payload::Json(std::move(json));
  return r;
}

TEST(ExecutorSerde, ClientSerializersProduceTheirBytesWithExtraHeaders) {
  auto plan = Compile(SerializingSpec(/*key_fn=*/true));
  FakeClient client(plan.get());
  client.functions["id"] = [](const Payload& v) { return v; };
  client.functions["keyfn"] = [](const Payload& v) { return Payload::Json("\"K" + v.data + "\""); };
  client.functions["out.key"] = [](const Payload& k) { return Payload::Raw("<" + k.data + ">"); };
  client.functions["out.value"] = [](const Payload& v) { return Payload::Raw("|" + v.data + "|"); };
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  std::vector<Record> batch = {Json(1, "1"), Json(2, "2")};
  std::vector<RecordFate> fates;
  ASSERT_FALSE(ex.Process(batch, &fates).has_value());
  ASSERT_EQ(sink.messages.size(), 2u);
  EXPECT_EQ(*sink.messages[0].key, "<\"K1\">");  // the key serializer got the to_topic key
  EXPECT_EQ(*sink.messages[0].value, "|1|");
  EXPECT_EQ(*sink.messages[1].value, "|2|");
  ASSERT_EQ(sink.messages[0].headers.size(), 2u);
  EXPECT_EQ(sink.messages[0].headers[0].key, "format");
  EXPECT_EQ(sink.messages[0].headers[0].value, std::optional<std::string>("pipe"));
  EXPECT_EQ(sink.messages[0].headers[1].value, std::nullopt);
  // The records keep their value and key for the steps after the to_topic.
  EXPECT_EQ(fates[1].value, Payload::Json("2"));
  EXPECT_EQ(batch[0].key, Payload::Raw("k"));
}

TEST(ExecutorSerde, SerializerSegmentSeesTheCurrentKeyWithoutAKeyFunction) {
  auto plan = Compile(SerializingSpec(/*key_fn=*/false));
  FakeClient client(plan.get());
  client.functions["id"] = [](const Payload& v) { return v; };
  client.functions["out.key"] = [](const Payload& k) { return Payload::Raw("<" + k.data + ">"); };
  client.functions["out.value"] = [](const Payload& v) { return Payload::Raw(v.data); };
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  std::vector<Record> batch = {Json(1, "1")};
  ASSERT_FALSE(ex.Process(batch, nullptr).has_value());
  ASSERT_EQ(sink.messages.size(), 1u);
  EXPECT_EQ(*sink.messages[0].key, "<k>");
}

TEST(ExecutorSerde, SerializerResultThatIsNotBytesIsAProducerError) {
  auto plan = Compile(SerializingSpec(/*key_fn=*/false));
  FakeClient client(plan.get());
  client.functions["id"] = [](const Payload& v) { return v; };
  client.functions["out.key"] = [](const Payload& k) { return k; };
  client.functions["out.value"] = [](const Payload& v) { return v; };  // JSON, not bytes
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  std::vector<Record> batch = {Json(1, "1")};
  auto err = ex.Process(batch, nullptr);
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->message.find("must return bytes"), std::string::npos) << err->message;
  ASSERT_EQ(client.asked.size(), 1u);
  EXPECT_EQ(client.asked[0], ErrorStage::kProducer);
}

TEST(ExecutorSerde, NullValueStaysNullThroughAValueSerializer) {
  auto plan = Compile(SerializingSpec(/*key_fn=*/false));
  FakeClient client(plan.get());
  client.functions["id"] = [](const Payload& v) { return v; };
  client.functions["out.key"] = [](const Payload& k) { return k; };
  client.functions["out.value"] = [](const Payload& v) { return v; };  // null in, null out
  MemorySink sink;
  Executor ex(plan.get(), &client, &sink);
  std::vector<Record> batch = {Json(1, "1")};
  batch[0].value = Payload::Null();
  ASSERT_FALSE(ex.Process(batch, nullptr).has_value());
  ASSERT_EQ(sink.messages.size(), 1u);
  EXPECT_FALSE(sink.messages[0].value.has_value());
  EXPECT_EQ(*sink.messages[0].key, "k");
}

}  // namespace
}  // namespace sidestream::runtime

// Plan compilation of client (de)serializers: the deserializer segment comes
// first, serializer ops come right before their to_topic, and invalid
// combinations name the topic and step at fault.
#include <gtest/gtest.h>

#include "step_builders.h"

#include "graph/plan.h"

namespace sidestream::graph {
namespace {

using testing::Fn;

Step ToTopic(std::string id, std::string input, std::string key_fn = "") {
  Step s;
  s.id = std::move(id);
  s.input = std::move(input);
  s.kind = StepKind::kToTopic;
  s.topic = "out";
  if (!key_fn.empty()) s.key_function = FunctionRef{key_fn, false, ""};
  return s;
}

ClientSerde Client(std::string function_id) {
  ClientSerde c;
  c.function.function_id = std::move(function_id);
  c.function.display_name = "app.MySerde";
  return c;
}

// "in" → apply-1 → to_topic-2 ("out"); serializers chosen by the test.
PipelineSpec Base() {
  PipelineSpec p;
  p.topics.push_back(TopicSpec{"in"});
  p.topics.push_back(TopicSpec{"out"});
  p.source_topic = "in";
  p.steps = {Fn("apply-1", "in", StepKind::kApply, "f"), ToTopic("to_topic-2", "apply-1")};
  return p;
}

TopicSpec& In(PipelineSpec& p) { return p.topics[0]; }
TopicSpec& Out(PipelineSpec& p) { return p.topics[1]; }

void ClientDeserializers(TopicSpec& t, bool split) {
  t.key_deserializer = {};
  t.value_deserializer = {};
  t.client_key_deserializer = Client("in.key");
  t.client_value_deserializer = Client("in.value");
  t.client_value_deserializer->split_values = split;
}

std::string ErrorOf(const PipelineSpec& p) {
  auto plan = Plan::Compile(p);
  EXPECT_FALSE(plan.ok());
  if (plan.ok()) return "";
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(plan.status().message());
}

TEST(PlanSerde, ClientDeserializersFormTheFirstSegmentOnRawBytes) {
  PipelineSpec p = Base();
  ClientDeserializers(In(p), /*split=*/true);
  auto plan = Plan::Compile(p);
  ASSERT_TRUE(plan.ok()) << plan.status();
  const Segment* des = (*plan)->deserializer_segment();
  ASSERT_NE(des, nullptr);
  EXPECT_EQ((*plan)->nodes()[0].kind, PlanNode::Kind::kSegment);
  EXPECT_EQ((*plan)->nodes()[0].segment_id, des->id);
  ASSERT_EQ(des->ops.size(), 2u);  // only deserializers: the apply is in a segment of its own
  EXPECT_EQ(des->ops[0].kind, OpKind::kDeserializeKey);
  EXPECT_EQ(des->ops[0].step_id, "in.key");
  EXPECT_EQ(des->ops[1].kind, OpKind::kDeserializeValue);
  EXPECT_TRUE(des->deserializes);
  EXPECT_TRUE(des->split_values);
  EXPECT_TRUE(des->yields_message_key);
  ASSERT_EQ((*plan)->segments().size(), 2u);
  EXPECT_EQ((*plan)->segments()[1].ops[0].kind, OpKind::kApply);
  EXPECT_FALSE((*plan)->segments()[1].deserializes);
  // The sidecar's part of a client deserializer is "bytes": the raw message.
  auto raw = (*plan)->value_deserializer().Deserialize(std::optional<absl::string_view>("{not json"));
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ(*raw, serde::Payload::Raw("{not json"));
  auto key = (*plan)->key_deserializer().Deserialize(std::optional<absl::string_view>("k"));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, serde::Payload::Raw("k"));
}

TEST(PlanSerde, DryRunsDoNotRunClientDeserializers) {
  PipelineSpec p = Base();
  ClientDeserializers(In(p), /*split=*/false);
  auto plan = Plan::Compile(p, {.client_deserializers = false});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ((*plan)->deserializer_segment(), nullptr);
  ASSERT_EQ((*plan)->segments().size(), 1u);
  EXPECT_EQ((*plan)->segments()[0].ops[0].kind, OpKind::kApply);
}

TEST(PlanSerde, ValueSerializerRunsInItsOwnSegmentBeforeTheProduce) {
  PipelineSpec p = Base();
  p.steps[1] = ToTopic("to_topic-2", "apply-1", "keyfn");
  Out(p).key_serializer = {};
  Out(p).value_serializer = {};
  Out(p).client_key_serializer = Client("out.key");
  Out(p).client_value_serializer = Client("out.value");
  Out(p).client_value_serializer->extra_headers = {{"fmt", "csv"}, {"empty", std::nullopt}};
  auto plan = Plan::Compile(p);
  ASSERT_TRUE(plan.ok()) << plan.status();
  const auto& segs = (*plan)->segments();
  ASSERT_EQ(segs.size(), 2u);
  ASSERT_EQ(segs[0].ops.size(), 2u);
  EXPECT_EQ(segs[0].ops[1].kind, OpKind::kToTopicKey);
  EXPECT_TRUE(segs[0].yields_key);
  ASSERT_EQ(segs[1].ops.size(), 2u);
  EXPECT_EQ(segs[1].ops[0].kind, OpKind::kSerializeKey);
  EXPECT_EQ(segs[1].ops[1].kind, OpKind::kSerializeValue);
  EXPECT_EQ(segs[1].ops[1].step_id, "to_topic-2");
  EXPECT_TRUE(segs[1].yields_serialized_key);
  EXPECT_TRUE(segs[1].yields_serialized_value);
  const auto& nodes = (*plan)->nodes();
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(nodes[1].segment_id, 1u);
  const PlanNode& to = nodes[2];
  ASSERT_EQ(to.kind, PlanNode::Kind::kToTopic);
  EXPECT_TRUE(to.key_serialized);
  EXPECT_TRUE(to.value_serialized);
  EXPECT_EQ(to.output->value_serializer, nullptr);
  EXPECT_EQ(to.output->key_serializer, nullptr);
  ASSERT_EQ(to.output->headers.size(), 2u);
  EXPECT_EQ(to.output->headers[0].first, "fmt");
  EXPECT_EQ(to.output->headers[0].second, std::optional<std::string>("csv"));
  EXPECT_EQ(to.output->headers[1].second, std::nullopt);
}

TEST(PlanSerde, KeySerializerAloneJoinsTheOpenSegment) {
  PipelineSpec p = Base();
  Out(p).key_serializer = {};
  Out(p).client_key_serializer = Client("out.key");
  auto plan = Plan::Compile(p);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ((*plan)->segments().size(), 1u);
  const Segment& seg = (*plan)->segments()[0];
  ASSERT_EQ(seg.ops.size(), 2u);
  EXPECT_EQ(seg.ops[1].kind, OpKind::kSerializeKey);
  EXPECT_TRUE(seg.yields_serialized_key);
  EXPECT_FALSE(seg.yields_serialized_value);
  const PlanNode& to = (*plan)->nodes()[1];
  EXPECT_TRUE(to.key_serialized);
  EXPECT_TRUE(to.key_from_segment);
  EXPECT_FALSE(to.value_serialized);
  EXPECT_NE(to.output->value_serializer, nullptr);  // the sidecar's json
}

TEST(PlanSerde, NativeOnlyPipelineGainsAClientSegmentForASerializer) {
  PipelineSpec p = Base();
  p.steps = {ToTopic("to_topic-1", "in")};
  Out(p).value_serializer = {};
  Out(p).client_value_serializer = Client("out.value");
  auto plan = Plan::Compile(p);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_TRUE((*plan)->has_client_functions());
  ASSERT_EQ((*plan)->segments().size(), 1u);
  EXPECT_EQ((*plan)->segments()[0].ops[0].kind, OpKind::kSerializeValue);
}

TEST(PlanSerde, ClientSerializersOfTheSourceTopicAreIgnored) {
  PipelineSpec p = Base();
  In(p).client_value_serializer = Client("in.vs");  // the source topic is never produced to
  auto plan = Plan::Compile(p);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ((*plan)->segments().size(), 1u);
}

TEST(PlanSerde, NamedAndClientDeserializerIsRejectedNamingTheTopic) {
  PipelineSpec p = Base();
  In(p).client_value_deserializer = Client("in.value");  // value_deserializer still "json"
  std::string e = ErrorOf(p);
  EXPECT_NE(e.find("topic 'in' value deserializer"), std::string::npos) << e;
  EXPECT_NE(e.find("'json'"), std::string::npos) << e;
}

TEST(PlanSerde, SplitValuesOnAKeyDeserializerIsRejected) {
  PipelineSpec p = Base();
  ClientDeserializers(In(p), false);
  In(p).client_key_deserializer->split_values = true;
  std::string e = ErrorOf(p);
  EXPECT_NE(e.find("topic 'in' key deserializer: split_values is only for value deserializers"),
            std::string::npos)
      << e;
}

TEST(PlanSerde, ExtraHeadersOnAKeySerializerAreRejectedNamingTheStep) {
  PipelineSpec p = Base();
  Out(p).key_serializer = {};
  Out(p).client_key_serializer = Client("out.key");
  Out(p).client_key_serializer->extra_headers = {{"h", "v"}};
  std::string e = ErrorOf(p);
  EXPECT_NE(e.find("to_topic-2"), std::string::npos) << e;
  EXPECT_NE(e.find("topic 'out' key serializer: extra_headers are only for value serializers"),
            std::string::npos)
      << e;
}

TEST(PlanSerde, StatefulOrUnnamedClientSerdeIsRejected) {
  PipelineSpec p = Base();
  Out(p).value_serializer = {};
  Out(p).client_value_serializer = Client("out.value");
  Out(p).client_value_serializer->function.stateful = true;
  EXPECT_NE(ErrorOf(p).find("cannot be stateful"), std::string::npos);
  Out(p).client_value_serializer = Client("");
  EXPECT_NE(ErrorOf(p).find("topic 'out' value serializer: client function has no function_id"),
            std::string::npos);
}

// The seed's split_values / extra_headers sent with a named (de)serializer
// (no client function) used to be dropped without a word. They are accepted
// only where the named serializer does the same on its own.

TEST(PlanSerde, SplitValuesOnANamedDeserializerThatDoesNotSplitIsRejected) {
  PipelineSpec p = Base();
  In(p).value_deserializer_extras.split_values = true;  // value_deserializer "json"
  EXPECT_EQ(ErrorOf(p),
            "topic 'in' value deserializer: split_values would be ignored: the sidecar deserializer 'json' "
            "does not split values (split_values is for client deserializers)");
  In(p).value_deserializer = {"", {}};  // an empty name is "json" too
  EXPECT_NE(ErrorOf(p).find("the sidecar deserializer 'json'"), std::string::npos);
}

TEST(PlanSerde, SplitValuesOnTheQuixDeserializerIsAccepted) {
  PipelineSpec p = Base();
  In(p).value_deserializer = {"quix", {}};
  In(p).value_deserializer_extras.split_values = true;  // what "quix" does anyway
  auto plan = Plan::Compile(p);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_TRUE((*plan)->value_deserializer().split_values());
}

TEST(PlanSerde, SplitValuesOnANamedKeyDeserializerIsRejected) {
  PipelineSpec p = Base();
  In(p).key_deserializer = {"quix", {}};  // splits as a value deserializer only
  In(p).key_deserializer_extras.split_values = true;
  EXPECT_EQ(ErrorOf(p), "topic 'in' key deserializer: split_values is only for value deserializers");
}

TEST(PlanSerde, ExtraHeadersOnANamedValueSerializerWithoutHeadersAreRejectedNamingTheStep) {
  PipelineSpec p = Base();
  Out(p).value_serializer_extras.extra_headers = {{"h", "v"}};  // value_serializer "json"
  EXPECT_EQ(ErrorOf(p),
            "step 'to_topic-2': topic 'out' value serializer: extra_headers would be ignored: the sidecar "
            "serializer 'json' adds no headers (extra_headers are for client serializers)");
  Out(p).value_serializer = {"quix_timeseries", {}};  // as_legacy: no headers
  EXPECT_NE(ErrorOf(p).find("the sidecar serializer 'quix_timeseries' adds no headers"), std::string::npos);
}

TEST(PlanSerde, ExtraHeadersOnAQuixSerializerMustBeItsOwn) {
  PipelineSpec p = Base();
  Out(p).value_serializer = {"quix_timeseries", {{"as_legacy", "false"}}};
  Out(p).value_serializer_extras.extra_headers = {{"__Q_ModelKey", "TimeseriesData"}, {"__Q_CodecId", "JT"}};
  auto plan = Plan::Compile(p);
  ASSERT_TRUE(plan.ok()) << plan.status();
  const PlanNode& to_topic = (*plan)->nodes().back();
  ASSERT_EQ(to_topic.kind, PlanNode::Kind::kToTopic);
  ASSERT_EQ(to_topic.output->headers.size(), 2u);  // once, not twice
  EXPECT_EQ(to_topic.output->headers[0].first, "__Q_ModelKey");

  Out(p).value_serializer_extras.extra_headers.emplace_back("mine", std::nullopt);
  EXPECT_EQ(ErrorOf(p),
            "step 'to_topic-2': topic 'out' value serializer: extra_headers would be ignored: the sidecar "
            "serializer 'quix_timeseries' adds exactly its own headers [__Q_ModelKey=TimeseriesData, "
            "__Q_CodecId=JT] (extra_headers are for client serializers)");
}

TEST(PlanSerde, OptionsOnTheWrongNamedRoleAreRejected) {
  PipelineSpec p = Base();
  Out(p).key_serializer_extras.extra_headers = {{"h", std::nullopt}};
  EXPECT_EQ(ErrorOf(p),
            "step 'to_topic-2': topic 'out' key serializer: extra_headers are only for value serializers");
  p = Base();
  Out(p).value_serializer_extras.split_values = true;
  EXPECT_EQ(ErrorOf(p),
            "step 'to_topic-2': topic 'out' value serializer: split_values is only for value deserializers");
  p = Base();
  In(p).value_deserializer_extras.extra_headers = {{"h", "v"}};
  EXPECT_EQ(ErrorOf(p), "topic 'in' value deserializer: extra_headers are only for value serializers");
}

TEST(PlanSerde, OptionsOnNamedRolesThePipelineDoesNotUseAreIgnored) {
  // Like the rest of those roles' specs (and client serializers of the source topic).
  PipelineSpec p = Base();
  In(p).value_serializer_extras.extra_headers = {{"h", "v"}};
  Out(p).value_deserializer_extras.split_values = true;
  auto plan = Plan::Compile(p);
  EXPECT_TRUE(plan.ok()) << plan.status();
}

}  // namespace
}  // namespace sidestream::graph

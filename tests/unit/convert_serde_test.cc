// Registration of (de)serializer specs as the wire carries them: the seed's
// split_values / extra_headers reach the plan, which rejects them when the
// named serializer would ignore them (they used to be dropped during the
// conversion), and keeps accepting what the SDKs send.
#include <gtest/gtest.h>

#include "rpc/convert.h"

namespace sidestream::rpc {
namespace {

// "in" → apply-1 → to_topic-2 ("out"), default serializers.
v1::Pipeline Base() {
  v1::Pipeline p;
  p.set_source_topic("in");
  p.add_topics()->set_name("in");
  p.add_topics()->set_name("out");
  v1::Step* apply = p.add_steps();
  apply->set_id("apply-1");
  apply->set_input("in");
  apply->mutable_apply()->mutable_function()->set_function_id("f");
  v1::Step* to_topic = p.add_steps();
  to_topic->set_id("to_topic-2");
  to_topic->set_input("apply-1");
  to_topic->mutable_to_topic()->set_topic("out");
  return p;
}

absl::Status Register(const v1::Pipeline& p) { return graph::Plan::Compile(FromProto(p)).status(); }

TEST(ConvertSerde, SplitValuesWithANamedDeserializerIsNotDropped) {
  v1::Pipeline p = Base();
  v1::SerdeSpec* vd = p.mutable_topics(0)->mutable_value_deserializer();
  vd->set_name("json");
  vd->set_split_values(true);
  absl::Status st = Register(p);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(),
            "topic 'in' value deserializer: split_values would be ignored: the sidecar deserializer 'json' "
            "does not split values (split_values is for client deserializers)");
}

TEST(ConvertSerde, ExtraHeadersWithANamedSerializerAreNotDropped) {
  v1::Pipeline p = Base();
  v1::SerdeSpec* vs = p.mutable_topics(1)->mutable_value_serializer();
  vs->set_name("string");
  v1::Header* h = vs->add_extra_headers();
  h->set_key("source");
  h->set_value("sidestream");
  absl::Status st = Register(p);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(),
            "step 'to_topic-2': topic 'out' value serializer: extra_headers would be ignored: the sidecar "
            "serializer 'string' adds no headers (extra_headers are for client serializers)");
}

TEST(ConvertSerde, WhatThePythonSdkSendsForTheQuixFormatsIsAccepted) {
  // Named specs carry only a name and options (client-sdk/python _fill_serde).
  v1::Pipeline p = Base();
  p.mutable_topics(0)->mutable_value_deserializer()->set_name("quix");
  v1::SerdeSpec* vs = p.mutable_topics(1)->mutable_value_serializer();
  vs->set_name("quix_events");
  (*vs->mutable_options())["as_legacy"] = "false";
  EXPECT_TRUE(Register(p).ok()) << Register(p);
  // A client that mirrors the seed's properties asks for nothing more.
  p.mutable_topics(0)->mutable_value_deserializer()->set_split_values(true);
  v1::Header* model = vs->add_extra_headers();
  model->set_key("__Q_ModelKey");
  model->set_value("EventData");
  v1::Header* codec = vs->add_extra_headers();
  codec->set_key("__Q_CodecId");
  codec->set_value("JT");
  EXPECT_TRUE(Register(p).ok()) << Register(p);
}

TEST(ConvertSerde, ClientSerdeOptionsStillReachTheClientSerde) {
  v1::Pipeline p = Base();
  v1::SerdeSpec* vd = p.mutable_topics(0)->mutable_value_deserializer();
  vd->mutable_client_function()->set_function_id("in.value_deserializer");
  vd->set_split_values(true);
  v1::SerdeSpec* vs = p.mutable_topics(1)->mutable_value_serializer();
  vs->mutable_client_function()->set_function_id("out.value_serializer");
  vs->add_extra_headers()->set_key("h");
  graph::PipelineSpec spec = FromProto(p);
  EXPECT_TRUE(spec.topics[0].client_value_deserializer->split_values);
  EXPECT_FALSE(spec.topics[0].value_deserializer_extras.split_values);
  EXPECT_EQ(spec.topics[1].client_value_serializer->extra_headers.size(), 1u);
  EXPECT_TRUE(spec.topics[1].value_serializer_extras.extra_headers.empty());
  EXPECT_TRUE(graph::Plan::Compile(spec).ok());
}

}  // namespace
}  // namespace sidestream::rpc

// The packed batch layout (rpc/packed.h): records → columns, client answers
// → outcomes, and strict checks of answers whose columns do not fit.
#include "rpc/packed.h"

#include <gtest/gtest.h>

namespace sidestream::rpc {
namespace {

using runtime::RecordOutcome;

runtime::Record MakeRecord(serde::Payload value, serde::Payload key, int64_t offset) {
  runtime::Record r;
  r.value = std::move(value);
  r.key = std::move(key);
  r.meta.topic = "orders";
  r.meta.partition = 3;
  r.meta.offset = offset;
  r.meta.size = 10;
  r.meta.timestamp_type = 1;
  r.meta.timestamp_ms = 1000 + offset;
  r.state_prefix = r.key.data;
  r.state_epoch = 7;
  return r;
}

std::vector<const runtime::Record*> Ptrs(const std::vector<runtime::Record>& rs) {
  std::vector<const runtime::Record*> out;
  for (const auto& r : rs) out.push_back(&r);
  return out;
}

TEST(PackedTest, ToPackedWritesEveryColumn) {
  std::vector<runtime::Record> rs;
  rs.push_back(MakeRecord(serde::Payload::Json(R"({"a":1})"), serde::Payload::Raw("k0"), 10));
  rs.push_back(MakeRecord(serde::Payload::Raw("\x01\x02"), serde::Payload::Json("\"k1\""), 11));
  rs.push_back(MakeRecord(serde::Payload::Null(), serde::Payload::Null(), 12));
  rs.push_back(MakeRecord(serde::Payload::Json("[1,2]"), serde::Payload::Raw("k3"), 13));
  rs[1].meta.headers.push_back({"h", std::string("v")});
  rs[1].meta.headers.push_back({"n", std::nullopt});
  rs[3].state_replay = true;
  ASSERT_TRUE(CanPack(Ptrs(rs)));

  v1::PackedRecords p;
  ToPacked(Ptrs(rs), /*stateful=*/true, &p);
  EXPECT_EQ(p.topic(), "orders");
  EXPECT_EQ(p.partition(), 3);
  EXPECT_EQ(p.value_kinds(), std::string({v1::PACKED_JSON, v1::PACKED_RAW, v1::PACKED_NULL, v1::PACKED_JSON}));
  EXPECT_EQ(p.json_values(), R"([{"a":1},[1,2]])");
  ASSERT_EQ(p.json_sizes_size(), 2);
  EXPECT_EQ(p.json_sizes(0), 7u);
  EXPECT_EQ(p.json_sizes(1), 5u);
  ASSERT_EQ(p.raw_values_size(), 1);
  EXPECT_EQ(p.raw_values(0), "\x01\x02");
  EXPECT_EQ(p.key_kinds(), std::string({v1::PACKED_RAW, v1::PACKED_JSON, v1::PACKED_NULL, v1::PACKED_RAW}));
  EXPECT_EQ(p.keys(1), "\"k1\"");
  EXPECT_EQ(p.keys(2), "");
  EXPECT_EQ(p.offsets(3), 13);
  EXPECT_EQ(p.timestamps_ms(0), 1010);
  EXPECT_EQ(p.timestamp_types(), std::string(4, '\x01'));
  EXPECT_EQ(std::vector<uint32_t>(p.header_counts().begin(), p.header_counts().end()),
            (std::vector<uint32_t>{0, 2, 0, 0}));
  ASSERT_EQ(p.headers_size(), 2);
  EXPECT_FALSE(p.headers(1).has_value());
  EXPECT_EQ(p.state_prefixes(0), "k0");
  EXPECT_EQ(p.state_replays(), std::string({0, 0, 0, 1}));
  EXPECT_EQ(p.state_epoch(), 7u);
}

TEST(PackedTest, StatelessBatchWithoutHeadersOmitsOptionalColumns) {
  std::vector<runtime::Record> rs;
  rs.push_back(MakeRecord(serde::Payload::Raw("x"), serde::Payload::Null(), 1));
  v1::PackedRecords p;
  ToPacked(Ptrs(rs), /*stateful=*/false, &p);
  EXPECT_EQ(p.json_values(), "");
  EXPECT_EQ(p.header_counts_size(), 0);
  EXPECT_EQ(p.state_prefixes_size(), 0);
  EXPECT_EQ(p.state_replays(), "");
}

TEST(PackedTest, CanPackRefusesMixedPartitionsEpochsAndEmptyBatches) {
  EXPECT_FALSE(CanPack({}));
  std::vector<runtime::Record> rs;
  rs.push_back(MakeRecord(serde::Payload::Null(), serde::Payload::Null(), 1));
  rs.push_back(MakeRecord(serde::Payload::Null(), serde::Payload::Null(), 2));
  rs[1].meta.partition = 4;
  EXPECT_FALSE(CanPack(Ptrs(rs)));
  rs[1].meta.partition = 3;
  rs[1].state_epoch = 8;
  EXPECT_FALSE(CanPack(Ptrs(rs)));
}

// A well-formed answer of six records covering every outcome, keys and state.
v1::PackedResults GoodResults() {
  v1::PackedResults p;
  p.set_outcomes(std::string({v1::PACKED_JSON, v1::PACKED_RAW, v1::PACKED_NULL, v1::PACKED_FILTERED,
                              v1::PACKED_SKIPPED, v1::PACKED_JSON}));
  p.set_json_values(R"({"v":1},"s")");
  p.set_json_values("[" + p.json_values() + "]");
  p.add_json_sizes(7);
  p.add_json_sizes(3);
  p.add_raw_values("raw");
  v1::Error* e = p.add_errors();
  e->set_code(2);
  e->set_message("boom");
  e->set_step_id("apply-1");
  p.set_key_kinds(std::string({v1::PACKED_ABSENT, v1::PACKED_JSON, v1::PACKED_NULL, v1::PACKED_ABSENT,
                               v1::PACKED_ABSENT, v1::PACKED_RAW}));
  p.set_json_keys("[42]");
  p.add_json_key_sizes(2);
  p.add_raw_keys("rk");
  for (uint32_t c : {2u, 0u, 0u, 1u, 0u, 0u}) p.add_state_update_counts(c);
  p.add_state_update_keys("a");
  p.add_state_update_values("1");
  p.add_state_update_keys("b");
  p.add_state_update_values("");
  p.add_state_update_keys("c");
  p.add_state_update_values("3");
  p.add_state_update_deletes(1);
  return p;
}

TEST(PackedTest, FromPackedReadsEveryOutcome) {
  auto out = FromPacked(GoodResults());
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), 6u);
  const auto& o = *out;
  EXPECT_EQ(o[0].kind, RecordOutcome::Kind::kValue);
  EXPECT_EQ(o[0].value, serde::Payload::Json(R"({"v":1})"));
  EXPECT_FALSE(o[0].produce_key.has_value());
  ASSERT_EQ(o[0].state_updates.size(), 2u);
  EXPECT_EQ(o[0].state_updates[0].key, "a");
  EXPECT_EQ(o[0].state_updates[0].value, std::optional<std::string>("1"));
  EXPECT_EQ(o[0].state_updates[1].key, "b");
  EXPECT_FALSE(o[0].state_updates[1].value.has_value());  // a delete
  EXPECT_EQ(o[1].value, serde::Payload::Raw("raw"));
  EXPECT_EQ(o[1].produce_key, std::optional<serde::Payload>(serde::Payload::Json("42")));
  EXPECT_EQ(o[2].kind, RecordOutcome::Kind::kValue);
  EXPECT_TRUE(o[2].value.is_null());
  EXPECT_EQ(o[2].produce_key, std::optional<serde::Payload>(serde::Payload::Null()));
  EXPECT_EQ(o[3].kind, RecordOutcome::Kind::kFiltered);
  ASSERT_EQ(o[3].state_updates.size(), 1u);
  EXPECT_EQ(o[3].state_updates[0].value, std::optional<std::string>("3"));
  EXPECT_EQ(o[4].kind, RecordOutcome::Kind::kSkipped);
  EXPECT_EQ(o[4].error.message, "boom");
  EXPECT_EQ(o[4].error.step_id, "apply-1");
  EXPECT_EQ(o[5].value, serde::Payload::Json("\"s\""));
  EXPECT_EQ(o[5].produce_key, std::optional<serde::Payload>(serde::Payload::Raw("rk")));
}

TEST(PackedTest, FromPackedMinimalAnswer) {
  v1::PackedResults p;
  p.set_outcomes(std::string({v1::PACKED_ERROR, v1::PACKED_ERROR}));
  p.add_errors()->set_message("x");
  p.add_errors()->set_message("x");
  auto out = FromPacked(p);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[1].kind, RecordOutcome::Kind::kError);
  p.set_json_values("[]");  // an empty array is also "no element"
  EXPECT_TRUE(FromPacked(p).ok());
}

// Each corruption of a good answer must be refused with INVALID_ARGUMENT
// naming the column, never read out of bounds.
TEST(PackedTest, FromPackedRefusesColumnsThatDoNotFit) {
  struct Case {
    const char* name;
    void (*corrupt)(v1::PackedResults*);
  };
  const Case cases[] = {
      {"outcomes", [](v1::PackedResults* p) { p->mutable_outcomes()->push_back(9); }},
      {"json_values", [](v1::PackedResults* p) { p->set_json_sizes(0, 8); }},
      {"json_values", [](v1::PackedResults* p) { p->set_json_sizes(1, 100000); }},
      {"json_values", [](v1::PackedResults* p) { p->set_json_sizes(0, 0); }},
      {"json_values", [](v1::PackedResults* p) { p->add_json_sizes(1); }},
      {"json_values", [](v1::PackedResults* p) { p->clear_json_sizes(); }},
      {"json_values", [](v1::PackedResults* p) { p->set_json_values("{" + p->json_values().substr(1)); }},
      {"json_values", [](v1::PackedResults* p) { p->mutable_json_values()->append(" "); }},
      {"json_values", [](v1::PackedResults* p) { p->set_json_values(""); }},
      {"json_values", [](v1::PackedResults* p) { (*p->mutable_outcomes())[1] = v1::PACKED_JSON; }},
      {"raw_values", [](v1::PackedResults* p) { p->add_raw_values("more"); }},
      {"errors", [](v1::PackedResults* p) { p->clear_errors(); }},
      {"key_kinds", [](v1::PackedResults* p) { p->mutable_key_kinds()->pop_back(); }},
      {"key_kinds", [](v1::PackedResults* p) { (*p->mutable_key_kinds())[0] = v1::PACKED_FILTERED; }},
      {"key_kinds", [](v1::PackedResults* p) { p->clear_key_kinds(); }},
      {"json_keys", [](v1::PackedResults* p) { p->set_json_key_sizes(0, 3); }},
      {"raw_keys", [](v1::PackedResults* p) { p->clear_raw_keys(); }},
      {"state_update_counts", [](v1::PackedResults* p) { p->add_state_update_counts(0); }},
      {"state_update_counts", [](v1::PackedResults* p) { p->clear_state_update_counts(); }},
      {"state_update_keys", [](v1::PackedResults* p) { p->set_state_update_counts(0, 5); }},
      {"state_update_keys", [](v1::PackedResults* p) { p->add_state_update_values("x"); }},
      {"state_update_deletes", [](v1::PackedResults* p) { p->add_state_update_deletes(3); }},
      {"state_update_deletes", [](v1::PackedResults* p) { p->add_state_update_deletes(0); }},
  };
  for (const Case& c : cases) {
    v1::PackedResults p = GoodResults();
    c.corrupt(&p);
    auto out = FromPacked(p);
    ASSERT_FALSE(out.ok()) << c.name;
    EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_NE(out.status().message().find(c.name), std::string_view::npos) << c.name << ": " << out.status();
  }
}

TEST(PackedTest, RoundTripThroughAClientThatEchoesValues) {
  // What a client answering "identity" to a packed batch sends back: the same
  // kinds and JSON column; the server reads the same payloads back.
  std::vector<runtime::Record> rs;
  rs.push_back(MakeRecord(serde::Payload::Json(R"({"a":"x,]"})"), serde::Payload::Null(), 1));
  rs.push_back(MakeRecord(serde::Payload::Raw(std::string("\0]", 2)), serde::Payload::Null(), 2));
  rs.push_back(MakeRecord(serde::Payload::Json("NaN"), serde::Payload::Null(), 3));
  v1::PackedRecords in;
  ToPacked(Ptrs(rs), false, &in);
  v1::PackedResults p;
  p.set_outcomes(in.value_kinds());
  p.set_json_values(in.json_values());
  *p.mutable_json_sizes() = in.json_sizes();
  *p.mutable_raw_values() = in.raw_values();
  auto out = FromPacked(p);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), rs.size());
  for (size_t i = 0; i < rs.size(); ++i) EXPECT_EQ((*out)[i].value, rs[i].value) << i;
}

TEST(PackedTest, SplitJsonArray) {
  google::protobuf::RepeatedField<uint32_t> sizes;
  std::vector<std::string_view> parts;
  ASSERT_TRUE(SplitJsonArray("", sizes, &parts).ok());
  EXPECT_TRUE(parts.empty());
  EXPECT_FALSE(SplitJsonArray("[1]", sizes, &parts).ok());
  sizes.Add(1);
  sizes.Add(3);
  ASSERT_TRUE(SplitJsonArray(R"([1,"a"])", sizes, &parts).ok());
  EXPECT_EQ(parts, (std::vector<std::string_view>{"1", R"("a")"}));
  EXPECT_FALSE(SplitJsonArray(R"([1,"a"] )", sizes, &parts).ok());
  EXPECT_FALSE(SplitJsonArray(R"([1,"a")", sizes, &parts).ok());
  EXPECT_FALSE(SplitJsonArray("[", sizes, &parts).ok());
}

}  // namespace
}  // namespace sidestream::rpc

// Golden byte-level tests of the built-in serializers and deserializers.
#include "serde/serde.h"

#include <gtest/gtest.h>

namespace sidestream::serde {
namespace {

std::unique_ptr<Deserializer> D(std::string name, std::map<std::string, std::string> opts = {}) {
  auto d = MakeDeserializer({std::move(name), std::move(opts)});
  EXPECT_TRUE(d.ok()) << d.status();
  return std::move(*d);
}
std::unique_ptr<Serializer> S(std::string name, std::map<std::string, std::string> opts = {}) {
  auto s = MakeSerializer({std::move(name), std::move(opts)});
  EXPECT_TRUE(s.ok()) << s.status();
  return std::move(*s);
}

TEST(JsonDeserializer, KeepsValidJsonBytesAsTheyAre) {
  auto r = D("json")->Deserialize(std::string(R"({"a": 1, "b": [true, null]})"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, PayloadKind::kJson);
  EXPECT_EQ(r->data, R"({"a": 1, "b": [true, null]})");
}

TEST(JsonDeserializer, RejectsTruncatedJsonWithPosition) {
  auto r = D("json")->Deserialize(std::string(R"({"a": 1)"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("invalid JSON"), absl::string_view::npos) << r.status();
}

TEST(JsonDeserializer, RejectsGarbageAndEmpty) {
  EXPECT_FALSE(D("json")->Deserialize(std::string("not json")).ok());
  EXPECT_FALSE(D("json")->Deserialize(std::string("")).ok());
  EXPECT_FALSE(D("json")->Deserialize(std::string("{\"a\":1} trailing")).ok());
}

TEST(JsonDeserializer, NullFieldIsNullPayload) {
  auto r = D("json")->Deserialize(std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->is_null());
}

TEST(JsonDeserializer, ColumnNameWrapsTheValue) {
  auto r = D("json", {{"column_name", "v"}})->Deserialize(std::string("42"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->data, R"({"v":42})");
}

TEST(BytesDeserializer, PassesBytesThrough) {
  std::string raw("\x00\xff\x10", 3);
  auto r = D("bytes")->Deserialize(raw);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, PayloadKind::kRaw);
  EXPECT_EQ(r->data, raw);
}

TEST(StringDeserializer, Utf8BecomesJsonString) {
  auto r = D("string")->Deserialize(std::string("h\xc3\xa9llo \"q\""));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->data, "\"h\xc3\xa9llo \\\"q\\\"\"");
}

TEST(StringDeserializer, RejectsInvalidUtf8) {
  auto r = D("string")->Deserialize(std::string("\xff\xfe"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("utf_8"), absl::string_view::npos);
}

TEST(StringDeserializer, Latin1Codec) {
  auto r = D("string", {{"codec", "latin-1"}})->Deserialize(std::string("caf\xe9"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->data, "\"caf\xc3\xa9\"");
}

TEST(StringDeserializer, UnknownCodecIsRejectedAtCreation) {
  auto d = MakeDeserializer({"string", {{"codec", "klingon"}}});
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("klingon"), absl::string_view::npos);
}

TEST(IntegerDeserializer, BigEndianInt32) {
  auto r = D("integer")->Deserialize(std::string("\xff\xff\xff\xfe", 4));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->data, "-2");
  r = D("integer")->Deserialize(std::string("\x00\x00\x01\x00", 4));
  EXPECT_EQ(r->data, "256");
}

TEST(IntegerDeserializer, WrongWidthIsAnError) {
  auto r = D("integer")->Deserialize(std::string("\x00\x01", 2));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("expected 4 bytes"), absl::string_view::npos);
}

TEST(DoubleDeserializer, BigEndianBinary64) {
  // 1.5 = 0x3FF8000000000000
  auto r = D("double")->Deserialize(std::string("\x3f\xf8\x00\x00\x00\x00\x00\x00", 8));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->data, "1.5");
  // 2.0 stays a float in JSON.
  r = D("double")->Deserialize(std::string("\x40\x00\x00\x00\x00\x00\x00\x00", 8));
  EXPECT_EQ(r->data, "2.0");
  EXPECT_FALSE(D("double")->Deserialize(std::string("\x40\x00", 2)).ok());
}

TEST(JsonSerializer, JsonPassesThroughAndBytesFail) {
  auto s = S("json");
  EXPECT_EQ(*s->Serialize(Payload::Json("{\"a\":1}")).value(), "{\"a\":1}");
  EXPECT_EQ(*s->Serialize(Payload::Null()).value(), "null");
  auto r = s->Serialize(Payload::Raw("x"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not JSON serializable"), absl::string_view::npos);
}

TEST(BytesSerializer, OnlyBytes) {
  auto s = S("bytes");
  EXPECT_EQ(*s->Serialize(Payload::Raw("ab")).value(), "ab");
  EXPECT_FALSE(s->Serialize(Payload::Null()).value().has_value());
  EXPECT_FALSE(s->Serialize(Payload::Json("\"ab\"")).ok());
}

TEST(StringSerializer, EncodesJsonStrings) {
  auto s = S("string");
  EXPECT_EQ(*s->Serialize(Payload::Json("\"user-1\"")).value(), "user-1");
  auto r = s->Serialize(Payload::Json("12"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("expected a string"), absl::string_view::npos);
  EXPECT_EQ(*S("string", {{"codec", "latin_1"}})->Serialize(Payload::Json("\"caf\xc3\xa9\"")).value(),
            "caf\xe9");
  EXPECT_FALSE(S("string", {{"codec", "ascii"}})->Serialize(Payload::Json("\"caf\xc3\xa9\"")).ok());
}

TEST(IntegerSerializer, Int32BigEndianAndRange) {
  auto s = S("integer");
  EXPECT_EQ(*s->Serialize(Payload::Json("-2")).value(), std::string("\xff\xff\xff\xfe", 4));
  EXPECT_FALSE(s->Serialize(Payload::Json("4294967296")).ok());
  EXPECT_FALSE(s->Serialize(Payload::Json("1.5")).ok());
  EXPECT_FALSE(s->Serialize(Payload::Json("\"1\"")).ok());
}

TEST(DoubleSerializer, Binary64RoundTrip) {
  auto s = S("double");
  std::string bytes = *s->Serialize(Payload::Json("1.5")).value();
  EXPECT_EQ(bytes, std::string("\x3f\xf8\x00\x00\x00\x00\x00\x00", 8));
  auto back = D("double")->Deserialize(bytes);
  EXPECT_EQ(back->data, "1.5");
  EXPECT_FALSE(s->Serialize(Payload::Json("\"x\"")).ok());
}

TEST(SerdeFactory, UnknownNamesAndOptionsAreRejected) {
  auto d = MakeDeserializer({"avro", {}});
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("unknown deserializer 'avro'"), absl::string_view::npos);
  auto s = MakeSerializer({"json", {{"indent", "2"}}});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("unknown option 'indent'"), absl::string_view::npos);
}

}  // namespace
}  // namespace sidestream::serde

namespace sidestream::serde {
namespace {

// simdjson refuses integers beyond 64 bits; Python (and we) accept them.
TEST(JsonDeserializer, IntegersBeyond64BitsAreValidJson) {
  auto r = D("json")->Deserialize(std::string("{\"big\": 123456789012345678901234567890}"));
  ASSERT_TRUE(r.ok()) << r.status();
}

TEST(JsonDeserializer, InvalidUtf8InsideStringsIsRejected) {
  auto r = D("json")->Deserialize(std::string("\"\xff\""));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("invalid JSON"), absl::string_view::npos);
}

}  // namespace
}  // namespace sidestream::serde

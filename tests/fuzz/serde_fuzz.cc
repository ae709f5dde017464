// libFuzzer target for the deserializers (serde/serde.h), above all "quix",
// which parses untrusted headers, JSON, base64 and gzip.
//
// Input layout: byte 0 picks the headers (model key: bits 0-2, codec: bits
// 3-4) and whether rows are wrapped in a column (bit 5); the rest is the
// message value. Every deserializer must return a value or an error, never
// crash. Invariants checked for "quix": every row is JSON that the seed's
// orjson would read; a row that quix_timeseries writes reads back as one row
// that writes back to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "serde/orjson_text.h"
#include "serde/serde.h"

namespace {

using sidestream::serde::Deserializer;
using sidestream::serde::HeaderRef;
using sidestream::serde::MakeDeserializer;
using sidestream::serde::MakeSerializer;
using sidestream::serde::Payload;
using sidestream::serde::PayloadKind;
using sidestream::serde::Serializer;

struct Serdes {
  std::vector<std::unique_ptr<Deserializer>> plain;
  std::unique_ptr<Deserializer> quix, quix_column;
  std::unique_ptr<Serializer> timeseries, events, timeseries_legacy;
};

std::unique_ptr<Deserializer> De(const std::string& name, const std::string& column = "") {
  sidestream::serde::SerdeSpec spec{name, {}};
  if (!column.empty()) spec.options["column_name"] = column;
  auto d = MakeDeserializer(spec);
  if (!d.ok()) std::abort();
  return std::move(*d);
}

std::unique_ptr<Serializer> Ser(const std::string& name, const char* legacy) {
  auto s = MakeSerializer({name, {{"as_legacy", legacy}}});
  if (!s.ok()) std::abort();
  return std::move(*s);
}

const Serdes& Get() {
  static const Serdes* s = [] {
    auto* x = new Serdes;
    for (const char* n : {"json", "bytes", "string", "integer", "double"})
      x->plain.push_back(De(n));
    x->quix = De("quix");
    x->quix_column = De("quix", "col");
    x->timeseries = Ser("quix_timeseries", "false");
    x->events = Ser("quix_events", "false");
    x->timeseries_legacy = Ser("quix_timeseries", "true");
    return x;
  }();
  return *s;
}

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Serdes& s = Get();
  const uint8_t sel = data[0];
  absl::string_view value(reinterpret_cast<const char*>(data) + 1, size - 1);

  for (const auto& d : s.plain) (void)d->Deserialize(value);

  static constexpr const char* kModels[] = {
      "TimeseriesData",   "ParameterData", "EventData", "EventData[]",
      "StreamProperties", "Bogus",         "",          nullptr};
  static constexpr const char* kCodecs[] = {"JT", "J", "[GZIP]JT", nullptr};
  std::vector<HeaderRef> headers;
  if (const char* m = kModels[sel & 7]) headers.push_back({"__Q_ModelKey", absl::string_view(m)});
  if (const char* c = kCodecs[(sel >> 3) & 3])
    headers.push_back({"__Q_CodecId", absl::string_view(c)});
  const Deserializer& quix = (sel & 0x20) ? *s.quix_column : *s.quix;
  auto rows = quix.DeserializeMany(value, headers);
  (void)quix.Deserialize(value);
  if (!rows.ok()) return 0;

  const std::vector<HeaderRef> ts_headers = {{"__Q_ModelKey", "TimeseriesData"},
                                             {"__Q_CodecId", "JT"}};
  for (const Payload& row : *rows) {
    Check(row.kind == PayloadKind::kJson);
    Check(sidestream::serde::ParseLikeOrjson(row.data).ok());
    (void)s.events->Serialize(row);
    (void)s.timeseries_legacy->Serialize(row);
    auto written = s.timeseries->Serialize(row);
    if (!written.ok()) continue;
    auto again = s.quix->DeserializeMany(**written, ts_headers);
    Check(again.ok());
    if (again->size() != 1) continue;  // a row without parameters writes no timestamp
    auto rewritten = s.timeseries->Serialize(again->front());
    Check(rewritten.ok() && **rewritten == **written);
  }
  return 0;
}

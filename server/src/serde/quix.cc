#include "serde/quix.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "serde/base64_py.h"
#include "serde/orjson_text.h"
#include "serde/utf8.h"
#include "zlib.h"

namespace sidestream::serde {
namespace {

// Header names, model keys and codec ids of the Quix SDK protocol.
constexpr absl::string_view kModelKeyHeader = "__Q_ModelKey";
constexpr absl::string_view kCodecHeader = "__Q_CodecId";
constexpr absl::string_view kSplitHeader = "__Q_SplitMessageId";
constexpr absl::string_view kGzipPrefix = "[GZIP]";
constexpr absl::string_view kTimeseries = "TimeseriesData";
constexpr absl::string_view kParameterData = "ParameterData";
constexpr absl::string_view kEventData = "EventData";
constexpr absl::string_view kEventDataList = "EventData[]";
constexpr absl::string_view kJsonTyped = "JT";
constexpr const char* kTimestamp = "Timestamp";
// Models that carry no rows: the seed raises IgnoreMessage for them.
constexpr absl::string_view kIgnoredModels[] = {"StreamProperties", "StreamEnd",
                                                "ParameterDefinitions", "EventDefinitions"};
// A decompressed message larger than this is refused rather than inflated
// without bound (the seed has no limit).
constexpr size_t kMaxInflatedBytes = size_t{64} << 20;

absl::Status DeError(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("quix deserializer: ", what));
}

// The Python type name a value would have after orjson.loads, for messages
// that match the seed's.
absl::string_view PyType(const OrderedJson& v) {
  switch (v.type()) {
    case OrderedJson::value_t::object:
      return "dict";
    case OrderedJson::value_t::array:
      return "list";
    case OrderedJson::value_t::string:
      return "str";
    case OrderedJson::value_t::boolean:
      return "bool";
    case OrderedJson::value_t::number_float:
      return "float";
    case OrderedJson::value_t::number_integer:
    case OrderedJson::value_t::number_unsigned:
      return "int";
    default:
      return "NoneType";
  }
}

// Python truthiness of a JSON value (for `x or {}`).
bool Truthy(const OrderedJson& v) {
  switch (v.type()) {
    case OrderedJson::value_t::null:
      return false;
    case OrderedJson::value_t::boolean:
      return v.get<bool>();
    case OrderedJson::value_t::number_integer:
      return v.get<int64_t>() != 0;
    case OrderedJson::value_t::number_unsigned:
      return v.get<uint64_t>() != 0;
    case OrderedJson::value_t::number_float:
      return v.get<double>() != 0;
    case OrderedJson::value_t::string:
      return !v.get_ref<const std::string&>().empty();
    default:
      return !v.empty();
  }
}

// gzip.decompress: one or more members, zero padding between/after them.
absl::StatusOr<std::string> Gunzip(absl::string_view in) {
  std::string out;
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return DeError("cannot initialize zlib");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  char buf[16384];
  absl::Status status;
  while (true) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    int rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
    if (out.size() > kMaxInflatedBytes) {
      status = DeError(absl::StrCat("gzip value inflates beyond ", kMaxInflatedBytes, " bytes"));
      break;
    }
    if (rc == Z_STREAM_END) {
      while (zs.avail_in > 0 && *zs.next_in == 0) {
        ++zs.next_in;
        --zs.avail_in;
      }
      if (zs.avail_in == 0) break;
      inflateReset(&zs);
      continue;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      status = DeError("gzip value is truncated");
      break;
    }
    if (rc != Z_OK) {
      status = DeError(absl::StrCat("gzip value is corrupt: ", zs.msg ? zs.msg : "inflate failed"));
      break;
    }
  }
  inflateEnd(&zs);
  if (!status.ok()) return status;
  return out;
}

// The message value and its protocol headers, whichever way they came.
struct QuixEnvelope {
  std::string codec;
  std::string model;
  std::optional<OrderedJson> legacy_value;  // the parsed "V" of a legacy envelope
};

absl::Status ReadLegacyEnvelope(absl::string_view bytes, QuixEnvelope& env) {
  absl::StatusOr<OrderedJson> doc = ParseLikeOrjson(bytes);
  if (!doc.ok()) return DeError(absl::StrCat("legacy message: ", doc.status().message()));
  // Python's dict.pop: each field is required.
  for (const char* field : {"C", "K", "V"}) {
    if (!doc->contains(field))
      return DeError(absl::StrCat("legacy message has no \"", field, "\" field"));
  }
  for (auto [field, target] :
       {std::pair<const char*, std::string*>{"C", &env.codec}, {"K", &env.model}}) {
    const OrderedJson& v = (*doc)[field];
    if (v.is_string()) {
      *target = v.get<std::string>();
    } else if (Truthy(v)) {
      return DeError(absl::StrCat("legacy \"", field, "\" must be a str, got ", PyType(v)));
    }
  }
  env.legacy_value = std::move((*doc)["V"]);
  return absl::OkStatus();
}

absl::Status ReadHeaders(absl::Span<const HeaderRef> headers, QuixEnvelope& env) {
  // The seed decodes every header as UTF-8 into a dict (the last of a
  // repeated key wins), so a header it cannot decode fails the message too.
  bool split = false;
  for (const HeaderRef& h : headers) {
    if (!h.value) return DeError(absl::StrCat("header \"", h.key, "\" has no value"));
    if (!ValidUtf8(*h.value))
      return DeError(absl::StrCat("header \"", h.key, "\" is not valid UTF-8"));
    if (h.key == kCodecHeader) env.codec = std::string(*h.value);
    if (h.key == kModelKeyHeader) env.model = std::string(*h.value);
    if (h.key == kSplitHeader) split = true;
  }
  if (split) {
    return DeError(absl::StrCat("Detected \"", kSplitHeader,
                                "\" header but message splitting is not supported"));
  }
  return absl::OkStatus();
}

class QuixDeserializer final : public Deserializer {
 public:
  explicit QuixDeserializer(std::string column_name) : column_name_(std::move(column_name)) {}

  bool split_values() const override { return true; }

  // Without headers only a legacy envelope can be read; one row is required.
  absl::StatusOr<Payload> Deserialize(std::optional<absl::string_view> bytes) const override {
    absl::StatusOr<std::vector<Payload>> rows = DeserializeMany(bytes, {});
    if (!rows.ok()) return rows.status();
    if (rows->size() != 1) {
      return DeError(absl::StrCat("message holds ", rows->size(),
                                  " rows; only a split-aware caller can take it"));
    }
    return std::move(rows->front());
  }

  absl::StatusOr<std::vector<Payload>> DeserializeMany(
      std::optional<absl::string_view> bytes, absl::Span<const HeaderRef> headers) const override {
    QuixEnvelope env;
    if (bytes && absl::StartsWith(*bytes, "<")) {
      return DeError(
          "Message splitting was detected in a legacy-formatted message; it is not supported");
    }
    const bool legacy =
        bytes && absl::StartsWith(*bytes, "{\"C\":") && absl::StrContains(*bytes, "\"K\":");
    if (legacy) {
      if (absl::Status s = ReadLegacyEnvelope(*bytes, env); !s.ok()) return s;
    } else if (absl::Status s = ReadHeaders(headers, env); !s.ok()) {
      return s;
    }
    if (env.codec.empty())
      return DeError(absl::StrCat("\"", kCodecHeader, "\" header is missing or empty"));
    if (env.model.empty())
      return DeError(absl::StrCat("\"", kModelKeyHeader, "\" header is missing or empty"));
    for (absl::string_view ignored : kIgnoredModels) {
      if (env.model == ignored) return std::vector<Payload>{};  // IgnoreMessage
    }
    std::string inflated;
    absl::string_view body = bytes.value_or(absl::string_view());
    if (absl::StartsWith(env.codec, kGzipPrefix)) {
      env.codec.erase(0, kGzipPrefix.size());
      if (legacy) return DeError("a compressed legacy message is not supported");
      if (!bytes) return DeError("message value is null");
      absl::StatusOr<std::string> out = Gunzip(*bytes);
      if (!out.ok()) return out.status();
      inflated = std::move(*out);
      body = inflated;
    }
    if (env.codec != "J" && env.codec != kJsonTyped) {
      return DeError(absl::StrCat("Unsupported \"", kCodecHeader, "\" value \"", env.codec, "\""));
    }
    const bool known = env.model == kTimeseries || env.model == kParameterData ||
                       env.model == kEventData || env.model == kEventDataList;
    if (!known) {
      return DeError(
          absl::StrCat("Unsupported \"", kModelKeyHeader, "\" value \"", env.model, "\""));
    }
    OrderedJson value;
    if (legacy) {
      value = std::move(*env.legacy_value);
    } else {
      if (!bytes) return DeError("message value is null");
      absl::StatusOr<OrderedJson> doc = ParseLikeOrjson(body);
      if (!doc.ok()) return DeError(doc.status().message());
      value = std::move(*doc);
    }
    std::vector<Payload> rows;
    absl::Status s;
    if (env.model == kTimeseries || env.model == kParameterData) {
      s = Timeseries(value, rows);
    } else if (env.model == kEventData) {
      s = Event(value, rows);
    } else {
      s = EventList(value, rows);
    }
    if (!s.ok()) return s;
    return rows;
  }

 private:
  void Emit(OrderedJson row, std::vector<Payload>& rows) const {
    if (!column_name_.empty()) {
      OrderedJson wrapped = OrderedJson::object();
      wrapped[column_name_] = std::move(row);
      row = std::move(wrapped);
    }
    rows.push_back(Payload::Json(DumpLikeOrjson(row)));
  }

  // TimeseriesData / ParameterData: {"Timestamps": [...], "NumericValues":
  // {name: [...]}, "StringValues": ..., "BinaryValues": ..., "TagValues": ...}
  // → one row per timestamp.
  absl::Status Timeseries(const OrderedJson& value, std::vector<Payload>& rows) const {
    if (!value.is_object())
      return DeError(absl::StrCat("Expected mapping, got type \"", PyType(value), "\""));
    struct Column {
      std::string name;
      const OrderedJson* values;
      bool binary;
    };
    std::vector<Column> params;  // in the seed's dict order
    std::map<std::string, size_t> index;
    for (const char* type : {"NumericValues", "StringValues", "BinaryValues"}) {
      auto it = value.find(type);
      if (it == value.end()) continue;
      if (!it->is_object())
        return DeError(absl::StrCat("\"", type, "\" must be a mapping, got ", PyType(*it)));
      for (const auto& item : it->items()) {
        if (item.key() == kTimestamp) {
          return DeError(absl::StrCat(
              "There is a competing 'Timestamp' field name present at ", type,
              ".Timestamp: you must rename your field or specify a field to use for the "
              "'Timestamps' parameter."));
        }
        if (!item.value().is_array()) {
          return DeError(
              absl::StrCat(type, ".", item.key(), " must be a list, got ", PyType(item.value())));
        }
        Column col{item.key(), &item.value(), absl::string_view(type) == "BinaryValues"};
        // A name repeated across types keeps its first place and takes the
        // later list, as a Python dict comprehension does.
        auto [pos, fresh] = index.emplace(item.key(), params.size());
        if (fresh) {
          params.push_back(std::move(col));
        } else {
          params[pos->second] = std::move(col);
        }
      }
    }
    std::vector<Column> tags;
    if (auto it = value.find("TagValues"); it != value.end()) {
      if (!it->is_object())
        return DeError(absl::StrCat("\"TagValues\" must be a mapping, got ", PyType(*it)));
      for (const auto& item : it->items()) {
        if (!item.value().is_array()) {
          return DeError(absl::StrCat("TagValues.", item.key(), " must be a list, got ",
                                      PyType(item.value())));
        }
        tags.push_back(Column{item.key(), &item.value(), false});
      }
    }
    auto ts = value.find("Timestamps");
    if (ts == value.end()) return DeError("missing required field \"Timestamps\"");
    if (!ts->is_array())
      return DeError(absl::StrCat("\"Timestamps\" must be a list, got ", PyType(*ts)));

    std::vector<Payload> out;
    out.reserve(ts->size());
    for (size_t i = 0; i < ts->size(); ++i) {
      OrderedJson row = OrderedJson::object();
      for (const Column& p : params) {
        if (i >= p.values->size()) {
          return DeError(absl::StrCat("parameter \"", p.name, "\" has ", p.values->size(),
                                      " values for ", ts->size(), " timestamps"));
        }
        const OrderedJson& v = (*p.values)[i];
        if (p.binary && !v.is_null()) {
          if (!v.is_string()) {
            return DeError(absl::StrCat("BinaryValues.", p.name, "[", i,
                                        "]: expected a base64 str, got ", PyType(v)));
          }
          absl::StatusOr<std::string> raw = Base64DecodeLikePython(v.get_ref<const std::string&>());
          if (!raw.ok()) {
            return DeError(
                absl::StrCat("BinaryValues.", p.name, "[", i, "]: ", raw.status().message()));
          }
          row[p.name] = Base64Encode(*raw);  // see the header: bytes cannot sit inside JSON
        } else {
          row[p.name] = v;
        }
      }
      OrderedJson tag_row = OrderedJson::object();
      for (const Column& t : tags) {
        if (i >= t.values->size()) {
          return DeError(absl::StrCat("tag \"", t.name, "\" has ", t.values->size(), " values for ",
                                      ts->size(), " timestamps"));
        }
        tag_row[t.name] = (*t.values)[i];
      }
      row["Tags"] = std::move(tag_row);
      row[kTimestamp] = (*ts)[i];
      Emit(std::move(row), out);
    }
    for (Payload& p : out) rows.push_back(std::move(p));
    return absl::OkStatus();
  }

  // EventData: {"Timestamp", "Id", "Value", "Tags"?} → one row.
  absl::Status Event(const OrderedJson& value, std::vector<Payload>& rows) const {
    if (!value.is_object())
      return DeError(absl::StrCat("Expected mapping, got type \"", PyType(value), "\""));
    OrderedJson row = OrderedJson::object();
    for (const char* field : {kTimestamp, "Id", "Value"}) {
      auto it = value.find(field);
      if (it == value.end()) return DeError(absl::StrCat("EventData has no \"", field, "\" field"));
      row[field] = *it;
    }
    auto tags = value.find("Tags");
    row["Tags"] = tags == value.end() ? OrderedJson::object() : *tags;
    Emit(std::move(row), rows);
    return absl::OkStatus();
  }

  // EventData[]: a list of EventData → one row each.
  absl::Status EventList(const OrderedJson& value, std::vector<Payload>& rows) const {
    // Python iterates whatever it gets: an empty str or dict yields nothing,
    // a non-empty one yields items that are not mappings.
    if (value.is_object() || value.is_string()) {
      bool empty = value.is_object() ? value.empty() : value.get_ref<const std::string&>().empty();
      if (empty) return absl::OkStatus();
      return DeError("Expected mapping, got type \"str\"");
    }
    if (!value.is_array())
      return DeError(absl::StrCat("EventData[] must be a list, got ", PyType(value)));
    std::vector<Payload> out;
    for (const OrderedJson& item : value) {
      if (absl::Status s = Event(item, out); !s.ok()) return s;
    }
    for (Payload& p : out) rows.push_back(std::move(p));
    return absl::OkStatus();
  }

  std::string column_name_;  // empty = no wrapping (the seed tests truthiness)
};

absl::Status SerError(absl::string_view name, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(name, " serializer: ", what));
}

// The row dict a Quix serializer writes.
absl::StatusOr<OrderedJson> RowOf(absl::string_view name, const Payload& v) {
  if (v.kind == PayloadKind::kNull) return SerError(name, "Expected Mapping, got NoneType");
  if (v.kind == PayloadKind::kRaw) return SerError(name, "Expected Mapping, got bytes");
  absl::StatusOr<OrderedJson> doc = ParseLikeOrjson(v.data);
  if (!doc.ok()) return SerError(name, doc.status().message());
  if (!doc->is_object())
    return SerError(name, absl::StrCat("Expected Mapping, got ", PyType(*doc)));
  return doc;
}

// The seed's QuixSerializer: JSON text, optionally in the legacy envelope
// {"C":<codec>,"K":<model>,"V":<value>,"S":<start>,"E":<end>} where S and E
// are the byte offsets of the value in the message.
class QuixSerializerBase : public Serializer {
 public:
  QuixSerializerBase(bool legacy, absl::string_view model, absl::string_view legacy_model)
      : legacy_(legacy), model_(model), legacy_model_(legacy_model) {}

  std::vector<std::pair<std::string, std::string>> ExtraHeaders() const override {
    if (legacy_) return {};  // legacy messages carry no headers
    return {{std::string(kModelKeyHeader), model_},
            {std::string(kCodecHeader), std::string(kJsonTyped)}};
  }

 protected:
  std::string Frame(std::string body) const {
    if (!legacy_) return body;
    std::string out =
        absl::StrCat("{\"C\":\"", kJsonTyped, "\",\"K\":\"", legacy_model_, "\",\"V\":");
    size_t start = out.size();
    absl::StrAppend(&out, body, ",\"S\":", start, ",\"E\":", start + body.size(), "}");
    return out;
  }

 private:
  bool legacy_;
  std::string model_;
  std::string legacy_model_;
};

class QuixTimeseriesSerializer final : public QuixSerializerBase {
 public:
  explicit QuixTimeseriesSerializer(bool legacy)
      : QuixSerializerBase(legacy, kTimeseries, kParameterData) {}

  // {"a": 1, "c": "x", "Tags": {"t": "v"}, "Timestamp": ns} →
  // {"BinaryValues":{},"StringValues":{"c":["x"]},"NumericValues":{"a":[1]},
  //  "Timestamps":[ns],"TagValues":{"t":["v"]}}
  absl::StatusOr<std::optional<std::string>> Serialize(const Payload& v) const override {
    static constexpr absl::string_view kName = "quix_timeseries";
    absl::StatusOr<OrderedJson> row = RowOf(kName, v);
    if (!row.ok()) return row.status();
    OrderedJson result = OrderedJson::object();
    result["BinaryValues"] = OrderedJson::object();
    result["StringValues"] = OrderedJson::object();
    result["NumericValues"] = OrderedJson::object();
    result["Timestamps"] = OrderedJson::array();
    result["TagValues"] = OrderedJson::object();
    bool empty = true;
    for (const auto& item : row->items()) {
      const OrderedJson& x = item.value();
      // None has no type to file it under; the timestamp is added last.
      if (x.is_null() || item.key() == kTimestamp) continue;
      if (item.key() == "Tags") {
        if (!x.is_object()) {
          return SerError(kName,
                          absl::StrCat("\"Tags\" must be a Mapping, got type \"", PyType(x), "\""));
        }
        for (const auto& tag : x.items()) {
          result["TagValues"][tag.key()] = OrderedJson::array({tag.value()});
        }
        continue;
      }
      const char* type = x.is_number() ? "NumericValues" : x.is_string() ? "StringValues" : nullptr;
      if (type == nullptr) {
        return SerError(kName, absl::StrCat("Item with key \"", item.key(),
                                            "\" has unsupported type \"", PyType(x), "\""));
      }
      result[type][item.key()] = OrderedJson::array({x});
      empty = false;
    }
    // A timestamp only goes with at least one parameter.
    if (!empty) {
      auto ts = row->find(kTimestamp);
      if (ts == row->end()) return SerError(kName, "Missing required Quix field: 'Timestamp'");
      result["Timestamps"].push_back(*ts);
    }
    return std::optional<std::string>(Frame(DumpLikeOrjson(result)));
  }
};

class QuixEventsSerializer final : public QuixSerializerBase {
 public:
  explicit QuixEventsSerializer(bool legacy) : QuixSerializerBase(legacy, kEventData, kEventData) {}

  // {"Id": str = "", "Value": str = "", "Tags": dict = {}, "Timestamp": ns}
  // → {"Id":..,"Value":..,"Tags":..,"Timestamp":..}; other fields are dropped.
  absl::StatusOr<std::optional<std::string>> Serialize(const Payload& v) const override {
    static constexpr absl::string_view kName = "quix_events";
    absl::StatusOr<OrderedJson> row = RowOf(kName, v);
    if (!row.ok()) return row.status();
    OrderedJson result = OrderedJson::object();
    auto value = row->find("Value");
    OrderedJson event_value = value == row->end() ? OrderedJson("") : *value;
    if (!event_value.is_string()) {
      return SerError(kName, absl::StrCat("Field \"Value\" is expected to be of type \"str\", got ",
                                          PyType(event_value)));
    }
    auto id = row->find("Id");
    OrderedJson event_id = id == row->end() ? OrderedJson("") : *id;
    if (!event_id.is_string()) {
      return SerError(kName, absl::StrCat("Field \"Id\" is expected to be of type \"str\", got ",
                                          PyType(event_id)));
    }
    auto tags_it = row->find("Tags");
    // `value.get("Tags") or {}`: any falsy value stands for no tags.
    OrderedJson tags =
        tags_it == row->end() || !Truthy(*tags_it) ? OrderedJson::object() : *tags_it;
    if (!tags.is_object()) {
      return SerError(kName, absl::StrCat("Field \"Tags\" is expected to be of type \"dict\", got ",
                                          PyType(tags)));
    }
    result["Id"] = std::move(event_id);
    result["Value"] = std::move(event_value);
    result["Tags"] = std::move(tags);
    auto ts = row->find(kTimestamp);
    if (ts == row->end()) return SerError(kName, "Missing required Quix field: 'Timestamp'");
    result[kTimestamp] = *ts;
    return std::optional<std::string>(Frame(DumpLikeOrjson(result)));
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<Deserializer>> MakeQuixDeserializer(const SerdeSpec& spec) {
  auto it = spec.options.find("column_name");
  return std::make_unique<QuixDeserializer>(it == spec.options.end() ? std::string() : it->second);
}

absl::StatusOr<std::unique_ptr<Serializer>> MakeQuixSerializer(const SerdeSpec& spec) {
  bool legacy = true;  // the seed's default
  if (auto it = spec.options.find("as_legacy"); it != spec.options.end()) {
    if (it->second == "true" || it->second == "True" || it->second == "1") {
      legacy = true;
    } else if (it->second == "false" || it->second == "False" || it->second == "0") {
      legacy = false;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("serializer '", spec.name,
                       "': option as_legacy must be true or false, got '", it->second, "'"));
    }
  }
  if (spec.name == "quix_events") return std::make_unique<QuixEventsSerializer>(legacy);
  return std::make_unique<QuixTimeseriesSerializer>(legacy);
}

}  // namespace sidestream::serde

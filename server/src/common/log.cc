#include "common/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sidestream::common {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<int> g_format{static_cast<int>(LogFormat::kText)};
std::mutex g_write_mu;

absl::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
    case LogLevel::kOff: return "off";
  }
  return "info";
}

bool NeedsQuotes(absl::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}

void AppendEscaped(std::string& out, absl::string_view v) {
  for (char c : v) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrFormat("\\u%04x", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
}

}  // namespace

void SetLogLevel(LogLevel level) { g_level.store(static_cast<int>(level)); }
void SetLogFormat(LogFormat format) { g_format.store(static_cast<int>(format)); }
namespace {
thread_local int t_level = -1;  // this thread's override; -1: none
}  // namespace

bool LogEnabled(LogLevel level) {
  const int min = t_level >= 0 ? t_level : g_level.load(std::memory_order_relaxed);
  return static_cast<int>(level) >= min && level != LogLevel::kOff;
}

ScopedThreadLogLevel::ScopedThreadLogLevel(std::optional<LogLevel> level) : previous_(t_level) {
  if (level) t_level = static_cast<int>(*level);
}

ScopedThreadLogLevel::~ScopedThreadLogLevel() { t_level = previous_; }

absl::StatusOr<std::optional<LogLevel>> ParseAppLogLevel(absl::string_view text) {
  std::string t = absl::AsciiStrToUpper(text);
  if (t.empty() || t == "NOTSET") return std::optional<LogLevel>();
  if (t == "DEBUG") return std::optional<LogLevel>(LogLevel::kDebug);
  if (t == "INFO") return std::optional<LogLevel>(LogLevel::kInfo);
  if (t == "WARNING" || t == "WARN") return std::optional<LogLevel>(LogLevel::kWarning);
  if (t == "ERROR" || t == "CRITICAL" || t == "FATAL") return std::optional<LogLevel>(LogLevel::kError);
  return absl::InvalidArgumentError(absl::StrCat(
      "loglevel: '", text, "' is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL, NOTSET"));
}

absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view text) {
  std::string t = absl::AsciiStrToLower(text);
  if (t == "debug" || t == "trace") return LogLevel::kDebug;
  if (t == "info") return LogLevel::kInfo;
  if (t == "warning" || t == "warn") return LogLevel::kWarning;
  if (t == "error" || t == "critical") return LogLevel::kError;
  if (t == "off" || t == "none") return LogLevel::kOff;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown log level '", text, "' (expected debug, info, warning, error, off)"));
}

absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view text) {
  std::string t = absl::AsciiStrToLower(text);
  if (t == "text") return LogFormat::kText;
  if (t == "json") return LogFormat::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown log format '", text, "' (expected text or json)"));
}

LogLine::LogLine(LogLevel level, absl::string_view event)
    : format_(static_cast<LogFormat>(g_format.load(std::memory_order_relaxed))) {
  std::string ts = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  if (format_ == LogFormat::kJson) {
    line_ = absl::StrCat("{\"ts\":\"", ts, "\",\"level\":\"", LevelName(level), "\",\"event\":\"");
    AppendEscaped(line_, event);
    line_ += '"';
  } else {
    line_ = absl::StrCat("ts=", ts, " level=", LevelName(level), " event=", event);
  }
}

LogLine::~LogLine() {
  if (format_ == LogFormat::kJson) line_ += '}';
  line_ += '\n';
  std::lock_guard<std::mutex> lock(g_write_mu);
  std::fwrite(line_.data(), 1, line_.size(), stderr);
  std::fflush(stderr);
}

void LogLine::AppendKey(absl::string_view key) {
  if (format_ == LogFormat::kJson) {
    line_ += ",\"";
    AppendEscaped(line_, key);
    line_ += "\":";
  } else {
    line_ += ' ';
    line_.append(key.data(), key.size());
    line_ += '=';
  }
}

void LogLine::AppendRaw(absl::string_view value) { line_.append(value.data(), value.size()); }

void LogLine::AppendString(absl::string_view value) {
  if (format_ == LogFormat::kJson || NeedsQuotes(value)) {
    line_ += '"';
    AppendEscaped(line_, value);
    line_ += '"';
  } else {
    line_.append(value.data(), value.size());
  }
}

LogLine& LogLine::Kv(absl::string_view key, absl::string_view value) {
  AppendKey(key);
  AppendString(value);
  return *this;
}
LogLine& LogLine::Kv(absl::string_view key, int64_t value) {
  AppendKey(key);
  AppendRaw(absl::StrCat(value));
  return *this;
}
LogLine& LogLine::Kv(absl::string_view key, uint64_t value) {
  AppendKey(key);
  AppendRaw(absl::StrCat(value));
  return *this;
}
LogLine& LogLine::Kv(absl::string_view key, double value) {
  AppendKey(key);
  AppendRaw(absl::StrFormat("%.6g", value));
  return *this;
}
LogLine& LogLine::Kv(absl::string_view key, bool value) {
  AppendKey(key);
  AppendRaw(value ? "true" : "false");
  return *this;
}

}  // namespace sidestream::common

// Structured, quiet-by-default logging: one line per event, either
// `key=value` text or one JSON object per line (`--log-format`).
//
//   SS_LOG(kInfo, "pipeline.started").Kv("group", group).Kv("topic", topic);
//
// Thread-safe: lines from different threads never interleave. The level and
// format are process-wide and may be changed at any time; a thread may
// override the level for its own lines (ScopedThreadLogLevel: a pipeline's
// threads follow the application's `loglevel`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace sidestream::common {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kOff = 4 };
enum class LogFormat { kText, kJson };

// Sets the minimum level that is written. Default: kInfo.
void SetLogLevel(LogLevel level);
// Sets the line format. Default: kText.
void SetLogFormat(LogFormat format);
// True when lines of `level` are written (on this thread).
bool LogEnabled(LogLevel level);
// Parses a Python logging level name as the SDKs send it (AppConfig.loglevel):
// DEBUG, INFO, WARNING/WARN, ERROR, CRITICAL/FATAL (→ kError), any case.
// Empty or NOTSET → nullopt (no override).
absl::StatusOr<std::optional<LogLevel>> ParseAppLogLevel(absl::string_view text);

// While alive, lines written by this thread use `level` (when set) instead
// of the process-wide level. Nests; restores the previous override.
class ScopedThreadLogLevel {
 public:
  explicit ScopedThreadLogLevel(std::optional<LogLevel> level);
  ~ScopedThreadLogLevel();
  ScopedThreadLogLevel(const ScopedThreadLogLevel&) = delete;
  ScopedThreadLogLevel& operator=(const ScopedThreadLogLevel&) = delete;

 private:
  int previous_;
};
// Parses "debug", "info", "warning"/"warn", "error", "off" (any case).
absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view text);
// Parses "text" or "json".
absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view text);

// One log line under construction; written to stderr when destroyed.
class LogLine {
 public:
  LogLine(LogLevel level, absl::string_view event);
  ~LogLine();
  LogLine(const LogLine&) = delete;
  LogLine& operator=(const LogLine&) = delete;

  LogLine& Kv(absl::string_view key, absl::string_view value);
  LogLine& Kv(absl::string_view key, const std::string& value) {
    return Kv(key, absl::string_view(value));
  }
  LogLine& Kv(absl::string_view key, const char* value) {
    return Kv(key, absl::string_view(value));
  }
  LogLine& Kv(absl::string_view key, int64_t value);
  LogLine& Kv(absl::string_view key, int value) { return Kv(key, int64_t{value}); }
  LogLine& Kv(absl::string_view key, uint64_t value);
  LogLine& Kv(absl::string_view key, uint32_t value) { return Kv(key, uint64_t{value}); }
  LogLine& Kv(absl::string_view key, double value);
  LogLine& Kv(absl::string_view key, bool value);

 private:
  void AppendKey(absl::string_view key);
  void AppendRaw(absl::string_view value);
  void AppendString(absl::string_view value);

  LogFormat format_;
  std::string line_;
};

}  // namespace sidestream::common

#define SS_LOG(level, event)                                              \
  if (!::sidestream::common::LogEnabled(::sidestream::common::LogLevel::level)) { \
  } else                                                                  \
    ::sidestream::common::LogLine(::sidestream::common::LogLevel::level, event)

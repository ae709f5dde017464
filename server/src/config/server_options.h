// Server-wide settings of sidestreamd: parsed from command-line flags, with
// SIDESTREAM_* environment variables as fallbacks, validated, then frozen.
// Plain value type; immutable after Parse.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/log.h"

namespace sidestream::config {

struct ServerOptions {
  // gRPC listen address. Default: 127.0.0.1:50051.
  std::string listen = "127.0.0.1:50051";
  // Kafka bootstrap servers for pipelines that name none. Default: 127.0.0.1:9092.
  std::string broker = "127.0.0.1:9092";
  // Root under which every pipeline's state lives. Default: ./sidestream-state.
  std::string state_dir = "sidestream-state";
  common::LogLevel log_level = common::LogLevel::kInfo;
  common::LogFormat log_format = common::LogFormat::kText;
  // Longest time a graceful stop waits for pipelines to finish. Default: 30 s.
  std::chrono::milliseconds shutdown_timeout{30000};
  // Longest wait for the broker when a pipeline registers. Default: 10 s.
  std::chrono::milliseconds broker_timeout{10000};
  // Most messages per poll batch. Default: 1000.
  int max_batch = 1000;
  // Adaptive linger: below this many produced messages per second a
  // pipeline sends each batch's outputs at once instead of after the
  // producer's linger.ms. 0 = always linger. Default: 2000.
  double nudge_below_rate = 2000;
  // Send InvokeBatch records in the packed layout to clients that negotiate
  // the "packed-batch/1" capability; false keeps one InvokeRecord per record
  // for every client (to compare layouts, or to work around a client bug).
  // Default: true.
  bool packed_batches = true;
  // Pipelining of client batches (runtime::PipelineOptions::pipeline_batches).
  // Default: true.
  bool pipeline_batches = true;
  // Prometheus /metrics address (HOST:PORT); empty = not served. Default: empty.
  std::string metrics_listen;
  // Seconds between progress log lines per pipeline. Default: 10.
  std::chrono::milliseconds progress_interval{10000};
};

// Outcome of parsing: options, or a request for help text.
struct ParsedOptions {
  ServerOptions options;
  bool show_help = false;
  bool show_version = false;
};

// Parses argv (flags as --name=value or --name value) over the environment.
// Errors: INVALID_ARGUMENT naming the flag.
absl::StatusOr<ParsedOptions> ParseServerOptions(const std::vector<std::string>& args);

// The --help text: every flag, its environment variable and default.
std::string HelpText();

}  // namespace sidestream::config

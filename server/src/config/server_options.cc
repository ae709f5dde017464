#include "config/server_options.h"

#include <cstdlib>
#include <functional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace sidestream::config {
namespace {

struct FlagDef {
  const char* name;
  const char* env;
  const char* default_text;
  const char* help;
  std::function<absl::Status(ServerOptions&, const std::string&)> set;
};

absl::Status ParseSeconds(const std::string& v, const char* flag, std::chrono::milliseconds* out) {
  double secs = 0;
  if (!absl::SimpleAtod(v, &secs) || secs < 0) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": '", v, "' is not a number of seconds"));
  }
  *out = std::chrono::milliseconds(static_cast<int64_t>(secs * 1000));
  return absl::OkStatus();
}

absl::Status CheckHostPort(const std::string& v, const char* flag) {
  auto colon = v.rfind(':');
  int port = 0;
  if (colon == std::string::npos || colon == 0 || !absl::SimpleAtoi(v.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": '", v, "' is not HOST:PORT"));
  }
  return absl::OkStatus();
}

const std::vector<FlagDef>& Flags() {
  static const std::vector<FlagDef> kFlags = {
      {"listen", "SIDESTREAM_LISTEN", "127.0.0.1:50051", "gRPC address to serve on (HOST:PORT).",
       [](ServerOptions& o, const std::string& v) {
         if (auto s = CheckHostPort(v, "listen"); !s.ok()) return s;
         o.listen = v;
         return absl::OkStatus();
       }},
      {"broker", "SIDESTREAM_BROKER", "127.0.0.1:9092",
       "Kafka bootstrap servers for pipelines whose Application names no broker_address.",
       [](ServerOptions& o, const std::string& v) {
         if (v.empty()) return absl::InvalidArgumentError("--broker: empty");
         o.broker = v;
         return absl::OkStatus();
       }},
      {"state-dir", "SIDESTREAM_STATE_DIR", "sidestream-state",
       "Root directory for pipeline state; a client's state_dir is confined under it.",
       [](ServerOptions& o, const std::string& v) {
         if (v.empty()) return absl::InvalidArgumentError("--state-dir: empty");
         o.state_dir = v;
         return absl::OkStatus();
       }},
      {"metrics-listen", "SIDESTREAM_METRICS_LISTEN", "(off)",
       "Serve Prometheus metrics at http://HOST:PORT/metrics (and /healthz).",
       [](ServerOptions& o, const std::string& v) {
         if (v.empty()) {
           o.metrics_listen.clear();
           return absl::OkStatus();
         }
         if (auto s = CheckHostPort(v, "metrics-listen"); !s.ok()) return s;
         o.metrics_listen = v;
         return absl::OkStatus();
       }},
      {"log-level", "SIDESTREAM_LOG_LEVEL", "info", "debug, info, warning, error or off.",
       [](ServerOptions& o, const std::string& v) {
         auto l = common::ParseLogLevel(v);
         if (!l.ok()) return absl::InvalidArgumentError(absl::StrCat("--log-level: ", l.status().message()));
         o.log_level = *l;
         return absl::OkStatus();
       }},
      {"log-format", "SIDESTREAM_LOG_FORMAT", "text",
       "text (key=value, one line per event) or json (one object per line).",
       [](ServerOptions& o, const std::string& v) {
         auto f = common::ParseLogFormat(v);
         if (!f.ok()) return absl::InvalidArgumentError(absl::StrCat("--log-format: ", f.status().message()));
         o.log_format = *f;
         return absl::OkStatus();
       }},
      {"shutdown-timeout", "SIDESTREAM_SHUTDOWN_TIMEOUT", "30",
       "Seconds a graceful stop (SIGTERM/SIGINT) waits for pipelines to finish in-flight work.",
       [](ServerOptions& o, const std::string& v) {
         return ParseSeconds(v, "shutdown-timeout", &o.shutdown_timeout);
       }},
      {"broker-timeout", "SIDESTREAM_BROKER_TIMEOUT", "10",
       "Seconds to wait for the Kafka broker when a pipeline registers before failing it.",
       [](ServerOptions& o, const std::string& v) {
         return ParseSeconds(v, "broker-timeout", &o.broker_timeout);
       }},
      {"max-batch", "SIDESTREAM_MAX_BATCH", "1000", "Most messages per poll batch.",
       [](ServerOptions& o, const std::string& v) {
         int n = 0;
         if (!absl::SimpleAtoi(v, &n) || n < 1 || n > 1000000) {
           return absl::InvalidArgumentError(absl::StrCat("--max-batch: '", v, "' is not in 1..1000000"));
         }
         o.max_batch = n;
         return absl::OkStatus();
       }},
      {"nudge-below-rate", "SIDESTREAM_NUDGE_BELOW_RATE", "2000",
       "Adaptive linger: while a pipeline produces fewer messages per second than this, each batch's "
       "outputs are sent at once instead of waiting for the producer's linger.ms; 0 always lingers.",
       [](ServerOptions& o, const std::string& v) {
         double r = 0;
         if (!absl::SimpleAtod(v, &r) || r < 0 || r > 1e9) {
           return absl::InvalidArgumentError(absl::StrCat("--nudge-below-rate: '", v, "' is not in 0..1e9"));
         }
         o.nudge_below_rate = r;
         return absl::OkStatus();
       }},
      {"invoke-layout", "SIDESTREAM_INVOKE_LAYOUT", "packed",
       "Layout of the record batches sent to clients: packed (columns, to clients that support it) or "
       "records (one message per record, for every client).",
       [](ServerOptions& o, const std::string& v) {
         if (v != "packed" && v != "records") {
           return absl::InvalidArgumentError(absl::StrCat("--invoke-layout: '", v, "' is not packed or records"));
         }
         o.packed_batches = v == "packed";
         return absl::OkStatus();
       }},
      {"pipeline-batches", "SIDESTREAM_PIPELINE_BATCHES", "true",
       "Ship the next batch to the client before finishing the current one (pipelines that start with a "
       "stateless client function): true or false.",
       [](ServerOptions& o, const std::string& v) {
         if (v != "true" && v != "false") {
           return absl::InvalidArgumentError(absl::StrCat("--pipeline-batches: '", v, "' is not true or false"));
         }
         o.pipeline_batches = v == "true";
         return absl::OkStatus();
       }},
      {"progress-interval", "SIDESTREAM_PROGRESS_INTERVAL", "10",
       "Seconds between per-pipeline progress lines (throughput, lag) at INFO.",
       [](ServerOptions& o, const std::string& v) {
         return ParseSeconds(v, "progress-interval", &o.progress_interval);
       }},
  };
  return kFlags;
}

}  // namespace

absl::StatusOr<ParsedOptions> ParseServerOptions(const std::vector<std::string>& args) {
  ParsedOptions parsed;
  // Environment first; flags override.
  for (const FlagDef& f : Flags()) {
    if (const char* v = std::getenv(f.env); v != nullptr && *v != '\0') {
      if (auto s = f.set(parsed.options, v); !s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(f.env, ": ", s.message()));
      }
    }
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      parsed.show_help = true;
      continue;
    }
    if (a == "--version") {
      parsed.show_version = true;
      continue;
    }
    if (a.rfind("--", 0) != 0) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument '", a, "' (see --help)"));
    }
    std::string name = a.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const FlagDef* def = nullptr;
    for (const FlagDef& f : Flags()) {
      if (name == f.name) def = &f;
    }
    if (def == nullptr) return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name, " (see --help)"));
    if (!has_value) {
      if (i + 1 >= args.size()) return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
      value = args[++i];
    }
    if (auto s = def->set(parsed.options, value); !s.ok()) return s;
  }
  return parsed;
}

std::string HelpText() {
  std::string out =
      "sidestreamd — stream-processing sidecar for Apache Kafka.\n\n"
      "Applications connect over gRPC (service sidestream.v1.Sidestream), register a pipeline\n"
      "graph and serve their functions on a bidirectional stream; the sidecar owns the Kafka\n"
      "consumer and producer. SIGTERM or SIGINT stop it gracefully: in-flight work finishes,\n"
      "finished offsets are committed, consumers leave their groups.\n\n"
      "Usage: sidestreamd [flags]\n\nFlags (each also read from its environment variable; flags win):\n";
  for (const FlagDef& f : Flags()) {
    absl::StrAppendFormat(&out, "  --%-20s %s\n  %-22s env %s, default %s\n", f.name, f.help, "",
                          f.env, f.default_text);
  }
  out += "  --help                 Print this text and exit.\n  --version              Print the version and exit.\n";
  return out;
}

}  // namespace sidestream::config

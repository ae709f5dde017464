// Small helpers shared by the benchmark tools (not part of the server):
// fail with a message, set librdkafka options, parse `--flag value` pairs.
// Single-threaded command-line use only.
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>

namespace bench {

// Set once by each tool's main; prefixes error messages.
inline const char* g_tool = "bench";

[[noreturn]] inline void Die(const std::string& msg) {
  std::fprintf(stderr, "%s: %s\n", g_tool, msg.c_str());
  std::exit(1);
}

inline void Set(RdKafka::Conf* conf, const std::string& k, const std::string& v) {
  std::string err;
  if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) Die("config " + k + "=" + v + ": " + err);
}

// Parses `--name value` pairs; each known flag's handler gets its value.
inline void ParseFlags(int argc, char** argv,
                       const std::map<std::string, std::function<void(const std::string&)>>& flags) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto it = flags.find(a);
    if (it == flags.end()) Die("unknown flag " + a);
    if (i + 1 >= argc) Die("missing value for " + a);
    it->second(argv[++i]);
  }
}

}  // namespace bench

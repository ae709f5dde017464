// Helpers for the Prometheus text exposition format. Stateless; thread-safe.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace sidestream::metrics {

// Escapes a label value: backslash, double quote and newline, as the format requires.
std::string EscapeLabelValue(absl::string_view value);

}  // namespace sidestream::metrics

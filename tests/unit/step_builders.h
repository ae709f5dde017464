// Builders of graph steps shared by the unit tests.
#pragma once

#include <string>
#include <utility>

#include "graph/graph.h"

namespace sidestream::graph::testing {

// A step running client function `fn` on the output of `input`.
inline Step Fn(std::string id, std::string input, StepKind kind, std::string fn) {
  Step s;
  s.id = std::move(id);
  s.input = std::move(input);
  s.kind = kind;
  s.function.function_id = std::move(fn);
  return s;
}

}  // namespace sidestream::graph::testing

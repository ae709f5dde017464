// Helpers for propagating absl::Status / absl::StatusOr through call chains.
// Header-only; no state, safe everywhere.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SS_CONCAT_INNER_(a, b) a##b
#define SS_CONCAT_(a, b) SS_CONCAT_INNER_(a, b)

// Returns from the current function when `expr` yields a non-OK status.
#define SS_RETURN_IF_ERROR(expr)               \
  do {                                         \
    ::absl::Status ss_status_ = (expr);        \
    if (!ss_status_.ok()) return ss_status_;   \
  } while (0)

// `SS_ASSIGN_OR_RETURN(auto x, MakeX());` — unwraps a StatusOr or returns its
// status.
#define SS_ASSIGN_OR_RETURN(lhs, expr) \
  SS_ASSIGN_OR_RETURN_IMPL_(SS_CONCAT_(ss_statusor_, __LINE__), lhs, expr)
#define SS_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

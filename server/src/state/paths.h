// Where state lives on disk, and the guard that keeps it under the sidecar's
// state root whatever a client asks for.
//
// Layout: one RocksDB database per (store, topic partition):
//
//   <root>/<client state_dir>/<consumer group>/<store>/<topic>/<partition>/
//
// `root` is the sidecar's --state-dir; `client state_dir` is the application's
// relative state_dir (the seed's Application(state_dir=...)), confined by
// ConfinedDir. Group, store and topic names are escaped with EscapeName, so
// none of them can add or climb a directory level.
//
// Stateless functions; safe from any thread. ConfinedDir creates directories.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sidestream::state {

// Resolves the relative path `client_dir` below `root` and creates it (and
// `root`) as needed. Returns the canonical directory.
// Errors: INVALID_ARGUMENT when `client_dir` is empty, absolute or has a ".."
// component, or when a component that already exists resolves (through
// symlinks) outside the canonical root; FAILED_PRECONDITION when a component
// exists but is not a directory; INTERNAL for filesystem errors.
// Symlinks are checked when they are resolved; a concurrent process that
// swaps one in afterwards is not guarded against (the root is the sidecar's).
absl::StatusOr<std::filesystem::path> ConfinedDir(const std::filesystem::path& root,
                                                  const std::filesystem::path& client_dir);

// Escapes a group, store or topic name into one safe path component: bytes
// other than [A-Za-z0-9._-] become %XX, and "." and ".." become "%2E" and
// "%2E%2E". The mapping is injective, so distinct names never share a folder.
// Errors: INVALID_ARGUMENT when `name` is empty or the escaped name is longer
// than 255 bytes (the common file-name limit).
absl::StatusOr<std::string> EscapeName(absl::string_view name);

// The layout path of one store partition relative to the confined client dir:
// "<group>/<store>/<topic>/<partition>", each name escaped.
// Errors: those of EscapeName, INVALID_ARGUMENT for a negative partition.
absl::StatusOr<std::filesystem::path> PartitionRelativePath(absl::string_view group,
                                                            absl::string_view store,
                                                            absl::string_view topic,
                                                            int32_t partition);

}  // namespace sidestream::state

#include "state/paths.h"

#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"

namespace sidestream::state {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxComponentBytes = 255;

// True when `path` is `root` or below it; both must be canonical.
bool IsWithin(const fs::path& path, const fs::path& root) {
  auto p = path.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++p) {
    if (p == path.end() || *p != *r) return false;
  }
  return true;
}

absl::Status FsError(absl::string_view what, const fs::path& path, const std::error_code& ec) {
  return absl::InternalError(absl::StrCat(what, " '", path.string(), "': ", ec.message()));
}

bool IsSafeByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '_' || c == '-';
}

}  // namespace

absl::StatusOr<fs::path> ConfinedDir(const fs::path& root, const fs::path& client_dir) {
  if (root.empty()) return absl::InvalidArgumentError("state root is empty");
  if (client_dir.empty()) return absl::InvalidArgumentError("state_dir is empty");
  if (client_dir.is_absolute() || client_dir.has_root_name() || client_dir.has_root_directory()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "state_dir '", client_dir.string(), "' must be relative to the sidecar's state root"));
  }
  for (const fs::path& part : client_dir) {
    if (part == "..") {
      return absl::InvalidArgumentError(
          absl::StrCat("state_dir '", client_dir.string(), "' must not contain '..'"));
    }
  }

  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return FsError("cannot create state root", root, ec);
  const fs::path canonical_root = fs::canonical(root, ec);
  if (ec) return FsError("cannot resolve state root", root, ec);

  // Walk one component at a time so that a symlink anywhere on the way is
  // resolved and checked before anything is created through it.
  fs::path current = canonical_root;
  for (const fs::path& part : client_dir) {
    if (part.empty() || part == ".") continue;
    const fs::path next = current / part;
    fs::file_status st = fs::symlink_status(next, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return FsError("cannot inspect", next, ec);
    }
    if (!fs::exists(st)) {
      fs::create_directory(next, ec);
      if (ec) return FsError("cannot create state directory", next, ec);
    }
    fs::path resolved = fs::canonical(next, ec);
    if (ec) return FsError("cannot resolve", next, ec);
    if (!IsWithin(resolved, canonical_root)) {
      return absl::InvalidArgumentError(
          absl::StrCat("state_dir '", client_dir.string(), "' escapes the state root '",
                       canonical_root.string(), "' (", next.string(), " resolves to ",
                       resolved.string(), ")"));
    }
    if (!fs::is_directory(resolved, ec)) {
      return absl::FailedPreconditionError(
          absl::StrCat("state path '", next.string(), "' exists and is not a directory"));
    }
    current = resolved;
  }
  return current;
}

absl::StatusOr<std::string> EscapeName(absl::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("empty name in state path");
  std::string out;
  if (name == "." || name == "..") {
    for (size_t i = 0; i < name.size(); ++i) out += "%2E";
    return out;
  }
  for (char c : name) {
    if (IsSafeByte(c)) {
      out += c;
    } else {
      out += absl::StrFormat("%%%02X", static_cast<unsigned char>(c));
    }
  }
  if (out.size() > kMaxComponentBytes) {
    return absl::InvalidArgumentError(absl::StrCat("name '", name, "' is too long for a state path (",
                                                   out.size(), " bytes once escaped, limit ",
                                                   kMaxComponentBytes, ")"));
  }
  return out;
}

absl::StatusOr<fs::path> PartitionRelativePath(absl::string_view group, absl::string_view store,
                                               absl::string_view topic, int32_t partition) {
  if (partition < 0) {
    return absl::InvalidArgumentError(absl::StrCat("negative partition ", partition));
  }
  SS_ASSIGN_OR_RETURN(std::string g, EscapeName(group));
  SS_ASSIGN_OR_RETURN(std::string s, EscapeName(store));
  SS_ASSIGN_OR_RETURN(std::string t, EscapeName(topic));
  return fs::path(g) / s / t / absl::StrCat(partition);
}

}  // namespace sidestream::state

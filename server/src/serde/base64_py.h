// Base64 as Python's base64.b64encode / b64decode (validate=False) do it: the
// Quix BinaryValues encoding. Stateless functions; safe from any thread.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sidestream::serde {

// Standard alphabet with "=" padding.
std::string Base64Encode(absl::string_view bytes);

// Decodes like base64.b64decode(s) for an ASCII str: characters outside the
// standard alphabet are skipped, decoding stops at complete padding, and a
// dangling group is an error ("Incorrect padding", or one data character too
// many). Errors: INVALID_ARGUMENT with Python's reason.
absl::StatusOr<std::string> Base64DecodeLikePython(absl::string_view text);

}  // namespace sidestream::serde

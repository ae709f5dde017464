// UTF-8 validation shared by the text-based (de)serializers. Stateless; safe
// from any thread.
#pragma once

#include "absl/strings/string_view.h"

namespace sidestream::serde {

// Whether `s` is well-formed UTF-8 as Python's strict "utf-8" codec decodes
// it: no overlong forms, no surrogates, nothing beyond U+10FFFF.
bool ValidUtf8(absl::string_view s);

}  // namespace sidestream::serde

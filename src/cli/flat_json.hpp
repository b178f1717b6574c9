// A parser for flat JSON objects — the event lines of `zqlite ledger`. Numbers
// keep their exact text (u128 values exceed a double), strings are unescaped,
// arrays hold scalars. Nested objects are refused with a clear error.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace zq::cli {

struct JsonScalar {
  enum class Kind { kNumber, kString, kBool, kNull } kind = Kind::kNull;
  std::string text;  // number text, string contents, "true"/"false"
};

struct JsonField {
  bool is_array = false;
  JsonScalar scalar;
  std::vector<JsonScalar> items;
};

using FlatObject = std::map<std::string, JsonField, std::less<>>;

// InvalidArgument naming the byte offset when `line` is not one flat object.
Result<FlatObject> ParseFlatObject(std::string_view line);

// Escapes `s` as a JSON string body (no quotes).
std::string JsonEscape(std::string_view s);

}  // namespace zq::cli

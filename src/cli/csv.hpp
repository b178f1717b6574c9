// CSV reading for the shell's .import (RFC 4180: quoted fields may hold
// commas, doubled quotes and line breaks; CRLF or LF line ends).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace zq::cli {

struct CsvField {
  std::string text;
  bool quoted = false;  // an empty quoted field is '' rather than NULL
};
using CsvRecord = std::vector<CsvField>;

// Parses a whole document; InvalidArgument (with the line number) on an
// unterminated quote or text after a closing quote.
Result<std::vector<CsvRecord>> ParseCsv(std::string_view text);

}  // namespace zq::cli

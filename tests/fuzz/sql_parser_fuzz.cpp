// Fuzzes the SQL front end: the bytes are parsed as a script; every parsed
// statement is printed back and the printed SQL must parse again and print
// the same text (the printer's round-trip contract). Any input may be
// rejected, but only with a Status carrying a SQLSTATE: never a crash, hang,
// leak, escaped exception or unbounded recursion.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sql/lexer/sql_error.hpp"
#include "sql/parser/ast_printer.hpp"
#include "sql/parser/parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  auto script = zq::sql::ParseScript(sql);
  if (!script.ok()) {
    if (!zq::sql::DecodeSqlError(script.status()).has_value()) std::abort();
    return 0;
  }
  for (const zq::sql::Statement& statement : *script) {
    std::string printed = zq::sql::ToSql(statement);
    auto again = zq::sql::ParseStatement(printed);
    // Printing adds parentheses, so a statement just under the nesting limit
    // may print to one just over it; that is the only allowed failure.
    if (!again.ok()) {
      if (again.status().code() != zq::StatusCode::kLimitExceeded) std::abort();
      continue;
    }
    if (zq::sql::ToSql(*again) != printed) std::abort();
  }
  return 0;
}

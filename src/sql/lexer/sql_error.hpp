// SqlError: how the SQL front end reports a user error. Every error names a
// PostgreSQL SQLSTATE and the byte offset in the SQL text where it was found.
//
// The public functions return Result<T>, whose Status message is encoded as
//   "SQLSTATE 42601 at byte 17: syntax error: expected ')' but found ';'"
// so the text stays readable while DecodeSqlError() recovers the fields (the
// engine turns them into a wire error later). Inside sql/ the stages may throw
// SqlException; the public entry points catch it and return the Status.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "util/status.hpp"

namespace zq::sql {

// SQLSTATE codes used by the front end (PostgreSQL Appendix A, "Error codes").
inline constexpr std::string_view kSqlStateSyntaxError = "42601";
inline constexpr std::string_view kSqlStateFeatureNotSupported = "0A000";
inline constexpr std::string_view kSqlStateStatementTooComplex = "54001";

struct SqlError {
  std::string sqlstate;   // five characters, e.g. "42601"
  uint32_t position = 0;  // byte offset into the SQL text (0-based)
  std::string message;    // human text without the prefix
};

// Builds the Status for an error: the code follows the SQLSTATE class
// (42601 -> InvalidArgument, 0A000 -> NotSupported, 54001 -> LimitExceeded).
Status MakeSqlStatus(const SqlError& error);

// Recovers the fields from a Status made by MakeSqlStatus; nullopt otherwise.
std::optional<SqlError> DecodeSqlError(const Status& status);

// Thrown inside the sql layer only; never crosses a public API.
class SqlException : public std::runtime_error {
 public:
  explicit SqlException(SqlError error)
      : std::runtime_error(error.message), error_(std::move(error)) {}
  const SqlError& error() const { return error_; }

 private:
  SqlError error_;
};

[[noreturn]] void ThrowSyntaxError(uint32_t position, std::string message);

}  // namespace zq::sql

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
// Used by the binder and executor.
inline constexpr std::string_view kSqlStateUndefinedTable = "42P01";
inline constexpr std::string_view kSqlStateUndefinedColumn = "42703";
inline constexpr std::string_view kSqlStateUndefinedFunction = "42883";
inline constexpr std::string_view kSqlStateUndefinedObject = "42704";
inline constexpr std::string_view kSqlStateDuplicateTable = "42P07";
inline constexpr std::string_view kSqlStateDuplicateColumn = "42701";
inline constexpr std::string_view kSqlStateDuplicateObject = "42710";
inline constexpr std::string_view kSqlStateAmbiguousColumn = "42702";
inline constexpr std::string_view kSqlStateDatatypeMismatch = "42804";
inline constexpr std::string_view kSqlStateGroupingError = "42803";
inline constexpr std::string_view kSqlStateInvalidColumnReference = "42P10";
inline constexpr std::string_view kSqlStateWrongObjectType = "42809";
inline constexpr std::string_view kSqlStateInvalidTextRepresentation = "22P02";
inline constexpr std::string_view kSqlStateInvalidDatetimeFormat = "22007";
inline constexpr std::string_view kSqlStateDatetimeFieldOverflow = "22008";
inline constexpr std::string_view kSqlStateNumericValueOutOfRange = "22003";
inline constexpr std::string_view kSqlStateDivisionByZero = "22012";
inline constexpr std::string_view kSqlStateStringDataRightTruncation = "22001";
inline constexpr std::string_view kSqlStateCardinalityViolation = "21000";
inline constexpr std::string_view kSqlStateInvalidParameterValue = "22023";
inline constexpr std::string_view kSqlStateNotNullViolation = "23502";
inline constexpr std::string_view kSqlStateUniqueViolation = "23505";
inline constexpr std::string_view kSqlStateCheckViolation = "23514";
inline constexpr std::string_view kSqlStateSerializationFailure = "40001";
inline constexpr std::string_view kSqlStateActiveTransaction = "25001";
inline constexpr std::string_view kSqlStateNoActiveTransaction = "25P01";
inline constexpr std::string_view kSqlStateInFailedTransaction = "25P02";
inline constexpr std::string_view kSqlStateProgramLimitExceeded = "54000";
inline constexpr std::string_view kSqlStateOutOfMemory = "53200";
inline constexpr std::string_view kSqlStateInternalError = "XX000";

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
[[noreturn]] void ThrowSqlError(std::string_view sqlstate, uint32_t position, std::string message);

}  // namespace zq::sql

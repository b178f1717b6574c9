#include "sql/lexer/sql_error.hpp"

#include <charconv>

namespace zq::sql {

namespace {
constexpr std::string_view kPrefix = "SQLSTATE ";
constexpr std::string_view kAtByte = " at byte ";
}  // namespace

Status MakeSqlStatus(const SqlError& error) {
  StatusCode code = StatusCode::kInvalidArgument;
  if (error.sqlstate == kSqlStateFeatureNotSupported) code = StatusCode::kNotSupported;
  if (error.sqlstate == kSqlStateStatementTooComplex ||
      error.sqlstate == kSqlStateProgramLimitExceeded || error.sqlstate == kSqlStateOutOfMemory) {
    code = StatusCode::kLimitExceeded;
  }
  if (error.sqlstate == kSqlStateSerializationFailure) code = StatusCode::kConflict;
  if (error.sqlstate == kSqlStateInternalError) code = StatusCode::kInternal;
  std::string text(kPrefix);
  text += error.sqlstate;
  text += kAtByte;
  text += std::to_string(error.position);
  text += ": ";
  text += error.message;
  return Status(code, text);
}

std::optional<SqlError> DecodeSqlError(const Status& status) {
  std::string_view m = status.message();
  if (status.ok() || m.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  m.remove_prefix(kPrefix.size());
  if (m.size() < 5 + kAtByte.size()) return std::nullopt;
  SqlError error;
  error.sqlstate = std::string(m.substr(0, 5));
  m.remove_prefix(5);
  if (m.substr(0, kAtByte.size()) != kAtByte) return std::nullopt;
  m.remove_prefix(kAtByte.size());
  auto [end, ec] = std::from_chars(m.data(), m.data() + m.size(), error.position);
  if (ec != std::errc()) return std::nullopt;
  m.remove_prefix(static_cast<size_t>(end - m.data()));
  if (m.substr(0, 2) != ": ") return std::nullopt;
  error.message = std::string(m.substr(2));
  return error;
}

void ThrowSyntaxError(uint32_t position, std::string message) {
  throw SqlException(SqlError{std::string(kSqlStateSyntaxError), position, std::move(message)});
}

void ThrowSqlError(std::string_view sqlstate, uint32_t position, std::string message) {
  throw SqlException(SqlError{std::string(sqlstate), position, std::move(message)});
}

}  // namespace zq::sql

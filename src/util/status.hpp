// Status: the error value every internal call returns (no exceptions below sql/).
// OK costs one null pointer; an error carries a code and a message.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace zq {

enum class StatusCode : unsigned char {
  kOk = 0,
  kNotFound,         // a key, tree or file that does not exist
  kCorruption,       // bytes on disk fail their checksum or structure checks
  kAuthFailed,       // an AEAD tag does not verify: wrong key or altered bytes
  kIOError,          // the operating system reported a failure
  kInvalidArgument,  // API misuse or bad input from the caller
  kConflict,         // a write-write conflict: retry the transaction (SQLSTATE 40001)
  kBusy,             // the database is locked by another process
  kLimitExceeded,    // a named limit in util/limits.hpp was hit
  kNotSupported,
  kPoisoned,         // an earlier durable write failed; the handle must be reopened
  kInternal,         // a bug: an invariant did not hold
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string_view message);

  static Status Ok() { return Status(); }
  static Status NotFound(std::string_view m) { return {StatusCode::kNotFound, m}; }
  static Status Corruption(std::string_view m) { return {StatusCode::kCorruption, m}; }
  static Status AuthFailed(std::string_view m) { return {StatusCode::kAuthFailed, m}; }
  static Status IOError(std::string_view m) { return {StatusCode::kIOError, m}; }
  static Status InvalidArgument(std::string_view m) {
    return {StatusCode::kInvalidArgument, m};
  }
  static Status Conflict(std::string_view m) { return {StatusCode::kConflict, m}; }
  static Status Busy(std::string_view m) { return {StatusCode::kBusy, m}; }
  static Status LimitExceeded(std::string_view m) { return {StatusCode::kLimitExceeded, m}; }
  static Status NotSupported(std::string_view m) { return {StatusCode::kNotSupported, m}; }
  static Status Poisoned(std::string_view m) { return {StatusCode::kPoisoned, m}; }
  static Status Internal(std::string_view m) { return {StatusCode::kInternal, m}; }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  std::string_view message() const;
  std::string ToString() const;

  bool IsNotFound() const { return code() == StatusCode::kNotFound; }
  bool IsCorruption() const { return code() == StatusCode::kCorruption; }
  bool IsAuthFailed() const { return code() == StatusCode::kAuthFailed; }

  // Prefixes context ("open db.zq: ...") and keeps the code.
  Status WithContext(std::string_view context) const;

  // Marks a deliberately ignored status, so the ignoring is visible in the code.
  void IgnoreError() const {}

  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::unique_ptr<State> state_;
};

}  // namespace zq

// Returns early from the enclosing function when `expr` yields an error Status.
#define ZQ_RETURN_IF_ERROR(expr)            \
  do {                                      \
    ::zq::Status zq_status_ = (expr);       \
    if (!zq_status_.ok()) return zq_status_; \
  } while (0)

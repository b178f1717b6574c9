// Result<T>: a value or an error Status, the shape of C++23 std::expected.
#pragma once

#include <optional>
#include <utility>

#include "util/assert.hpp"
#include "util/status.hpp"

namespace zq {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    ZQ_ASSERT(!status_.ok());
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & {
    ZQ_ASSERT(ok());
    return *value_;
  }
  const T& value() const& {
    ZQ_ASSERT(ok());
    return *value_;
  }
  T&& value() && {
    ZQ_ASSERT(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace zq

#define ZQ_CONCAT_INNER(a, b) a##b
#define ZQ_CONCAT(a, b) ZQ_CONCAT_INNER(a, b)
#define ZQ_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
// `ZQ_ASSIGN_OR_RETURN(auto x, F());` binds x or returns F's error.
#define ZQ_ASSIGN_OR_RETURN(lhs, expr) \
  ZQ_ASSIGN_OR_RETURN_IMPL(ZQ_CONCAT(zq_result_, __LINE__), lhs, expr)

// The running state of one aggregate over one group, and how a value is
// folded into it and the result read out: one definition for the row and the
// vectorized aggregation, so both give the same types, rounding and errors.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>

#include "sql/planner/plan.hpp"
#include "sql/types/value.hpp"

namespace zq::sql {

struct AggState {
  int64_t count = 0;
  int128 int_sum = 0;
  Decimal dec_sum;
  double float_sum = 0;
  Value best;  // min/max; for sum/avg, `best.type` is the argument's type
  std::string text;
  bool bool_value = false;
  bool any = false;
  std::unordered_set<std::string> seen;  // DISTINCT arguments
};

// For an aggregate with DISTINCT: remembers `v` in `s` and returns the bytes
// that now holds (for the memory budget), or 0 when `v` was seen before (it
// is then left out).
uint64_t RememberDistinct(AggState& s, const Value& v);
// Folds one non-NULL argument (already past FILTER and DISTINCT) into `s`;
// `separator` is string_agg's second argument.
void AggregateValue(const AggregateSpec& spec, AggState& s, Value v, const Value& separator);
// The aggregate's result for a group.
Value FinishAggregate(const AggregateSpec& spec, const AggState& s);

}  // namespace zq::sql

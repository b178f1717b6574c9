// The date/time scalar functions (now(), CURRENT_DATE, date_part/EXTRACT,
// date_trunc, make_date, make_timestamp, to_timestamp), called by the
// evaluator with non-NULL arguments already evaluated.
#pragma once

#include <vector>

#include "sql/executor/exec_context.hpp"
#include "sql/planner/plan.hpp"

namespace zq::sql {

bool IsDatetimeFunction(ScalarFn fn);
Value CallDatetimeFunction(ScalarFn fn, const std::vector<Value>& args, const ColumnType& type,
                           uint32_t position, ExecContext& ctx);

}  // namespace zq::sql

// How each join of a FROM tree runs, decided once WHERE conditions have been
// pushed down: which input builds (inner joins put the input estimated
// smaller on the right, the side a hash join keeps in memory), an index
// nested-loop lookup when the left input has few rows and the right table a
// key on the join columns, a merge join when both inputs come ordered by the
// join key and the hash table would take much of the memory budget, a hash
// join otherwise.
#pragma once

#include <cstdint>
#include <functional>

#include "catalog/schema.hpp"
#include "sql/planner/plan.hpp"

namespace zq::sql {

struct JoinStatistics {
  // About how many rows a table holds; null when unknown (joins then keep
  // the order of FROM and never merge).
  std::function<uint64_t(const catalog::TableDef&)> table_rows;
  uint64_t memory_limit = uint64_t{1} << 30;  // a statement's budget, bytes
};

// Returns the plan with its joins' strategies chosen (nodes are edited in
// place; a join whose inputs swap gets a projection restoring its columns).
PlanPtr ChooseJoinStrategies(const PlanPtr& plan, const JoinStatistics& stats);

}  // namespace zq::sql

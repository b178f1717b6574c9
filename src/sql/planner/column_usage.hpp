// Which columns each part of a plan reads, used to mark the index scans
// whose rows need nothing but what the index entries hold.
#pragma once

#include "sql/planner/plan.hpp"

namespace zq::sql {

// Sets PlanNode::index_only on every index scan under `plan` (every output
// column of `plan` counted as read) whose reads are all index columns or
// primary-key columns: such a scan builds its rows from the index entries
// and never looks the table up. Only ever sets the flag, so running it
// again over a subtree with fewer columns read is safe.
void MarkIndexOnlyScans(const PlanPtr& plan);

}  // namespace zq::sql

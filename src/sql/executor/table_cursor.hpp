// TableCursor: the rows a table scan plan node reads, in key order, as stored
// (key and value): all of the table, or a key range of its primary key or of
// one index (looked up in the table row by row). Shared by the row scan and
// the vectorized scan, which decode the rows differently.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sql/executor/exec_context.hpp"
#include "sql/planner/plan.hpp"

namespace zq::sql {

class TableCursor {
 public:
  TableCursor(const PlanNode& scan, ExecContext& ctx) : plan_(scan), ctx_(ctx) {}

  using Entry = std::pair<std::string_view, std::string_view>;  // key, value

  // The next row of the range; false at its end. The views stay valid until
  // the next call.
  bool Next(std::string_view* key, std::string_view* value);
  // The next rows of the range, up to `max` (as many as the storage hands
  // over without another read: a leaf's worth); 0 at its end. The views
  // stay valid until the next call.
  size_t NextRun(Entry* out, size_t max);

 private:
  void Start();
  bool InRange(std::string_view key);
  // The index scanned, or null for the primary key.
  const catalog::IndexDef* Index() const;
  // Key part `part` of the scanned key, encoded as stored (false: no stored
  // key can hold `v`) and decoded.
  bool AppendPart(size_t part, const Value& v, std::string* out) const;
  bool DecodePart(size_t part, std::string_view* in, Value* out) const;
  // Index scans: reads the next index entries in range and looks their rows
  // up in the table together; false when none is left.
  bool FillBatch();
  // Index-only scans: the row of an index entry (index and primary-key
  // columns; the others NULL) as the next batch value, its table key in
  // table_key_.
  void RowFromEntry(const catalog::IndexDef& index, std::string_view entry);

  const PlanNode& plan_;
  ExecContext& ctx_;
  bool Past(std::string_view key);

  bool started_ = false, past_end_ = false, stepped_ = false;
  bool finished_ = false;  // a run reached the end of the range
  std::unique_ptr<storage::Cursor> cursor_;
  std::string prefix_;
  size_t bound_part_ = 0;          // the key part the range bounds apply to
  std::string table_key_;
  // Index scans: the rows of the current batch (table keys and values).
  static constexpr size_t kBatchRowsMax = 64;
  size_t batch_limit_ = 2, batch_next_ = 0;
  std::vector<std::string> batch_keys_, batch_values_;
  std::vector<std::string_view> batch_key_views_;
  std::vector<uint8_t> batch_found_;
  Value lower_, upper_;
};

}  // namespace zq::sql

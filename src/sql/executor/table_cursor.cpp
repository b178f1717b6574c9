#include "sql/executor/table_cursor.hpp"

#include "sql/executor/evaluator.hpp"
#include "sql/executor/table_access.hpp"
#include "sql/lexer/sql_error.hpp"
#include "util/assert.hpp"

namespace zq::sql {

bool TableCursor::Next(std::string_view* key, std::string_view* value) {
  if (!started_) Start();
  if (!cursor_ || finished_) return false;
  if (Index() != nullptr) {
    if (batch_next_ == batch_keys_.size() && !FillBatch()) return false;
    *key = batch_keys_[batch_next_];
    *value = batch_values_[batch_next_];
    batch_next_++;
    return true;
  }
  // The previous row's views point into the cursor: step only now.
  if (stepped_) {
    stepped_ = false;
    ThrowIfError(cursor_->Next());
  }
  while (cursor_->Valid()) {
    const std::string_view entry = cursor_->key();
    if (Past(entry)) return false;
    if (!InRange(entry)) {
      if (past_end_) return false;
      ThrowIfError(cursor_->Next());
      continue;
    }
    stepped_ = true;
    *key = entry;
    *value = cursor_->value();
    return true;
  }
  return false;
}

bool TableCursor::FillBatch() {
  const catalog::IndexDef& index = *Index();
  batch_keys_.clear();
  batch_next_ = 0;
  while (batch_keys_.size() < batch_limit_ && cursor_->Valid()) {
    const std::string_view entry = cursor_->key();
    if (Past(entry)) break;
    if (!InRange(entry)) {
      if (past_end_) break;
      ThrowIfError(cursor_->Next());
      continue;
    }
    if (plan_.index_only) {
      RowFromEntry(index, entry);
    } else if (!IndexEntryTableKey(plan_.table, index, entry, cursor_->value(), &table_key_)) {
      ThrowSqlError("XX001", 0, "index \"" + index.name + "\" has a malformed entry");
    }
    batch_keys_.push_back(table_key_);
    ThrowIfError(cursor_->Next());
  }
  // Small first batches keep a LIMIT or a first row cheap; long scans grow
  // to batches whose lookups overlap their memory waits.
  batch_limit_ = std::min(batch_limit_ * 2, kBatchRowsMax);
  if (batch_keys_.empty()) return false;
  if (plan_.index_only) return true;  // the rows are built already
  batch_key_views_.assign(batch_keys_.begin(), batch_keys_.end());
  ThrowIfError(ctx_.txn->GetMany(plan_.table.tree, batch_key_views_, &batch_values_, &batch_found_));
  for (uint8_t found : batch_found_) {
    if (!found) ThrowSqlError("XX001", 0, "index \"" + index.name + "\" points at a missing row");
  }
  return true;
}

void TableCursor::RowFromEntry(const catalog::IndexDef& index, std::string_view entry) {
  const catalog::TableDef& t = plan_.table;
  Row row;
  row.reserve(t.columns.size());
  for (const catalog::ColumnDef& c : t.columns) row.push_back(Value::Null(c.type.id));
  auto malformed = [&]() {
    ThrowSqlError("XX001", 0, "index \"" + index.name + "\" has a malformed entry");
  };
  std::string_view rest = entry;
  for (size_t k = 0; k < index.columns.size(); k++) {
    Value v;
    if (!DecodeOrderedKey(&rest, t.KeyPartType(index, k), index.descending[k], &v)) malformed();
    if (!index.IsExpression(k)) row[index.columns[k]] = std::move(v);
  }
  table_key_.assign(rest);
  for (uint32_t col : t.primary_key) {
    if (!DecodeOrderedKey(&rest, t.columns[col].type, false, &row[col])) malformed();
  }
  if (batch_values_.size() <= batch_keys_.size()) batch_values_.resize(batch_keys_.size() + 1);
  batch_values_[batch_keys_.size()] = EncodeRowValue(row);
}

size_t TableCursor::NextRun(Entry* out, size_t max) {
  if (max == 0 || !Next(&out[0].first, &out[0].second)) return 0;
  if (Index() != nullptr) {
    // The rest of the batch of rows looked up through the index.
    size_t n = 1;
    for (; n < max && batch_next_ < batch_keys_.size(); n++, batch_next_++) {
      out[n] = {batch_keys_[batch_next_], batch_values_[batch_next_]};
    }
    return n;
  }
  const size_t n = cursor_->ReadRun(out, max);
  // out[0] is the entry Next() checked; keep the others that are in range.
  size_t kept = 1;
  for (size_t i = 1; i < n; i++) {
    if (Past(out[i].first)) {
      finished_ = true;
      break;
    }
    if (!InRange(out[i].first)) {
      if (past_end_) {
        finished_ = true;
        break;
      }
      continue;
    }
    out[kept++] = out[i];
  }
  return kept;
}

// True when `key` is beyond the equality prefix (the range has ended).
bool TableCursor::Past(std::string_view key) {
  return !prefix_.empty() && key.substr(0, prefix_.size()) != prefix_;
}

const catalog::IndexDef* TableCursor::Index() const {
  const int i = plan_.range.index;
  return i >= 0 ? &plan_.table.indexes[static_cast<size_t>(i)] : nullptr;
}

bool TableCursor::AppendPart(size_t part, const Value& v, std::string* out) const {
  const catalog::IndexDef* index = Index();
  if (index == nullptr) return AppendKeyColumn(plan_.table, plan_.table.primary_key[part], v, false, out);
  // Only a plain table's indexes have expression parts; a packed table
  // stores its own key encoding.
  if (!plan_.table.read_only()) {
    AppendIndexPart(*index, part, v, out);
    return true;
  }
  return AppendKeyColumn(plan_.table, index->columns[part], v, index->descending[part], out);
}

bool TableCursor::DecodePart(size_t part, std::string_view* in, Value* out) const {
  const catalog::IndexDef* index = Index();
  if (index == nullptr) {
    return DecodeKeyColumn(plan_.table, plan_.table.primary_key[part], false, in, out);
  }
  if (!plan_.table.read_only()) {
    return DecodeOrderedKey(in, plan_.table.KeyPartType(*index, part), index->descending[part], out);
  }
  return DecodeKeyColumn(plan_.table, index->columns[part], index->descending[part], in, out);
}

void TableCursor::Start() {
  started_ = true;
  const ScanRange& range = plan_.range;
  const catalog::IndexDef* index = Index();
  const Row empty;
  for (size_t i = 0; i < range.equal.size(); i++) {
    Value v = Evaluate(*range.equal[i], empty, ctx_);
    if (v.null) return;  // col = NULL matches nothing
    // A value no stored key can hold (a packed table's key is an unsigned
    // integer of fixed width) matches nothing either.
    if (!AppendPart(i, v, &prefix_)) return;
  }
  if (index != nullptr && index->hash) {
    // The planner uses a hash index only with every part pinned; rows whose
    // values merely share the hash are dropped by the scan's predicate.
    ZQ_ASSERT(range.equal.size() == index->columns.size());
    FinishIndexPrefix(*index, &prefix_);
  }
  if (range.lower || range.upper) {
    bound_part_ = range.equal.size();
    if (range.lower) {
      lower_ = Evaluate(*range.lower, empty, ctx_);
      if (lower_.null) return;
    }
    if (range.upper) {
      upper_ = Evaluate(*range.upper, empty, ctx_);
      if (upper_.null) return;
    }
  }
  Result<std::unique_ptr<storage::Cursor>> cursor =
      ctx_.txn->NewCursor(index ? index->tree : plan_.table.tree);
  ThrowIfError(cursor.status());
  cursor_ = std::move(cursor).value();
  std::string seek = prefix_;
  // A lower bound a packed key cannot hold: start at the prefix, InRange
  // skips what is below the bound.
  if (range.lower && !AppendPart(bound_part_, lower_, &seek)) seek = prefix_;
  ThrowIfError(cursor_->Seek(seek));
}

// Checks the range column after the equality prefix.
bool TableCursor::InRange(std::string_view key) {
  if (!plan_.range.lower && !plan_.range.upper) return true;
  std::string_view rest = key.substr(prefix_.size());
  Value v;
  if (!DecodePart(bound_part_, &rest, &v)) {
    ThrowSqlError("XX001", 0, "malformed key in table \"" + plan_.table.name + "\"");
  }
  if (v.null) {  // NULLs sort last: nothing after them is in range
    past_end_ = true;
    return false;
  }
  if (plan_.range.upper) {
    const int c = CompareValues(v, upper_);
    if (c > 0 || (c == 0 && !plan_.range.upper_inclusive)) {
      past_end_ = true;
      return false;
    }
  }
  if (plan_.range.lower) {
    const int c = CompareValues(v, lower_);
    if (c < 0 || (c == 0 && !plan_.range.lower_inclusive)) return false;
  }
  return true;
}

}  // namespace zq::sql

#include "sql/executor/scan_batches.hpp"

#include <algorithm>

#include "sql/executor/exec_context.hpp"
#include "sql/executor/table_access.hpp"
#include "sql/lexer/sql_error.hpp"
#include "util/assert.hpp"

namespace zq::sql {

bool DecodeFilter::Passes(int64_t v) const {
  switch (op) {
    case BinaryOp::kEq: return v == value;
    case BinaryOp::kNe: return v != value;
    case BinaryOp::kLt: return v < value;
    case BinaryOp::kLe: return v <= value;
    case BinaryOp::kGt: return v > value;
    case BinaryOp::kGe: return v >= value;
    default: ZQ_ASSERT(false);  // DecodeFilters takes comparisons only
  }
  return true;
}

BatchDecoder::BatchDecoder(const catalog::TableDef& table, std::vector<uint8_t> decode,
                           std::vector<DecodeFilter> filters)
    : table_(table), decode_(std::move(decode)) {
  decode_.resize(table.columns.size());
  for (const DecodeFilter& f : filters) {
    ZQ_ASSERT(f.column < decode_.size() && KindOf(table.columns[f.column].type.id) == VectorKind::kInt);
    decode_[f.column] = 1;
  }
  for (size_t c = 0; c < decode_.size(); c++) {
    if (decode_[c]) columns_read_ = c + 1;
  }
  targets_.resize(columns_read_);
  // A packed table decodes whole rows: filters serve plain tables only.
  filters_.resize(table.read_only() ? 0 : columns_read_);
  for (const DecodeFilter& f : filters) {
    if (!table.read_only()) filters_[f.column].push_back(f);
  }
}

bool BatchDecoder::Fill(const EntrySource& source, Batch* out) {
  // A scan's first batch starts small and grows while rows keep coming: a
  // point lookup or a short range then does not pay for setting up a full
  // chunk (1,024 Values for a text column).
  size_t capacity = filled_before_ ? kChunkRows : kFirstBatchRows;
  if (run_.size() < kChunkRows) run_.resize(kChunkRows);
  // The batch is set up only once there is a row to put in it: the call
  // that finds the source empty costs nothing.
  size_t n = source(run_.data(), capacity);
  if (n == 0) {
    out->size = 0;
    return false;
  }
  filled_before_ = true;
  const std::vector<catalog::ColumnDef>& columns = table_.columns;
  out->columns.resize(columns.size());
  for (size_t c = 0; c < columns.size(); c++) {
    ColumnVector& column = out->columns[c];
    if (decode_[c]) {
      column.Reset(columns[c].type.id, capacity);
    } else {
      column.ResetAbsent(columns[c].type.id, capacity);
    }
  }
  PointTargets(out);
  size_t rows = 0;
  while (n > 0) {
    for (size_t i = 0; i < n; i++) rows += Decode(run_[i].first, run_[i].second, rows, out);
    if (rows == capacity && capacity < kChunkRows) {
      capacity = std::min(capacity * 4, kChunkRows);
      for (ColumnVector& c : out->columns) c.Resize(capacity);
      PointTargets(out);
    }
    n = rows < capacity ? source(run_.data(), capacity - rows) : 0;
  }
  for (ColumnVector& c : out->columns) c.Resize(rows);
  out->size = rows;
  return true;
}

void BatchDecoder::PointTargets(Batch* out) {
  for (size_t c = 0; c < columns_read_; c++) {
    if (!decode_[c]) continue;
    ColumnVector& column = out->columns[c];
    targets_[c] = {column.kind, column.nulls.data(), column.ints.data(), column.floats.data(),
                   column.values.data()};
  }
}

bool BatchDecoder::Decode(std::string_view key, std::string_view value, size_t row, Batch* out) {
  if (table_.read_only()) {
    const Row decoded = DecodeStoredRow(table_, key, value);
    for (size_t c = 0; c < decoded.size(); c++) {
      if (decode_[c]) out->columns[c].Set(row, decoded[c]);
    }
    return true;
  }
  StoredRowReader reader(value);
  StoredValue v;
  for (size_t c = 0; c < columns_read_; c++) {
    if (!reader.Next(&v)) ThrowMalformedRow(table_);
    if (!decode_[c]) continue;
    const Target& t = targets_[c];
    if (v.type == TypeId::kNull) {
      if (!filters_[c].empty()) return false;  // NULL OP value is never TRUE
      out->columns[c].SetNull(row);
      continue;
    }
    if (KindOf(v.type) != t.kind) ThrowMalformedRow(table_);
    t.nulls[row] = 0;
    switch (t.kind) {
      case VectorKind::kInt:
        t.ints[row] = v.i;
        for (const DecodeFilter& f : filters_[c]) {
          if (!f.Passes(v.i)) return false;
        }
        break;
      case VectorKind::kFloat: t.floats[row] = v.f; break;
      case VectorKind::kValue: t.values[row] = v.ToValue(); break;
    }
  }
  return true;
}

size_t KeyRangeReader::NextRun(StoredEntry* out, size_t max) {
  if (finished_ || max == 0) return 0;
  if (!started_) {
    started_ = true;
    ThrowIfError(start_.empty() ? cursor_->SeekFirst() : cursor_->Seek(start_));
  } else {
    ThrowIfError(cursor_->Next());  // past the last entry of the previous run
  }
  size_t n = cursor_->ReadRun(out, max);
  if (!end_.empty()) {
    for (size_t i = 0; i < n; i++) {
      if (out[i].first >= end_) {
        n = i;
        finished_ = true;
        break;
      }
    }
  }
  if (n == 0) finished_ = true;
  return n;
}

ParallelScan::ParallelScan(const catalog::TableDef& table, const std::vector<uint8_t>& decode,
                           const std::vector<DecodeFilter>& filters,
                           std::vector<std::string> splits,
                           std::unique_ptr<storage::Cursor> own_cursor,
                           std::unique_ptr<storage::Cursor> worker_cursor, uint64_t byte_cap)
    : own_decoder_(table, decode, filters),
      own_cursor_(std::move(own_cursor)),
      worker_decoder_(table, decode, filters),
      worker_cursor_(std::move(worker_cursor)),
      byte_cap_(byte_cap) {
  parts_.resize(splits.size() + 1);
  for (size_t i = 0; i < splits.size(); i++) {
    parts_[i].end = splits[i];
    parts_[i + 1].start = std::move(splits[i]);
  }
  worker_first_part_ = parts_.size();
  thread_ = std::thread([this] { Run(); });
}

ParallelScan::~ParallelScan() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool ParallelScan::Next(Batch* out) {
  while (current_ < parts_.size()) {
    if (!current_claimed_) {
      std::lock_guard<std::mutex> lock(mu_);
      current_claimed_ = true;
      current_mine_ = current_ < worker_first_part_;
      if (current_mine_) {
        front_ = current_ + 1;
        if (worker_waiting_) cv_.notify_all();  // fewer parts left for the worker
      }
    }
    if (current_mine_) {
      if (!own_reader_) own_reader_.emplace(own_cursor_.get(), parts_[current_].start, parts_[current_].end);
      const EntrySource source = [this](StoredEntry* entries, size_t max) {
        return own_reader_->NextRun(entries, max);
      };
      if (own_decoder_.Fill(source, out)) return true;
      own_reader_.reset();
    } else {
      std::unique_lock<std::mutex> lock(mu_);
      Part& part = parts_[current_];
      caller_waiting_ = true;
      cv_.wait(lock, [&] { return !part.batches.empty() || part.finished || error_; });
      caller_waiting_ = false;
      if (!part.batches.empty()) {
        *out = std::move(part.batches.front().first);
        held_bytes_ -= part.batches.front().second;
        part.batches.pop_front();
        if (worker_waiting_) cv_.notify_all();
        return true;
      }
      if (!part.finished) std::rethrow_exception(error_);
    }
    current_++;
    current_claimed_ = false;
  }
  out->size = 0;
  return false;
}

void ParallelScan::Run() {
  try {
    for (;;) {
      size_t index;
      {
        std::unique_lock<std::mutex> lock(mu_);
        worker_waiting_ = true;
        cv_.wait(lock, [&] { return stop_ || front_ >= worker_first_part_ || held_bytes_ < byte_cap_; });
        worker_waiting_ = false;
        // Every part claimed, or the caller gone.
        if (stop_ || front_ >= worker_first_part_) return;
        index = --worker_first_part_;
      }
      Part& part = parts_[index];
      KeyRangeReader reader(worker_cursor_.get(), part.start, part.end);
      const EntrySource source = [&reader](StoredEntry* entries, size_t max) {
        return reader.NextRun(entries, max);
      };
      for (;;) {
        Batch batch;
        const bool more = worker_decoder_.Fill(source, &batch);
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_) return;
        if (more) {
          const uint64_t bytes = BatchBytes(batch);
          held_bytes_ += bytes;
          part.batches.emplace_back(std::move(batch), bytes);
        } else {
          part.finished = true;
        }
        if (caller_waiting_) cv_.notify_all();
        if (!more) break;
      }
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mu_);
    error_ = std::current_exception();
    cv_.notify_all();
  }
}

}  // namespace zq::sql

#include "sql/executor/scan_batches.hpp"

#include "sql/executor/exec_context.hpp"
#include "sql/executor/table_access.hpp"
#include "sql/lexer/sql_error.hpp"

namespace zq::sql {

namespace {

[[noreturn]] void Malformed(const catalog::TableDef& table) {
  ThrowSqlError("XX001", 0, "a stored row of table \"" + table.name + "\" is malformed");
}

}  // namespace

BatchDecoder::BatchDecoder(const catalog::TableDef& table, std::vector<uint8_t> decode)
    : table_(table), decode_(std::move(decode)) {
  decode_.resize(table.columns.size());
  for (size_t c = 0; c < decode_.size(); c++) {
    if (decode_[c]) columns_read_ = c + 1;
  }
  targets_.resize(columns_read_);
  run_.resize(kChunkRows);
}

bool BatchDecoder::Fill(const EntrySource& source, Batch* out) {
  const std::vector<catalog::ColumnDef>& columns = table_.columns;
  out->columns.resize(columns.size());
  for (size_t c = 0; c < columns.size(); c++) {
    ColumnVector& column = out->columns[c];
    if (decode_[c]) {
      column.Reset(columns[c].type.id, kChunkRows);
      targets_[c] = {column.kind, column.nulls.data(), column.ints.data(), column.floats.data(),
                     column.values.data()};
    } else {
      column.ResetAbsent(columns[c].type.id, kChunkRows);
    }
  }
  size_t rows = 0;
  while (rows < kChunkRows) {
    const size_t n = source(run_.data(), kChunkRows - rows);
    if (n == 0) break;
    for (size_t i = 0; i < n; i++) Decode(run_[i].first, run_[i].second, rows++, out);
  }
  for (ColumnVector& c : out->columns) c.Resize(rows);
  out->size = rows;
  return rows > 0;
}

void BatchDecoder::Decode(std::string_view key, std::string_view value, size_t row, Batch* out) {
  if (table_.read_only()) {
    const Row decoded = DecodeStoredRow(table_, key, value);
    for (size_t c = 0; c < decoded.size(); c++) {
      if (decode_[c]) out->columns[c].Set(row, decoded[c]);
    }
    return;
  }
  StoredRowReader reader(value);
  StoredValue v;
  for (size_t c = 0; c < columns_read_; c++) {
    if (!reader.Next(&v)) Malformed(table_);
    if (!decode_[c]) continue;
    const Target& t = targets_[c];
    if (v.type == TypeId::kNull) {
      out->columns[c].SetNull(row);
      continue;
    }
    if (KindOf(v.type) != t.kind) Malformed(table_);
    t.nulls[row] = 0;
    switch (t.kind) {
      case VectorKind::kInt: t.ints[row] = v.i; break;
      case VectorKind::kFloat: t.floats[row] = v.f; break;
      case VectorKind::kValue: t.values[row] = v.ToValue(); break;
    }
  }
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

ScanWorker::ScanWorker(const catalog::TableDef& table, std::vector<uint8_t> decode,
                       std::unique_ptr<storage::Cursor> cursor, std::string start,
                       uint64_t byte_cap)
    : decoder_(table, std::move(decode)),
      reader_(std::move(cursor), std::move(start), ""),
      byte_cap_(byte_cap),
      thread_([this] { Run(); }) {}

ScanWorker::~ScanWorker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void ScanWorker::Run() {
  const EntrySource source = [this](StoredEntry* out, size_t max) {
    return reader_.NextRun(out, max);
  };
  try {
    for (;;) {
      Batch batch;
      if (!decoder_.Fill(source, &batch)) break;
      const uint64_t bytes = BatchBytes(batch);
      std::unique_lock<std::mutex> lock(mu_);
      worker_waiting_ = true;
      cv_.wait(lock, [&] { return stop_ || ready_.empty() || ready_bytes_ + bytes <= byte_cap_; });
      worker_waiting_ = false;
      if (stop_) return;
      ready_bytes_ += bytes;
      ready_.emplace_back(std::move(batch), bytes);
      if (taker_waiting_) cv_.notify_all();
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mu_);
    error_ = std::current_exception();
  }
  std::lock_guard<std::mutex> lock(mu_);
  finished_ = true;
  cv_.notify_all();
}

bool ScanWorker::Take(Batch* out) {
  std::unique_lock<std::mutex> lock(mu_);
  taker_waiting_ = true;
  cv_.wait(lock, [&] { return !ready_.empty() || finished_; });
  taker_waiting_ = false;
  if (!ready_.empty()) {
    *out = std::move(ready_.front().first);
    ready_bytes_ -= ready_.front().second;
    ready_.pop_front();
    if (worker_waiting_) cv_.notify_all();
    return true;
  }
  // Batches made before a failure are handed over first, as a serial scan
  // would have returned those rows before reaching the bad one.
  if (error_) std::rethrow_exception(error_);
  out->size = 0;
  return false;
}

}  // namespace zq::sql

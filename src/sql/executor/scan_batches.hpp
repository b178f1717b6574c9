// Filling batches from a table's stored rows: the decoding shared by the
// vectorized scan's serial and parallel paths, a reader for one key range of
// a cursor, and the scan of a large table on two threads.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "catalog/schema.hpp"
#include "sql/executor/column_batch.hpp"
#include "sql/planner/plan.hpp"
#include "storage/store/store.hpp"

namespace zq::sql {

using StoredEntry = std::pair<std::string_view, std::string_view>;  // key, value
// Hands over the next stored rows, up to `max`; 0 at the end. The views stay
// valid until the next call.
using EntrySource = std::function<size_t(StoredEntry* out, size_t max)>;

// `column OP value` on an integer column (OP one of = <> < <= > >=), one
// conjunct of a scan's condition: a row whose value is NULL or fails it
// cannot pass the condition, so the decoder drops it before it takes space
// in a batch. The condition still runs on the rows kept.
struct DecodeFilter {
  uint32_t column = 0;
  BinaryOp op = BinaryOp::kEq;
  int64_t value = 0;
  bool Passes(int64_t v) const;
};

// Decodes the columns of a table a scan reads (decode[c] != 0) into batches;
// the others are left absent. Decoding stops after the last column read, and
// a row stops at the first DecodeFilter it fails.
class BatchDecoder {
 public:
  BatchDecoder(const catalog::TableDef& table, std::vector<uint8_t> decode,
               std::vector<DecodeFilter> filters = {});

  // Fills `out` with up to kChunkRows rows (the first time, kFirstBatchRows)
  // from `source`; false when the source had none left. Throws XX001 on a
  // malformed row.
  bool Fill(const EntrySource& source, Batch* out);

 private:
  // Decodes a row into position `row`; false when a filter dropped it.
  bool Decode(std::string_view key, std::string_view value, size_t row, Batch* out);
  // Points targets_ at the arrays of `out`'s decoded columns.
  void PointTargets(Batch* out);

  // Where Decode writes a column of the batch being filled (its arrays, read
  // once per batch rather than through the vector for every value).
  struct Target {
    VectorKind kind = VectorKind::kValue;
    uint8_t* nulls = nullptr;
    int64_t* ints = nullptr;
    double* floats = nullptr;
    Value* values = nullptr;
  };

  static constexpr size_t kFirstBatchRows = 256;

  const catalog::TableDef& table_;
  std::vector<uint8_t> decode_;
  std::vector<std::vector<DecodeFilter>> filters_;  // per column read
  size_t columns_read_ = 0;
  bool filled_before_ = false;
  std::vector<Target> targets_;
  std::vector<StoredEntry> run_;
};

// The entries of a cursor from `start` ("" for the first) up to but not
// including `end` ("" for no end), a leaf's run at a time. The cursor is
// borrowed: one cursor serves the parts a thread reads one after another.
class KeyRangeReader {
 public:
  KeyRangeReader(storage::Cursor* cursor, std::string_view start, std::string_view end)
      : cursor_(cursor), start_(start), end_(end) {}
  size_t NextRun(StoredEntry* out, size_t max);

 private:
  storage::Cursor* cursor_;
  std::string start_, end_;
  bool started_ = false, finished_ = false;
};

// A full scan cut into key-range parts (at `splits`, ascending) that two
// threads decode: the caller's thread takes parts from the front as it
// consumes them, a worker thread takes parts from the back and keeps their
// batches until the caller gets there. Where they meet depends on how much
// else the caller does with each batch, so the work balances itself; batches
// still come out in key order, as a serial scan's. The worker takes a new
// part only while it holds less than `byte_cap` bytes of batches (it never
// waits inside a part, so the caller waiting for a part always gets it).
// Each thread reads through its own snapshot cursor, which other threads may
// read concurrently; no expression is evaluated on the worker, so nothing of
// the statement's ExecContext is shared.
class ParallelScan {
 public:
  ParallelScan(const catalog::TableDef& table, const std::vector<uint8_t>& decode,
               const std::vector<DecodeFilter>& filters, std::vector<std::string> splits,
               std::unique_ptr<storage::Cursor> own_cursor,
               std::unique_ptr<storage::Cursor> worker_cursor, uint64_t byte_cap);
  // Stops the worker and waits for it.
  ~ParallelScan();
  ParallelScan(const ParallelScan&) = delete;
  ParallelScan& operator=(const ParallelScan&) = delete;

  // The next batch in key order (decoded; of the condition, only the
  // DecodeFilters applied); false at the end.
  // Rethrows a failure of the worker (storage error, malformed row) once
  // the batches decoded before it are consumed.
  bool Next(Batch* out);

 private:
  struct Part {
    std::string start, end;  // "" : open
    std::deque<std::pair<Batch, uint64_t>> batches;  // the worker's, with their bytes
    bool finished = false;                           // the worker decoded all of it
  };
  void Run();

  std::vector<Part> parts_;
  // The caller's side.
  BatchDecoder own_decoder_;
  std::unique_ptr<storage::Cursor> own_cursor_;
  std::optional<KeyRangeReader> own_reader_;
  size_t current_ = 0;  // the part being consumed
  bool current_claimed_ = false, current_mine_ = false;
  // The worker's side.
  BatchDecoder worker_decoder_;
  std::unique_ptr<storage::Cursor> worker_cursor_;
  uint64_t byte_cap_;
  // Shared, under mu_.
  std::mutex mu_;
  std::condition_variable cv_;
  size_t front_ = 0;              // parts [0, front_) are the caller's
  size_t worker_first_part_;      // parts [worker_first_part_, end) are the worker's
  uint64_t held_bytes_ = 0;       // of the worker's batches not yet consumed
  bool stop_ = false;
  bool caller_waiting_ = false, worker_waiting_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace zq::sql

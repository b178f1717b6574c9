// Filling batches from a table's stored rows: the decoding shared by the
// vectorized scan's serial path and its parallel part, a reader for one key
// range of a snapshot cursor, and the worker thread that scans the second
// half of a large table while the statement's thread scans the first.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "catalog/schema.hpp"
#include "sql/executor/column_batch.hpp"
#include "storage/store/store.hpp"

namespace zq::sql {

using StoredEntry = std::pair<std::string_view, std::string_view>;  // key, value
// Hands over the next stored rows, up to `max`; 0 at the end. The views stay
// valid until the next call.
using EntrySource = std::function<size_t(StoredEntry* out, size_t max)>;

// Decodes the columns of a table a scan reads (decode[c] != 0) into batches;
// the others are left absent. Decoding stops after the last column read.
class BatchDecoder {
 public:
  BatchDecoder(const catalog::TableDef& table, std::vector<uint8_t> decode);

  // Fills `out` with up to kChunkRows rows from `source`; false when the
  // source had none left. Throws XX001 on a malformed row.
  bool Fill(const EntrySource& source, Batch* out);

 private:
  void Decode(std::string_view key, std::string_view value, size_t row, Batch* out);

  // Where Decode writes a column of the batch being filled (its arrays, read
  // once per batch rather than through the vector for every value).
  struct Target {
    VectorKind kind = VectorKind::kValue;
    uint8_t* nulls = nullptr;
    int64_t* ints = nullptr;
    double* floats = nullptr;
    Value* values = nullptr;
  };

  const catalog::TableDef& table_;
  std::vector<uint8_t> decode_;
  size_t columns_read_ = 0;
  std::vector<Target> targets_;
  std::vector<StoredEntry> run_;
};

// The entries of a cursor from `start` ("" for the first) up to but not
// including `end` ("" for no end), a leaf's run at a time.
class KeyRangeReader {
 public:
  KeyRangeReader(std::unique_ptr<storage::Cursor> cursor, std::string start, std::string end)
      : cursor_(std::move(cursor)), start_(std::move(start)), end_(std::move(end)) {}
  size_t NextRun(StoredEntry* out, size_t max);

 private:
  std::unique_ptr<storage::Cursor> cursor_;
  std::string start_, end_;
  bool started_ = false, finished_ = false;
};

// Decodes a key range on a thread of its own into batches, kept in order
// for the statement's thread to Take. Holds at most `byte_cap` bytes of
// batches not yet taken (it waits beyond that). Only the storage is read on
// the worker (through a snapshot cursor, which other threads may read
// concurrently); no expression is evaluated there, so nothing of the
// statement's ExecContext is shared.
class ScanWorker {
 public:
  ScanWorker(const catalog::TableDef& table, std::vector<uint8_t> decode,
             std::unique_ptr<storage::Cursor> cursor, std::string start, uint64_t byte_cap);
  // Stops the worker and waits for it.
  ~ScanWorker();
  ScanWorker(const ScanWorker&) = delete;
  ScanWorker& operator=(const ScanWorker&) = delete;

  // The next batch in key order; false at the end. Rethrows the worker's
  // error (a storage failure or a malformed row) in the caller's thread.
  bool Take(Batch* out);

 private:
  void Run();

  BatchDecoder decoder_;
  KeyRangeReader reader_;
  uint64_t byte_cap_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<Batch, uint64_t>> ready_;  // batch, its bytes
  uint64_t ready_bytes_ = 0;
  bool finished_ = false, stop_ = false;
  // Who sleeps on cv_: a hand-over wakes the other side only then.
  bool taker_waiting_ = false, worker_waiting_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace zq::sql

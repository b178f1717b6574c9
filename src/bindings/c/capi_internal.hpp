// Internals shared by the C API's source files (zqlite_capi*.cpp): the
// database handle, the handle registry, the one-call-at-a-time guard and the
// mapping of Status to result codes. Not installed.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <unordered_set>

#include "engine/database.hpp"
#include "storage/vfs/vfs.hpp"
#include "util/status.hpp"
#include "zqlite/zqlite.h"

struct zq_db {
  std::unique_ptr<zq::engine::Database> db;
  std::unique_ptr<zq::storage::Vfs> memory_vfs;
  std::atomic<bool> in_call{false};
  int errcode = ZQ_OK;
  int extended = ZQ_OK;
  std::string errmsg = "not an error";
  std::string sqlstate = "00000";
  int error_offset = -1;
  int64_t changes = 0;
  int busy_timeout_ms = 0;
  std::unordered_set<zq_stmt*> statements;  // live, not finalized
};

namespace zq::capi {

// Handles are checked against a registry before use, so a NULL, closed or
// finalized handle is misuse instead of undefined behaviour.
bool Live(const void* p);
void Register(const void* p);
void Unregister(const void* p);

// Marks the database busy for one call; a second, overlapping call is misuse.
class Call {
 public:
  explicit Call(zq_db* db);
  ~Call();
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;
  bool ok() const { return db_ != nullptr; }

 private:
  zq_db* db_;
  bool owned_ = false;
};

void ClearError(zq_db* db);
int SetError(zq_db* db, int extended, std::string message, std::string sqlstate, int offset);
// Maps a Status (with its SQLSTATE when it has one) to result codes.
int SetStatus(zq_db* db, const Status& s);
int Misuse(zq_db* db, const char* what);

// Runs fn, turning any exception into a result code: none crosses the ABI.
template <typename Fn>
int Guarded(zq_db* db, Fn fn) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return db != nullptr ? SetError(db, ZQ_NOMEM, "out of memory", "53200", -1) : ZQ_NOMEM;
  } catch (const std::exception& e) {
    return db != nullptr ? SetError(db, ZQ_INTERNAL, e.what(), "XX000", -1) : ZQ_INTERNAL;
  } catch (...) {
    return db != nullptr ? SetError(db, ZQ_INTERNAL, "unknown failure", "XX000", -1) : ZQ_INTERNAL;
  }
}

}  // namespace zq::capi

#include "bindings/c/capi_internal.hpp"

#include <mutex>
#include <optional>

#include "sql/lexer/sql_error.hpp"

namespace zq::capi {

namespace {
std::mutex registry_mu;
std::unordered_set<const void*> live_handles;
}  // namespace

bool Live(const void* p) {
  if (p == nullptr) return false;
  std::lock_guard<std::mutex> lock(registry_mu);
  return live_handles.count(p) != 0;
}
void Register(const void* p) {
  std::lock_guard<std::mutex> lock(registry_mu);
  live_handles.insert(p);
}
void Unregister(const void* p) {
  std::lock_guard<std::mutex> lock(registry_mu);
  live_handles.erase(p);
}

Call::Call(zq_db* db) : db_(Live(db) ? db : nullptr) {
  if (db_ == nullptr) return;
  bool expected = false;
  if (!db_->in_call.compare_exchange_strong(expected, true)) db_ = nullptr;
  owned_ = db_ != nullptr;
}

Call::~Call() {
  if (owned_) db_->in_call.store(false);
}

void ClearError(zq_db* db) {
  db->errcode = db->extended = ZQ_OK;
  db->errmsg = "not an error";
  db->sqlstate = "00000";
  db->error_offset = -1;
}

int SetError(zq_db* db, int extended, std::string message, std::string sqlstate, int offset) {
  db->extended = extended;
  db->errcode = extended & 0xff;
  db->errmsg = std::move(message);
  db->sqlstate = std::move(sqlstate);
  db->error_offset = offset;
  return db->errcode;
}

int SetStatus(zq_db* db, const Status& s) {
  if (s.ok()) {
    ClearError(db);
    return ZQ_OK;
  }
  std::optional<sql::SqlError> e = sql::DecodeSqlError(s);
  if (e) {
    const std::string& st = e->sqlstate;
    int code = ZQ_ERROR;
    if (st == "23505") {
      // A primary key's constraint is named <table>_pkey, as in PostgreSQL.
      const bool primary_key = e->message.size() >= 6 &&
                               e->message.compare(e->message.size() - 6, 6, "_pkey\"") == 0;
      code = primary_key ? ZQ_CONSTRAINT_PRIMARYKEY : ZQ_CONSTRAINT_UNIQUE;
    }
    else if (st == "23502") code = ZQ_CONSTRAINT_NOTNULL;
    else if (st == "23514") code = ZQ_CONSTRAINT_CHECK;
    else if (st.rfind("23", 0) == 0) code = ZQ_CONSTRAINT;
    else if (st == "40001") code = ZQ_BUSY_CONFLICT;
    else if (st == "22012") code = ZQ_ERROR_DIVIDE_BY_ZERO;
    else if (st == "22003") code = ZQ_ERROR_OUT_OF_RANGE;
    else if (st == "22P02" || st == "42804" || st == "22001") code = ZQ_MISMATCH;
    else if (st == "53200") code = ZQ_NOMEM;
    else if (st == "54000") code = ZQ_FULL;
    else if (st == "58030") code = ZQ_IOERR;
    else if (st == "XX001") code = ZQ_CORRUPT;
    else if (st == "XX000") code = ZQ_INTERNAL;
    else if (st == "25006") code = ZQ_READONLY;
    return SetError(db, code, e->message, st, static_cast<int>(e->position));
  }
  int code = ZQ_ERROR;
  std::string st = "XX000";
  switch (s.code()) {
    case StatusCode::kNotFound: code = ZQ_NOTFOUND; st = "58P01"; break;
    case StatusCode::kCorruption: code = ZQ_CORRUPT; st = "XX001"; break;
    case StatusCode::kAuthFailed: code = ZQ_AUTH; st = "28000"; break;
    case StatusCode::kIOError: code = ZQ_IOERR; st = "58030"; break;
    case StatusCode::kInvalidArgument:
      code = s.message().find("read-only") != std::string::npos ? ZQ_READONLY : ZQ_ERROR;
      st = code == ZQ_READONLY ? "25006" : "22023";
      break;
    case StatusCode::kConflict: code = ZQ_BUSY_CONFLICT; st = "40001"; break;
    case StatusCode::kBusy: code = ZQ_BUSY; st = "55006"; break;
    case StatusCode::kLimitExceeded: code = ZQ_FULL; st = "54000"; break;
    case StatusCode::kNotSupported: code = ZQ_ERROR; st = "0A000"; break;
    case StatusCode::kPoisoned: code = ZQ_IOERR; st = "58030"; break;
    default: code = ZQ_INTERNAL; break;
  }
  return SetError(db, code, s.ToString(), st, -1);
}

int Misuse(zq_db* db, const char* what) {
  if (Live(db)) SetError(db, ZQ_MISUSE, what, "XX000", -1);
  return ZQ_MISUSE;
}

}  // namespace zq::capi

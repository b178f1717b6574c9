// The C API (include/zqlite/zqlite.h) over engine::Database.
//
// Handles are validated against a registry before use, so a NULL, closed or
// finalized handle gives ZQ_MISUSE rather than undefined behaviour; every
// entry point catches all exceptions. A statement starts at its first
// zq_step; a SELECT then computes its rows as zq_step reads them
// (engine::QueryCursor), any other statement has run to completion.
#include "zqlite/zqlite.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "bindings/c/capi_internal.hpp"
#include "engine/database.hpp"
#include "sql/lexer/lexer.hpp"
#include "sql/lexer/sql_error.hpp"
#include "sql/parser/parser.hpp"
#include "storage/vfs/fault_vfs.hpp"

struct zq_stmt {
  zq_db* db = nullptr;
  std::string sql;
  int param_count = 0;
  std::vector<zq::sql::Value> params;
  bool executed = false;
  std::unique_ptr<zq::engine::QueryCursor> cursor;  // set once started
  zq::sql::Row row;                                 // the current row
  bool on_row = false;
  std::vector<std::string> text;  // zq_column_text buffers of the current row
  std::vector<bool> text_valid;
  std::vector<std::string> decltypes;
};

namespace {

using zq::Status;
using zq::StatusCode;
using zq::sql::Value;
using namespace zq::capi;  // NOLINT: the C API's shared helpers

bool LiveStmt(zq_stmt* stmt) { return Live(stmt) && Live(stmt->db); }

// zq_column_zqtype returns the engine's type ids: the header's names for them.
static_assert(ZQ_TYPE_BYTEA == static_cast<int>(zq::sql::TypeId::kBytea));
static_assert(ZQ_TYPE_DATE == static_cast<int>(zq::sql::TypeId::kDate));
static_assert(ZQ_TYPE_TIMESTAMP == static_cast<int>(zq::sql::TypeId::kTimestamp));
static_assert(ZQ_TYPE_TIMESTAMPTZ == static_cast<int>(zq::sql::TypeId::kTimestampTz));

// Starts one statement, retrying write conflicts within the busy timeout
// when no explicit transaction is open.
zq::Result<std::unique_ptr<zq::engine::QueryCursor>> Start(zq_db* db, const std::string& sql,
                                                           const std::vector<Value>& params) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(db->busy_timeout_ms);
  int backoff_us = 100;
  while (true) {
    zq::Result<std::unique_ptr<zq::engine::QueryCursor>> r = db->db->Start(sql, params);
    if (r.ok() || db->db->in_transaction() || db->busy_timeout_ms <= 0) return r;
    std::optional<zq::sql::SqlError> e = zq::sql::DecodeSqlError(r.status());
    const bool conflict = r.status().code() == StatusCode::kConflict || (e && e->sqlstate == "40001");
    if (!conflict || std::chrono::steady_clock::now() >= deadline) return r;
    std::this_thread::sleep_for(std::chrono::microseconds(backoff_us));
    backoff_us = std::min(backoff_us * 2, 20000);
  }
}

int StorageClass(const Value& v) {
  if (v.null) return ZQ_NULL;
  switch (v.type) {
    case zq::sql::TypeId::kBool: return ZQ_BOOLEAN;
    case zq::sql::TypeId::kInt2:
    case zq::sql::TypeId::kInt4:
    case zq::sql::TypeId::kInt8: return ZQ_INTEGER;
    case zq::sql::TypeId::kFloat4:
    case zq::sql::TypeId::kFloat8: return ZQ_FLOAT;
    case zq::sql::TypeId::kNumeric: return ZQ_NUMERIC;
    case zq::sql::TypeId::kBytea: return ZQ_BLOB;
    default: return ZQ_TEXT;
  }
}

const Value* ColumnValue(zq_stmt* stmt, int column) {
  if (!LiveStmt(stmt) || !stmt->on_row || column < 0 ||
      static_cast<size_t>(column) >= stmt->row.size()) {
    return nullptr;
  }
  return &stmt->row[static_cast<size_t>(column)];
}

int BindValue(zq_stmt* stmt, int index, Value v) {
  if (!LiveStmt(stmt)) return ZQ_MISUSE;
  Call call(stmt->db);
  if (!call.ok()) return ZQ_MISUSE;
  if (stmt->executed) return Misuse(stmt->db, "bind after step: call zq_reset first");
  if (index < 1 || index > stmt->param_count) {
    return SetError(stmt->db, ZQ_RANGE, "parameter index out of range", "22023", -1);
  }
  stmt->params[static_cast<size_t>(index - 1)] = std::move(v);
  ClearError(stmt->db);
  return ZQ_OK;
}

void ResetRows(zq_stmt* stmt) {
  stmt->executed = false;
  stmt->on_row = false;
  stmt->cursor.reset();
  stmt->row.clear();
  stmt->text.clear();
  stmt->text_valid.clear();
}

}  // namespace

extern "C" {

const char* zq_libversion(void) { return ZQLITE_VERSION; }
int zq_libversion_number(void) { return ZQLITE_VERSION_NUMBER; }
int zq_abi_version(void) { return ZQLITE_ABI_VERSION; }

int zq_open(const char* filename, zq_db** db) {
  return zq_open_v2(filename, db, ZQ_OPEN_READWRITE | ZQ_OPEN_CREATE, nullptr);
}

int zq_open_v2(const char* filename, zq_db** out, int flags, const zq_open_options* options) {
  if (out == nullptr) return ZQ_MISUSE;
  *out = nullptr;
  if (filename == nullptr && (flags & ZQ_OPEN_MEMORY) == 0) return ZQ_MISUSE;
  zq_db* db = nullptr;
  try {
    db = new zq_db;
  } catch (...) {
    return ZQ_NOMEM;
  }
  Register(db);
  *out = db;
  return Guarded(db, [&]() -> int {
    zq::engine::DatabaseOptions o;
    if (options != nullptr) {
      if (options->struct_size < sizeof(size_t) ||
          options->struct_size > sizeof(zq_open_options) * 4) {
        return SetError(db, ZQ_MISUSE, "zq_open_options.struct_size is not set", "XX000", -1);
      }
      if (options->key != nullptr) {
        if (options->key_bytes != 32) {
          return SetError(db, ZQ_MISUSE, "encryption keys are 32 bytes", "22023", -1);
        }
        zq::crypto::AeadKey key;
        std::memcpy(key.data(), options->key, 32);
        o.store.encryption_key = key;
      }
      if (options->memory_limit_bytes > 0) o.memory_limit_bytes = options->memory_limit_bytes;
    }
    const bool read_only = (flags & ZQ_OPEN_READONLY) != 0;
    o.store.read_only = read_only;
    o.store.create_if_missing = !read_only && (flags & ZQ_OPEN_CREATE) != 0;
    std::string path = filename != nullptr ? filename : "";
    if ((flags & ZQ_OPEN_MEMORY) != 0 || path == ":memory:") {
      db->memory_vfs = std::make_unique<zq::storage::FaultVfs>(0);  // a RAM disk here
      o.store.vfs = db->memory_vfs.get();
      o.store.read_only = false;
      o.store.create_if_missing = true;
      path = "memory.zq";
    }
    zq::Result<std::unique_ptr<zq::engine::Database>> opened = zq::engine::Database::Open(path, o);
    if (!opened.ok()) return SetStatus(db, opened.status());
    db->db = std::move(opened).value();
    ClearError(db);
    return ZQ_OK;
  });
}

int zq_close(zq_db* db) {
  if (db == nullptr) return ZQ_OK;  // as sqlite3_close(NULL)
  if (!Live(db)) return ZQ_MISUSE;
  {
    Call call(db);
    if (!call.ok()) return ZQ_MISUSE;
    if (!db->statements.empty()) {
      return SetError(db, ZQ_BUSY, "unfinalized statements remain", "55006", -1);
    }
  }
  Unregister(db);
  int rc = ZQ_OK;
  try {
    if (db->db) {
      Status s = db->db->Close();
      if (!s.ok()) rc = ZQ_IOERR;
    }
  } catch (...) {
    rc = ZQ_INTERNAL;
  }
  delete db;
  return rc;
}

void zq_free(void* p) { std::free(p); }

int zq_prepare_v2(zq_db* db, const char* sql, int nbyte, zq_stmt** stmt, const char** tail) {
  if (stmt != nullptr) *stmt = nullptr;
  if (tail != nullptr) *tail = sql;
  Call call(db);
  if (!call.ok()) return ZQ_MISUSE;
  if (sql == nullptr || stmt == nullptr) return Misuse(db, "NULL argument to zq_prepare_v2");
  if (!db->db) return Misuse(db, "database failed to open");
  return Guarded(db, [&]() -> int {
    const std::string_view text(sql, nbyte < 0 ? std::strlen(sql) : static_cast<size_t>(nbyte));
    zq::Result<std::vector<zq::sql::Statement>> parsed = zq::sql::ParseScript(text);
    if (!parsed.ok()) return SetStatus(db, parsed.status());
    if (parsed->empty()) {
      if (tail != nullptr) *tail = sql + text.size();
      ClearError(db);
      return ZQ_OK;
    }
    const zq::sql::Statement& first = (*parsed)[0];
    size_t end = first.end_position;
    while (end < text.size() && text[end] != ';') end++;  // after the statement's ';'
    if (end < text.size()) end++;
    auto s = std::make_unique<zq_stmt>();
    s->db = db;
    s->sql = std::string(text.substr(first.position, first.end_position - first.position));
    // Parameters: the largest $n, or the number of ? placeholders.
    zq::Result<std::vector<zq::sql::Token>> tokens = zq::sql::Tokenize(s->sql);
    if (tokens.ok()) {
      int questions = 0;
      for (const zq::sql::Token& t : *tokens) {
        if (t.kind != zq::sql::TokenKind::kParam) continue;
        if (t.text.empty()) {
          s->param_count = std::max(s->param_count, ++questions);
        } else {
          s->param_count = std::max(s->param_count, std::atoi(t.text.c_str()));
        }
      }
    }
    s->params.assign(static_cast<size_t>(s->param_count), Value::Null());
    zq_stmt* raw = s.release();
    db->statements.insert(raw);
    Register(raw);
    *stmt = raw;
    if (tail != nullptr) *tail = sql + end;
    ClearError(db);
    return ZQ_OK;
  });
}

int zq_step(zq_stmt* stmt) {
  if (!LiveStmt(stmt)) return ZQ_MISUSE;
  zq_db* db = stmt->db;
  Call call(db);
  if (!call.ok()) return ZQ_MISUSE;
  return Guarded(db, [&]() -> int {
    if (!stmt->executed) {
      zq::Result<std::unique_ptr<zq::engine::QueryCursor>> r = Start(db, stmt->sql, stmt->params);
      stmt->executed = true;
      if (!r.ok()) {
        stmt->cursor.reset();
        return SetStatus(db, r.status());
      }
      stmt->cursor = std::move(r).value();
      const zq::engine::QueryResult& header = stmt->cursor->header();
      if (!header.returns_rows || header.command != "SELECT") db->changes = header.changes;
      stmt->decltypes.clear();
      for (const zq::sql::ColumnType& t : header.column_types) {
        stmt->decltypes.push_back(zq::catalog::TypeName(t));
      }
    }
    stmt->on_row = false;
    if (!stmt->cursor) {  // it failed to start: nothing more until zq_reset
      ClearError(db);
      return ZQ_DONE;
    }
    zq::Result<bool> more = stmt->cursor->Next(&stmt->row);
    if (!more.ok()) return SetStatus(db, more.status());
    ClearError(db);
    if (!*more) return ZQ_DONE;
    stmt->on_row = true;
    stmt->text.assign(stmt->row.size(), std::string());
    stmt->text_valid.assign(stmt->row.size(), false);
    return ZQ_ROW;
  });
}

int zq_reset(zq_stmt* stmt) {
  if (!LiveStmt(stmt)) return ZQ_MISUSE;
  Call call(stmt->db);
  if (!call.ok()) return ZQ_MISUSE;
  ResetRows(stmt);
  return ZQ_OK;
}

int zq_clear_bindings(zq_stmt* stmt) {
  if (!LiveStmt(stmt)) return ZQ_MISUSE;
  Call call(stmt->db);
  if (!call.ok()) return ZQ_MISUSE;
  stmt->params.assign(stmt->params.size(), Value::Null());
  return ZQ_OK;
}

int zq_finalize(zq_stmt* stmt) {
  if (stmt == nullptr) return ZQ_OK;
  if (!LiveStmt(stmt)) return ZQ_MISUSE;
  zq_db* db = stmt->db;
  Call call(db);
  if (!call.ok()) return ZQ_MISUSE;
  Unregister(stmt);
  db->statements.erase(stmt);
  delete stmt;
  return ZQ_OK;
}

const char* zq_sql(zq_stmt* stmt) { return LiveStmt(stmt) ? stmt->sql.c_str() : nullptr; }

int zq_bind_parameter_count(zq_stmt* stmt) { return LiveStmt(stmt) ? stmt->param_count : 0; }
int zq_bind_null(zq_stmt* stmt, int index) { return BindValue(stmt, index, Value::Null()); }
int zq_bind_int(zq_stmt* stmt, int index, int value) {
  return BindValue(stmt, index, Value::Int(zq::sql::TypeId::kInt4, value));
}
int zq_bind_int64(zq_stmt* stmt, int index, int64_t value) {
  return BindValue(stmt, index, Value::Int(zq::sql::TypeId::kInt8, value));
}
int zq_bind_double(zq_stmt* stmt, int index, double value) {
  return BindValue(stmt, index, Value::Float(zq::sql::TypeId::kFloat8, value));
}
int zq_bind_bool(zq_stmt* stmt, int index, int value) {
  return BindValue(stmt, index, Value::Bool(value != 0));
}

int zq_bind_text(zq_stmt* stmt, int index, const char* text, int nbyte, zq_destructor destructor) {
  if (text == nullptr) return zq_bind_null(stmt, index);
  std::string s(text, nbyte < 0 ? std::strlen(text) : static_cast<size_t>(nbyte));
  const int rc = BindValue(stmt, index, Value::Text(std::move(s)));
  if (destructor != ZQ_STATIC && destructor != ZQ_TRANSIENT) destructor(const_cast<char*>(text));
  return rc;
}

int zq_bind_blob(zq_stmt* stmt, int index, const void* data, int nbyte, zq_destructor destructor) {
  if (data == nullptr || nbyte < 0) {
    if (data == nullptr) return zq_bind_null(stmt, index);
    return LiveStmt(stmt) ? Misuse(stmt->db, "negative blob size") : ZQ_MISUSE;
  }
  std::string s(static_cast<const char*>(data), static_cast<size_t>(nbyte));
  const int rc = BindValue(stmt, index, Value::Text(std::move(s), zq::sql::TypeId::kBytea));
  if (destructor != ZQ_STATIC && destructor != ZQ_TRANSIENT) destructor(const_cast<void*>(data));
  return rc;
}

int zq_bind_numeric(zq_stmt* stmt, int index, const char* text) {
  if (text == nullptr) return zq_bind_null(stmt, index);
  std::optional<zq::sql::Decimal> d = zq::sql::Decimal::Parse(text);
  if (!d) {
    if (!LiveStmt(stmt)) return ZQ_MISUSE;
    return SetError(stmt->db, ZQ_MISMATCH,
                    std::string("invalid input syntax for type numeric: \"") + text + "\"", "22P02", -1);
  }
  return BindValue(stmt, index, Value::Numeric(*d));
}

int zq_column_count(zq_stmt* stmt) {
  if (!LiveStmt(stmt) || !stmt->cursor || !stmt->cursor->header().returns_rows) return 0;
  return static_cast<int>(stmt->cursor->header().column_names.size());
}

const char* zq_column_name(zq_stmt* stmt, int column) {
  if (column < 0 || column >= zq_column_count(stmt)) return nullptr;
  return stmt->cursor->header().column_names[static_cast<size_t>(column)].c_str();
}

const char* zq_column_decltype(zq_stmt* stmt, int column) {
  if (column < 0 || column >= zq_column_count(stmt)) return nullptr;
  return stmt->decltypes[static_cast<size_t>(column)].c_str();
}

int zq_column_type(zq_stmt* stmt, int column) {
  const Value* v = ColumnValue(stmt, column);
  return v == nullptr ? ZQ_NULL : StorageClass(*v);
}

int zq_column_zqtype(zq_stmt* stmt, int column) {
  if (column < 0 || column >= zq_column_count(stmt)) return ZQ_TYPE_UNKNOWN;
  return static_cast<int>(stmt->cursor->header().column_types[static_cast<size_t>(column)].id);
}

int64_t zq_column_int64(zq_stmt* stmt, int column) {
  const Value* v = ColumnValue(stmt, column);
  if (v == nullptr || v->null) return 0;
  if (zq::sql::IsIntegerType(v->type) || v->type == zq::sql::TypeId::kBool ||
      zq::sql::IsDatetimeType(v->type)) {
    return v->i;  // dates: days, timestamps: microseconds since 1970-01-01
  }
  if (zq::sql::IsFloatType(v->type)) {
    if (std::isnan(v->f)) return 0;
    if (v->f >= 9.2e18) return INT64_MAX;
    if (v->f <= -9.2e18) return INT64_MIN;
    return static_cast<int64_t>(v->f);
  }
  if (v->type == zq::sql::TypeId::kNumeric) {
    std::optional<int64_t> i = zq::sql::DecimalTrunc(v->dec, 0).ToInt64();
    return i.value_or(v->dec.Sign() < 0 ? INT64_MIN : INT64_MAX);
  }
  return std::strtoll(v->s.c_str(), nullptr, 10);
}

int zq_column_int(zq_stmt* stmt, int column) {
  const int64_t v = zq_column_int64(stmt, column);
  return static_cast<int>(std::clamp<int64_t>(v, INT32_MIN, INT32_MAX));
}

double zq_column_double(zq_stmt* stmt, int column) {
  const Value* v = ColumnValue(stmt, column);
  if (v == nullptr || v->null) return 0;
  if (zq::sql::IsNumericCategory(v->type) || v->type == zq::sql::TypeId::kBool) {
    return zq::sql::ToDouble(*v);
  }
  return std::strtod(v->s.c_str(), nullptr);
}

const unsigned char* zq_column_text(zq_stmt* stmt, int column) {
  const Value* v = ColumnValue(stmt, column);
  if (v == nullptr || v->null) return nullptr;
  const size_t c = static_cast<size_t>(column);
  if (!stmt->text_valid[c]) {
    stmt->text[c] = v->type == zq::sql::TypeId::kText ? v->s : zq::sql::ValueToText(*v);
    stmt->text_valid[c] = true;
  }
  return reinterpret_cast<const unsigned char*>(stmt->text[c].c_str());
}

const void* zq_column_blob(zq_stmt* stmt, int column) {
  const Value* v = ColumnValue(stmt, column);
  if (v == nullptr || v->null) return nullptr;
  if (v->type == zq::sql::TypeId::kBytea || v->type == zq::sql::TypeId::kText) return v->s.data();
  return zq_column_text(stmt, column);
}

int zq_column_bytes(zq_stmt* stmt, int column) {
  const Value* v = ColumnValue(stmt, column);
  if (v == nullptr || v->null) return 0;
  if (v->type == zq::sql::TypeId::kBytea || v->type == zq::sql::TypeId::kText) {
    return static_cast<int>(v->s.size());
  }
  const unsigned char* text = zq_column_text(stmt, column);
  return text == nullptr ? 0 : static_cast<int>(std::strlen(reinterpret_cast<const char*>(text)));
}

int zq_exec(zq_db* db, const char* sql, int (*callback)(void*, int, char**, char**), void* arg,
            char** errmsg) {
  if (errmsg != nullptr) *errmsg = nullptr;
  if (!Live(db) || sql == nullptr) return ZQ_MISUSE;
  const char* rest = sql;
  int rc = ZQ_OK;
  while (rc == ZQ_OK && rest != nullptr && *rest != '\0') {
    zq_stmt* stmt = nullptr;
    rc = zq_prepare_v2(db, rest, -1, &stmt, &rest);
    if (rc != ZQ_OK || stmt == nullptr) break;
    while ((rc = zq_step(stmt)) == ZQ_ROW) {
      if (callback == nullptr) continue;
      const int n = zq_column_count(stmt);
      std::vector<char*> values(static_cast<size_t>(n)), names(static_cast<size_t>(n));
      for (int i = 0; i < n; i++) {
        values[static_cast<size_t>(i)] =
            const_cast<char*>(reinterpret_cast<const char*>(zq_column_text(stmt, i)));
        names[static_cast<size_t>(i)] = const_cast<char*>(zq_column_name(stmt, i));
      }
      if (callback(arg, n, values.data(), names.data()) != 0) {
        zq_finalize(stmt);
        stmt = nullptr;
        rc = SetError(db, ZQ_ABORT, "query aborted by the callback", "57014", -1);
        break;
      }
    }
    if (stmt != nullptr) zq_finalize(stmt);
    if (rc == ZQ_DONE) rc = ZQ_OK;
  }
  if (rc != ZQ_OK && errmsg != nullptr && Live(db)) {
    *errmsg = static_cast<char*>(std::malloc(db->errmsg.size() + 1));
    if (*errmsg != nullptr) std::memcpy(*errmsg, db->errmsg.c_str(), db->errmsg.size() + 1);
  }
  return rc;
}

int64_t zq_changes(zq_db* db) { return Live(db) ? db->changes : 0; }
int zq_errcode(zq_db* db) { return Live(db) ? db->errcode : ZQ_MISUSE; }
int zq_extended_errcode(zq_db* db) { return Live(db) ? db->extended : ZQ_MISUSE; }
const char* zq_errmsg(zq_db* db) {
  return Live(db) ? db->errmsg.c_str() : "bad database handle (NULL, closed or not a zq_db)";
}
const char* zq_sqlstate(zq_db* db) { return Live(db) ? db->sqlstate.c_str() : "XX000"; }
int zq_error_offset(zq_db* db) { return Live(db) ? db->error_offset : -1; }

const char* zq_errstr(int code) {
  switch (code & 0xff) {
    case ZQ_OK: return "not an error";
    case ZQ_ERROR: return "SQL error";
    case ZQ_INTERNAL: return "internal error";
    case ZQ_ABORT: return "query aborted";
    case ZQ_BUSY: return "database is busy or a write conflicted";
    case ZQ_NOMEM: return "out of memory";
    case ZQ_READONLY: return "database is read-only";
    case ZQ_IOERR: return "disk I/O error";
    case ZQ_CORRUPT: return "database disk image is malformed";
    case ZQ_NOTFOUND: return "not found";
    case ZQ_FULL: return "a size limit was reached";
    case ZQ_CONSTRAINT: return "constraint failed";
    case ZQ_MISMATCH: return "datatype mismatch";
    case ZQ_MISUSE: return "bad parameter or other API misuse";
    case ZQ_AUTH: return "wrong key or altered data";
    case ZQ_RANGE: return "index out of range";
    case ZQ_ROW: return "another row available";
    case ZQ_DONE: return "no more rows available";
    default: return "unknown error";
  }
}

int zq_busy_timeout(zq_db* db, int ms) {
  Call call(db);
  if (!call.ok()) return ZQ_MISUSE;
  db->busy_timeout_ms = std::max(ms, 0);
  return ZQ_OK;
}

int zq_in_transaction(zq_db* db) {
  return Live(db) && db->db && db->db->in_transaction() ? 1 : 0;
}

}  // extern "C"

// zqlite.hpp — a small C++17 RAII wrapper over the C API (zqlite.h).
// Errors become zqlite::Error exceptions carrying the result code and the
// SQLSTATE; handles close themselves.
//
//   zqlite::Database db("app.zq");
//   db.exec("CREATE TABLE t (id integer PRIMARY KEY, name text)");
//   auto insert = db.prepare("INSERT INTO t VALUES ($1, $2)");
//   insert.bind(1, int64_t{1}).bind(2, "one").run();
//   for (auto q = db.prepare("SELECT name FROM t"); q.step();) puts(q.text(0).c_str());
#ifndef ZQLITE_HPP
#define ZQLITE_HPP

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "zqlite/zqlite.h"

namespace zqlite {

class Error : public std::runtime_error {
 public:
  Error(int code, std::string sqlstate, const std::string& message)
      : std::runtime_error(message), code_(code), sqlstate_(std::move(sqlstate)) {}
  int code() const { return code_; }  // extended result code
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  int code_;
  std::string sqlstate_;
};

class Statement {
 public:
  Statement(Statement&& other) noexcept
      : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}
  Statement& operator=(Statement&& other) noexcept {
    if (this != &other) {
      zq_finalize(stmt_);
      db_ = other.db_;
      stmt_ = std::exchange(other.stmt_, nullptr);
    }
    return *this;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { zq_finalize(stmt_); }

  Statement& bind(int index, std::nullptr_t) { return check(zq_bind_null(stmt_, index)); }
  Statement& bind(int index, int value) { return check(zq_bind_int(stmt_, index, value)); }
  Statement& bind(int index, int64_t value) { return check(zq_bind_int64(stmt_, index, value)); }
  Statement& bind(int index, double value) { return check(zq_bind_double(stmt_, index, value)); }
  Statement& bind(int index, bool value) { return check(zq_bind_bool(stmt_, index, value)); }
  Statement& bind(int index, std::string_view text) {
    return check(zq_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), ZQ_TRANSIENT));
  }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind_blob(int index, const void* data, size_t size) {
    return check(zq_bind_blob(stmt_, index, data, static_cast<int>(size), ZQ_TRANSIENT));
  }
  Statement& bind_numeric(int index, const std::string& text) {
    return check(zq_bind_numeric(stmt_, index, text.c_str()));
  }

  // True while there is a row; throws on error.
  bool step() {
    const int rc = zq_step(stmt_);
    if (rc == ZQ_ROW) return true;
    if (rc == ZQ_DONE) return false;
    throw_error(rc);
    return false;
  }
  // Runs to completion; returns the rows changed.
  int64_t run() {
    while (step()) {
    }
    return zq_changes(db_);
  }
  void reset() { zq_reset(stmt_); }

  int columns() const { return zq_column_count(stmt_); }
  std::string name(int column) const { return zq_column_name(stmt_, column); }
  bool is_null(int column) const { return zq_column_type(stmt_, column) == ZQ_NULL; }
  int64_t int64(int column) const { return zq_column_int64(stmt_, column); }
  double real(int column) const { return zq_column_double(stmt_, column); }
  std::string text(int column) const {
    const unsigned char* t = zq_column_text(stmt_, column);
    return t == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(t),
                                                      static_cast<size_t>(zq_column_bytes(stmt_, column)));
  }
  std::optional<std::string> maybe_text(int column) const {
    if (is_null(column)) return std::nullopt;
    return text(column);
  }

 private:
  friend class Database;
  Statement(zq_db* db, zq_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement& check(int rc) {
    if (rc != ZQ_OK) throw_error(rc);
    return *this;
  }
  [[noreturn]] void throw_error(int) const {
    throw Error(zq_extended_errcode(db_), zq_sqlstate(db_), zq_errmsg(db_));
  }

  zq_db* db_;
  zq_stmt* stmt_;
};

class Database {
 public:
  explicit Database(const std::string& path, int flags = ZQ_OPEN_READWRITE | ZQ_OPEN_CREATE,
                    const zq_open_options* options = nullptr) {
    const int rc = zq_open_v2(path.c_str(), &db_, flags, options);
    if (rc != ZQ_OK) {
      Error error(zq_extended_errcode(db_), zq_sqlstate(db_), zq_errmsg(db_));
      zq_close(db_);
      throw error;
    }
  }
  Database(Database&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database() { zq_close(db_); }

  void exec(const std::string& sql) {
    char* message = nullptr;
    const int rc = zq_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    zq_free(message);
    if (rc != ZQ_OK) throw Error(zq_extended_errcode(db_), zq_sqlstate(db_), zq_errmsg(db_));
  }
  Statement prepare(const std::string& sql) {
    zq_stmt* stmt = nullptr;
    if (zq_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr) != ZQ_OK) {
      throw Error(zq_extended_errcode(db_), zq_sqlstate(db_), zq_errmsg(db_));
    }
    if (stmt == nullptr) throw Error(ZQ_MISUSE, "42601", "empty statement");
    return Statement(db_, stmt);
  }
  int64_t changes() const { return zq_changes(db_); }
  zq_db* handle() const { return db_; }

 private:
  zq_db* db_ = nullptr;
};

}  // namespace zqlite

#endif  // ZQLITE_HPP

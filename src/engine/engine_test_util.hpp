// Helpers shared by the engine's tests: rows and errors as short strings.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/database.hpp"
#include "sql/lexer/sql_error.hpp"

namespace zq::engine {

// "a|b|NULL": the values of a row as the shell prints them.
inline std::string RenderRow(const sql::Row& row) {
  std::string out;
  for (size_t i = 0; i < row.size(); i++) {
    if (i > 0) out += "|";
    out += row[i].null ? "NULL" : sql::ValueToText(row[i]);
  }
  return out;
}

inline std::vector<std::string> RenderRows(const QueryResult& result) {
  std::vector<std::string> out;
  for (const sql::Row& row : result.rows) out.push_back(RenderRow(row));
  return out;
}

// A database file `path` on `vfs` (a test's in-memory FaultVfs), opened
// with `options` otherwise; null, with a test failure, when it does not open.
inline std::unique_ptr<Database> OpenTestDatabase(storage::Vfs* vfs, const std::string& path,
                                                  DatabaseOptions options = {}) {
  options.store.vfs = vfs;
  Result<std::unique_ptr<Database>> db = Database::Open(path, options);
  if (!db.ok()) {
    ADD_FAILURE() << "cannot open " << path << ": " << db.status().ToString();
    return nullptr;
  }
  return std::move(db).value();
}

// "OK", the SQLSTATE of a failure, or why there is none.
inline std::string StateOf(const Status& s) {
  if (s.ok()) return "OK";
  std::optional<sql::SqlError> e = sql::DecodeSqlError(s);
  return e ? e->sqlstate : "no SQLSTATE: " + s.ToString();
}

// The rows of `sql` rendered and sorted, or (when it fails) its SQLSTATE as
// the only element (two spellings of a failing query compare equal).
inline std::vector<std::string> SortedRows(Database& db, const std::string& sql) {
  Result<QueryResult> r = db.Execute(sql);
  if (!r.ok()) return {StateOf(r.status())};
  std::vector<std::string> rows = RenderRows(*r);
  std::sort(rows.begin(), rows.end());
  return rows;
}

// The EXPLAIN of `sql`, a line per plan node (or the error).
inline std::string ExplainText(Database& db, const std::string& sql) {
  Result<QueryResult> r = db.Execute("EXPLAIN " + sql);
  if (!r.ok()) return r.status().ToString();
  std::string text;
  for (const std::string& line : RenderRows(*r)) text += line + "\n";
  return text;
}

}  // namespace zq::engine

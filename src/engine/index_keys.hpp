// IndexKeys: the entries of a table's secondary indexes for its rows — key
// values taken from columns or computed by expressions (bound once per
// statement), encoded (hashed for USING HASH), checked for uniqueness and
// written through the statement's transaction.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/schema.hpp"
#include "engine/session.hpp"
#include "sql/executor/exec_context.hpp"

namespace zq::engine {

class IndexKeys {
 public:
  // `table` must outlive this object.
  IndexKeys(const StatementContext& sc, sql::Planner& planner, const catalog::TableDef& table);

  // Whether `row` belongs in index `i` (a partial index's condition holds).
  bool Covers(size_t i, const sql::Row& row);
  // The prefix the entries of `row` in index `i` share: the key values
  // encoded (hashed for a hash index). `any_null`, when given, tells whether
  // a key value is NULL.
  std::string Prefix(size_t i, const sql::Row& row, bool* any_null = nullptr);
  // Throws 23505 when a row other than `own_key` has the same key values in
  // unique index `i` (NULLs are distinct, as in PostgreSQL; a row a partial
  // index does not cover conflicts with nothing).
  void CheckUnique(size_t i, const sql::Row& row, std::string_view own_key);
  // ... in every unique index of the table.
  void CheckUniqueAll(const sql::Row& row, std::string_view own_key);
  // The table key of another row with the same key values as `row` in
  // unique index `i`, or "" when there is none.
  std::string FindConflict(size_t i, const sql::Row& row);
  // Adds (or removes) the entry of `row`, stored under `table_key`, in index `i`...
  void Write(size_t i, const sql::Row& row, std::string_view table_key, bool remove);
  // ... and in every index of the table.
  void WriteAll(const sql::Row& row, std::string_view table_key, bool remove);

 private:
  // A cursor at the first entry of unique index `i` that could share `row`'s
  // key values (`prefix`), or null when the row conflicts with nothing (a
  // NULL key value, a partial index that leaves it out).
  std::unique_ptr<storage::Cursor> SeekSameKey(size_t i, const sql::Row& row,
                                               std::string* prefix);

  const StatementContext& sc_;
  const catalog::TableDef& table_;
  std::vector<std::vector<sql::BoundPtr>> parts_;  // per index; null for a column part
  std::vector<sql::BoundPtr> predicates_;           // per index; null: every row
  sql::ExecContext ctx_;
};

}  // namespace zq::engine

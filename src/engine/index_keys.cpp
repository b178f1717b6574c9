#include "engine/index_keys.hpp"

#include "sql/executor/evaluator.hpp"
#include "sql/executor/table_access.hpp"
#include "sql/lexer/sql_error.hpp"
#include "util/assert.hpp"

namespace zq::engine {

IndexKeys::IndexKeys(const StatementContext& sc, sql::Planner& planner,
                     const catalog::TableDef& table)
    : sc_(sc), table_(table), ctx_(sc.MakeExec()) {
  for (const catalog::IndexDef& index : table.indexes) {
    parts_.push_back(index.HasExpressions() ? planner.BindIndexParts(table, index)
                                            : std::vector<sql::BoundPtr>{});
    predicates_.push_back(planner.BindIndexPredicate(table, index));
  }
}

bool IndexKeys::Covers(size_t i, const sql::Row& row) {
  return !predicates_[i] || sql::EvaluatePredicate(*predicates_[i], row, ctx_);
}

std::string IndexKeys::Prefix(size_t i, const sql::Row& row, bool* any_null) {
  const catalog::IndexDef& index = table_.indexes[i];
  std::string key;
  bool null = false;
  sql::Value computed;
  for (size_t k = 0; k < index.columns.size(); k++) {
    if (index.IsExpression(k)) computed = sql::Evaluate(*parts_[i][k], row, ctx_);
    const sql::Value& v = index.IsExpression(k) ? computed : row[index.columns[k]];
    null = null || v.null;
    sql::AppendIndexPart(index, k, v, &key);
  }
  sql::FinishIndexPrefix(index, &key);
  if (any_null != nullptr) *any_null = null;
  return key;
}

std::unique_ptr<storage::Cursor> IndexKeys::SeekSameKey(size_t i, const sql::Row& row,
                                                        std::string* prefix) {
  const catalog::IndexDef& index = table_.indexes[i];
  // Unique hash indexes are refused (as in PostgreSQL): a shared prefix
  // here means equal key values, never a hash collision.
  ZQ_ASSERT(index.unique && !index.hash);
  if (!Covers(i, row)) return nullptr;
  bool any_null = false;
  *prefix = Prefix(i, row, &any_null);
  if (any_null) return nullptr;  // NULLs are distinct from everything
  Result<std::unique_ptr<storage::Cursor>> cursor = sc_.txn->NewCursor(index.tree);
  sql::ThrowIfError(cursor.status());
  sql::ThrowIfError((*cursor)->Seek(*prefix));
  return std::move(cursor).value();
}

std::string IndexKeys::FindConflict(size_t i, const sql::Row& row) {
  std::string prefix;
  std::unique_ptr<storage::Cursor> cursor = SeekSameKey(i, row, &prefix);
  if (!cursor || !cursor->Valid() || cursor->key().substr(0, prefix.size()) != prefix) return {};
  return std::string(cursor->key().substr(prefix.size()));
}

void IndexKeys::CheckUnique(size_t i, const sql::Row& row, std::string_view own_key) {
  std::string prefix;
  std::unique_ptr<storage::Cursor> cursor = SeekSameKey(i, row, &prefix);
  if (!cursor) return;
  for (; cursor->Valid() && cursor->key().substr(0, prefix.size()) == prefix;
       sql::ThrowIfError(cursor->Next())) {
    if (cursor->key().substr(prefix.size()) != own_key) {
      sql::ThrowSqlError(sql::kSqlStateUniqueViolation, 0,
                         "duplicate key value violates unique constraint \"" +
                             table_.indexes[i].name + "\"");
    }
  }
}

void IndexKeys::CheckUniqueAll(const sql::Row& row, std::string_view own_key) {
  for (size_t i = 0; i < table_.indexes.size(); i++) {
    if (table_.indexes[i].unique) CheckUnique(i, row, own_key);
  }
}

void IndexKeys::Write(size_t i, const sql::Row& row, std::string_view table_key, bool remove) {
  const catalog::IndexDef& index = table_.indexes[i];
  if (!Covers(i, row)) return;  // a row a partial index leaves out has no entry
  std::string key = Prefix(i, row);
  key.append(table_key);
  sql::ThrowIfError(remove ? sc_.txn->Delete(index.tree, key) : sc_.txn->Put(index.tree, key, ""));
}

void IndexKeys::WriteAll(const sql::Row& row, std::string_view table_key, bool remove) {
  for (size_t i = 0; i < table_.indexes.size(); i++) Write(i, row, table_key, remove);
}

}  // namespace zq::engine

// INSERT / UPDATE / DELETE: row writes with their constraint checks (NOT
// NULL, CHECK, primary key and UNIQUE) and index maintenance.
#include <algorithm>
#include <set>

#include "engine/index_keys.hpp"
#include "engine/session.hpp"
#include "sql/executor/evaluator.hpp"
#include "sql/executor/table_access.hpp"
#include "sql/lexer/sql_error.hpp"
#include "sql/parser/parser.hpp"
#include "util/coding.hpp"

namespace zq::engine {

using catalog::IndexDef;
using catalog::TableDef;
using sql::BoundPtr;
using sql::Row;
using sql::ThrowSqlError;
using sql::Value;

namespace {

void Check(const Status& s) { sql::ThrowIfError(s); }

const TableDef& TargetTable(const StatementContext& sc, const sql::QualifiedName& name,
                            const char* verb) {
  if (!name.schema.empty() && name.schema != "public" && name.schema != "main") {
    ThrowSqlError("3F000", 0, "schema \"" + name.schema + "\" does not exist");
  }
  const TableDef* table = sc.catalog->FindTable(name.name);
  if (table == nullptr) {
    if (sc.catalog->FindView(name.name) != nullptr) {
      ThrowSqlError("55000", 0, std::string("cannot ") + verb + " view \"" + name.name + "\"");
    }
    ThrowSqlError(sql::kSqlStateUndefinedTable, 0, "relation \"" + name.name + "\" does not exist");
  }
  RefuseReadOnly(*table, verb);
  return *table;
}

// Bound defaults, CHECK conditions and RETURNING items of one table.
struct TableRules {
  std::vector<BoundPtr> defaults;  // null: DEFAULT NULL
  std::vector<BoundPtr> checks;
  std::vector<std::string> check_sql;

  TableRules(sql::Planner& planner, const TableDef& table) {
    sql::Scope empty;
    for (const catalog::ColumnDef& c : table.columns) {
      if (c.default_sql.empty()) {
        defaults.emplace_back();
        continue;
      }
      Result<sql::ExprPtr> parsed = sql::ParseExpression(c.default_sql);
      Check(parsed.status());
      defaults.push_back(planner.BindAssignment(**parsed, empty, c.type));
    }
    sql::Scope scope = sql::TableScope(table, "");
    for (const std::string& text : table.checks) {
      Result<sql::ExprPtr> parsed = sql::ParseExpression(text);
      Check(parsed.status());
      checks.push_back(planner.BindExpr(**parsed, scope));
      check_sql.push_back(text);
    }
  }

  Value Default(size_t column, sql::ExecContext& ctx, const TableDef& table) const {
    if (!defaults[column]) return Value::Null(table.columns[column].type.id);
    return sql::Evaluate(*defaults[column], Row{}, ctx);
  }

  void Validate(const TableDef& table, const Row& row, sql::ExecContext& ctx) const {
    for (size_t i = 0; i < table.columns.size(); i++) {
      if (table.columns[i].not_null && row[i].null) {
        ThrowSqlError(sql::kSqlStateNotNullViolation, 0,
                      "null value in column \"" + table.columns[i].name + "\" of relation \"" +
                          table.name + "\" violates not-null constraint");
      }
    }
    for (size_t i = 0; i < checks.size(); i++) {
      const Value v = sql::Evaluate(*checks[i], row, ctx);
      if (!v.null && !v.i) {
        ThrowSqlError(sql::kSqlStateCheckViolation, 0,
                      "new row for relation \"" + table.name + "\" violates check constraint (" +
                          check_sql[i] + ")");
      }
    }
  }
};

// RETURNING: items bound over the table's row.
struct Returning {
  std::vector<BoundPtr> exprs;
  QueryResult* result;

  Returning(sql::Planner& planner, const TableDef& table, const std::string& alias,
            const std::vector<sql::SelectItem>& items, QueryResult* r)
      : result(r) {
    if (items.empty()) return;
    sql::Scope scope = sql::TableScope(table, alias);
    result->returns_rows = true;
    for (const sql::SelectItem& item : items) {
      if (item.expr->As<sql::StarExpr>() != nullptr) {
        for (size_t c = 0; c < table.columns.size(); c++) {
          auto e = std::make_unique<sql::BoundExpr>();
          e->kind = sql::ExprKind::kColumn;
          e->type = table.columns[c].type;
          e->index = static_cast<int>(c);
          exprs.push_back(std::move(e));
          result->column_names.push_back(table.columns[c].name);
          result->column_types.push_back(table.columns[c].type);
        }
        continue;
      }
      BoundPtr e = planner.BindExpr(*item.expr, scope);
      result->column_types.push_back(e->type);
      std::string name = item.alias;
      if (name.empty()) {
        const sql::ColumnRefExpr* ref = item.expr->As<sql::ColumnRefExpr>();
        name = ref != nullptr ? ref->names.back() : "?column?";
      }
      result->column_names.push_back(name);
      exprs.push_back(std::move(e));
    }
  }

  void Add(const Row& row, sql::ExecContext& ctx) {
    if (exprs.empty()) return;
    Row out;
    for (const BoundPtr& e : exprs) out.push_back(sql::Evaluate(*e, row, ctx));
    result->rows.push_back(std::move(out));
  }
};

std::string PrimaryKeyName(const TableDef& table) { return table.name + "_pkey"; }

// Rows to change, with their table keys, collected before any write.
std::vector<std::pair<std::string, Row>> CollectTargets(const StatementContext& sc,
                                                        const TableDef& table,
                                                        const sql::PlanNode& scan) {
  std::vector<std::pair<std::string, Row>> targets;
  sql::ExecContext ctx = sc.MakeExec();
  if (!table.primary_key.empty()) {
    for (Row& row : sql::RunPlan(scan, ctx)) {
      std::string key = sql::EncodeTableKey(table, row);
      targets.emplace_back(std::move(key), std::move(row));
    }
    return targets;
  }
  // Row-id tables: the key is not in the row, so walk the table itself.
  Result<std::unique_ptr<storage::Cursor>> cursor = sc.txn->NewCursor(table.tree);
  Check(cursor.status());
  Check((*cursor)->SeekFirst());
  while ((*cursor)->Valid()) {
    Row row = sql::DecodeStoredRow(table, (*cursor)->key(), (*cursor)->value());
    if (!scan.predicate || sql::EvaluatePredicate(*scan.predicate, row, ctx)) {
      targets.emplace_back(std::string((*cursor)->key()), std::move(row));
    }
    Check((*cursor)->Next());
  }
  return targets;
}

void CheckNewKey(const StatementContext& sc, const TableDef& table, const std::string& key) {
  std::string existing;
  Result<bool> found = sc.txn->Get(table.tree, key, &existing);
  Check(found.status());
  if (*found) {
    ThrowSqlError(sql::kSqlStateUniqueViolation, 0,
                  "duplicate key value violates unique constraint \"" + PrimaryKeyName(table) +
                      "\"");
  }
}

}  // namespace

void RefuseReadOnly(const TableDef& table, const std::string& verb) {
  if (!table.read_only()) return;
  ThrowSqlError(sql::kSqlStateWrongObjectType, 0,
                "cannot " + verb + " \"" + table.name +
                    "\": the ledger's tables are read-only in SQL (write through the ledger API)");
}

QueryResult Insert(const StatementContext& sc, const sql::InsertStmt& stmt) {
  const TableDef& table = TargetTable(sc, stmt.table, "insert into");
  sql::Planner planner = sc.MakePlanner();
  QueryResult result;
  result.command = "INSERT";
  // Target columns.
  std::vector<uint32_t> targets;
  if (stmt.columns.empty()) {
    for (uint32_t i = 0; i < table.columns.size(); i++) targets.push_back(i);
  } else {
    for (const std::string& name : stmt.columns) {
      std::optional<uint32_t> col = table.FindColumn(name);
      if (!col) {
        ThrowSqlError(sql::kSqlStateUndefinedColumn, 0,
                      "column \"" + name + "\" of relation \"" + table.name + "\" does not exist");
      }
      if (std::find(targets.begin(), targets.end(), *col) != targets.end()) {
        ThrowSqlError(sql::kSqlStateDuplicateColumn, 0,
                      "column \"" + name + "\" specified more than once");
      }
      targets.push_back(*col);
    }
  }
  TableRules rules(planner, table);
  IndexKeys keys(sc, planner, table);
  Returning returning(planner, table, stmt.alias, stmt.returning, &result);
  sql::ExecContext ctx = sc.MakeExec();
  // Source rows as full table rows.
  std::vector<Row> rows;
  auto make_row = [&]() {
    Row row;
    for (size_t i = 0; i < table.columns.size(); i++) row.push_back(rules.Default(i, ctx, table));
    return row;
  };
  const sql::SelectStmt* source = stmt.source.get();
  const sql::ValuesCore* values = nullptr;
  if (source != nullptr && !source->with && source->order_by.empty() && !source->limit &&
      !source->offset) {
    values = std::get_if<sql::ValuesCore>(&source->body->node);
  }
  if (source == nullptr) {
    rows.push_back(make_row());
  } else if (values != nullptr) {
    sql::Scope empty;
    for (const sql::ExprList& exprs : values->rows) {
      if (exprs.size() > targets.size()) {
        ThrowSqlError(sql::kSqlStateSyntaxError, exprs[targets.size()]->position,
                      "INSERT has more expressions than target columns");
      }
      if (!stmt.columns.empty() && exprs.size() < targets.size()) {
        ThrowSqlError(sql::kSqlStateSyntaxError, exprs.empty() ? 0 : exprs.back()->position,
                      "INSERT has more target columns than expressions");
      }
      Row row = make_row();
      for (size_t i = 0; i < exprs.size(); i++) {
        if (exprs[i]->As<sql::DefaultExpr>() != nullptr) continue;
        const uint32_t col = targets[i];
        BoundPtr e = planner.BindAssignment(*exprs[i], empty, table.columns[col].type);
        row[col] = sql::Evaluate(*e, Row{}, ctx);
      }
      rows.push_back(std::move(row));
    }
  } else {
    sql::PlanPtr plan = planner.PlanSelect(*source, nullptr);
    if (plan->columns.size() > targets.size()) {
      ThrowSqlError(sql::kSqlStateSyntaxError, 0, "INSERT has more expressions than target columns");
    }
    for (size_t i = 0; i < plan->columns.size(); i++) {
      const sql::TypeId from = plan->columns[i].type.id;
      const sql::ColumnType& to = table.columns[targets[i]].type;
      if (from != to.id && from != sql::TypeId::kNull && to.id != sql::TypeId::kText &&
          !(sql::IsNumericCategory(from) && sql::IsNumericCategory(to.id)) &&
          from != sql::TypeId::kText) {
        ThrowSqlError(sql::kSqlStateDatatypeMismatch, 0,
                      "column \"" + table.columns[targets[i]].name + "\" is of type " +
                          catalog::TypeName(to) + " but expression is of type " +
                          catalog::TypeName(plan->columns[i].type));
      }
    }
    for (Row& src : sql::RunPlan(*plan, ctx)) {
      Row row = make_row();
      for (size_t i = 0; i < src.size(); i++) {
        const uint32_t col = targets[i];
        const sql::ColumnType& to = table.columns[col].type;
        row[col] = src[i].type == sql::TypeId::kText && to.id == sql::TypeId::kText && !src[i].null
                       ? sql::ParseValue(src[i].s, to, 0)
                       : sql::CastValue(src[i], to, 0);
      }
      rows.push_back(std::move(row));
    }
  }
  // The constraint that arbitrates ON CONFLICT: the primary key (-1), a
  // unique index (its position), or any of them (no target: DO NOTHING only).
  constexpr int kNoArbiter = -3, kAnyArbiter = -2, kPrimaryKeyArbiter = -1;
  int arbiter = kNoArbiter;
  if (stmt.on_conflict) {
    if (stmt.on_conflict->columns.empty()) {
      if (stmt.on_conflict->do_update) {
        ThrowSqlError(sql::kSqlStateSyntaxError, 0,
                      "ON CONFLICT DO UPDATE requires inference specification or constraint name");
      }
      arbiter = kAnyArbiter;
    } else {
      std::vector<uint32_t> cols;
      for (const std::string& name : stmt.on_conflict->columns) {
        std::optional<uint32_t> col = table.FindColumn(name);
        if (!col) {
          ThrowSqlError(sql::kSqlStateUndefinedColumn, 0, "column \"" + name + "\" does not exist");
        }
        cols.push_back(*col);
      }
      auto same_set = [&](std::vector<uint32_t> a) {
        std::vector<uint32_t> b = cols;
        std::sort(a.begin(), a.end());
        std::sort(b.begin(), b.end());
        b.erase(std::unique(b.begin(), b.end()), b.end());
        return a == b;
      };
      if (!table.primary_key.empty() && same_set(table.primary_key)) arbiter = kPrimaryKeyArbiter;
      for (size_t i = 0; arbiter == kNoArbiter && i < table.indexes.size(); i++) {
        // A partial index arbitrates only with its condition named, which
        // ON CONFLICT does not support yet.
        const IndexDef& ix = table.indexes[i];
        if (ix.unique && ix.predicate.empty() && same_set(ix.columns)) arbiter = static_cast<int>(i);
      }
      if (arbiter == kNoArbiter) {
        ThrowSqlError(sql::kSqlStateInvalidColumnReference, 0,
                      "there is no unique or exclusion constraint matching the ON CONFLICT "
                      "specification");
      }
    }
  }
  // ON CONFLICT DO UPDATE: SET items see the table row and `excluded`.
  std::vector<std::pair<uint32_t, BoundPtr>> conflict_sets;
  BoundPtr conflict_where;
  if (stmt.on_conflict && stmt.on_conflict->do_update) {
    if (table.primary_key.empty() && table.indexes.empty()) {
      ThrowSqlError(sql::kSqlStateInvalidColumnReference, 0,
                    "there is no unique or exclusion constraint matching the ON CONFLICT specification");
    }
    sql::Scope scope = sql::TableScope(table, stmt.alias);
    sql::RangeEntry excluded = scope.ranges[0];
    excluded.name = "excluded";
    excluded.offset = scope.width;
    scope.width *= 2;
    scope.ranges.push_back(std::move(excluded));
    for (const sql::SetClause& set : stmt.on_conflict->set) {
      std::optional<uint32_t> col = table.FindColumn(set.column);
      if (!col) {
        ThrowSqlError(sql::kSqlStateUndefinedColumn, set.position,
                      "column \"" + set.column + "\" of relation \"" + table.name + "\" does not exist");
      }
      conflict_sets.emplace_back(*col, planner.BindAssignment(*set.value, scope, table.columns[*col].type));
    }
    if (stmt.on_conflict->where) {
      conflict_where = planner.BindExpr(*stmt.on_conflict->where, scope);
    }
  }
  std::set<std::string> touched;  // table keys this statement inserted or updated
  int64_t next_row_id = 0;
  if (table.primary_key.empty()) {
    Result<std::unique_ptr<storage::Cursor>> cursor = sc.txn->NewCursor(table.tree);
    Check(cursor.status());
    Check((*cursor)->SeekLast());
    next_row_id = (*cursor)->Valid() ? GetOrderedInt64(reinterpret_cast<const uint8_t*>((*cursor)->key().data())) + 1 : 1;
  }
  for (Row& row : rows) {
    rules.Validate(table, row, ctx);
    std::string key;
    if (table.primary_key.empty()) {
      key = sql::EncodeRowIdKey(next_row_id++);
    } else {
      key = sql::EncodeTableKey(table, row);
    }
    // Conflicts: the primary key first, then each unique index; only the
    // arbiter's are handled by ON CONFLICT, the others are errors.
    std::string existing_bytes;
    Result<bool> exists = sc.txn->Get(table.tree, key, &existing_bytes);
    Check(exists.status());
    std::string conflict_key;
    // The conflicting row's key through unique index i, or "" (for DO UPDATE).
    auto index_conflict = [&](size_t i) { return keys.FindConflict(i, row); };
    // The arbiter is checked first, as PostgreSQL's speculative insertion does:
    // a conflict there is handled even when another constraint would also fail.
    if (arbiter >= 0) conflict_key = index_conflict(static_cast<size_t>(arbiter));
    if (conflict_key.empty() && *exists) {
      if (arbiter != kPrimaryKeyArbiter && arbiter != kAnyArbiter) CheckNewKey(sc, table, key);
      conflict_key = key;
    }
    for (size_t i = 0; conflict_key.empty() && i < table.indexes.size(); i++) {
      if (!table.indexes[i].unique || static_cast<int>(i) == arbiter) continue;
      if (arbiter == kAnyArbiter) {
        conflict_key = index_conflict(i);
      } else {
        keys.CheckUnique(i, row, key);  // not the arbiter: an error
      }
    }
    if (!conflict_key.empty()) {
      if (!stmt.on_conflict->do_update) continue;
      if (touched.count(conflict_key) != 0) {
        ThrowSqlError(sql::kSqlStateCardinalityViolation, 0,
                      "ON CONFLICT DO UPDATE command cannot affect row a second time");
      }
      std::string old_bytes;
      Result<bool> got = sc.txn->Get(table.tree, conflict_key, &old_bytes);
      Check(got.status());
      Row old = sql::DecodeStoredRow(table, conflict_key, old_bytes);
      Row both = old;
      both.insert(both.end(), row.begin(), row.end());
      if (conflict_where && !sql::EvaluatePredicate(*conflict_where, both, ctx)) continue;
      Row updated = old;
      for (const auto& [col, e] : conflict_sets) updated[col] = sql::Evaluate(*e, both, ctx);
      rules.Validate(table, updated, ctx);
      std::string new_key = table.primary_key.empty() ? conflict_key : sql::EncodeTableKey(table, updated);
      keys.WriteAll(old, conflict_key, true);
      if (new_key != conflict_key) {
        CheckNewKey(sc, table, new_key);
        Check(sc.txn->Delete(table.tree, conflict_key));
      }
      keys.CheckUniqueAll(updated, new_key);
      Check(sc.txn->Put(table.tree, new_key, sql::EncodeRowValue(updated)));
      keys.WriteAll(updated, new_key, false);
      touched.insert(new_key);
      returning.Add(updated, ctx);
      result.changes++;
      continue;
    }
    touched.insert(key);
    Check(sc.txn->Put(table.tree, key, sql::EncodeRowValue(row)));
    keys.WriteAll(row, key, false);
    returning.Add(row, ctx);
    result.changes++;
  }
  return result;
}

QueryResult Update(const StatementContext& sc, const sql::UpdateStmt& stmt) {
  const TableDef& table = TargetTable(sc, stmt.table, "update");
  if (!stmt.from.empty()) {
    ThrowSqlError(sql::kSqlStateFeatureNotSupported, 0, "UPDATE ... FROM is not supported yet");
  }
  sql::Planner planner = sc.MakePlanner();
  QueryResult result;
  result.command = "UPDATE";
  sql::Scope scope;
  sql::PlanPtr scan = planner.PlanDmlScan(stmt.table, stmt.alias, stmt.where.get(), &scope, 0);
  TableRules rules(planner, table);
  std::vector<std::pair<uint32_t, BoundPtr>> sets;  // null: DEFAULT
  for (const sql::SetClause& set : stmt.set) {
    std::optional<uint32_t> col = table.FindColumn(set.column);
    if (!col) {
      ThrowSqlError(sql::kSqlStateUndefinedColumn, set.position,
                    "column \"" + set.column + "\" of relation \"" + table.name + "\" does not exist");
    }
    for (const auto& s : sets) {
      if (s.first == *col) {
        ThrowSqlError(sql::kSqlStateSyntaxError, set.position,
                      "multiple assignments to same column \"" + set.column + "\"");
      }
    }
    if (set.value->As<sql::DefaultExpr>() != nullptr) {
      sets.emplace_back(*col, nullptr);
    } else {
      sets.emplace_back(*col, planner.BindAssignment(*set.value, scope, table.columns[*col].type));
    }
  }
  IndexKeys keys(sc, planner, table);
  Returning returning(planner, table, stmt.alias, stmt.returning, &result);
  sql::ExecContext ctx = sc.MakeExec();
  // Every new row is computed before the first write, so expressions and
  // subqueries see the table as it was when the statement started.
  std::vector<std::pair<std::string, Row>> targets = CollectTargets(sc, table, *scan);
  std::vector<Row> new_rows;
  new_rows.reserve(targets.size());
  for (const auto& [key, old] : targets) {
    Row updated = old;
    for (const auto& [col, e] : sets) {
      updated[col] = e ? sql::Evaluate(*e, old, ctx) : rules.Default(col, ctx, table);
    }
    rules.Validate(table, updated, ctx);
    new_rows.push_back(std::move(updated));
  }
  for (size_t i = 0; i < targets.size(); i++) {
    const std::string& key = targets[i].first;
    const Row& old = targets[i].second;
    const Row& updated = new_rows[i];
    const std::string new_key = table.primary_key.empty() ? key : sql::EncodeTableKey(table, updated);
    keys.WriteAll(old, key, true);
    if (new_key != key) {
      CheckNewKey(sc, table, new_key);
      Check(sc.txn->Delete(table.tree, key));
    }
    keys.CheckUniqueAll(updated, new_key);
    Check(sc.txn->Put(table.tree, new_key, sql::EncodeRowValue(updated)));
    keys.WriteAll(updated, new_key, false);
    returning.Add(updated, ctx);
    result.changes++;
  }
  return result;
}

QueryResult Delete(const StatementContext& sc, const sql::DeleteStmt& stmt) {
  const TableDef& table = TargetTable(sc, stmt.table, "delete from");
  sql::Planner planner = sc.MakePlanner();
  QueryResult result;
  result.command = "DELETE";
  sql::Scope scope;
  sql::PlanPtr scan = planner.PlanDmlScan(stmt.table, stmt.alias, stmt.where.get(), &scope, 0);
  IndexKeys keys(sc, planner, table);
  Returning returning(planner, table, stmt.alias, stmt.returning, &result);
  sql::ExecContext ctx = sc.MakeExec();
  for (auto& [key, old] : CollectTargets(sc, table, *scan)) {
    keys.WriteAll(old, key, true);
    Check(sc.txn->Delete(table.tree, key));
    returning.Add(old, ctx);
    result.changes++;
  }
  return result;
}

}  // namespace zq::engine

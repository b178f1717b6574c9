// CREATE / DROP / ALTER: catalog changes, written through the statement's
// transaction (so DDL commits or rolls back with it).
#include <set>

#include "engine/index_keys.hpp"
#include "engine/session.hpp"
#include "sql/executor/evaluator.hpp"
#include "sql/executor/table_access.hpp"
#include "sql/lexer/sql_error.hpp"
#include "sql/parser/ast_printer.hpp"
#include "sql/parser/parser.hpp"

namespace zq::engine {

using catalog::IndexDef;
using catalog::TableDef;
using sql::ThrowSqlError;

namespace {

void Check(const Status& s) { sql::ThrowIfError(s); }

QueryResult Done(const char* command) {
  QueryResult r;
  r.command = command;
  return r;
}

void CheckSchema(const sql::QualifiedName& name, uint32_t position) {
  if (!name.schema.empty() && name.schema != "public" && name.schema != "main") {
    ThrowSqlError("3F000", position, "schema \"" + name.schema + "\" does not exist");
  }
}

std::string UniqueName(const catalog::Catalog& catalog, std::string base) {
  if (!catalog.NameInUse(base)) return base;
  for (int i = 1;; i++) {
    std::string candidate = base + std::to_string(i);
    if (!catalog.NameInUse(candidate)) return candidate;
  }
}

std::vector<uint32_t> ColumnPositions(const TableDef& table, const std::vector<std::string>& names,
                                      uint32_t position) {
  std::vector<uint32_t> out;
  for (const std::string& n : names) {
    std::optional<uint32_t> col = table.FindColumn(n);
    if (!col) {
      ThrowSqlError(sql::kSqlStateUndefinedColumn, position,
                    "column \"" + n + "\" named in key does not exist");
    }
    if (std::find(out.begin(), out.end(), *col) != out.end()) {
      ThrowSqlError(sql::kSqlStateDuplicateColumn, position,
                    "column \"" + n + "\" appears twice in key");
    }
    out.push_back(*col);
  }
  return out;
}

// Reads every row of a table with its key.
template <typename Fn>
void ForEachRow(const StatementContext& sc, const TableDef& table, Fn fn) {
  Result<std::unique_ptr<storage::Cursor>> cursor = sc.txn->NewCursor(table.tree);
  Check(cursor.status());
  Check((*cursor)->SeekFirst());
  std::vector<std::pair<std::string, sql::Row>> rows;
  while ((*cursor)->Valid()) {
    rows.emplace_back(std::string((*cursor)->key()),
                      sql::DecodeStoredRow(table, (*cursor)->key(), (*cursor)->value()));
    Check((*cursor)->Next());
  }
  cursor->reset();
  for (auto& [key, row] : rows) fn(key, row);
}

// Adds `index` (all but its tree) to the table and fills it from the rows.
void AddIndex(const StatementContext& sc, TableDef* table, IndexDef index) {
  Result<storage::TreeId> tree = sc.txn->CreateTree();
  Check(tree.status());
  index.tree = *tree;
  table->indexes.push_back(std::move(index));
  const size_t added = table->indexes.size() - 1;
  sql::Planner planner = sc.MakePlanner();
  IndexKeys keys(sc, planner, *table);
  ForEachRow(sc, *table, [&](const std::string& key, const sql::Row& row) {
    if (table->indexes[added].unique) keys.CheckUnique(added, row, key);
    keys.Write(added, row, key, false);
  });
}

IndexDef ColumnIndex(std::string name, std::vector<uint32_t> columns, bool unique) {
  IndexDef index;
  index.name = std::move(name);
  index.unique = unique;
  index.descending.assign(columns.size(), false);
  index.expressions.assign(columns.size(), "");
  index.expression_types.assign(columns.size(), {});
  index.columns = std::move(columns);
  return index;
}

// Refuses what an index expression cannot hold: its value must depend on
// the row alone (PostgreSQL's IMMUTABLE rule).
void CheckIndexExpression(const sql::BoundExpr& e, uint32_t position) {
  if (e.subquery) {
    ThrowSqlError(sql::kSqlStateFeatureNotSupported, position,
                  "cannot use subquery in index expression");
  }
  if (e.kind == sql::ExprKind::kAggregate) {
    ThrowSqlError(sql::kSqlStateGroupingError, position,
                  "aggregate functions are not allowed in index expressions");
  }
  if (e.kind == sql::ExprKind::kParam) {
    ThrowSqlError("42P02", position, "there is no parameter $" + std::to_string(e.index));
  }
  if (e.kind == sql::ExprKind::kFunction) {
    const auto fn = static_cast<sql::ScalarFn>(e.index);
    if (fn == sql::ScalarFn::kRandom || sql::ReadsClock(fn)) {
      ThrowSqlError("42P17", position, "functions in index expression must be marked IMMUTABLE");
    }
  }
  for (const sql::BoundPtr& c : e.children) CheckIndexExpression(*c, position);
}

// CHECK conditions, index expressions and partial-index conditions are SQL
// text naming columns (and maybe the table): throws 2BP01 when one no
// longer binds over `table` as `change` leaves it.
void RequireExpressionsBind(const StatementContext& sc, const TableDef& table,
                            const std::string& change) {
  sql::Planner planner = sc.MakePlanner();
  const sql::Scope scope = sql::TableScope(table, "");
  auto refuse = [&](const std::string& what, const sql::SqlException& e) {
    ThrowSqlError("2BP01", 0,
                  change + " is refused: " + what + " depends on it (" + e.what() +
                      "); drop that first");
  };
  for (const std::string& check : table.checks) {
    try {
      Result<sql::ExprPtr> parsed = sql::ParseExpression(check);
      Check(parsed.status());
      (void)planner.BindExpr(**parsed, scope);
    } catch (const sql::SqlException& e) {
      refuse("CHECK (" + check + ")", e);
    }
  }
  for (const IndexDef& index : table.indexes) {
    if (!index.HasExpressions() && index.predicate.empty()) continue;
    try {
      (void)planner.BindIndexParts(table, index);
      (void)planner.BindIndexPredicate(table, index);
    } catch (const sql::SqlException& e) {
      refuse("index \"" + index.name + "\"", e);
    }
  }
}

}  // namespace

QueryResult CreateTable(const StatementContext& sc, const sql::CreateTableStmt& stmt) {
  const uint32_t pos = stmt.name.name.empty() ? 0 : 0;
  CheckSchema(stmt.name, pos);
  if (stmt.temporary) {
    ThrowSqlError(sql::kSqlStateFeatureNotSupported, pos, "temporary tables are not supported yet");
  }
  const std::string& name = stmt.name.name;
  if (sc.catalog->NameInUse(name)) {
    if (stmt.if_not_exists) return Done("CREATE TABLE");
    ThrowSqlError(sql::kSqlStateDuplicateTable, pos, "relation \"" + name + "\" already exists");
  }
  TableDef table;
  table.name = name;
  struct PendingUnique {
    std::vector<std::string> columns;
    uint32_t position;
  };
  std::vector<PendingUnique> uniques;
  std::vector<std::string> pk_names;
  uint32_t pk_position = 0;
  auto set_pk = [&](std::vector<std::string> cols, uint32_t at) {
    if (!pk_names.empty()) {
      ThrowSqlError("42P16", at, "multiple primary keys for table \"" + name + "\" are not allowed");
    }
    pk_names = std::move(cols);
    pk_position = at;
  };
  sql::Planner planner = sc.MakePlanner();
  for (const sql::ColumnDef& c : stmt.columns) {
    if (table.FindColumn(c.name)) {
      ThrowSqlError(sql::kSqlStateDuplicateColumn, c.position,
                    "column \"" + c.name + "\" specified more than once");
    }
    catalog::ColumnDef def;
    def.name = c.name;
    def.type = sql::Planner::ResolveTypeName(c.type);
    for (const sql::ColumnConstraint& k : c.constraints) {
      switch (k.kind) {
        case sql::ColumnConstraintKind::kNotNull: def.not_null = true; break;
        case sql::ColumnConstraintKind::kNull: break;
        case sql::ColumnConstraintKind::kPrimaryKey: set_pk({c.name}, k.position); break;
        case sql::ColumnConstraintKind::kUnique: uniques.push_back({{c.name}, k.position}); break;
        case sql::ColumnConstraintKind::kDefault: {
          sql::Scope empty;
          (void)planner.BindAssignment(*k.expr, empty, def.type);  // validates now
          def.default_sql = sql::ToSql(*k.expr);
          break;
        }
        case sql::ColumnConstraintKind::kCheck:
          table.checks.push_back(sql::ToSql(*k.expr));
          break;
      }
    }
    table.columns.push_back(std::move(def));
  }
  for (const sql::TableConstraint& k : stmt.constraints) {
    switch (k.kind) {
      case sql::TableConstraintKind::kPrimaryKey: set_pk(k.columns, k.position); break;
      case sql::TableConstraintKind::kUnique: uniques.push_back({k.columns, k.position}); break;
      case sql::TableConstraintKind::kCheck: table.checks.push_back(sql::ToSql(*k.check)); break;
    }
  }
  if (!pk_names.empty()) {
    table.primary_key = ColumnPositions(table, pk_names, pk_position);
    for (uint32_t col : table.primary_key) table.columns[col].not_null = true;
  }
  // CHECK conditions must bind over the table's columns.
  sql::Scope scope = sql::TableScope(table, "");
  for (const std::string& check : table.checks) {
    Result<sql::ExprPtr> parsed = sql::ParseExpression(check);
    Check(parsed.status());
    sql::BoundPtr bound = planner.BindExpr(**parsed, scope);
    if (bound->type.id != sql::TypeId::kBool && bound->type.id != sql::TypeId::kNull) {
      ThrowSqlError(sql::kSqlStateDatatypeMismatch, (*parsed)->position,
                    "argument of CHECK must be type boolean, not type " +
                        catalog::TypeName(sql::ColumnType{bound->type.id}));
    }
  }
  Result<storage::TreeId> tree = sc.txn->CreateTree();
  Check(tree.status());
  table.tree = *tree;
  std::set<std::string> names_taken{name};
  for (const PendingUnique& u : uniques) {
    std::vector<uint32_t> cols = ColumnPositions(table, u.columns, u.position);
    std::string index_name = name;
    for (const std::string& c : u.columns) index_name += "_" + c;
    index_name += "_key";
    index_name = UniqueName(*sc.catalog, index_name);
    while (names_taken.count(index_name)) index_name += "_";
    names_taken.insert(index_name);
    AddIndex(sc, &table, ColumnIndex(index_name, cols, true));
  }
  Check(sc.catalog->PutTable(sc.txn, std::move(table)));
  return Done("CREATE TABLE");
}

QueryResult CreateIndex(const StatementContext& sc, const sql::CreateIndexStmt& stmt) {
  CheckSchema(stmt.table, 0);
  const TableDef* found = sc.catalog->FindTable(stmt.table.name);
  if (found == nullptr) {
    ThrowSqlError(sql::kSqlStateUndefinedTable, 0,
                  "relation \"" + stmt.table.name + "\" does not exist");
  }
  RefuseReadOnly(*found, "create an index on");
  TableDef table = *found;
  IndexDef index;
  index.unique = stmt.unique;
  index.hash = stmt.method == sql::IndexMethod::kHash;
  std::string default_name = table.name;
  sql::Planner planner = sc.MakePlanner();
  const sql::Scope scope = sql::TableScope(table, "");
  for (const sql::IndexElem& e : stmt.elems) {
    index.descending.push_back(e.descending);
    const sql::ColumnRefExpr* ref = e.expr->As<sql::ColumnRefExpr>();
    if (ref != nullptr && ref->names.size() == 1) {
      std::optional<uint32_t> col = table.FindColumn(ref->names[0]);
      if (!col) {
        ThrowSqlError(sql::kSqlStateUndefinedColumn, e.expr->position,
                      "column \"" + ref->names[0] + "\" does not exist");
      }
      index.columns.push_back(*col);
      index.expressions.emplace_back();
      index.expression_types.emplace_back();
      default_name += "_" + ref->names[0];
      continue;
    }
    sql::BoundPtr bound = planner.BindExpr(*e.expr, scope);
    CheckIndexExpression(*bound, e.expr->position);
    if (bound->type.id == sql::TypeId::kNull) {
      ThrowSqlError(sql::kSqlStateDatatypeMismatch, e.expr->position,
                    "an index expression must have a type (add a cast)");
    }
    index.columns.push_back(catalog::kExpressionPart);
    index.expressions.push_back(sql::ToSql(*e.expr));
    index.expression_types.push_back(bound->type);
    const sql::FunctionExpr* call = e.expr->As<sql::FunctionExpr>();
    default_name += "_" + (call != nullptr ? call->name.back() : std::string("expr"));
  }
  if (stmt.where) {
    sql::BoundPtr condition = planner.BindExpr(*stmt.where, scope);
    CheckIndexExpression(*condition, stmt.where->position);
    if (condition->type.id != sql::TypeId::kBool) {
      ThrowSqlError(sql::kSqlStateDatatypeMismatch, stmt.where->position,
                    "argument of WHERE must be type boolean, not type " +
                        catalog::TypeName(condition->type));
    }
    index.predicate = sql::ToSql(*stmt.where);
  }
  if (index.hash && index.unique) {
    ThrowSqlError(sql::kSqlStateFeatureNotSupported, 0,
                  "access method \"hash\" does not support unique indexes");
  }
  index.name = stmt.name.empty() ? UniqueName(*sc.catalog, default_name + "_idx") : stmt.name;
  if (sc.catalog->NameInUse(index.name)) {
    if (stmt.if_not_exists) return Done("CREATE INDEX");
    ThrowSqlError(sql::kSqlStateDuplicateTable, 0, "relation \"" + index.name + "\" already exists");
  }
  AddIndex(sc, &table, std::move(index));
  Check(sc.catalog->PutTable(sc.txn, std::move(table)));
  return Done("CREATE INDEX");
}

QueryResult CreateView(const StatementContext& sc, const sql::CreateViewStmt& stmt) {
  CheckSchema(stmt.name, 0);
  if (stmt.temporary) {
    ThrowSqlError(sql::kSqlStateFeatureNotSupported, 0, "temporary views are not supported yet");
  }
  const std::string& name = stmt.name.name;
  if (sc.catalog->NameInUse(name)) {
    const bool replace = stmt.or_replace && sc.catalog->FindView(name) != nullptr;
    if (stmt.if_not_exists) return Done("CREATE VIEW");
    if (!replace) {
      ThrowSqlError(sql::kSqlStateDuplicateTable, 0, "relation \"" + name + "\" already exists");
    }
  }
  sql::Planner planner = sc.MakePlanner();
  sql::PlanPtr plan = planner.PlanSelect(*stmt.query, nullptr);
  if (stmt.columns.size() > plan->columns.size()) {
    ThrowSqlError(sql::kSqlStateSyntaxError, 0, "CREATE VIEW specifies more column names than columns");
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < plan->columns.size(); i++) {
    const std::string& c = i < stmt.columns.size() ? stmt.columns[i] : plan->columns[i].name;
    if (!seen.insert(c).second) {
      ThrowSqlError(sql::kSqlStateDuplicateColumn, 0, "column \"" + c + "\" specified more than once");
    }
  }
  catalog::ViewDef view;
  view.name = name;
  view.sql = sql::ToSql(*stmt.query);
  view.columns = stmt.columns;
  Check(sc.catalog->PutView(sc.txn, std::move(view)));
  return Done("CREATE VIEW");
}

QueryResult Drop(const StatementContext& sc, const sql::DropStmt& stmt) {
  const char* command = stmt.kind == sql::ObjectKind::kTable   ? "DROP TABLE"
                        : stmt.kind == sql::ObjectKind::kIndex ? "DROP INDEX"
                                                               : "DROP VIEW";
  for (const sql::QualifiedName& qn : stmt.names) {
    CheckSchema(qn, 0);
    const std::string& name = qn.name;
    switch (stmt.kind) {
      case sql::ObjectKind::kTable: {
        const TableDef* t = sc.catalog->FindTable(name);
        if (t == nullptr) {
          if (sc.catalog->FindView(name) != nullptr) {
            ThrowSqlError(sql::kSqlStateWrongObjectType, 0, "\"" + name + "\" is not a table");
          }
          if (stmt.if_exists) continue;
          ThrowSqlError(sql::kSqlStateUndefinedTable, 0, "table \"" + name + "\" does not exist");
        }
        RefuseReadOnly(*t, "drop");
        for (const IndexDef& index : t->indexes) Check(sc.txn->DropTree(index.tree));
        Check(sc.txn->DropTree(t->tree));
        Check(sc.catalog->DropRelation(sc.txn, name));
        break;
      }
      case sql::ObjectKind::kView:
        if (sc.catalog->FindView(name) == nullptr) {
          if (sc.catalog->FindTable(name) != nullptr) {
            ThrowSqlError(sql::kSqlStateWrongObjectType, 0, "\"" + name + "\" is not a view");
          }
          if (stmt.if_exists) continue;
          ThrowSqlError(sql::kSqlStateUndefinedTable, 0, "view \"" + name + "\" does not exist");
        }
        Check(sc.catalog->DropRelation(sc.txn, name));
        break;
      case sql::ObjectKind::kIndex: {
        const TableDef* owner = sc.catalog->FindIndexOwner(name);
        if (owner == nullptr) {
          if (stmt.if_exists) continue;
          ThrowSqlError(sql::kSqlStateUndefinedObject, 0, "index \"" + name + "\" does not exist");
        }
        RefuseReadOnly(*owner, "drop an index of");
        TableDef table = *owner;
        auto it = std::find_if(table.indexes.begin(), table.indexes.end(),
                               [&](const IndexDef& i) { return i.name == name; });
        Check(sc.txn->DropTree(it->tree));
        table.indexes.erase(it);
        Check(sc.catalog->PutTable(sc.txn, std::move(table)));
        break;
      }
    }
  }
  return Done(command);
}

QueryResult AlterTable(const StatementContext& sc, const sql::AlterTableStmt& stmt) {
  CheckSchema(stmt.table, 0);
  const TableDef* found = sc.catalog->FindTable(stmt.table.name);
  if (found == nullptr) {
    if (stmt.if_exists) return Done("ALTER TABLE");
    ThrowSqlError(sql::kSqlStateUndefinedTable, 0,
                  "relation \"" + stmt.table.name + "\" does not exist");
  }
  RefuseReadOnly(*found, "alter");
  TableDef table = *found;
  switch (stmt.action) {
    case sql::AlterAction::kRenameTable: {
      if (sc.catalog->NameInUse(stmt.new_name)) {
        ThrowSqlError(sql::kSqlStateDuplicateTable, 0,
                      "relation \"" + stmt.new_name + "\" already exists");
      }
      Check(sc.catalog->DropRelation(sc.txn, table.name));
      table.name = stmt.new_name;
      RequireExpressionsBind(sc, table, "renaming table " + stmt.table.name);
      break;
    }
    case sql::AlterAction::kRenameColumn: {
      std::optional<uint32_t> col = table.FindColumn(stmt.column_name);
      if (!col) {
        ThrowSqlError(sql::kSqlStateUndefinedColumn, 0,
                      "column \"" + stmt.column_name + "\" does not exist");
      }
      if (table.FindColumn(stmt.new_name)) {
        ThrowSqlError(sql::kSqlStateDuplicateColumn, 0,
                      "column \"" + stmt.new_name + "\" of relation \"" + table.name +
                          "\" already exists");
      }
      table.columns[*col].name = stmt.new_name;
      RequireExpressionsBind(sc, table, "renaming column " + stmt.column_name);
      break;
    }
    case sql::AlterAction::kAddColumn: {
      if (table.FindColumn(stmt.column.name)) {
        if (stmt.column_if_exists) return Done("ALTER TABLE");
        ThrowSqlError(sql::kSqlStateDuplicateColumn, 0,
                      "column \"" + stmt.column.name + "\" of relation \"" + table.name +
                          "\" already exists");
      }
      catalog::ColumnDef def;
      def.name = stmt.column.name;
      def.type = sql::Planner::ResolveTypeName(stmt.column.type);
      sql::Planner planner = sc.MakePlanner();
      sql::Value fill = sql::Value::Null(def.type.id);
      for (const sql::ColumnConstraint& k : stmt.column.constraints) {
        if (k.kind == sql::ColumnConstraintKind::kNotNull) {
          def.not_null = true;
        } else if (k.kind == sql::ColumnConstraintKind::kDefault) {
          sql::Scope empty;
          sql::BoundPtr e = planner.BindAssignment(*k.expr, empty, def.type);
          sql::ExecContext ctx = sc.MakeExec();
          fill = sql::Evaluate(*e, sql::Row{}, ctx);
          def.default_sql = sql::ToSql(*k.expr);
        } else if (k.kind != sql::ColumnConstraintKind::kNull) {
          ThrowSqlError(sql::kSqlStateFeatureNotSupported, k.position,
                        "ADD COLUMN supports NOT NULL and DEFAULT constraints only");
        }
      }
      table.columns.push_back(def);
      ForEachRow(sc, table, [&](const std::string& key, const sql::Row& row) {
        if (fill.null && def.not_null) {
          ThrowSqlError(sql::kSqlStateNotNullViolation, 0,
                        "column \"" + def.name + "\" of relation \"" + table.name +
                            "\" contains null values");
        }
        if (fill.null) return;  // short rows read the new column as NULL
        sql::Row updated = row;
        updated.back() = fill;
        Check(sc.txn->Put(table.tree, key, sql::EncodeRowValue(updated)));
      });
      break;
    }
    case sql::AlterAction::kDropColumn: {
      std::optional<uint32_t> col = table.FindColumn(stmt.column_name);
      if (!col) {
        if (stmt.column_if_exists) return Done("ALTER TABLE");
        ThrowSqlError(sql::kSqlStateUndefinedColumn, 0,
                      "column \"" + stmt.column_name + "\" of relation \"" + table.name +
                          "\" does not exist");
      }
      bool used = std::find(table.primary_key.begin(), table.primary_key.end(), *col) !=
                  table.primary_key.end();
      for (const IndexDef& index : table.indexes) {
        used = used || std::find(index.columns.begin(), index.columns.end(), *col) != index.columns.end();
      }
      if (used) {
        ThrowSqlError("2BP01", 0,
                      "cannot drop column " + stmt.column_name + " of table " + table.name +
                          ": a key or index uses it (drop that first)");
      }
      const TableDef before = table;
      table.columns.erase(table.columns.begin() + *col);
      for (uint32_t& c : table.primary_key) c -= c > *col ? 1 : 0;
      for (IndexDef& index : table.indexes) {
        for (uint32_t& c : index.columns) {
          if (c != catalog::kExpressionPart && c > *col) c--;
        }
      }
      RequireExpressionsBind(sc, table, "dropping column " + stmt.column_name);
      ForEachRow(sc, before, [&](const std::string& key, const sql::Row& row) {
        sql::Row updated = row;
        updated.erase(updated.begin() + *col);
        Check(sc.txn->Put(table.tree, key, sql::EncodeRowValue(updated)));
      });
      break;
    }
  }
  Check(sc.catalog->PutTable(sc.txn, std::move(table)));
  return Done("ALTER TABLE");
}

}  // namespace zq::engine

// Differential test of the SQL engine against SQLite (libsqlite3, in memory).
// Random tables of integers (with NULLs, with and without indexes) and random
// queries from the part of SQL where PostgreSQL, whose dialect ZQLite
// follows, and SQLite agree: integer columns, + - * and division by nonzero
// constants (both truncate), comparisons, AND/OR/NOT, IS NULL, BETWEEN, IN
// lists, CASE, COALESCE, NULLIF, abs, inner/left/right/full joins, derived
// tables, DISTINCT, GROUP BY/HAVING with count/sum/min/max, LIMIT/OFFSET
// after an ORDER BY of every column (NULLS placed explicitly), two-armed
// UNION/EXCEPT/INTERSECT, and scalar/EXISTS/IN subqueries, correlated or
// not. Values stay small so that no expression overflows 32 bits; scalar
// subqueries aggregate, so they return one row. Result sets are compared
// sorted. A second test runs random INSERT/UPDATE/DELETE (ON CONFLICT and
// transactions included) on both and compares the tables after each step.
//
// ZQ_TEST_SCALE scales the number of seeds; a mismatch prints the seed, the
// schema and data, the statement and both answers.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "../common/store_test_util.hpp"
#include "engine/database.hpp"
#include "sql/lexer/sql_error.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq {
namespace {

// What one engine said about one statement.
struct Outcome {
  bool ok = false;
  std::string error;              // SQLSTATE and message, or SQLite's message
  std::vector<std::string> rows;  // "a|b|c", NULL as "NULL"
  bool unsupported = false;       // ZQLite: 0A000, a feature not there yet
};

std::string Show(const Outcome& o, bool sorted = true) {
  if (!o.ok) return "ERROR " + o.error;
  std::vector<std::string> rows = o.rows;
  if (sorted) std::sort(rows.begin(), rows.end());
  std::string out = std::to_string(rows.size()) + " rows";
  for (size_t i = 0; i < rows.size() && i < 40; i++) out += "\n    " + rows[i];
  if (rows.size() > 40) out += "\n    ...";
  return out;
}

class Sqlite {
 public:
  Sqlite() { sqlite3_open(":memory:", &db_); }
  ~Sqlite() { sqlite3_close(db_); }
  Sqlite(const Sqlite&) = delete;
  Sqlite& operator=(const Sqlite&) = delete;

  Outcome Run(const std::string& sql) {
    Outcome out;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      out.error = sqlite3_errmsg(db_);
      return out;
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::string row;
      for (int c = 0; c < sqlite3_column_count(stmt); c++) {
        if (c > 0) row += "|";
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL: row += "NULL"; break;
          case SQLITE_INTEGER: row += std::to_string(sqlite3_column_int64(stmt, c)); break;
          case SQLITE_FLOAT: row += "float:" + std::to_string(sqlite3_column_double(stmt, c)); break;
          default: row += reinterpret_cast<const char*>(sqlite3_column_text(stmt, c)); break;
        }
      }
      out.rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) {
      out.error = sqlite3_errmsg(db_);
      out.rows.clear();
    } else {
      out.ok = true;
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

class Zq {
 public:
  Zq() : vfs_(1) {
    engine::DatabaseOptions o;
    o.store.vfs = &vfs_;
    db_ = engine::Database::Open("diff.zq", o).value();
  }

  Outcome Run(const std::string& sql) {
    Outcome out;
    Result<engine::QueryResult> r = db_->Execute(sql);
    if (!r.ok()) {
      std::optional<sql::SqlError> e = sql::DecodeSqlError(r.status());
      out.error = r.status().ToString();
      out.unsupported = e && e->sqlstate == "0A000";
      return out;
    }
    out.ok = true;
    for (const sql::Row& row : r->rows) {
      std::string line;
      for (size_t c = 0; c < row.size(); c++) {
        if (c > 0) line += "|";
        line += row[c].null ? "NULL" : sql::ValueToText(row[c]);
      }
      out.rows.push_back(std::move(line));
    }
    return out;
  }

 private:
  storage::FaultVfs vfs_;
  std::unique_ptr<engine::Database> db_;
};

// ---- the query generator -------------------------------------------------------------

struct Table {
  std::string name;
  std::vector<std::string> columns;
};

struct Range {
  std::string alias;
  std::vector<std::string> columns;
};

struct Scope {
  std::vector<Range> ranges;
  const Scope* outer = nullptr;
};

class Generator {
 public:
  Generator(uint64_t seed, std::vector<Table> tables) : rng_(seed), tables_(std::move(tables)) {}

  std::string Query() {
    // Sometimes a CTE, visible to the query as one more table.
    std::string with;
    if (Chance(12)) {
      Scope inner;
      // One table: the CTE may be scanned once per outer row.
      with = "WITH w AS (" + PlainSelectBody(&inner, 2, true, nullptr, 1) + ") ";
      tables_.push_back({"w", {"c0", "c1"}});
    }
    std::string body;
    switch (Pick(10)) {
      case 0:
      case 1: body = GroupedSelect(nullptr); break;
      case 2: body = AggregateSelect(nullptr); break;
      case 3: body = SetOperation(); break;
      default: body = PlainSelect(nullptr, 1 + Pick(3), true); break;
    }
    if (!with.empty()) tables_.pop_back();
    return with + body;
  }

  // Public for the DML test: expressions over one table's columns.
  std::string IntExpr(const Scope& scope, int depth) { return Int(scope, depth); }
  std::string BoolExpr(const Scope& scope, int depth) { return Bool(scope, depth); }
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  bool Chance(int percent) { return Pick(100) < percent; }
  std::string Literal() {
    const int v = Pick(12) - 3;
    return v < 0 ? "(" + std::to_string(v) + ")" : std::to_string(v);
  }
  void set_subqueries(bool on) { subqueries_ = on; }
  void set_subquery_tables(std::vector<Table> tables) { subquery_tables_ = std::move(tables); }

 private:
  std::string NewAlias() { return "q" + std::to_string(alias_count_++); }

  // FROM: a comma list or a left-deep chain of joins; fills `scope`.
  std::string From(Scope* scope, int max_items, bool allow_derived) {
    const int n = 1 + Pick(max_items);
    const bool joins = Chance(60);
    std::string out;
    for (int i = 0; i < n; i++) {
      Range range;
      range.alias = NewAlias();
      std::string item;
      if (allow_derived && Chance(12)) {
        // A derived table, never correlated (PostgreSQL needs LATERAL for that).
        Scope inner;
        int width = 1 + Pick(2);
        std::string select;
        if (Chance(30)) {
          width = 2;
          select = GroupedDerived(&inner);
        } else {
          select = PlainSelectBody(&inner, width, false, nullptr, 2);
        }
        item = "(" + select + ") AS " + range.alias;
        for (int c = 0; c < width; c++) range.columns.push_back("c" + std::to_string(c));
      } else {
        const Table& t = tables_[static_cast<size_t>(Pick(static_cast<int>(tables_.size())))];
        item = t.name + " " + range.alias;
        range.columns = t.columns;
      }
      scope->ranges.push_back(range);
      if (i == 0) {
        out = item;
      } else if (!joins) {
        out += ", " + item;
      } else {
        static const char* kJoins[] = {"JOIN", "JOIN", "LEFT JOIN", "LEFT JOIN", "CROSS JOIN",
                                       "RIGHT JOIN", "FULL JOIN"};
        // SQLite 3.40 answers RIGHT/FULL joins inside longer chains wrongly
        // (an empty inner join on their left, another join after them;
        // PostgreSQL and ZQLite agree): only a chain of two gets them.
        const std::string kind = kJoins[Pick(n == 2 ? 7 : 5)];
        out += " " + kind + " " + item;
        if (kind != "CROSS JOIN") {
          // ON sees this chain's ranges only (plus enclosing queries).
          out += " ON " + Bool(*scope, 2);
        }
      }
    }
    return out;
  }

  std::string Column(const Scope& scope) {
    const Scope* s = &scope;
    // Sometimes reach out to an enclosing query: a correlated reference.
    while (s->outer != nullptr && Chance(30)) s = s->outer;
    if (s->ranges.empty()) return Literal();
    const Range& r = s->ranges[static_cast<size_t>(Pick(static_cast<int>(s->ranges.size())))];
    return r.alias + "." + r.columns[static_cast<size_t>(Pick(static_cast<int>(r.columns.size())))];
  }

  std::string Leaf(const Scope& scope) { return Chance(70) ? Column(scope) : Literal(); }

  std::string Int(const Scope& scope, int depth) {
    if (depth <= 0) return Leaf(scope);
    switch (Pick(16)) {
      case 0:
      case 1:
      case 2: return Leaf(scope);
      case 3: return "(" + Int(scope, depth - 1) + " + " + Int(scope, depth - 1) + ")";
      case 4: return "(" + Int(scope, depth - 1) + " - " + Int(scope, depth - 1) + ")";
      case 5: return "(" + Int(scope, depth - 1) + " * " + Leaf(scope) + ")";  // stays small
      case 6: return "(-" + Int(scope, depth - 1) + ")";
      case 7: {
        static const char* kDivisors[] = {"1", "2", "3", "5", "(-2)"};
        return "(" + Int(scope, depth - 1) + (Chance(50) ? " / " : " % ") + kDivisors[Pick(5)] + ")";
      }
      case 8: {
        std::string e = "CASE";
        const int whens = 1 + Pick(2);
        for (int i = 0; i < whens; i++) {
          e += " WHEN " + Bool(scope, depth - 1) + " THEN " + Int(scope, depth - 1);
        }
        if (Chance(70)) e += " ELSE " + Int(scope, depth - 1);
        return e + " END";
      }
      case 9: {
        std::string e = "CASE " + Int(scope, depth - 1);
        const int whens = 1 + Pick(3);
        for (int i = 0; i < whens; i++) e += " WHEN " + Literal() + " THEN " + Int(scope, depth - 1);
        if (Chance(50)) e += " ELSE " + Int(scope, depth - 1);
        return e + " END";
      }
      case 10: {
        std::string e = "COALESCE(" + (Chance(30) ? "CAST(NULL AS INT)" : Int(scope, depth - 1));
        const int more = 1 + Pick(2);
        for (int i = 0; i < more; i++) e += ", " + Int(scope, depth - 1);
        return e + ")";
      }
      case 11: return "NULLIF(" + Int(scope, depth - 1) + ", " + Int(scope, depth - 1) + ")";
      case 12: return "abs(" + Int(scope, depth - 1) + ")";
      case 13: return "CAST(NULL AS INT)";
      case 14:
      case 15:
        if (subqueries_ && depth >= 2) return ScalarSubquery(scope);
        return Leaf(scope);
    }
    return Leaf(scope);
  }

  std::string Bool(const Scope& scope, int depth) {
    static const char* kCompare[] = {"=", "<>", "<", "<=", ">", ">="};
    if (depth <= 0) return "(" + Leaf(scope) + " " + kCompare[Pick(6)] + " " + Leaf(scope) + ")";
    switch (Pick(14)) {
      case 0:
      case 1:
      case 2:
        return "(" + Int(scope, depth - 1) + " " + kCompare[Pick(6)] + " " + Int(scope, depth - 1) + ")";
      case 3: return "(" + Int(scope, depth - 1) + (Chance(50) ? " IS NULL)" : " IS NOT NULL)");
      case 4:
        return "(" + Int(scope, depth - 1) + (Chance(70) ? " BETWEEN " : " NOT BETWEEN ") +
               Int(scope, depth - 1) + " AND " + Int(scope, depth - 1) + ")";
      case 5: {
        std::string e = "(" + Int(scope, depth - 1) + (Chance(70) ? " IN (" : " NOT IN (");
        const int n = 1 + Pick(4);
        for (int i = 0; i < n; i++) {
          if (i > 0) e += ", ";
          e += Chance(15) ? "CAST(NULL AS INT)" : (Chance(60) ? Literal() : Int(scope, depth - 1));
        }
        return e + "))";
      }
      case 6: return "(NOT " + Bool(scope, depth - 1) + ")";
      case 7: return "(" + Bool(scope, depth - 1) + " AND " + Bool(scope, depth - 1) + ")";
      case 8: return "(" + Bool(scope, depth - 1) + " OR " + Bool(scope, depth - 1) + ")";
      case 9:
      case 10:
        if (subqueries_ && depth >= 2) return Exists(scope);
        return "(" + Leaf(scope) + " = " + Leaf(scope) + ")";
      case 11:
      case 12:
        if (subqueries_ && depth >= 2) return InSubquery(scope);
        return "(" + Leaf(scope) + " <> " + Leaf(scope) + ")";
      default: return Chance(50) ? "(" + Leaf(scope) + " IS NULL)" : "(1 = 1)";
    }
  }

  const std::vector<Table>& SubqueryTables() const {
    return subquery_tables_.empty() ? tables_ : subquery_tables_;
  }

  std::string SubqueryFrom(Scope* inner) {
    const std::vector<Table>& tables = SubqueryTables();
    const Table& t = tables[static_cast<size_t>(Pick(static_cast<int>(tables.size())))];
    Range r{NewAlias(), t.columns};
    inner->ranges.push_back(r);
    return t.name + " " + r.alias;
  }

  // SELECT g AS c0, <aggregate> AS c1 ... GROUP BY g, for FROM.
  std::string GroupedDerived(Scope* inner) {
    const std::string from = From(inner, 2, false);
    const std::string group = Column(*inner);
    const bool saved = subqueries_;
    subqueries_ = false;
    std::string e = "SELECT " + group + " AS c0, " + Aggregate(*inner) + " AS c1 FROM " + from;
    subqueries_ = saved;
    if (Chance(50)) e += " WHERE " + Bool(*inner, 2);
    return e + " GROUP BY " + group;
  }

  // Always one row: an aggregate without GROUP BY. Its argument reads the
  // subquery's own columns only: an aggregate of outer columns alone would
  // belong to the outer query (SQL's rule, PostgreSQL's and SQLite's).
  std::string ScalarSubquery(const Scope& scope) {
    Scope inner;
    inner.outer = &scope;
    const std::string from = SubqueryFrom(&inner);
    Scope own = inner;
    own.outer = nullptr;
    if (Chance(30)) {
      // At most one row another way: ORDER BY the one column, LIMIT 1.
      std::string e = "(SELECT " + Int(inner, 1) + " FROM " + from;
      if (Chance(70)) e += " WHERE " + Bool(inner, 2);
      return e + " ORDER BY 1" + (Chance(50) ? " DESC" : "") +
             (Chance(50) ? " NULLS FIRST" : " NULLS LAST") + " LIMIT 1)";
    }
    static const char* kAggregates[] = {"max", "min", "sum", "count"};
    std::string e = "(SELECT " + std::string(kAggregates[Pick(4)]) + "(" + Int(own, 1) + ") FROM " + from;
    if (Chance(70)) e += " WHERE " + Bool(inner, 2);
    return e + ")";
  }

  std::string Exists(const Scope& scope) {
    Scope inner;
    inner.outer = &scope;
    const std::string from = SubqueryFrom(&inner);
    return std::string(Chance(70) ? "(EXISTS " : "(NOT EXISTS ") + "(SELECT 1 FROM " + from +
           " WHERE " + Bool(inner, 2) + "))";
  }

  std::string InSubquery(const Scope& scope) {
    const std::string operand = Int(scope, 1);
    Scope inner;
    inner.outer = &scope;
    const std::string from = SubqueryFrom(&inner);
    std::string e = "(" + operand + (Chance(70) ? " IN " : " NOT IN ") + "(SELECT " + Int(inner, 1) +
                    " FROM " + from;
    if (Chance(60)) e += " WHERE " + Bool(inner, 2);
    if (Chance(20)) {
      Scope other;
      other.outer = &scope;
      const std::string from2 = SubqueryFrom(&other);
      static const char* kOps[] = {" UNION ", " UNION ALL ", " EXCEPT ", " INTERSECT "};
      e += std::string(kOps[Pick(4)]) + "SELECT " + Int(other, 1) + " FROM " + from2;
    }
    return e + "))";
  }

  std::string OrderLimit(int width) {
    std::string e = " ORDER BY ";
    for (int c = 1; c <= width; c++) {
      if (c > 1) e += ", ";
      e += std::to_string(c) + (Chance(50) ? " ASC" : " DESC") + (Chance(50) ? " NULLS FIRST" : " NULLS LAST");
    }
    e += " LIMIT " + std::to_string(Pick(6));
    if (Chance(50)) e += " OFFSET " + std::to_string(Pick(4));
    return e;
  }

  // SELECT [DISTINCT] items FROM ... [WHERE ...]; fills `scope`. Nested
  // bodies (CTEs, derived tables) join at most two tables, so that no query
  // multiplies into millions of rows.
  std::string PlainSelectBody(Scope* scope, int width, bool distinct_ok, const Scope* outer,
                              int from_max = 3) {
    scope->outer = outer;
    const std::string from = From(scope, from_max, outer == nullptr && from_max > 2);
    std::string items;
    for (int c = 0; c < width; c++) {
      if (c > 0) items += ", ";
      items += Int(*scope, Pick(4)) + " AS c" + std::to_string(c);
    }
    std::string e = std::string("SELECT ") + (distinct_ok && Chance(25) ? "DISTINCT " : "") + items +
                    " FROM " + from;
    if (Chance(75)) e += " WHERE " + Bool(*scope, 3);
    return e;
  }

  std::string PlainSelect(const Scope* outer, int width, bool limit_ok) {
    Scope scope;
    std::string e = PlainSelectBody(&scope, width, true, outer);
    if (limit_ok && Chance(25)) e += OrderLimit(width);
    return e;
  }

  // GROUP BY columns, aggregates over expressions, HAVING on aggregates.
  // No subquery outside WHERE: correlated ones are not supported there yet.
  std::string GroupedSelect(const Scope* outer) {
    Scope scope;
    scope.outer = outer;
    const std::string from = From(&scope, 2, false);
    std::string where;
    if (Chance(60)) where = " WHERE " + Bool(scope, 3);
    std::vector<std::string> groups;
    const int group_count = 1 + Pick(2);
    for (int i = 0; i < group_count; i++) {
      // A column, or an expression that the select list repeats verbatim.
      groups.push_back(Chance(75) ? Column(scope)
                                  : "(" + Column(scope) + (Chance(50) ? " % 3)" : " + " + Column(scope) + ")"));
    }
    std::vector<std::string> items = groups;
    const int aggregate_count = 1 + Pick(3);
    const bool saved = subqueries_;
    subqueries_ = false;
    for (int i = 0; i < aggregate_count; i++) items.push_back(Aggregate(scope));
    std::string e = std::string("SELECT ") + (Chance(15) ? "DISTINCT " : "");
    for (size_t i = 0; i < items.size(); i++) e += (i > 0 ? ", " : "") + items[i];
    e += " FROM " + from + where + " GROUP BY ";
    for (size_t i = 0; i < groups.size(); i++) e += (i > 0 ? ", " : "") + groups[i];
    if (Chance(40)) {
      static const char* kCompare[] = {"=", "<>", "<", "<=", ">", ">="};
      e += " HAVING (" + Aggregate(scope) + " " + kCompare[Pick(6)] + " " +
           (Chance(50) ? Literal() : groups[0]) + ")";
    }
    subqueries_ = saved;
    if (Chance(25)) e += OrderLimit(static_cast<int>(items.size()));
    return e;
  }

  std::string Aggregate(const Scope& scope) {
    switch (Pick(7)) {
      case 0: return "count(*)";
      case 1: return "count(" + Int(scope, 1) + ")";
      case 2: return "count(DISTINCT " + Int(scope, 1) + ")";
      case 3: return "sum(" + Int(scope, 2) + ")";
      case 4: return "min(" + Int(scope, 2) + ")";
      case 5: return "max(" + Int(scope, 2) + ")";
      default: return "sum(DISTINCT " + Int(scope, 1) + ")";
    }
  }

  std::string AggregateSelect(const Scope* outer) {
    Scope scope;
    scope.outer = outer;
    const std::string from = From(&scope, 2, false);
    std::string e = "SELECT ";
    const int n = 1 + Pick(3);
    const bool saved = subqueries_;
    subqueries_ = false;
    for (int i = 0; i < n; i++) e += (i > 0 ? ", " : "") + Aggregate(scope);
    subqueries_ = saved;
    e += " FROM " + from;
    if (Chance(70)) e += " WHERE " + Bool(scope, 3);
    return e;
  }

  std::string SetOperation() {
    static const char* kOps[] = {"UNION", "UNION ALL", "EXCEPT", "INTERSECT"};
    const int width = 1 + Pick(2);
    Scope a, b;
    std::string e = PlainSelectBody(&a, width, true, nullptr) + " " + kOps[Pick(4)] + " " +
                    PlainSelectBody(&b, width, true, nullptr);
    if (Chance(30)) e += OrderLimit(width);
    return e;
  }

  std::mt19937_64 rng_;
  std::vector<Table> tables_;
  std::vector<Table> subquery_tables_;
  bool subqueries_ = true;
  int alias_count_ = 0;
};

// ---- the query test ----------------------------------------------------------------------

struct Mismatch {
  uint64_t seed;
  std::string setup, sql, zq, sqlite;
};

std::string Report(const Mismatch& m) {
  return "seed " + std::to_string(m.seed) + "\n--- schema and data:\n" + m.setup +
         "--- statement:\n  " + m.sql + "\n--- zqlite: " + m.zq + "\n--- sqlite: " + m.sqlite +
         "\n";
}

// Runs `sql` on both; true when they agree.
bool Same(const Outcome& z, const Outcome& s) {
  if (z.ok != s.ok) return false;
  if (!z.ok) return true;
  std::vector<std::string> a = z.rows, b = s.rows;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

TEST(SqlDifferentialTest, RandomQueriesAgreeWithSqlite) {
  const int seeds = testing::Scaled(300);
  const int queries_per_seed = 60;
  std::vector<Mismatch> mismatches;
  int compared = 0, unsupported = 0, both_failed = 0;
  for (int seed = 1; seed <= seeds; seed++) {
    std::mt19937_64 rng(static_cast<uint64_t>(seed) * 7919);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
    Zq zq;
    Sqlite sqlite;
    std::string setup;
    auto both = [&](const std::string& sql) {
      setup += "  " + sql + ";\n";
      const Outcome z = zq.Run(sql), s = sqlite.Run(sql);
      ASSERT_TRUE(z.ok && s.ok) << "seed " << seed << ": " << sql << "\nzqlite: " << z.error
                                << "\nsqlite: " << s.error;
    };
    const std::vector<Table> tables = {{"t1", {"a", "b", "c"}}, {"t2", {"id", "a", "b"}},
                                       {"t3", {"x", "y"}}};
    both("CREATE TABLE t1 (a INT, b INT, c INT)");
    both("CREATE TABLE t2 (id INT NOT NULL PRIMARY KEY, a INT, b INT)");
    both("CREATE TABLE t3 (x INT, y INT)");
    // Indexes change plans, not answers. SQLite 3.40 answers NOT IN over a
    // column with NULLs wrongly through a DESC index, so it gets ASC ones.
    auto index = [&](const std::string& zq_sql, const std::string& sqlite_sql) {
      setup += "  " + zq_sql + ";  -- sqlite: " + sqlite_sql + "\n";
      const Outcome z = zq.Run(zq_sql), s = sqlite.Run(sqlite_sql);
      ASSERT_TRUE(z.ok && s.ok) << zq_sql << ": " << z.error << " / " << s.error;
    };
    if (pick(2)) index("CREATE INDEX t1_a ON t1 (a)", "CREATE INDEX t1_a ON t1 (a)");
    if (pick(2)) index("CREATE INDEX t1_bc ON t1 (b DESC, c)", "CREATE INDEX t1_bc ON t1 (b, c)");
    if (pick(2)) index("CREATE INDEX t2_a ON t2 (a)", "CREATE INDEX t2_a ON t2 (a)");
    if (pick(2)) index("CREATE INDEX t3_y ON t3 (y DESC)", "CREATE INDEX t3_y ON t3 (y)");
    if (pick(3) == 0) index("CREATE INDEX t3_x ON t3 USING HASH (x)", "CREATE INDEX t3_x ON t3 (x)");
    if (pick(3) == 0) index("CREATE INDEX t1_ab ON t1 ((a + b))", "CREATE INDEX t1_ab ON t1 ((a + b))");
    if (pick(3) == 0) {
      index("CREATE INDEX t3_xy ON t3 USING HASH ((x * 2), abs(y))",
            "CREATE INDEX t3_xy ON t3 ((x * 2), abs(y))");
    }
    auto value = [&]() {
      if (pick(5) == 0) return std::string("NULL");
      return std::to_string(pick(12) - 3);
    };
    const int sizes[] = {pick(13), pick(11), pick(9)};
    for (int t = 0; t < 3; t++) {
      std::vector<int> ids(20);
      for (int i = 0; i < 20; i++) ids[static_cast<size_t>(i)] = i - 5;
      std::shuffle(ids.begin(), ids.end(), rng);
      for (int r = 0; r < sizes[t]; r++) {
        std::string row;
        for (size_t c = 0; c < tables[static_cast<size_t>(t)].columns.size(); c++) {
          if (c > 0) row += ", ";
          row += (t == 1 && c == 0) ? std::to_string(ids[static_cast<size_t>(r)]) : value();
        }
        both("INSERT INTO " + tables[static_cast<size_t>(t)].name + " VALUES (" + row + ")");
      }
    }
    if (::testing::Test::HasFatalFailure()) return;
    Generator gen(static_cast<uint64_t>(seed), tables);
    for (int q = 0; q < queries_per_seed; q++) {
      const std::string sql = gen.Query();
      const auto t0 = std::chrono::steady_clock::now();
      const Outcome z = zq.Run(sql);
      const auto t1 = std::chrono::steady_clock::now();
      const Outcome s = sqlite.Run(sql);
      const auto t2 = std::chrono::steady_clock::now();
      if (std::getenv("ZQ_DIFF_SLOW") && (t1 - t0 > std::chrono::milliseconds(200) || t2 - t1 > std::chrono::milliseconds(200))) {
        std::printf("SLOW seed %d\n%s zq %lld ms sqlite %lld ms: %s\n", seed, setup.c_str(),
                    (long long)std::chrono::duration_cast<std::chrono::milliseconds>(t1 - t0).count(),
                    (long long)std::chrono::duration_cast<std::chrono::milliseconds>(t2 - t1).count(), sql.c_str());
        std::fflush(stdout);
      }
      if (z.unsupported) {
        unsupported++;
        continue;
      }
      if (!z.ok && !s.ok) {
        both_failed++;
        continue;
      }
      compared++;
      if (!Same(z, s)) mismatches.push_back({static_cast<uint64_t>(seed), setup, sql, Show(z), Show(s)});
    }
  }
  std::printf("compared %d queries (%d refused as not supported, %d failed on both), %zu mismatches\n",
              compared, unsupported, both_failed, mismatches.size());
  const size_t shown = std::getenv("ZQ_DIFF_SHOW") ? std::stoul(std::getenv("ZQ_DIFF_SHOW")) : 3;
  for (size_t i = 0; i < mismatches.size() && i < shown; i++) {
    ADD_FAILURE() << "mismatch " << i + 1 << " of " << mismatches.size() << "\n" << Report(mismatches[i]);
  }
  EXPECT_GT(compared, seeds * queries_per_seed * 3 / 4);
  EXPECT_LT(both_failed, compared / 50 + 1) << "the generator writes too many invalid queries";
}

// ---- the DML test ------------------------------------------------------------------------

TEST(SqlDifferentialTest, RandomDmlAgreesWithSqlite) {
  const int seeds = testing::Scaled(150);
  const int steps = 60;
  std::vector<Mismatch> mismatches;
  int statements = 0, failed_on_both = 0;
  for (int seed = 1; seed <= seeds; seed++) {
    std::mt19937_64 rng(static_cast<uint64_t>(seed) * 104729);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
    Zq zq;
    Sqlite sqlite;
    std::string log;
    auto both = [&](const std::string& sql) {
      log += "  " + sql + ";\n";
      const Outcome z = zq.Run(sql), s = sqlite.Run(sql);
      ASSERT_TRUE(z.ok && s.ok) << "seed " << seed << ": " << sql << "\nzqlite: " << z.error
                                << "\nsqlite: " << s.error;
    };
    both("CREATE TABLE d1 (id INT NOT NULL PRIMARY KEY, a INT, b INT NOT NULL, u INT UNIQUE, "
         "CHECK (b > -50))");
    both("CREATE TABLE d2 (k INT, v INT)");
    if (pick(2)) both("CREATE INDEX d1_a ON d1 (a)");
    if (pick(2)) {
      log += "  CREATE INDEX d1_ab ON d1 (a DESC, b);  -- sqlite: (a, b)\n";
      ASSERT_TRUE(zq.Run("CREATE INDEX d1_ab ON d1 (a DESC, b)").ok);
      ASSERT_TRUE(sqlite.Run("CREATE INDEX d1_ab ON d1 (a, b)").ok);
    }
    if (pick(2)) both("CREATE INDEX d2_k ON d2 (k)");
    if (::testing::Test::HasFatalFailure()) return;
    const std::vector<Table> d1{{"d1", {"id", "a", "b", "u"}}};
    const std::vector<Table> d2{{"d2", {"k", "v"}}};
    Generator gen(static_cast<uint64_t>(seed), d1);
    auto small = [&]() {
      const int v = pick(14) - 3;
      return v < 0 ? "(" + std::to_string(v) + ")" : std::to_string(v);
    };
    auto maybe_null = [&]() { return pick(6) == 0 ? std::string("NULL") : small(); };
    auto d1_row = [&]() {
      return "(" + std::to_string(pick(25)) + ", " + maybe_null() + ", " +
             (pick(15) == 0 ? std::string("NULL") : small()) + ", " +
             (pick(3) == 0 ? std::string("NULL") : std::to_string(pick(30))) + ")";
    };
    bool in_txn = false;
    const size_t mismatches_before = mismatches.size();
    for (int step = 0; step < steps && mismatches.size() == mismatches_before; step++) {
      // Expressions over the target table; subqueries only on the other one
      // (SQLite's UPDATE may see its own changes through a subquery on the
      // table it updates; PostgreSQL's never does).
      Scope s1;
      s1.ranges.push_back({"d1", {"id", "a", "b", "u"}});
      Scope s2;
      s2.ranges.push_back({"d2", {"k", "v"}});
      std::string sql;
      switch (pick(14)) {
        case 0:
        case 1: {
          sql = "INSERT INTO d1 VALUES " + d1_row();
          for (int n = pick(4); n > 0; n--) sql += ", " + d1_row();
          break;
        }
        case 2:
          sql = "INSERT INTO d1 VALUES " + d1_row() + ", " + d1_row() + " ON CONFLICT DO NOTHING";
          break;
        case 3:
          // The arbiter is the key or the UNIQUE column; a row may collide
          // with both (PostgreSQL and SQLite look at the arbiter first).
          if (pick(2)) {
            sql = "INSERT INTO d1 VALUES " + d1_row() +
                  " ON CONFLICT (id) DO UPDATE SET a = excluded.a, b = d1.b + 1";
          } else {
            sql = "INSERT INTO d1 VALUES " + d1_row() + " ON CONFLICT (u) DO " +
                  (pick(2) ? "NOTHING" : "UPDATE SET a = excluded.a, b = d1.b + 1");
          }
          if (pick(2) && sql.find("UPDATE") != std::string::npos) sql += " WHERE d1.a IS NOT NULL";
          break;
        case 4: {
          sql = "INSERT INTO d2 VALUES (" + maybe_null() + ", " + maybe_null() + ")";
          for (int n = pick(3); n > 0; n--) sql += ", (" + maybe_null() + ", " + maybe_null() + ")";
          break;
        }
        case 5:
          gen.set_subquery_tables(d2);
          sql = "INSERT INTO d2 SELECT a, b FROM d1 WHERE " + gen.BoolExpr(s1, 2);
          break;
        case 6:
        case 7:
          gen.set_subquery_tables(d2);
          // % keeps values small however often rows are updated.
          sql = "UPDATE d1 SET a = (" + gen.IntExpr(s1, 2) + ") % 100" +
                (pick(2) ? ", b = (" + gen.IntExpr(s1, 1) + ") % 40" : std::string()) + " WHERE " +
                gen.BoolExpr(s1, 2);
          break;
        case 8:
          sql = "UPDATE d1 SET u = " + std::to_string(pick(30)) + " WHERE id = " + std::to_string(pick(25));
          break;
        case 9:
          sql = "UPDATE d1 SET id = " + std::to_string(pick(25)) + " WHERE id = " + std::to_string(pick(25));
          break;
        case 10:
          gen.set_subquery_tables(d1);
          sql = "UPDATE d2 SET v = (" + gen.IntExpr(s2, 2) + ") % 100 WHERE " + gen.BoolExpr(s2, 2);
          break;
        case 11:
          gen.set_subquery_tables(d2);
          sql = "DELETE FROM d1 WHERE " + gen.BoolExpr(s1, 2);
          break;
        case 12:
          gen.set_subquery_tables(d1);
          sql = "DELETE FROM d2 WHERE " + gen.BoolExpr(s2, 2);
          break;
        default:
          sql = in_txn ? (pick(2) ? "COMMIT" : "ROLLBACK") : "BEGIN";
          in_txn = !in_txn;
          break;
      }
      log += "  " + sql + ";\n";
      const Outcome z = zq.Run(sql), s = sqlite.Run(sql);
      statements++;
      if (z.ok != s.ok) {
        mismatches.push_back({static_cast<uint64_t>(seed), log, sql, Show(z), Show(s)});
        break;
      }
      if (!z.ok) {
        failed_on_both++;
        // PostgreSQL aborts the whole transaction on an error, SQLite only
        // the statement: roll both back to stay comparable.
        if (in_txn) {
          zq.Run("ROLLBACK");
          sqlite.Run("ROLLBACK");
          log += "  ROLLBACK;\n";
          in_txn = false;
        }
      }
      for (const char* check : {"SELECT * FROM d1", "SELECT * FROM d2"}) {
        const Outcome zc = zq.Run(check), sc = sqlite.Run(check);
        if (!Same(zc, sc)) {
          mismatches.push_back({static_cast<uint64_t>(seed), log,
                                std::string(check) + "  (after the last statement)", Show(zc), Show(sc)});
          break;
        }
      }
    }
    // Index lookups must agree with the table too.
    for (int a = -99; a <= 99 && mismatches.size() == mismatches_before; a++) {
      const std::string check = "SELECT id, b FROM d1 WHERE a = " + (a < 0 ? "(" + std::to_string(a) + ")" : std::to_string(a));
      const Outcome zc = zq.Run(check), sc = sqlite.Run(check);
      if (!Same(zc, sc)) mismatches.push_back({static_cast<uint64_t>(seed), log, check, Show(zc), Show(sc)});
    }
  }
  std::printf("ran %d statements (%d failed on both), %zu of %d seeds diverged\n", statements,
              failed_on_both, mismatches.size(), seeds);
  // One report per kind of statement, so that one bug does not hide another.
  std::map<std::string, int> kinds;
  for (const Mismatch& m : mismatches) {
    std::string kind = m.sql.substr(0, m.sql.find(' ', m.sql.find(' ') + 1));
    if (m.sql.find("ON CONFLICT") != std::string::npos) kind += " ON CONFLICT";
    if (m.sql.find("after the last statement") != std::string::npos) kind = "table contents";
    if (kinds[kind]++ == 0) {
      ADD_FAILURE() << "first " << kind << " mismatch (of " << mismatches.size() << ")\n"
                    << Report(m);
    }
  }
}

}  // namespace
}  // namespace zq

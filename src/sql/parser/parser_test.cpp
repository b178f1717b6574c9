#include "sql/parser/parser.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "sql/lexer/sql_error.hpp"
#include "sql/parser/ast_printer.hpp"
#include "sql/parser/parser_limits.hpp"

namespace zq::sql {
namespace {

// Parses one expression and prints it canonically ("" and a failure on error).
std::string Expr(std::string_view sql) {
  auto result = ParseExpression(sql);
  EXPECT_TRUE(result.ok()) << sql << ": " << result.status().ToString();
  return result.ok() ? ToSql(**result) : "";
}

// Parses one statement, checks the printed form reads back the same, returns it.
std::string Canonical(std::string_view sql) {
  auto result = ParseStatement(sql);
  EXPECT_TRUE(result.ok()) << sql << ": " << result.status().ToString();
  if (!result.ok()) return "";
  std::string printed = ToSql(*result);
  auto again = ParseStatement(printed);
  EXPECT_TRUE(again.ok()) << printed << ": " << again.status().ToString();
  if (again.ok()) {
    EXPECT_EQ(ToSql(*again), printed);
  }
  return printed;
}

SqlError Error(std::string_view sql) {
  auto result = ParseScript(sql);
  EXPECT_FALSE(result.ok()) << sql;
  if (result.ok()) return {};
  auto error = DecodeSqlError(result.status());
  EXPECT_TRUE(error.has_value()) << result.status().ToString();
  return error.value_or(SqlError{});
}

// ---- expressions and precedence

TEST(ParserExpr, ArithmeticPrecedence) {
  EXPECT_EQ(Expr("1 + 2 * 3"), "(1 + (2 * 3))");
  EXPECT_EQ(Expr("1 - 2 - 3"), "((1 - 2) - 3)");
  EXPECT_EQ(Expr("2 ^ 3 ^ 2"), "((2 ^ 3) ^ 2)");
  EXPECT_EQ(Expr("- 2 ^ 2"), "((- 2) ^ 2)");
  EXPECT_EQ(Expr("a * - b % c"), "((a * (- b)) % c)");
  EXPECT_EQ(Expr("- - + 1"), "(- (- (+ 1)))");
  EXPECT_EQ(Expr("a || b + 1"), "(a || (b + 1))");
  EXPECT_EQ(Expr("a & b | c # d << 1"), "((((a & b) | c) # d) << 1)");
}

TEST(ParserExpr, BooleanPrecedence) {
  EXPECT_EQ(Expr("a OR b AND NOT c"), "(a OR (b AND (NOT c)))");
  EXPECT_EQ(Expr("NOT a = b"), "(NOT (a = b))");
  EXPECT_EQ(Expr("NOT NOT a"), "(NOT (NOT a))");
  EXPECT_EQ(Expr("a = b IS NULL"), "((a = b) IS NULL)");
  EXPECT_EQ(Expr("NOT a IS NOT NULL"), "(NOT (a IS NOT NULL))");
  EXPECT_EQ(Expr("a || b = c"), "((a || b) = c)");
  EXPECT_EQ(Expr("a = NOT b AND c"), "((a = (NOT b)) AND c)");
}

TEST(ParserExpr, Predicates) {
  EXPECT_EQ(Expr("a BETWEEN 1 AND 2 AND c"), "((a BETWEEN 1 AND 2) AND c)");
  EXPECT_EQ(Expr("a NOT BETWEEN SYMMETRIC b + 1 AND - c"),
            "(a NOT BETWEEN SYMMETRIC (b + 1) AND (- c))");
  EXPECT_EQ(Expr("x NOT IN (1, 2.5, 'a')"), "(x NOT IN (1, 2.5, 'a'))");
  EXPECT_EQ(Expr("x IN ()"), "(x IN ())");
  EXPECT_EQ(Expr("x IN (SELECT a FROM t)"), "(x IN (SELECT a FROM t))");
  EXPECT_EQ(Expr("NOT EXISTS (SELECT 1)"), "(NOT EXISTS (SELECT 1))");
  EXPECT_EQ(Expr("a LIKE 'x%' ESCAPE '!'"), "(a LIKE 'x%' ESCAPE '!')");
  EXPECT_EQ(Expr("a NOT ILIKE b || '%'"), "(a NOT ILIKE (b || '%'))");
  EXPECT_EQ(Expr("a IS NOT DISTINCT FROM b + 1"), "(a IS NOT DISTINCT FROM (b + 1))");
  EXPECT_EQ(Expr("a IS TRUE OR b IS NOT FALSE"), "((a IS TRUE) OR (b IS NOT FALSE))");
  EXPECT_EQ(Expr("a IS UNKNOWN"), "(a IS UNKNOWN)");
  EXPECT_EQ(Expr("a ISNULL AND b NOTNULL"), "((a IS NULL) AND (b IS NOT NULL))");
}

TEST(ParserExpr, PrimariesAndCasts) {
  EXPECT_EQ(Expr("x::int + 1"), "(CAST(x AS INT) + 1)");
  EXPECT_EQ(Expr("-x::numeric(10,2)"), "(- CAST(x AS NUMERIC(10, 2)))");
  EXPECT_EQ(Expr("CAST(NULL AS double precision)"), "CAST(NULL AS DOUBLE PRECISION)");
  EXPECT_EQ(Expr("x::varchar(8)::text"), "CAST(CAST(x AS VARCHAR(8)) AS TEXT)");
  EXPECT_EQ(Expr("CAST(t AS timestamp(3) with time zone)"),
            "CAST(t AS TIMESTAMP(3) WITH TIME ZONE)");
  EXPECT_EQ(Expr("DATE '2024-01-31'"), "CAST('2024-01-31' AS DATE)");
  EXPECT_EQ(Expr("E'it\\'s' || 'x''y' || X'00ff'"), "(('it''s' || 'x''y') || X'00ff')");
  EXPECT_EQ(Expr("TRUE AND FALSE OR NULL"), "((TRUE AND FALSE) OR NULL)");
  EXPECT_EQ(Expr("1.5e3 + .5"), "(1.5e3 + .5)");
  EXPECT_EQ(Expr("? + ? + $7"), "(($1 + $2) + $7)");
  EXPECT_EQ(Expr("t.a + s.t.b + \"Odd Name\""), "((t.a + s.t.b) + \"Odd Name\")");
  EXPECT_EQ(Expr("\"select\""), "\"select\"");
  EXPECT_EQ(Expr("current_date"), "CURRENT_DATE");
  EXPECT_EQ(Expr("(SELECT max(a) FROM t) + 1"), "((SELECT max(a) FROM t) + 1)");
}

TEST(ParserExpr, CaseAndFunctions) {
  EXPECT_EQ(Expr("CASE a WHEN 1 THEN 'x' WHEN 2 THEN 'y' ELSE 'z' END"),
            "CASE a WHEN 1 THEN 'x' WHEN 2 THEN 'y' ELSE 'z' END");
  EXPECT_EQ(Expr("CASE WHEN a > 0 THEN 1 END"), "CASE WHEN (a > 0) THEN 1 END");
  EXPECT_EQ(Expr("count(*)"), "count(*)");
  EXPECT_EQ(Expr("COUNT ( DISTINCT a ) FILTER (WHERE a > 1)"),
            "count(DISTINCT a) FILTER (WHERE (a > 1))");
  EXPECT_EQ(Expr("coalesce(a, nullif(b, 0), 1)"), "coalesce(a, nullif(b, 0), 1)");
  EXPECT_EQ(Expr("now()"), "now()");
  EXPECT_EQ(Expr("left('abc', 2)"), "\"left\"('abc', 2)");
  EXPECT_EQ(Expr("pg_catalog.lower(x)"), "pg_catalog.lower(x)");
}

TEST(ParserExpr, AstShape) {
  auto result = ParseExpression("a + 1 BETWEEN $2 AND 3");
  ASSERT_TRUE(result.ok());
  const auto* between = (*result)->As<BetweenExpr>();
  ASSERT_NE(between, nullptr);
  EXPECT_EQ((*result)->position, 6u);
  const auto* add = between->operand->As<BinaryExpr>();
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->op, BinaryOp::kAdd);
  EXPECT_EQ(add->left->As<ColumnRefExpr>()->names, std::vector<std::string>{"a"});
  EXPECT_EQ(add->right->As<LiteralExpr>()->kind, LiteralKind::kInteger);
  EXPECT_EQ(between->low->As<ParamExpr>()->index, 2u);
  EXPECT_EQ(between->low->position, 14u);
}

// ---- statements

TEST(ParserStmt, Select) {
  EXPECT_EQ(Canonical("select distinct a, b as \"B\", t.*, * from t"),
            "SELECT DISTINCT a, b AS \"B\", t.*, * FROM t");
  EXPECT_EQ(Canonical("SELECT ALL a x FROM t1 cor0, t2 AS c (p, q) WHERE a > 1 GROUP BY a, 2 "
                      "HAVING count(*) > 1 ORDER BY 1 DESC NULLS LAST, a ASC NULLS FIRST "
                      "LIMIT 10 OFFSET 5"),
            "SELECT a AS x FROM t1 AS cor0, t2 AS c(p, q) WHERE (a > 1) GROUP BY a, 2 "
            "HAVING (count(*) > 1) ORDER BY 1 DESC NULLS LAST, a NULLS FIRST "
            "LIMIT 10 OFFSET 5");
  EXPECT_EQ(Canonical("SELECT 1 OFFSET 2 ROWS LIMIT ALL"), "SELECT 1 OFFSET 2");
  EXPECT_EQ(Canonical("SELECT * FROM (SELECT 1 AS a) sub WHERE sub.a = 1"),
            "SELECT * FROM (SELECT 1 AS a) AS sub WHERE (sub.a = 1)");
}

TEST(ParserStmt, Joins) {
  EXPECT_EQ(Canonical("SELECT * FROM a JOIN b ON a.x = b.x LEFT OUTER JOIN c USING (y) "
                      "CROSS JOIN d NATURAL FULL JOIN e RIGHT JOIN f ON TRUE INNER JOIN g "
                      "ON FALSE"),
            "SELECT * FROM a JOIN b ON (a.x = b.x) LEFT JOIN c USING (y) CROSS JOIN d "
            "NATURAL FULL JOIN e RIGHT JOIN f ON TRUE JOIN g ON FALSE");
  EXPECT_EQ(Canonical("SELECT * FROM a JOIN (b JOIN c ON p) ON q"),
            "SELECT * FROM a JOIN (b JOIN c ON p) ON q");
  EXPECT_EQ(Canonical("SELECT * FROM (a CROSS JOIN b)"), "SELECT * FROM a CROSS JOIN b");
  auto result = ParseStatement("SELECT * FROM a LEFT JOIN b ON a.k = b.k, c");
  ASSERT_TRUE(result.ok());
  const auto& core = std::get<SelectCore>(result->As<SelectStmt>()->body->node);
  ASSERT_EQ(core.from.size(), 2u);
  const auto* join = std::get_if<JoinRef>(&core.from[0]->node);
  ASSERT_NE(join, nullptr);
  EXPECT_EQ(join->type, JoinType::kLeft);
  EXPECT_EQ(core.from[0]->position, 16u);
}

TEST(ParserStmt, SetOperationsValuesAndWith) {
  EXPECT_EQ(Canonical("SELECT 1 UNION ALL SELECT 2 UNION SELECT 3"),
            "(SELECT 1 UNION ALL SELECT 2) UNION SELECT 3");
  EXPECT_EQ(Canonical("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT SELECT 4"),
            "(SELECT 1 UNION (SELECT 2 INTERSECT SELECT 3)) EXCEPT SELECT 4");
  EXPECT_EQ(Canonical("(SELECT 1 ORDER BY 1 LIMIT 1) UNION (SELECT 2) ORDER BY 1"),
            "(SELECT 1 ORDER BY 1 LIMIT 1) UNION (SELECT 2) ORDER BY 1");
  EXPECT_EQ(Canonical("VALUES (1, 'a'), (2, NULL)"), "VALUES (1, 'a'), (2, NULL)");
  EXPECT_EQ(Canonical("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r "
                      "WHERE n < 10), s AS (VALUES (1)) SELECT * FROM r, s"),
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT (n + 1) FROM r WHERE "
            "(n < 10)), s AS (VALUES (1)) SELECT * FROM r, s");
}

TEST(ParserStmt, Insert) {
  EXPECT_EQ(Canonical("INSERT INTO t VALUES (1, 'a'), (2, DEFAULT)"),
            "INSERT INTO t VALUES (1, 'a'), (2, DEFAULT)");
  EXPECT_EQ(Canonical("insert into s.t (a, b) select x, y from u returning *, a + 1 as z"),
            "INSERT INTO s.t (a, b) SELECT x, y FROM u RETURNING *, (a + 1) AS z");
  EXPECT_EQ(Canonical("INSERT INTO t DEFAULT VALUES"), "INSERT INTO t DEFAULT VALUES");
  EXPECT_EQ(Canonical("INSERT INTO t (a) VALUES (1) ON CONFLICT DO NOTHING"),
            "INSERT INTO t (a) VALUES (1) ON CONFLICT DO NOTHING");
  EXPECT_EQ(Canonical("INSERT INTO t AS x (a, b) VALUES ($1, $2) ON CONFLICT (a) DO UPDATE "
                      "SET b = excluded.b, c = DEFAULT WHERE x.b <> excluded.b RETURNING a"),
            "INSERT INTO t AS x (a, b) VALUES ($1, $2) ON CONFLICT (a) DO UPDATE SET "
            "b = excluded.b, c = DEFAULT WHERE (x.b <> excluded.b) RETURNING a");
  EXPECT_EQ(Canonical("INSERT INTO t (SELECT 1)"), "INSERT INTO t (SELECT 1)");
  auto result = ParseStatement("INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO NOTHING");
  ASSERT_TRUE(result.ok());
  const auto* insert = result->As<InsertStmt>();
  ASSERT_NE(insert, nullptr);
  EXPECT_EQ(insert->columns, std::vector<std::string>{"a"});
  ASSERT_TRUE(insert->on_conflict.has_value());
  EXPECT_FALSE(insert->on_conflict->do_update);
}

TEST(ParserStmt, UpdateDelete) {
  EXPECT_EQ(Canonical("UPDATE t SET a = a + 1, b = DEFAULT WHERE c"),
            "UPDATE t SET a = (a + 1), b = DEFAULT WHERE c");
  EXPECT_EQ(Canonical("UPDATE t AS x SET a = y.a FROM y WHERE x.k = y.k RETURNING x.a"),
            "UPDATE t AS x SET a = y.a FROM y WHERE (x.k = y.k) RETURNING x.a");
  EXPECT_EQ(Canonical("UPDATE t x SET a = 1"), "UPDATE t AS x SET a = 1");
  EXPECT_EQ(Canonical("DELETE FROM t"), "DELETE FROM t");
  EXPECT_EQ(Canonical("DELETE FROM t AS x WHERE x.a IN (1) RETURNING *"),
            "DELETE FROM t AS x WHERE (x.a IN (1)) RETURNING *");
}

TEST(ParserStmt, CreateTable) {
  EXPECT_EQ(Canonical("CREATE TABLE IF NOT EXISTS t (id BIGINT PRIMARY KEY, "
                      "n NUMERIC(39,0) NOT NULL DEFAULT 0, s VARCHAR(8) NULL UNIQUE, "
                      "d DOUBLE PRECISION CONSTRAINT pos CHECK (d >= 0), "
                      "e character varying(3) DEFAULT 'x' || 'y', "
                      "CONSTRAINT pk2 UNIQUE (n, s), PRIMARY KEY (id), CHECK (n < 10))"),
            "CREATE TABLE IF NOT EXISTS t (id BIGINT PRIMARY KEY, "
            "n NUMERIC(39, 0) NOT NULL DEFAULT 0, s VARCHAR(8) NULL UNIQUE, "
            "d DOUBLE PRECISION CONSTRAINT pos CHECK ((d >= 0)), "
            "e CHARACTER VARYING(3) DEFAULT ('x' || 'y'), "
            "CONSTRAINT pk2 UNIQUE (n, s), PRIMARY KEY (id), CHECK ((n < 10)))");
  EXPECT_EQ(Canonical("create temp table \"T\"(\"Col\" text)"),
            "CREATE TEMPORARY TABLE \"T\" (\"Col\" TEXT)");
  auto result = ParseStatement("CREATE TABLE t (a INTEGER NOT NULL, b TEXT DEFAULT 'x')");
  ASSERT_TRUE(result.ok());
  const auto* create = result->As<CreateTableStmt>();
  ASSERT_NE(create, nullptr);
  ASSERT_EQ(create->columns.size(), 2u);
  EXPECT_EQ(create->columns[0].type.name, "integer");
  EXPECT_EQ(create->columns[0].constraints[0].kind, ColumnConstraintKind::kNotNull);
  EXPECT_EQ(create->columns[1].position, 36u);
  EXPECT_EQ(create->columns[1].constraints[0].kind, ColumnConstraintKind::kDefault);
}

TEST(ParserStmt, IndexesViewsDropsAlter) {
  EXPECT_EQ(Canonical("CREATE UNIQUE INDEX IF NOT EXISTS i ON t USING hash (a DESC, "
                      "lower(b), (a + b) NULLS FIRST) WHERE a > 0"),
            "CREATE UNIQUE INDEX IF NOT EXISTS i ON t USING HASH (a DESC, (lower(b)), "
            "((a + b)) NULLS FIRST) WHERE (a > 0)");
  EXPECT_EQ(Canonical("CREATE INDEX ON t USING btree (a)"), "CREATE INDEX ON t USING BTREE (a)");
  EXPECT_EQ(Canonical("CREATE OR REPLACE TEMP VIEW v (x, y) AS SELECT a, b FROM t"),
            "CREATE OR REPLACE TEMPORARY VIEW v (x, y) AS SELECT a, b FROM t");
  EXPECT_EQ(Canonical("DROP TABLE IF EXISTS a, s.b CASCADE"),
            "DROP TABLE IF EXISTS a, s.b CASCADE");
  EXPECT_EQ(Canonical("DROP INDEX i"), "DROP INDEX i");
  EXPECT_EQ(Canonical("DROP VIEW v RESTRICT"), "DROP VIEW v");
  EXPECT_EQ(Canonical("ALTER TABLE t ADD c INT DEFAULT 1"),
            "ALTER TABLE t ADD COLUMN c INT DEFAULT 1");
  EXPECT_EQ(Canonical("ALTER TABLE IF EXISTS t ADD COLUMN IF NOT EXISTS c TEXT"),
            "ALTER TABLE IF EXISTS t ADD COLUMN IF NOT EXISTS c TEXT");
  EXPECT_EQ(Canonical("ALTER TABLE t DROP COLUMN IF EXISTS c"),
            "ALTER TABLE t DROP COLUMN IF EXISTS c");
  EXPECT_EQ(Canonical("ALTER TABLE t RENAME c TO d"), "ALTER TABLE t RENAME COLUMN c TO d");
  EXPECT_EQ(Canonical("ALTER TABLE t RENAME TO u"), "ALTER TABLE t RENAME TO u");
}

TEST(ParserStmt, TransactionsAndExplain) {
  EXPECT_EQ(Canonical("BEGIN"), "BEGIN");
  EXPECT_EQ(Canonical("begin transaction"), "BEGIN");
  EXPECT_EQ(Canonical("START TRANSACTION"), "BEGIN");
  EXPECT_EQ(Canonical("COMMIT WORK"), "COMMIT");
  EXPECT_EQ(Canonical("END"), "COMMIT");
  EXPECT_EQ(Canonical("ROLLBACK"), "ROLLBACK");
  EXPECT_EQ(Canonical("ROLLBACK TO sp"), "ROLLBACK TO SAVEPOINT sp");
  EXPECT_EQ(Canonical("ROLLBACK TRANSACTION TO SAVEPOINT sp"), "ROLLBACK TO SAVEPOINT sp");
  EXPECT_EQ(Canonical("SAVEPOINT sp"), "SAVEPOINT sp");
  EXPECT_EQ(Canonical("RELEASE sp"), "RELEASE SAVEPOINT sp");
  EXPECT_EQ(Canonical("EXPLAIN SELECT * FROM t WHERE a = 1"),
            "EXPLAIN SELECT * FROM t WHERE (a = 1)");
  EXPECT_EQ(Canonical("EXPLAIN ANALYZE DELETE FROM t"), "EXPLAIN ANALYZE DELETE FROM t");
}

TEST(ParserStmt, ScriptsSplitOnSemicolons) {
  std::string sql = "SELECT 1; ;\n  INSERT INTO t VALUES (1);; -- done\n";
  auto result = ParseScript(sql);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->size(), 2u);
  EXPECT_EQ((*result)[0].position, 0u);
  EXPECT_EQ((*result)[0].end_position, 8u);
  EXPECT_EQ((*result)[1].position, 14u);
  EXPECT_EQ(sql.substr((*result)[1].position, (*result)[1].end_position - (*result)[1].position),
            "INSERT INTO t VALUES (1)");
  auto empty = ParseScript(" -- nothing\n ; ");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  auto two = ParseStatement("SELECT 1; SELECT 2");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(DecodeSqlError(two.status())->position, 10u);
  EXPECT_FALSE(ParseStatement("").ok());
}

// ---- errors

TEST(ParserErrors, NameExpectedAndFoundWithPosition) {
  SqlError e = Error("SELECT * FROM t WHERE");
  EXPECT_EQ(e.sqlstate, "42601");
  EXPECT_EQ(e.position, 21u);
  EXPECT_EQ(e.message, "syntax error: expected an expression, found end of input");
  e = Error("CREATE TABLE t (a INT,)");
  EXPECT_EQ(e.position, 22u);
  EXPECT_NE(e.message.find("expected a column name, found \")\""), std::string::npos);
  e = Error("SELECT 1 SELECT 2");
  EXPECT_EQ(e.position, 9u);
  EXPECT_NE(e.message.find("expected ';' or end of input"), std::string::npos);
  e = Error("SELECT (1 + 2");
  EXPECT_EQ(e.position, 13u);
  EXPECT_NE(e.message.find("expected ')'"), std::string::npos);
  e = Error("INSERT INTO t VALUES (1) ON CONFLICT DO SOMETHING");
  EXPECT_EQ(e.position, 40u);
  EXPECT_NE(e.message.find("expected NOTHING or UPDATE"), std::string::npos);
  e = Error("SELECT a < b < c");
  EXPECT_EQ(e.position, 13u);
  EXPECT_EQ(e.message, "syntax error at \"<\": the operator is non-associative; use parentheses");
  EXPECT_EQ(Error("SELECT a FROM t WHERE a IS 5").position, 27u);
  EXPECT_EQ(Error("DROP TABLE").position, 10u);
  EXPECT_EQ(Error("UPDATE t SET a 1").position, 15u);
  EXPECT_EQ(Error("SELECT 'unterminated").position, 7u);
  EXPECT_EQ(Error("GRANT ALL").position, 0u);
}

TEST(ParserErrors, RecognisedButNotSupported) {
  struct Case {
    const char* sql;
    uint32_t position;
  };
  for (Case c :
       {Case{"CREATE TRIGGER r UPDATE ON t BEGIN SELECT 1; END;", 0},
        Case{"SELECT 1; DROP TRIGGER r", 10}, Case{"REINDEX t1i1", 0},
        Case{"REPLACE INTO t VALUES (1)", 0}, Case{"INSERT OR REPLACE INTO t VALUES (1)", 0},
        Case{"SELECT sum(a) OVER () FROM t", 14}}) {
    auto result = ParseScript(c.sql);
    ASSERT_FALSE(result.ok()) << c.sql;
    EXPECT_EQ(result.status().code(), StatusCode::kNotSupported) << c.sql;
    auto error = DecodeSqlError(result.status());
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->sqlstate, "0A000");
    EXPECT_EQ(error->position, c.position) << c.sql;
    EXPECT_NE(error->message.find("not supported yet"), std::string::npos);
  }
}

// Deep nesting is an error (54001), not a stack overflow; run on a thread with
// a default-size stack to show the limit leaves room.
TEST(ParserErrors, NestingDepthIsBounded) {
  auto check = [](const std::string& sql, bool ok) {
    auto result = ParseScript(sql);
    EXPECT_EQ(result.ok(), ok) << sql.substr(0, 60);
    if (!ok && !result.ok()) {
      EXPECT_EQ(result.status().code(), StatusCode::kLimitExceeded);
      EXPECT_EQ(DecodeSqlError(result.status())->sqlstate, "54001");
    }
  };
  auto repeat = [](std::string_view s, int n) {
    std::string out;
    for (int i = 0; i < n; i++) out += s;
    return out;
  };
  std::thread worker([&] {
    int deep = kSqlNestingDepthMax + 10;
    check("SELECT " + repeat("(", 100) + "1" + repeat(")", 100), true);
    check("SELECT " + repeat("(", deep) + "1" + repeat(")", deep), false);
    check("SELECT " + repeat("NOT ", deep) + "TRUE", false);
    check("SELECT " + repeat("- ", deep) + "1", false);
    check("SELECT 1" + repeat(" + 1", deep), false);
    check("SELECT 1" + repeat(" OR TRUE", deep), false);
    check("SELECT 1" + repeat("::int", deep), false);
    check(repeat("SELECT 1 UNION ", deep) + "SELECT 1", false);
    check("SELECT * FROM t" + repeat(" JOIN t ON TRUE", deep), false);
    check(repeat("SELECT * FROM (", deep) + "SELECT 1" + repeat(") AS x", deep), false);
    check("SELECT " + repeat("(SELECT ", deep) + "1" + repeat(")", deep), false);
    check(repeat("EXPLAIN ", deep) + "SELECT 1", false);
    check("SELECT 1 IN (" + repeat("1, ", 100000) + "1)", true);  // long, not deep
    // Deep input fails fast: the look-ahead over '(' is bounded, so no quadratic time.
    auto start = std::chrono::steady_clock::now();
    check("SELECT * FROM " + repeat("(", 1000000), false);
    check(repeat("(", 1000000), false);
    check("INSERT INTO t " + repeat("(", 1000000), false);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  });
  worker.join();
}

TEST(ParserErrors, TokenCountIsBounded) {
  std::string sql = "SELECT 1";
  for (uint32_t i = 0; i < kSqlTokenCountMax / 2; i++) sql += ",1";
  auto result = ParseScript(sql);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(DecodeSqlError(result.status())->sqlstate, "54001");
  sql.resize(sql.size() - 1000);  // well under the limit: parses
  EXPECT_TRUE(ParseScript(sql).ok());
}

TEST(ParserErrors, GarbageNeverThrows) {
  const char* inputs[] = {"",
                          ";",
                          "(",
                          ")",
                          "SELECT",
                          "SELECT (",
                          "SELECT * FROM",
                          "CREATE",
                          "CREATE TABLE t (",
                          "INSERT INTO",
                          "CASE WHEN",
                          "SELECT CAST(1 AS",
                          "SELECT 1::",
                          "WITH x AS",
                          "\xff\xfe",
                          "SELECT $1 $2",
                          "VALUES ()",
                          "SELECT 1 IN (SELECT",
                          "ALTER TABLE t"};
  for (const char* sql : inputs) {
    auto result = ParseScript(sql);
    if (!result.ok()) {
      EXPECT_TRUE(DecodeSqlError(result.status()).has_value()) << sql;
    }
  }
}

}  // namespace
}  // namespace zq::sql

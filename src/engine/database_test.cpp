// engine::Database end to end, on an in-memory FaultVfs: DDL and DML with
// their constraints, the SQLSTATE of each kind of failure (and that a failed
// statement changes nothing), transactions, ON CONFLICT, RETURNING, index
// scans agreeing with full scans, views, ALTER TABLE, durability through
// reopen and power cuts, parameters, NUMERIC exactness and the memory limit.
// Expected results are PostgreSQL 15's (the dialect the engine follows).
#include "engine/database.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <set>

#include "engine/engine_test_util.hpp"
#include "sql/lexer/sql_error.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq::engine {
namespace {

using sql::Value;

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    DatabaseOptions o;
    o.store.vfs = &vfs_;
    o.store.checkpoint_wal_bytes = 64 << 10;  // checkpoint now and then
    o.memory_limit_bytes = memory_limit_;
    Result<std::unique_ptr<Database>> db = Database::Open("db.zq", o);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }
  void Reopen() {
    Status s = db_->Close();
    ASSERT_TRUE(s.ok()) << s.ToString();
    db_.reset();
    Open();
  }
  // The power fails: nothing unsynced survives, the store never closes.
  void PowerCutAndReopen() {
    vfs_.CrashAtSync(1);
    db_.reset();
    vfs_.PowerCut();
    Open();
  }

  QueryResult Exec(std::string_view sql, const std::vector<Value>& params = {}) {
    Result<QueryResult> r = db_->Execute(sql, params);
    EXPECT_TRUE(r.ok()) << sql << "\n  -> " << r.status().ToString();
    return r.ok() ? std::move(r).value() : QueryResult{};
  }
  void Script(std::string_view sql) {
    Result<std::vector<QueryResult>> r = db_->ExecuteScript(sql);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  // "OK" or the SQLSTATE.
  std::string State(std::string_view sql, const std::vector<Value>& params = {}) {
    Result<QueryResult> r = db_->Execute(sql, params);
    return StateOf(r.status());
  }
  // Rows as "a|b|c" in result order, or one "ERROR <state>: <message>" line.
  std::vector<std::string> Rows(std::string_view sql, const std::vector<Value>& params = {}) {
    Result<QueryResult> r = db_->Execute(sql, params);
    if (!r.ok()) return {"ERROR " + StateOf(r.status()) + ": " + r.status().ToString()};
    std::vector<std::string> out;
    for (const sql::Row& row : r->rows) out.push_back(RenderRow(row));
    return out;
  }
  std::vector<std::string> Sorted(std::string_view sql, const std::vector<Value>& params = {}) {
    std::vector<std::string> rows = Rows(sql, params);
    std::sort(rows.begin(), rows.end());
    return rows;
  }
  std::string One(std::string_view sql, const std::vector<Value>& params = {}) {
    std::vector<std::string> rows = Rows(sql, params);
    return rows.size() == 1 ? rows[0] : "<" + std::to_string(rows.size()) + " rows>";
  }
  std::string Explain(std::string_view sql) {
    std::string text;
    for (const std::string& line : Rows("EXPLAIN " + std::string(sql))) text += line + "\n";
    return text;
  }

  using V = std::vector<std::string>;

  storage::FaultVfs vfs_{42};
  uint64_t memory_limit_ = uint64_t{1} << 30;
  std::unique_ptr<Database> db_;
};

// ---- DDL and DML basics ----------------------------------------------------------

TEST_F(DatabaseTest, CreateInsertSelect) {
  QueryResult r = Exec(
      "CREATE TABLE t (id INT PRIMARY KEY, name TEXT NOT NULL, score NUMERIC(6,2) DEFAULT 0, "
      "flag BOOLEAN, big BIGINT, ratio DOUBLE PRECISION, code VARCHAR(4), raw BYTEA)");
  EXPECT_EQ(r.command, "CREATE TABLE");
  EXPECT_FALSE(r.returns_rows);
  r = Exec("INSERT INTO t VALUES (2, 'two', 2.5, true, 9000000000, 0.25, 'ab', '\\x00ff'), "
           "(1, 'one', NULL, false, -1, -1.5, NULL, NULL)");
  EXPECT_EQ(r.command, "INSERT");
  EXPECT_EQ(r.changes, 2);
  r = Exec("INSERT INTO t (id, name) VALUES (3, 'three')");
  EXPECT_EQ(r.changes, 1);
  r = Exec("SELECT * FROM t ORDER BY id");
  EXPECT_TRUE(r.returns_rows);
  EXPECT_EQ(r.command, "SELECT");
  EXPECT_EQ(r.column_names,
            V({"id", "name", "score", "flag", "big", "ratio", "code", "raw"}));
  ASSERT_EQ(r.column_types.size(), 8u);
  EXPECT_EQ(r.column_types[0].id, sql::TypeId::kInt4);
  EXPECT_EQ(r.column_types[2].id, sql::TypeId::kNumeric);
  EXPECT_EQ(r.column_types[4].id, sql::TypeId::kInt8);
  EXPECT_EQ(Rows("SELECT * FROM t ORDER BY id"),
            V({"1|one|NULL|f|-1|-1.5|NULL|NULL", "2|two|2.50|t|9000000000|0.25|ab|\\x00ff",
               "3|three|0.00|NULL|NULL|NULL|NULL|NULL"}));
  EXPECT_EQ(Rows("SELECT name, score * 2 AS s FROM t WHERE id >= 2 ORDER BY 1"),
            V({"three|0.00", "two|5.00"}));
  EXPECT_EQ(One("SELECT count(*), sum(big), min(name), max(score) FROM t"),
            "3|8999999999|one|2.50");
}

TEST_F(DatabaseTest, ValuesAsAQuery) {
  EXPECT_EQ(Rows("VALUES (5, 'x'), (6, NULL)"), V({"5|x", "6|NULL"}));
  EXPECT_EQ(Sorted("SELECT b, a + 1 FROM (VALUES (1, 'p'), (2.5, 'q')) AS v(a, b)"),
            V({"p|2", "q|3.5"}));
  Exec("CREATE TABLE iv (a INT, b TEXT)");
  Exec("INSERT INTO iv SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(x, y) ORDER BY x DESC LIMIT 1");
  EXPECT_EQ(Rows("SELECT * FROM iv"), V({"2|b"}));
}

TEST_F(DatabaseTest, IdentifiersFoldToLowerCase) {
  Exec("CREATE TABLE Mixed (Id INT, \"Quoted\" INT)");
  Exec("INSERT INTO MIXED (ID, \"Quoted\") VALUES (1, 2)");
  EXPECT_EQ(One("SELECT id, \"Quoted\" FROM mixed"), "1|2");
  EXPECT_EQ(State("SELECT quoted FROM mixed"), "42703");
}

TEST_F(DatabaseTest, DefaultValues) {
  Exec("CREATE TABLE d (id INT PRIMARY KEY, a INT DEFAULT 2 * 21, b TEXT DEFAULT 'x' || 'y', "
       "c INT, e NUMERIC(5,1) DEFAULT 1.25)");
  Exec("INSERT INTO d (id) VALUES (1)");
  Exec("INSERT INTO d VALUES (2, DEFAULT, 'given', DEFAULT, DEFAULT)");
  Exec("INSERT INTO d (id, a) VALUES (3, NULL)");
  Exec("UPDATE d SET b = DEFAULT WHERE id = 2");
  EXPECT_EQ(Rows("SELECT * FROM d ORDER BY id"),
            V({"1|42|xy|NULL|1.3", "2|42|xy|NULL|1.3", "3|NULL|xy|NULL|1.3"}));
  Exec("CREATE TABLE only_defaults (a INT DEFAULT 7, b TEXT)");
  Exec("INSERT INTO only_defaults DEFAULT VALUES");
  EXPECT_EQ(One("SELECT * FROM only_defaults"), "7|NULL");
  EXPECT_EQ(State("CREATE TABLE bad_default (a INT DEFAULT 'abc')"), "22P02");
  EXPECT_EQ(State("CREATE TABLE bad_default (a INT DEFAULT true)"), "42804");
}

// PostgreSQL: "INSERT has more target columns than expressions" (42601).
TEST_F(DatabaseTest, InsertWithFewerValuesThanTargetColumnsIsAnError) {
  Exec("CREATE TABLE f (a INT, b INT)");
  EXPECT_EQ(State("INSERT INTO f (a, b) VALUES (1)"), "42601");
  EXPECT_EQ(State("INSERT INTO f (a) VALUES (1, 2)"), "42601");
  EXPECT_EQ(One("SELECT count(*) FROM f"), "0");
  Exec("INSERT INTO f VALUES (1)");  // no column list: the rest take defaults
  EXPECT_EQ(One("SELECT * FROM f"), "1|NULL");
}

// Every kind of failing statement: the right SQLSTATE, and no change at all.
TEST_F(DatabaseTest, ViolationsReturnTheirSqlstateAndChangeNothing) {
  Script(
      "CREATE TABLE acct (id INT PRIMARY KEY, email TEXT UNIQUE, name TEXT NOT NULL, "
      "  balance INT CHECK (balance >= 0), kind TEXT DEFAULT 'basic');"
      "INSERT INTO acct VALUES (1, 'a@x', 'A', 10), (2, 'b@x', 'B', 20);"
      "CREATE TABLE small (s SMALLINT, v VARCHAR(3))");
  const V before = Rows("SELECT * FROM acct ORDER BY id");
  ASSERT_EQ(before.size(), 2u);
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"INSERT INTO acct VALUES (1, 'c@x', 'C', 1)", "23505"},
      {"INSERT INTO acct VALUES (3, 'a@x', 'C', 1)", "23505"},
      {"INSERT INTO acct VALUES (3, 'c@x', 'C', 1), (4, 'd@x', 'D', 1), (1, 'e@x', 'E', 1)",
       "23505"},
      {"INSERT INTO acct VALUES (3, 'c@x', 'C', 1), (4, 'c@x', 'D', 1)", "23505"},
      {"INSERT INTO acct VALUES (3, 'c@x', NULL, 1)", "23502"},
      {"INSERT INTO acct VALUES (NULL, 'c@x', 'C', 1)", "23502"},
      {"INSERT INTO acct (email, name) VALUES ('c@x', 'C')", "23502"},
      {"INSERT INTO acct VALUES (3, 'c@x', 'C', -1)", "23514"},
      {"UPDATE acct SET balance = balance - 15", "23514"},
      {"UPDATE acct SET email = 'b@x' WHERE id = 1", "23505"},
      {"UPDATE acct SET id = 2 WHERE id = 1", "23505"},
      {"UPDATE acct SET name = NULL WHERE id = 2", "23502"},
      {"UPDATE acct SET id = NULL", "23502"},
      {"INSERT INTO nosuch VALUES (1)", "42P01"},
      {"SELECT * FROM nosuch", "42P01"},
      {"UPDATE nosuch SET a = 1", "42P01"},
      {"DELETE FROM nosuch", "42P01"},
      {"DROP TABLE nosuch", "42P01"},
      {"INSERT INTO acct (nosuch) VALUES (1)", "42703"},
      {"SELECT nosuch FROM acct", "42703"},
      {"UPDATE acct SET nosuch = 1", "42703"},
      {"DELETE FROM acct WHERE nosuch = 1", "42703"},
      {"CREATE TABLE acct (x INT)", "42P07"},
      {"CREATE TABLE x (a INT, a INT)", "42701"},
      {"INSERT INTO acct VALUES (3, 'c@x', 'C', 1 / 0)", "22012"},
      {"UPDATE acct SET balance = balance / 0", "22012"},
      {"UPDATE acct SET balance = balance % 0 WHERE id = 2", "22012"},
      {"INSERT INTO acct VALUES (3, 'c@x', 'C', 2147483647 + 1)", "22003"},
      {"UPDATE acct SET balance = balance * 1000000000", "22003"},
      {"INSERT INTO small VALUES (40000, 'a')", "22003"},
      {"INSERT INTO small VALUES (1, 'abcd')", "22001"},
      {"INSERT INTO acct VALUES (3, 'c@x', 'C', true)", "42804"},
      {"UPDATE acct SET balance = 'x' || 'y'", "42804"},
      {"INSERT INTO acct VALUES (3, 'c@x', 'C', 'abc')", "22P02"},
      {"SELECT name + 1 FROM acct", "42883"},
      {"SELECT nosuchfunction(1)", "42883"},
      {"SELECT (SELECT id FROM acct)", "21000"},
      {"UPDATE acct SET balance = (SELECT balance FROM acct)", "21000"},
      {"DELETE FROM acct WHERE id = (SELECT id FROM acct)", "21000"},
      {"SELECT id, count(*) FROM acct", "42803"},
      {"SELECT * FROM acct a, acct b WHERE id = 1", "42702"},
      {"SELECT * FROM acct ORDER BY 9", "42P10"},
      {"SELECT * FROM acct WHERE 1", "42804"},
      {"SELEC 1", "42601"},
      {"INSERT INTO acct VALUES (3, 'c@x', 'C', 1, 'k', 'extra')", "42601"},
  };
  for (const auto& [sql, state] : cases) {
    EXPECT_EQ(State(sql), state) << sql;
    EXPECT_EQ(Rows("SELECT * FROM acct ORDER BY id"), before) << "after " << sql;
  }
  EXPECT_EQ(One("SELECT count(*) FROM small"), "0");
  EXPECT_EQ(State("SELECT * FROM x"), "42P01");
  EXPECT_FALSE(db_->in_transaction());
}

TEST_F(DatabaseTest, ErrorsCarryPositions) {
  Exec("CREATE TABLE p (a INT)");
  Result<QueryResult> r = db_->Execute("SELECT a, nosuch FROM p");
  ASSERT_FALSE(r.ok());
  std::optional<sql::SqlError> e = sql::DecodeSqlError(r.status());
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->sqlstate, "42703");
  EXPECT_EQ(e->position, 10u);
}

TEST_F(DatabaseTest, UniqueAllowsManyNullsAndCompositeKeys) {
  Exec("CREATE TABLE u (a INT UNIQUE, b INT, c INT, UNIQUE (b, c), PRIMARY KEY (c, a))");
  EXPECT_EQ(State("INSERT INTO u VALUES (1, NULL, 1), (2, NULL, 1)"), "OK");
  EXPECT_EQ(State("INSERT INTO u VALUES (3, 5, 1), (4, 5, 2)"), "OK");
  EXPECT_EQ(State("INSERT INTO u VALUES (5, 5, 1)"), "23505");  // (b, c) = (5, 1)
  EXPECT_EQ(State("INSERT INTO u VALUES (1, 9, 1)"), "23505");  // a = 1
  EXPECT_EQ(State("INSERT INTO u VALUES (6, 9, NULL)"), "23502");  // c is in the key
  EXPECT_EQ(One("SELECT count(*) FROM u"), "4");
  EXPECT_EQ(State("CREATE TABLE two_pk (a INT PRIMARY KEY, b INT PRIMARY KEY)"), "42P16");
}

TEST_F(DatabaseTest, CheckConstraints) {
  Exec("CREATE TABLE c (a INT CHECK (a > 0), b INT, CHECK (a < b OR b IS NULL))");
  EXPECT_EQ(State("INSERT INTO c VALUES (NULL, NULL)"), "OK");  // NULL passes a CHECK
  EXPECT_EQ(State("INSERT INTO c VALUES (1, 2)"), "OK");
  EXPECT_EQ(State("INSERT INTO c VALUES (0, 2)"), "23514");
  EXPECT_EQ(State("INSERT INTO c VALUES (3, 2)"), "23514");
  EXPECT_EQ(State("UPDATE c SET b = 1 WHERE a = 1"), "23514");
  EXPECT_EQ(State("CREATE TABLE c2 (a INT CHECK (nosuch > 0))"), "42703");
  EXPECT_EQ(State("CREATE TABLE c2 (a INT CHECK (a + 1))"), "42804");
  EXPECT_EQ(One("SELECT count(*) FROM c"), "2");
}

// ---- expressions: PostgreSQL semantics --------------------------------------------

TEST_F(DatabaseTest, IntegerArithmetic) {
  EXPECT_EQ(One("SELECT 7 / 2, -7 / 2, -7 % 3, 7 % (-3), 2 ^ 10"), "3|-3|-1|1|1024");
  EXPECT_EQ(State("SELECT 2147483647 + 1"), "22003");
  EXPECT_EQ(State("SELECT 9223372036854775807 + 1"), "22003");
  EXPECT_EQ(State("SELECT -9223372036854775807 - 2"), "22003");
  EXPECT_EQ(State("SELECT (-2147483648)::int / -1"), "22003");
  EXPECT_EQ(State("SELECT abs((-2147483648)::int)"), "22003");
  EXPECT_EQ(State("SELECT 1 / 0"), "22012");
  EXPECT_EQ(State("SELECT 1 % 0"), "22012");
  EXPECT_EQ(State("SELECT 1.5 / 0"), "22012");
  EXPECT_EQ(State("SELECT 1.5::float8 / 0"), "22012");
  EXPECT_EQ(One("SELECT 2147483647::bigint + 1, 32767::smallint + 1::int"), "2147483648|32768");
  Exec("CREATE TABLE big (v INT)");
  Exec("INSERT INTO big VALUES (2147483647), (2147483647)");
  // sum(integer) is bigint, sum(bigint) numeric: neither overflows here.
  EXPECT_EQ(One("SELECT sum(v), sum(v::bigint * 4294967296) FROM big"),
            "4294967294|18446744065119617024");
  EXPECT_EQ(State("SELECT v + 1 FROM big"), "22003");
}

TEST_F(DatabaseTest, ThreeValuedLogic) {
  EXPECT_EQ(One("SELECT NULL AND false, NULL AND true, NULL OR true, NULL OR false, NOT NULL::bool"),
            "f|NULL|t|NULL|NULL");
  EXPECT_EQ(One("SELECT 1 IN (1, NULL), 2 IN (1, NULL), 2 NOT IN (1, NULL), NULL IN (1)"),
            "t|NULL|NULL|NULL");
  EXPECT_EQ(One("SELECT NULL = NULL, NULL IS NULL, NULL IS DISTINCT FROM NULL, "
                "1 IS DISTINCT FROM NULL, 1 IS NOT DISTINCT FROM 1"),
            "NULL|t|f|t|t");
  Exec("CREATE TABLE n (a INT)");
  Exec("INSERT INTO n VALUES (1), (2), (NULL)");
  EXPECT_EQ(Rows("SELECT a FROM n WHERE a NOT IN (1, NULL)"), V{});
  EXPECT_EQ(Rows("SELECT a FROM n WHERE a NOT IN (SELECT a FROM n WHERE a = 1 OR a IS NULL)"), V{});
  EXPECT_EQ(Sorted("SELECT a FROM n WHERE NOT (a = 1)"), V({"2"}));
  EXPECT_EQ(Sorted("SELECT a FROM n WHERE (a = 1) IS NOT TRUE"), V({"2", "NULL"}));
  EXPECT_EQ(One("SELECT count(*), count(a), sum(a), avg(a) IS NULL FROM n WHERE a > 5"),
            "0|0|NULL|t");
  EXPECT_EQ(One("SELECT CASE WHEN NULL THEN 1 ELSE 2 END, COALESCE(NULL, NULL, 3), NULLIF(1, 1)"),
            "2|3|NULL");
}

TEST_F(DatabaseTest, OrderByNullsAsPostgres) {
  Exec("CREATE TABLE o (a INT, b TEXT)");
  Exec("INSERT INTO o VALUES (2, 'x'), (NULL, 'y'), (1, NULL), (2, 'a')");
  EXPECT_EQ(Rows("SELECT a FROM o ORDER BY a"), V({"1", "2", "2", "NULL"}));
  EXPECT_EQ(Rows("SELECT a FROM o ORDER BY a DESC"), V({"NULL", "2", "2", "1"}));
  EXPECT_EQ(Rows("SELECT a FROM o ORDER BY a NULLS FIRST"), V({"NULL", "1", "2", "2"}));
  EXPECT_EQ(Rows("SELECT a FROM o ORDER BY a DESC NULLS LAST"), V({"2", "2", "1", "NULL"}));
  EXPECT_EQ(Rows("SELECT a, b FROM o ORDER BY a DESC NULLS LAST, b DESC"),
            V({"2|x", "2|a", "1|NULL", "NULL|y"}));
  EXPECT_EQ(Rows("SELECT b FROM o ORDER BY a IS NULL, b LIMIT 2 OFFSET 1"), V({"x", "NULL"}));
}

// PostgreSQL's float8out: shortest exact digits, positional notation for
// decimal exponents from -4 to 14.
TEST_F(DatabaseTest, FloatToTextAsPostgres) {
  EXPECT_EQ(One("SELECT CAST(10::float8 AS text), 100000::float8::text, 1.5::float8::text, "
                "'x' || 20::float8"),
            "10|100000|1.5|x20");
}

// boolean -> text is 'true'/'false' (PostgreSQL's boolout prints t/f, but the
// cast and || go through booltext).
TEST_F(DatabaseTest, BooleanToTextAsPostgres) {
  EXPECT_EQ(One("SELECT true::text, CAST(false AS text), 'x' || true, CAST(true AS varchar(2))"),
            "true|false|xtrue|tr");
}

// ---- NUMERIC ----------------------------------------------------------------------

TEST_F(DatabaseTest, NumericIsExact) {
  Exec("CREATE TABLE m (x NUMERIC, y NUMERIC(10,2))");
  for (int i = 0; i < 10; i++) Exec("INSERT INTO m VALUES (0.1, 0.1)");
  EXPECT_EQ(One("SELECT sum(x), sum(y), sum(x) = 1 FROM m"), "1.0|1.00|t");
  EXPECT_EQ(One("SELECT 0.1 + 0.2 = 0.3, 0.1::float8 + 0.2::float8 = 0.3::float8"), "t|f");
  EXPECT_EQ(One("SELECT 1.10 * 3, 1 - 0.999, -0.5 * -0.5"), "3.30|0.001|0.25");
  EXPECT_EQ(One("SELECT 123456789012345678901234567890.12345678 + 0.00000001"),
            "123456789012345678901234567890.12345679");
  Exec("DELETE FROM m");
  Exec("INSERT INTO m VALUES (1, 1.005), (2, -1.005), (3, 12345678.999)");
  EXPECT_EQ(Rows("SELECT y FROM m ORDER BY x"), V({"1.01", "-1.01", "12345679.00"}));
  EXPECT_EQ(State("INSERT INTO m VALUES (4, 123456789)"), "22003");
  EXPECT_EQ(State("INSERT INTO m VALUES (4, 99999999.995)"), "22003");
  EXPECT_EQ(State("SELECT 99999999999999999999999999999999999999 + 1"), "22003");
  EXPECT_EQ(One("SELECT count(*) FROM m"), "3");
  EXPECT_EQ(One("SELECT 1.5 = 1.50, 2 > 1.99, 3 = 3.0::numeric(5,1)"), "t|t|t");
}

// numeric ^ numeric and sqrt(numeric) stay NUMERIC, with PostgreSQL's
// precision (not a double's 15 digits).
// Known gap, listed in docs/sql.md ("Known deviations"): enable when fixed.
TEST_F(DatabaseTest, DISABLED_NumericPowerAndSqrtAsPostgres) {
  EXPECT_EQ(One("SELECT 2.0 ^ 2, 2.0 ^ 0.5, sqrt(2.0), power(10.0, -2), sqrt(0.0001)"),
            "4.0000000000000000|1.4142135623730950|1.414213562373095|0.0100000000000000|0.01000000000000000");
}

// PostgreSQL's numeric division keeps at least 16 significant digits
// (select_div_scale), avg included.
TEST_F(DatabaseTest, NumericDivisionScaleAsPostgres) {
  EXPECT_EQ(One("SELECT 1::numeric / 3, 10::numeric / 3, 7.5 / 2.5"),
            "0.33333333333333333333|3.3333333333333333|3.0000000000000000");
  Exec("CREATE TABLE a (v NUMERIC)");
  Exec("INSERT INTO a VALUES (10), (20)");
  EXPECT_EQ(One("SELECT avg(v), avg(v::int) FROM a"), "15.0000000000000000|15.0000000000000000");
}

// ---- parameters ---------------------------------------------------------------------

TEST_F(DatabaseTest, ParametersInValues) {
  Exec("CREATE TABLE p (id INT PRIMARY KEY, name TEXT, amount NUMERIC(8,2))");
  Exec("INSERT INTO p VALUES ($1, $2, $3)",
       {Value::Int(sql::TypeId::kInt4, 1), Value::Text("one"), Value::Numeric(sql::Decimal{1050, 3})});
  Exec("INSERT INTO p VALUES (?, ?, ?)",
       {Value::Int(sql::TypeId::kInt8, 2), Value::Text("two"), Value::Int(sql::TypeId::kInt4, 7)});
  Exec("INSERT INTO p (name, id) VALUES ($2, $1)", {Value::Int(sql::TypeId::kInt4, 3), Value::Text("three")});
  Exec("INSERT INTO p VALUES ($1, $2, NULL)", {Value::Int(sql::TypeId::kInt4, 4), Value::Null()});
  EXPECT_EQ(Rows("SELECT * FROM p ORDER BY id"),
            V({"1|one|1.05", "2|two|7.00", "3|three|NULL", "4|NULL|NULL"}));
  EXPECT_EQ(State("INSERT INTO p VALUES ($1, 'x', 1)"), "08P01");  // no value supplied
  EXPECT_EQ(One("SELECT $1::int + 1, $2::text || '!'",
                {Value::Int(sql::TypeId::kInt4, 41), Value::Text("hi")}),
            "42|hi!");
}

// A parameter takes the type its context gives it (PostgreSQL infers $1 in
// `id = $1` as integer), so it works in WHERE, SET and comparisons.
TEST_F(DatabaseTest, ParametersInPredicates) {
  Exec("CREATE TABLE p (id INT PRIMARY KEY, name TEXT)");
  Exec("INSERT INTO p VALUES (1, 'one'), (2, 'two'), (3, 'three')");
  EXPECT_EQ(Rows("SELECT name FROM p WHERE id = $1", {Value::Int(sql::TypeId::kInt4, 2)}),
            V({"two"}));
  EXPECT_EQ(Rows("SELECT id FROM p WHERE id > ? AND name <> ? ORDER BY id",
                 {Value::Int(sql::TypeId::kInt4, 1), Value::Text("three")}),
            V({"2"}));
  EXPECT_EQ(State("UPDATE p SET name = $1 WHERE id = $2",
                  {Value::Text("uno"), Value::Int(sql::TypeId::kInt4, 1)}),
            "OK");
  EXPECT_EQ(State("DELETE FROM p WHERE id = $1", {Value::Int(sql::TypeId::kInt4, 3)}), "OK");
  EXPECT_EQ(Rows("SELECT * FROM p ORDER BY id"), V({"1|uno", "2|two"}));
}

// ---- transactions ---------------------------------------------------------------------

TEST_F(DatabaseTest, TransactionsCommitAndRollBack) {
  Exec("CREATE TABLE t (id INT PRIMARY KEY, v TEXT)");
  Exec("INSERT INTO t VALUES (1, 'a')");
  EXPECT_EQ(Exec("BEGIN").command, "BEGIN");
  EXPECT_TRUE(db_->in_transaction());
  Exec("INSERT INTO t VALUES (2, 'b')");
  Exec("UPDATE t SET v = 'z' WHERE id = 1");
  EXPECT_EQ(Rows("SELECT * FROM t ORDER BY id"), V({"1|z", "2|b"}));  // sees its own writes
  EXPECT_EQ(Exec("ROLLBACK").command, "ROLLBACK");
  EXPECT_FALSE(db_->in_transaction());
  EXPECT_EQ(Rows("SELECT * FROM t ORDER BY id"), V({"1|a"}));

  Exec("BEGIN");
  Exec("INSERT INTO t VALUES (2, 'b')");
  Exec("DELETE FROM t WHERE id = 1");
  EXPECT_EQ(Exec("COMMIT").command, "COMMIT");
  EXPECT_EQ(Rows("SELECT * FROM t ORDER BY id"), V({"2|b"}));
  Reopen();
  EXPECT_EQ(Rows("SELECT * FROM t ORDER BY id"), V({"2|b"}));
  // COMMIT and ROLLBACK outside a transaction only warn in PostgreSQL.
  EXPECT_EQ(State("COMMIT"), "OK");
  EXPECT_EQ(State("ROLLBACK"), "OK");
}

TEST_F(DatabaseTest, DdlIsTransactional) {
  Exec("CREATE TABLE keep (id INT PRIMARY KEY)");
  Exec("INSERT INTO keep VALUES (1), (2)");
  Exec("BEGIN");
  Exec("CREATE TABLE gone (a INT)");
  Exec("INSERT INTO gone VALUES (1)");
  Exec("CREATE INDEX gone_a ON gone (a)");
  Exec("DROP TABLE keep");
  EXPECT_EQ(One("SELECT count(*) FROM gone"), "1");
  EXPECT_EQ(State("CREATE TABLE keep (other TEXT)"), "OK");  // the name is free in here
  Exec("ROLLBACK");
  EXPECT_EQ(State("SELECT * FROM gone"), "42P01");
  EXPECT_EQ(Rows("SELECT * FROM keep ORDER BY id"), V({"1", "2"}));
  EXPECT_EQ(State("CREATE TABLE gone (b TEXT)"), "OK");  // the name is free again

  Exec("BEGIN");
  Exec("ALTER TABLE keep ADD COLUMN extra INT DEFAULT 5");
  Exec("ALTER TABLE keep RENAME TO kept");
  EXPECT_EQ(Rows("SELECT * FROM kept ORDER BY id"), V({"1|5", "2|5"}));
  Exec("ROLLBACK");
  EXPECT_EQ(Rows("SELECT * FROM keep ORDER BY id"), V({"1", "2"}));

  Exec("BEGIN");
  Exec("CREATE TABLE later (a INT)");
  Exec("CREATE VIEW later_v AS SELECT a FROM later");
  Exec("COMMIT");
  Reopen();
  EXPECT_EQ(State("SELECT * FROM later_v"), "OK");
}

TEST_F(DatabaseTest, FailedTransactionRefusesCommandsUntilRollback) {
  Exec("CREATE TABLE t (id INT PRIMARY KEY)");
  Exec("BEGIN");
  Exec("INSERT INTO t VALUES (1)");
  EXPECT_EQ(State("INSERT INTO t VALUES (1)"), "23505");
  EXPECT_TRUE(db_->in_transaction());
  EXPECT_EQ(State("SELECT * FROM t"), "25P02");
  EXPECT_EQ(State("INSERT INTO t VALUES (2)"), "25P02");
  EXPECT_EQ(State("CREATE TABLE u (a INT)"), "25P02");
  EXPECT_EQ(Exec("ROLLBACK").command, "ROLLBACK");
  EXPECT_EQ(Rows("SELECT * FROM t"), V{});

  // COMMIT of a failed transaction rolls it back, as PostgreSQL reports.
  Exec("BEGIN");
  Exec("INSERT INTO t VALUES (5)");
  EXPECT_EQ(State("SELECT 1 / 0"), "22012");
  EXPECT_EQ(Exec("COMMIT").command, "ROLLBACK");
  EXPECT_FALSE(db_->in_transaction());
  EXPECT_EQ(Rows("SELECT * FROM t"), V{});
  EXPECT_EQ(State("INSERT INTO t VALUES (6)"), "OK");
}

TEST_F(DatabaseTest, SavepointsRollBackWritesAndSchema) {
  Exec("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
  Exec("CREATE INDEX t_v ON t (v)");
  EXPECT_EQ(State("SAVEPOINT a"), "25P01");  // only in a transaction block
  Exec("BEGIN");
  Exec("INSERT INTO t VALUES (1, 10)");
  EXPECT_EQ(Exec("SAVEPOINT a").command, "SAVEPOINT");
  Exec("INSERT INTO t VALUES (7, 70)");
  Exec("SAVEPOINT a");  // names may repeat: the newest one wins
  Exec("INSERT INTO t VALUES (8, 80)");
  Exec("ROLLBACK TO a");
  EXPECT_EQ(Rows("SELECT id FROM t ORDER BY id"), V({"1", "7"}));
  EXPECT_EQ(Exec("RELEASE a").command, "RELEASE");
  EXPECT_EQ(Rows("SELECT id FROM t ORDER BY id"), V({"1", "7"}));
  Exec("ROLLBACK TO SAVEPOINT a");
  EXPECT_EQ(Rows("SELECT id FROM t ORDER BY id"), V({"1"}));
  EXPECT_EQ(Rows("SELECT id FROM t WHERE v = 70"), V{});  // the index rolled back too
  Exec("INSERT INTO t VALUES (7, 71)");                    // the key is free again
  EXPECT_EQ(Rows("SELECT id FROM t WHERE v = 71"), V({"7"}));
  Exec("COMMIT");
  EXPECT_EQ(Rows("SELECT * FROM t ORDER BY id"), V({"1|10", "7|71"}));

  // Schema changes roll back to a savepoint with the rows.
  Exec("BEGIN");
  Exec("SAVEPOINT s");
  Exec("CREATE TABLE x (a INT)");
  Exec("INSERT INTO x VALUES (1)");
  Exec("ALTER TABLE t ADD COLUMN w INT DEFAULT 3");
  Exec("ROLLBACK TO s");
  EXPECT_EQ(Exec("CREATE TABLE x (b INT)").command, "CREATE TABLE");
  EXPECT_EQ(Rows("SELECT * FROM x"), V{});
  EXPECT_EQ(Rows("SELECT * FROM t ORDER BY id"), V({"1|10", "7|71"}));
  Exec("COMMIT");
  Reopen();
  EXPECT_EQ(Exec("SELECT * FROM x").column_names, V({"b"}));
  EXPECT_EQ(Rows("SELECT * FROM t ORDER BY id"), V({"1|10", "7|71"}));
}

TEST_F(DatabaseTest, RollbackToSavepointRecoversAFailedTransaction) {
  Exec("CREATE TABLE t (id INT PRIMARY KEY)");
  Exec("BEGIN");
  Exec("INSERT INTO t VALUES (5)");
  Exec("SAVEPOINT s");
  Exec("INSERT INTO t VALUES (6)");
  EXPECT_EQ(State("INSERT INTO t VALUES (5)"), "23505");
  EXPECT_EQ(State("SELECT * FROM t"), "25P02");
  EXPECT_EQ(State("RELEASE s"), "25P02");
  Exec("ROLLBACK TO s");
  EXPECT_EQ(Rows("SELECT * FROM t"), V({"5"}));
  Exec("INSERT INTO t VALUES (9)");
  EXPECT_EQ(Exec("COMMIT").command, "COMMIT");
  EXPECT_EQ(Rows("SELECT * FROM t ORDER BY id"), V({"5", "9"}));
  // An unknown savepoint is an error that aborts the transaction.
  Exec("BEGIN");
  EXPECT_EQ(State("ROLLBACK TO nosuch"), "3B001");
  EXPECT_EQ(State("SELECT 1"), "25P02");
  Exec("ROLLBACK");
  // Committed savepoint work survives a power cut.
  Exec("BEGIN");
  Exec("SAVEPOINT a");
  Exec("INSERT INTO t VALUES (10)");
  Exec("SAVEPOINT b");
  Exec("INSERT INTO t VALUES (11)");
  Exec("ROLLBACK TO b");
  Exec("RELEASE a");
  Exec("COMMIT");
  PowerCutAndReopen();
  EXPECT_EQ(Rows("SELECT * FROM t ORDER BY id"), V({"5", "9", "10"}));
}

TEST_F(DatabaseTest, WithRecursive) {
  EXPECT_EQ(One("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) "
                "SELECT sum(n), count(*) FROM r"),
            "55|10");
  // UNION drops repeats, so a cycle ends.
  EXPECT_EQ(One("WITH RECURSIVE r(n) AS (SELECT 1 UNION SELECT (n % 5) + 1 FROM r) "
                "SELECT count(*) FROM r"),
            "5");
  EXPECT_EQ(Rows("WITH RECURSIVE r(n, m) AS (SELECT 1, 'a'::text UNION ALL "
                 "SELECT n + 1, m || 'b' FROM r WHERE n < 3) SELECT * FROM r ORDER BY n"),
            V({"1|a", "2|ab", "3|abb"}));
  EXPECT_EQ(One("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) "
                "SELECT count(*) FROM r a, r b"),
            "9");
  Script(
      "CREATE TABLE tree (id INT PRIMARY KEY, parent INT);"
      "INSERT INTO tree VALUES (1, NULL), (2, 1), (3, 1), (4, 2), (5, 4), (6, NULL)");
  EXPECT_EQ(Rows("WITH RECURSIVE sub(id, depth) AS (SELECT id, 0 FROM tree WHERE id = 1 "
                 "UNION ALL SELECT t.id, s.depth + 1 FROM tree t JOIN sub s ON t.parent = s.id) "
                 "SELECT id, depth FROM sub ORDER BY id"),
            V({"1|0", "2|1", "3|1", "4|2", "5|3"}));
  // PostgreSQL's rules for the recursive term (SQLSTATE 42P19).
  EXPECT_EQ(State("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT r.n + 1 FROM r, r r2 "
                  "WHERE r.n < 3) SELECT count(*) FROM r"),
            "42P19");
  EXPECT_EQ(State("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT max(n) + 1 FROM r "
                  "WHERE n < 3) SELECT count(*) FROM r"),
            "42P19");
  EXPECT_EQ(State("WITH RECURSIVE r(n) AS (SELECT n FROM r UNION ALL SELECT 1) SELECT 1"), "42P19");
}

TEST_F(DatabaseTest, ScriptStopsAtFirstError) {
  Result<std::vector<QueryResult>> r = db_->ExecuteScript(
      "CREATE TABLE s (a INT PRIMARY KEY); INSERT INTO s VALUES (1); "
      "INSERT INTO s VALUES (1); INSERT INTO s VALUES (2)");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(StateOf(r.status()), "23505");
  EXPECT_EQ(Rows("SELECT * FROM s"), V({"1"}));
  EXPECT_EQ(StateOf(db_->ExecuteScript("SELECT 1; SELEC 2").status()), "42601");
}

// ---- ON CONFLICT and RETURNING --------------------------------------------------------

TEST_F(DatabaseTest, OnConflictDoNothingAndDoUpdate) {
  Exec("CREATE TABLE kv (k INT PRIMARY KEY, v TEXT, hits INT DEFAULT 0, tag TEXT UNIQUE)");
  Exec("INSERT INTO kv VALUES (1, 'a', 0, 't1'), (2, 'b', 0, 't2')");
  QueryResult r = Exec("INSERT INTO kv VALUES (1, 'x', 0, 'n1'), (3, 'c', 0, 't3') "
                       "ON CONFLICT DO NOTHING RETURNING k");
  EXPECT_EQ(r.changes, 1);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(RenderRow(r.rows[0]), "3");
  r = Exec("INSERT INTO kv VALUES (1, 'x') ON CONFLICT (k) DO UPDATE "
           "SET v = excluded.v, hits = kv.hits + 1 RETURNING *");
  EXPECT_EQ(r.changes, 1);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(RenderRow(r.rows[0]), "1|x|1|t1");
  Exec("INSERT INTO kv VALUES (1, 'y') ON CONFLICT (k) DO UPDATE SET v = excluded.v "
       "WHERE kv.hits > 5");
  EXPECT_EQ(One("SELECT v FROM kv WHERE k = 1"), "x");
  // A conflict on the UNIQUE column, target named.
  Exec("INSERT INTO kv VALUES (9, 'z', 0, 't2') ON CONFLICT (tag) DO UPDATE SET v = 'via tag'");
  EXPECT_EQ(Rows("SELECT * FROM kv ORDER BY k"),
            V({"1|x|1|t1", "2|via tag|0|t2", "3|c|0|t3"}));
  // DO UPDATE that breaks another constraint fails the statement.
  EXPECT_EQ(State("INSERT INTO kv VALUES (3, 'q') ON CONFLICT (k) DO UPDATE SET tag = 't1'"),
            "23505");
  EXPECT_EQ(State("INSERT INTO kv VALUES (3, 'q') ON CONFLICT (k) DO UPDATE SET k = 1"), "23505");
  EXPECT_EQ(One("SELECT count(*) FROM kv"), "3");
}

// PostgreSQL: "ON CONFLICT DO UPDATE command cannot affect row a second time".
TEST_F(DatabaseTest, OnConflictDoUpdateCannotAffectARowTwice) {
  Exec("CREATE TABLE kv (k INT PRIMARY KEY, v TEXT)");
  EXPECT_EQ(State("INSERT INTO kv VALUES (5, 'x'), (5, 'y') "
                  "ON CONFLICT (k) DO UPDATE SET v = excluded.v"),
            "21000");
  EXPECT_EQ(One("SELECT count(*) FROM kv"), "0");
}

// The conflict target picks the constraint: a conflict on another one is
// still an error, and a target that no unique constraint matches is refused.
TEST_F(DatabaseTest, OnConflictTargetIsHonoured) {
  Exec("CREATE TABLE u (a INT UNIQUE, b INT UNIQUE, c INT)");
  Exec("INSERT INTO u VALUES (1, 1, 0)");
  EXPECT_EQ(State("INSERT INTO u VALUES (2, 1, 0) ON CONFLICT (a) DO NOTHING"), "23505");
  EXPECT_EQ(State("INSERT INTO u VALUES (2, 2, 0) ON CONFLICT (c) DO NOTHING"), "42P10");
  EXPECT_EQ(State("INSERT INTO u VALUES (2, 2, 0) ON CONFLICT (nosuch) DO NOTHING"), "42703");
  EXPECT_EQ(State("INSERT INTO u VALUES (1, 5, 0) ON CONFLICT DO UPDATE SET c = 1"), "42601");
  EXPECT_EQ(Rows("SELECT * FROM u"), V({"1|1|0"}));
}

// Only the arbiter's conflicts are resolved, and they are looked for first:
// a row that collides with the arbiter (and also with the primary key) is
// skipped or updates the arbiter's row, as in PostgreSQL.
TEST_F(DatabaseTest, OnConflictArbiterWinsOverOtherConflicts) {
  Exec("CREATE TABLE t (id INT PRIMARY KEY, u INT UNIQUE, v INT)");
  Exec("INSERT INTO t VALUES (1, 10, 0), (2, 20, 0)");
  EXPECT_EQ(State("INSERT INTO t VALUES (2, 10, 5) ON CONFLICT (u) DO NOTHING"), "OK");
  EXPECT_EQ(State("INSERT INTO t VALUES (2, 10, 5) ON CONFLICT (u) DO UPDATE SET v = 99"), "OK");
  EXPECT_EQ(Rows("SELECT * FROM t ORDER BY id"), V({"1|10|99", "2|20|0"}));
  EXPECT_EQ(State("INSERT INTO t VALUES (1, 30, 5) ON CONFLICT (u) DO NOTHING"), "23505");
}

// RETURNING sees the table as of the statement's start, like the rest of it.
// Known gap, listed in docs/sql.md ("Known deviations"): enable when fixed.
TEST_F(DatabaseTest, DISABLED_ReturningSubqueriesSeeTheStatementSnapshot) {
  Exec("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
  Exec("INSERT INTO t VALUES (1, 0), (2, 0)");
  EXPECT_EQ(Rows("UPDATE t SET v = v + 1 RETURNING id, (SELECT sum(v) FROM t)"),
            V({"1|0", "2|0"}));
  EXPECT_EQ(Rows("DELETE FROM t WHERE id = 1 RETURNING (SELECT count(*) FROM t)"), V({"2"}));
  EXPECT_EQ(Rows("INSERT INTO t VALUES (5, 0), (6, 0) RETURNING (SELECT count(*) FROM t)"),
            V({"1", "1"}));
}

TEST_F(DatabaseTest, Returning) {
  Exec("CREATE TABLE r (id INT PRIMARY KEY, v INT)");
  QueryResult ins = Exec("INSERT INTO r VALUES (1, 10), (2, 20) RETURNING *, id * 2 AS d");
  EXPECT_TRUE(ins.returns_rows);
  EXPECT_EQ(ins.column_names, V({"id", "v", "d"}));
  ASSERT_EQ(ins.rows.size(), 2u);
  EXPECT_EQ(RenderRow(ins.rows[1]), "2|20|4");
  QueryResult upd = Exec("UPDATE r AS x SET v = v + 1 WHERE id = 2 RETURNING x.v, id");
  EXPECT_EQ(upd.command, "UPDATE");
  EXPECT_EQ(upd.changes, 1);
  EXPECT_EQ(upd.column_names, V({"v", "id"}));
  ASSERT_EQ(upd.rows.size(), 1u);
  EXPECT_EQ(RenderRow(upd.rows[0]), "21|2");
  QueryResult del = Exec("DELETE FROM r WHERE v < 15 RETURNING v");
  EXPECT_EQ(del.command, "DELETE");
  EXPECT_EQ(del.changes, 1);
  ASSERT_EQ(del.rows.size(), 1u);
  EXPECT_EQ(RenderRow(del.rows[0]), "10");
  QueryResult plain = Exec("DELETE FROM r");
  EXPECT_FALSE(plain.returns_rows);
  EXPECT_EQ(plain.changes, 1);
}

// ---- keys and indexes -------------------------------------------------------------------

TEST_F(DatabaseTest, UpdateOfPrimaryKeyMovesTheRow) {
  Exec("CREATE TABLE k (id INT PRIMARY KEY, grp INT, name TEXT)");
  Exec("CREATE INDEX k_grp ON k (grp)");
  Exec("INSERT INTO k VALUES (1, 7, 'a'), (2, 7, 'b'), (3, 8, 'c')");
  EXPECT_EQ(Exec("UPDATE k SET id = 10 WHERE id = 1").changes, 1);
  EXPECT_EQ(Rows("SELECT name FROM k WHERE id = 10"), V({"a"}));
  EXPECT_EQ(Rows("SELECT name FROM k WHERE id = 1"), V{});
  EXPECT_EQ(Sorted("SELECT id FROM k WHERE grp = 7"), V({"10", "2"}));  // index points at the new key
  EXPECT_EQ(Exec("UPDATE k SET id = id + 100").changes, 3);
  EXPECT_EQ(Rows("SELECT id, name FROM k ORDER BY id"), V({"102|b", "103|c", "110|a"}));
  EXPECT_EQ(Sorted("SELECT id FROM k WHERE grp = 7"), V({"102", "110"}));
  EXPECT_EQ(State("UPDATE k SET id = 102 WHERE id = 103"), "23505");
  Exec("DELETE FROM k WHERE grp = 7");
  EXPECT_EQ(Rows("SELECT id FROM k WHERE grp = 7"), V{});
  EXPECT_EQ(Rows("SELECT * FROM k"), V({"103|8|c"}));

  Exec("CREATE TABLE ck (a INT, b TEXT, v INT, PRIMARY KEY (a, b))");
  Exec("INSERT INTO ck VALUES (1, 'x', 1), (1, 'y', 2)");
  EXPECT_EQ(State("UPDATE ck SET b = 'x' WHERE v = 2"), "23505");
  Exec("UPDATE ck SET a = 2 WHERE v = 2");
  EXPECT_EQ(Rows("SELECT v FROM ck WHERE a = 2 AND b = 'y'"), V({"2"}));
  EXPECT_NE(Explain("SELECT v FROM ck WHERE a = 2 AND b = 'y'").find("using primary key"),
            std::string::npos);
}

// A statement sees the database as it was when the statement began: an
// UPDATE's subqueries must not see the rows it has already changed.
TEST_F(DatabaseTest, UpdateSubqueriesSeeTheTableAsOfStatementStart) {
  Exec("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
  Exec("INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)");
  Exec("UPDATE t SET v = (SELECT sum(v) FROM t t2 WHERE t2.id <> t.id)");
  EXPECT_EQ(Rows("SELECT * FROM t ORDER BY id"), V({"1|50", "2|40", "3|30"}));
  Exec("CREATE TABLE h (k INT, v INT)");  // the row-id path as well
  Exec("INSERT INTO h VALUES (1, 1), (2, 1), (3, 1)");
  Exec("UPDATE h SET v = (SELECT count(*) FROM h h2 WHERE h2.v = 1)");
  EXPECT_EQ(Rows("SELECT v FROM h ORDER BY k"), V({"3", "3", "3"}));
}

TEST_F(DatabaseTest, TablesWithoutPrimaryKey) {
  Exec("CREATE TABLE h (a INT, b TEXT)");
  Exec("INSERT INTO h VALUES (1, 'x'), (1, 'x'), (2, 'y')");  // duplicates are fine
  EXPECT_EQ(Exec("UPDATE h SET b = 'z' WHERE a = 1").changes, 2);
  EXPECT_EQ(Exec("DELETE FROM h WHERE b = 'y'").changes, 1);
  Exec("INSERT INTO h VALUES (3, 'w')");
  EXPECT_EQ(Sorted("SELECT * FROM h"), V({"1|z", "1|z", "3|w"}));
  Reopen();
  Exec("INSERT INTO h VALUES (4, 'v')");
  EXPECT_EQ(One("SELECT count(*) FROM h"), "4");
}

TEST_F(DatabaseTest, CreateUniqueIndexOnDuplicatesFails) {
  Exec("CREATE TABLE d (a INT, b INT)");
  Exec("INSERT INTO d VALUES (1, 1), (1, 2), (NULL, 3), (NULL, 4)");
  EXPECT_EQ(State("CREATE UNIQUE INDEX d_a ON d (a)"), "23505");
  EXPECT_EQ(State("CREATE UNIQUE INDEX d_a ON d (b)"), "OK");  // the name was not taken
  EXPECT_EQ(State("CREATE INDEX d_a ON d (a)"), "42P07");
  EXPECT_EQ(State("CREATE INDEX IF NOT EXISTS d_a ON d (a)"), "OK");
  EXPECT_EQ(State("INSERT INTO d VALUES (9, 1)"), "23505");
  EXPECT_EQ(State("DROP INDEX d_a"), "OK");
  EXPECT_EQ(State("INSERT INTO d VALUES (9, 1)"), "OK");
  EXPECT_EQ(State("DROP INDEX d_a"), "42704");
  EXPECT_EQ(State("DROP INDEX IF EXISTS d_a"), "OK");
  EXPECT_EQ(State("CREATE INDEX ON d (nosuch)"), "42703");
  EXPECT_EQ(State("CREATE INDEX ON nosuch (a)"), "42P01");
}

// Every predicate gives the same rows through an index as through a scan of
// an identical table without indexes, before and after random changes.
TEST_F(DatabaseTest, IndexScansEqualFullScans) {
  Script(
      "CREATE TABLE r (id INT PRIMARY KEY, a INT, b INT, c TEXT, n NUMERIC(6,2));"
      "CREATE TABLE plain (id INT PRIMARY KEY, a INT, b INT, c TEXT, n NUMERIC(6,2));"
      "CREATE INDEX r_a ON r (a);"
      "CREATE INDEX r_ab ON r (a, b);"
      "CREATE INDEX r_b_desc ON r (b DESC);"
      "CREATE UNIQUE INDEX r_c ON r (c);"
      "CREATE INDEX r_n ON r (n);"
      "CREATE INDEX r_h ON r USING HASH (b)");
  std::mt19937_64 rng(5);
  auto value = [&](int lo, int hi) -> std::string {
    if (rng() % 6 == 0) return "NULL";
    return std::to_string(lo + static_cast<int>(rng() % static_cast<uint64_t>(hi - lo + 1)));
  };
  auto insert_rows = [&](int from, int count) {
    for (int i = from; i < from + count; i++) {
      const std::string c = rng() % 5 == 0 ? "NULL" : "'c" + std::to_string(i) + "'";
      const std::string n = rng() % 5 == 0 ? "NULL" : value(-300, 300) + ".5";
      const std::string row = "(" + std::to_string(i) + ", " + value(0, 20) + ", " +
                              value(-50, 50) + ", " + c + ", " + (n == "NULL.5" ? "NULL" : n) + ")";
      Exec("INSERT INTO r VALUES " + row);
      Exec("INSERT INTO plain VALUES " + row);
    }
  };
  insert_rows(0, 400);
  auto predicates = [&]() {
    std::vector<std::string> p;
    const std::string k = std::to_string(rng() % 21), m = std::to_string(static_cast<int>(rng() % 101) - 50);
    p.push_back("a = " + k);
    p.push_back("a > " + k);
    p.push_back("a >= " + k + " AND a < " + std::to_string(rng() % 25));
    p.push_back("a <= " + k);
    p.push_back(k + " < a");
    p.push_back("a = " + k + " AND b > " + m);
    p.push_back("a = " + k + " AND b = " + m);
    p.push_back("a = " + k + " AND b <= " + m + " AND b > " + std::to_string(std::stoi(m) - 20));
    p.push_back("b = " + m);
    p.push_back("b < " + m);
    p.push_back("c = 'c" + std::to_string(rng() % 1000) + "'");
    p.push_back("c > 'c5' AND c < 'c6'");
    p.push_back("c >= 'c9'");
    p.push_back("n = " + m + ".5");
    p.push_back("n > " + m + " AND n < " + std::to_string(std::stoi(m) + 50));
    p.push_back("n >= -1000");
    p.push_back("id = " + std::to_string(rng() % 450));
    p.push_back("id > " + std::to_string(rng() % 450) + " AND id <= " + std::to_string(rng() % 450));
    p.push_back("a IN (1, 3, " + k + ")");
    p.push_back("a IS NULL");
    p.push_back("a = " + k + " OR b = " + m);
    p.push_back("a = NULL");
    p.push_back("a > " + k + " AND a < " + k);
    // Integer columns against wider values (a C or Python caller binding an
    // int64): the key range still applies, out-of-range bounds included.
    p.push_back("a = " + k + "::bigint");
    p.push_back("a >= " + k + "::bigint AND a < 5000000000");
    p.push_back("a > -5000000000 AND a <= " + k + "::smallint");
    p.push_back("a = 5000000000");
    p.push_back("id = " + std::to_string(rng() % 450) + "::bigint");
    p.push_back("b < " + m + "::bigint");
    return p;
  };
  auto compare = [&](const std::string& phase) {
    for (int round = 0; round < 15; round++) {
      for (const std::string& pred : predicates()) {
        const V got = Sorted("SELECT id, a, b, c, n FROM r WHERE " + pred);
        const V want = Sorted("SELECT id, a, b, c, n FROM plain WHERE " + pred);
        ASSERT_EQ(got, want) << phase << ": WHERE " << pred << "\n"
                             << Explain("SELECT id FROM r WHERE " + pred);
      }
    }
  };
  compare("after inserts");
  EXPECT_NE(Explain("SELECT * FROM r WHERE a = 3").find("using index r_a"), std::string::npos)
      << Explain("SELECT * FROM r WHERE a = 3");
  EXPECT_NE(Explain("SELECT * FROM r WHERE a = 3 AND b = 4").find("using index r_ab"),
            std::string::npos);
  EXPECT_NE(Explain("SELECT * FROM r WHERE c = 'c1'").find("using index r_c"), std::string::npos);
  EXPECT_NE(Explain("SELECT * FROM r WHERE b = 1").find("index"), std::string::npos);
  EXPECT_NE(Explain("SELECT * FROM r WHERE id = 1").find("using primary key"), std::string::npos);
  EXPECT_EQ(Explain("SELECT * FROM r WHERE a + 0 = 3").find("using"), std::string::npos);
  EXPECT_NE(Explain("SELECT * FROM r WHERE a >= 3::bigint AND a < 9::bigint").find("using index r_a"),
            std::string::npos);
  EXPECT_NE(Explain("SELECT * FROM r WHERE id = 7::bigint").find("using primary key"),
            std::string::npos);
  // A numeric bound is not an integer key: no range (a full scan is right).
  EXPECT_EQ(Explain("SELECT * FROM r WHERE a >= 3.5").find("using"), std::string::npos);
  // Random updates (keys included) and deletes, the same on both tables.
  for (int i = 0; i < 150; i++) {
    std::string change;
    switch (rng() % 4) {
      case 0: change = "UPDATE {} SET a = " + value(0, 20) + " WHERE id % 17 = " + std::to_string(rng() % 17); break;
      case 1: change = "UPDATE {} SET b = b + 1 WHERE a = " + std::to_string(rng() % 21); break;
      case 2: change = "DELETE FROM {} WHERE id = " + std::to_string(rng() % 400); break;
      default: change = "UPDATE {} SET id = id + 1000 WHERE id = " + std::to_string(rng() % 400); break;
    }
    for (const char* table : {"r", "plain"}) {
      std::string sql = change;
      sql.replace(sql.find("{}"), 2, table);
      Exec(sql);
    }
  }
  insert_rows(2000, 50);
  compare("after changes");
  Reopen();
  compare("after reopen");
}

TEST_F(DatabaseTest, CompositeIndexOnTextAndNumericRanges) {
  Exec("CREATE TABLE s (k TEXT, n NUMERIC, f DOUBLE PRECISION)");
  Exec("CREATE INDEX s_kn ON s (k, n)");
  Exec("CREATE INDEX s_f ON s (f)");
  Exec("INSERT INTO s VALUES ('a', 1.5, 0.5), ('a', 1.50, '-0'), ('a', 2, 'NaN'), "
       "('ab', 1, 'Infinity'), ('b', -1, '-Infinity'), ('', 0, '1e300'), (NULL, NULL, NULL)");
  EXPECT_EQ(Sorted("SELECT n FROM s WHERE k = 'a' AND n = 1.5"), V({"1.5", "1.50"}));
  EXPECT_EQ(Sorted("SELECT n FROM s WHERE k = 'a' AND n > 1.5"), V({"2"}));
  EXPECT_EQ(Sorted("SELECT k FROM s WHERE k >= 'a' AND k < 'b'"), V({"a", "a", "a", "ab"}));
  EXPECT_EQ(Sorted("SELECT k FROM s WHERE k < 'a'"), V({""}));
  EXPECT_EQ(Sorted("SELECT f FROM s WHERE f > 0"), V({"0.5", "1e+300", "Infinity", "NaN"}));
  EXPECT_EQ(Sorted("SELECT f FROM s WHERE f = 0"), V({"-0"}));
  EXPECT_EQ(Sorted("SELECT f FROM s WHERE f < 0"), V({"-Infinity"}));
}

// ---- views ------------------------------------------------------------------------------

TEST_F(DatabaseTest, Views) {
  Script(
      "CREATE TABLE emp (id INT PRIMARY KEY, dept TEXT, pay INT);"
      "INSERT INTO emp VALUES (1, 'a', 10), (2, 'a', 20), (3, 'b', 5);"
      "CREATE VIEW rich AS SELECT id, pay FROM emp WHERE pay >= 10;"
      "CREATE VIEW by_dept (d, total) AS SELECT dept, sum(pay) FROM emp GROUP BY dept;"
      "CREATE VIEW joined AS SELECT r.id, b.total FROM rich r JOIN emp e ON e.id = r.id "
      "  JOIN by_dept b ON b.d = e.dept");
  EXPECT_EQ(Sorted("SELECT * FROM rich"), V({"1|10", "2|20"}));
  EXPECT_EQ(Sorted("SELECT d, total FROM by_dept"), V({"a|30", "b|5"}));
  EXPECT_EQ(Sorted("SELECT * FROM joined"), V({"1|30", "2|30"}));
  Exec("INSERT INTO emp VALUES (4, 'b', 50)");
  EXPECT_EQ(One("SELECT total FROM by_dept WHERE d = 'b'"), "55");
  EXPECT_EQ(State("CREATE VIEW rich AS SELECT 1"), "42P07");
  EXPECT_EQ(State("CREATE TABLE rich (a INT)"), "42P07");
  EXPECT_EQ(State("CREATE OR REPLACE VIEW rich AS SELECT id, pay FROM emp WHERE pay >= 20"), "OK");
  EXPECT_EQ(Sorted("SELECT id FROM rich"), V({"2", "4"}));
  EXPECT_EQ(State("DROP VIEW emp"), "42809");
  EXPECT_EQ(State("DROP TABLE rich"), "42809");
  EXPECT_EQ(State("CREATE VIEW bad AS SELECT nosuch FROM emp"), "42703");
  EXPECT_EQ(State("CREATE VIEW dup (a, a) AS SELECT 1, 2"), "42701");
  Reopen();
  EXPECT_EQ(Sorted("SELECT * FROM joined"), V({"2|30", "4|55"}));
  EXPECT_EQ(State("DROP VIEW joined"), "OK");
  EXPECT_EQ(State("SELECT * FROM joined"), "42P01");
  EXPECT_EQ(State("DROP VIEW IF EXISTS joined"), "OK");
}

// A view depends on its tables: PostgreSQL refuses to drop them (2BP01)
// and follows renames, so a view never silently breaks.
// Known gap, listed in docs/sql.md ("Known deviations"): enable when fixed.
TEST_F(DatabaseTest, DISABLED_ViewsBlockDroppingTheirTables) {
  Script(
      "CREATE TABLE base (id INT PRIMARY KEY, v INT);"
      "INSERT INTO base VALUES (1, 10);"
      "CREATE VIEW bv AS SELECT v FROM base");
  EXPECT_EQ(State("DROP TABLE base"), "2BP01");
  EXPECT_EQ(Rows("SELECT * FROM bv"), V({"10"}));
}

// Known gap, listed in docs/sql.md ("Known deviations"): enable when fixed.
TEST_F(DatabaseTest, DISABLED_ViewsFollowRenames) {
  Script(
      "CREATE TABLE base (id INT PRIMARY KEY, v INT);"
      "INSERT INTO base VALUES (1, 10);"
      "CREATE VIEW bv AS SELECT v FROM base");
  EXPECT_EQ(State("ALTER TABLE base RENAME COLUMN v TO w"), "OK");
  EXPECT_EQ(Rows("SELECT * FROM bv"), V({"10"}));
  EXPECT_EQ(State("ALTER TABLE base RENAME TO moved"), "OK");
  EXPECT_EQ(Rows("SELECT * FROM bv"), V({"10"}));
}

// `serial` is integer with a default from a sequence in PostgreSQL: rows
// that leave it out are numbered, not refused.
// Known gap, listed in docs/sql.md ("Known deviations"): enable when fixed.
TEST_F(DatabaseTest, DISABLED_SerialColumnsNumberTheRows) {
  Exec("CREATE TABLE s (id SERIAL PRIMARY KEY, v TEXT)");
  EXPECT_EQ(Rows("INSERT INTO s (v) VALUES ('a'), ('b') RETURNING id"), V({"1", "2"}));
}

// ---- ALTER TABLE ---------------------------------------------------------------------------

TEST_F(DatabaseTest, AlterTableAddColumn) {
  Exec("CREATE TABLE t (id INT PRIMARY KEY, a INT)");
  Exec("INSERT INTO t VALUES (1, 10), (2, 20)");
  Exec("ALTER TABLE t ADD COLUMN b TEXT");
  Exec("ALTER TABLE t ADD COLUMN c INT DEFAULT 7");
  Exec("ALTER TABLE t ADD d NUMERIC(4,1) NOT NULL DEFAULT 1.25");
  EXPECT_EQ(Rows("SELECT * FROM t ORDER BY id"), V({"1|10|NULL|7|1.3", "2|20|NULL|7|1.3"}));
  Exec("INSERT INTO t (id, a) VALUES (3, 30)");
  EXPECT_EQ(One("SELECT * FROM t WHERE id = 3"), "3|30|NULL|7|1.3");
  EXPECT_EQ(State("ALTER TABLE t ADD COLUMN e INT NOT NULL"), "23502");
  EXPECT_EQ(State("ALTER TABLE t ADD COLUMN a INT"), "42701");
  EXPECT_EQ(State("ALTER TABLE t ADD COLUMN IF NOT EXISTS a INT"), "OK");
  EXPECT_EQ(State("ALTER TABLE t ADD COLUMN f INT DEFAULT 'x'"), "22P02");
  EXPECT_EQ(State("ALTER TABLE nosuch ADD COLUMN f INT"), "42P01");
  EXPECT_EQ(State("ALTER TABLE IF EXISTS nosuch ADD COLUMN f INT"), "OK");
  EXPECT_EQ(State("SELECT e FROM t"), "42703");
  Exec("CREATE TABLE empty (id INT)");
  EXPECT_EQ(State("ALTER TABLE empty ADD COLUMN e INT NOT NULL"), "OK");  // no rows to violate
  EXPECT_EQ(State("INSERT INTO empty VALUES (1)"), "23502");
  Reopen();
  EXPECT_EQ(Rows("SELECT * FROM t ORDER BY id"),
            V({"1|10|NULL|7|1.3", "2|20|NULL|7|1.3", "3|30|NULL|7|1.3"}));
}

TEST_F(DatabaseTest, AlterTableDropColumn) {
  Exec("CREATE TABLE t (id INT PRIMARY KEY, a INT, b TEXT, c INT)");
  Exec("CREATE INDEX t_c ON t (c)");
  Exec("INSERT INTO t VALUES (1, 10, 'x', 100), (2, 20, 'y', 200), (3, 30, 'z', 100)");
  Exec("ALTER TABLE t DROP COLUMN b");
  EXPECT_EQ(Rows("SELECT * FROM t ORDER BY id"), V({"1|10|100", "2|20|200", "3|30|100"}));
  EXPECT_EQ(Sorted("SELECT id FROM t WHERE c = 100"), V({"1", "3"}));
  EXPECT_NE(Explain("SELECT id FROM t WHERE c = 100").find("using index t_c"), std::string::npos);
  Exec("INSERT INTO t VALUES (4, 40, 100)");
  EXPECT_EQ(Sorted("SELECT id, a FROM t WHERE c = 100"), V({"1|10", "3|30", "4|40"}));
  EXPECT_EQ(State("ALTER TABLE t DROP COLUMN b"), "42703");
  EXPECT_EQ(State("ALTER TABLE t DROP COLUMN IF EXISTS b"), "OK");
  Exec("ALTER TABLE t DROP COLUMN a");
  EXPECT_EQ(Rows("SELECT * FROM t ORDER BY id"), V({"1|100", "2|200", "3|100", "4|100"}));
  Reopen();
  EXPECT_EQ(Sorted("SELECT id FROM t WHERE c = 200"), V({"2"}));
}

TEST_F(DatabaseTest, AlterTableRename) {
  Exec("CREATE TABLE t (id INT PRIMARY KEY, a INT UNIQUE)");
  Exec("CREATE INDEX t_a_idx2 ON t (a)");
  Exec("INSERT INTO t VALUES (1, 10), (2, 20)");
  Exec("ALTER TABLE t RENAME COLUMN a TO z");
  EXPECT_EQ(Sorted("SELECT z FROM t"), V({"10", "20"}));
  EXPECT_EQ(State("SELECT a FROM t"), "42703");
  EXPECT_EQ(State("ALTER TABLE t RENAME COLUMN nosuch TO q"), "42703");
  EXPECT_EQ(State("ALTER TABLE t RENAME COLUMN z TO id"), "42701");
  Exec("ALTER TABLE t RENAME TO t2");
  EXPECT_EQ(State("SELECT * FROM t"), "42P01");
  EXPECT_EQ(Rows("SELECT id FROM t2 WHERE z = 20"), V({"2"}));
  EXPECT_EQ(State("INSERT INTO t2 VALUES (3, 10)"), "23505");  // the UNIQUE moved along
  Exec("CREATE TABLE other (x INT)");
  EXPECT_EQ(State("ALTER TABLE t2 RENAME TO other"), "42P07");
  EXPECT_EQ(State("CREATE TABLE t (fresh INT)"), "OK");
  Reopen();
  EXPECT_EQ(Rows("SELECT id, z FROM t2 ORDER BY id"), V({"1|10", "2|20"}));
  EXPECT_EQ(Rows("SELECT id FROM t2 WHERE z = 10"), V({"1"}));
  EXPECT_EQ(Rows("SELECT * FROM t"), V{});
}

TEST_F(DatabaseTest, DropTableRemovesDataAndIndexes) {
  Exec("CREATE TABLE t (id INT PRIMARY KEY, a INT UNIQUE)");
  Exec("INSERT INTO t VALUES (1, 1)");
  Exec("DROP TABLE t");
  EXPECT_EQ(State("DROP TABLE t"), "42P01");
  EXPECT_EQ(State("DROP TABLE IF EXISTS t"), "OK");
  Exec("CREATE TABLE t (id INT PRIMARY KEY, a INT UNIQUE)");
  EXPECT_EQ(Rows("SELECT * FROM t"), V{});
  EXPECT_EQ(State("INSERT INTO t VALUES (1, 1)"), "OK");
}

// ---- durability --------------------------------------------------------------------------

TEST_F(DatabaseTest, DataAndSchemaSurviveReopen) {
  Script(
      "CREATE TABLE a (id BIGINT PRIMARY KEY, s TEXT NOT NULL DEFAULT 'd', n NUMERIC(10,3), "
      "  CHECK (n > 0));"
      "CREATE UNIQUE INDEX a_s ON a (s);"
      "CREATE VIEW av AS SELECT id, n FROM a;"
      "INSERT INTO a VALUES (1, 'x', 1.5), (2, 'y', 2.25)");
  Reopen();
  EXPECT_EQ(Rows("SELECT * FROM a ORDER BY id"), V({"1|x|1.500", "2|y|2.250"}));
  EXPECT_EQ(Sorted("SELECT * FROM av"), V({"1|1.500", "2|2.250"}));
  EXPECT_EQ(State("INSERT INTO a VALUES (3, 'x', 1)"), "23505");
  EXPECT_EQ(State("INSERT INTO a VALUES (3, 'z', -1)"), "23514");
  EXPECT_EQ(State("INSERT INTO a (id, n) VALUES (3, 1)"), "OK");
  EXPECT_EQ(One("SELECT s FROM a WHERE id = 3"), "d");
  EXPECT_NE(Explain("SELECT * FROM a WHERE s = 'x'").find("using index a_s"), std::string::npos);
}

TEST_F(DatabaseTest, CommittedStatementsSurvivePowerCut) {
  Exec("CREATE TABLE t (id INT PRIMARY KEY, v TEXT)");
  Exec("CREATE INDEX t_v ON t (v)");
  for (int i = 0; i < 200; i++) {
    Exec("INSERT INTO t VALUES (" + std::to_string(i) + ", 'v" + std::to_string(i % 10) + "')");
  }
  Exec("UPDATE t SET v = 'updated' WHERE id < 5");
  Exec("DELETE FROM t WHERE id >= 190");
  Exec("BEGIN");
  Exec("INSERT INTO t VALUES (1000, 'in txn')");
  Exec("CREATE TABLE txn_table (a INT)");
  Exec("COMMIT");
  Exec("BEGIN");
  Exec("INSERT INTO t VALUES (2000, 'never committed')");
  Exec("CREATE TABLE never (a INT)");
  PowerCutAndReopen();
  EXPECT_EQ(One("SELECT count(*), min(id), max(id) FROM t"), "191|0|1000");
  EXPECT_EQ(One("SELECT count(*) FROM t WHERE v = 'updated'"), "5");
  EXPECT_EQ(One("SELECT count(*) FROM t WHERE v = 'v7'"), "19");
  EXPECT_EQ(State("SELECT * FROM txn_table"), "OK");
  EXPECT_EQ(State("SELECT * FROM never"), "42P01");
  EXPECT_EQ(State("INSERT INTO t VALUES (2000, 'again')"), "OK");
  // Power cuts in a row, with work in between.
  for (int round = 0; round < 5; round++) {
    Exec("INSERT INTO t VALUES (" + std::to_string(3000 + round) + ", 'r')");
    PowerCutAndReopen();
    EXPECT_EQ(One("SELECT count(*) FROM t WHERE v = 'r'"), std::to_string(round + 1));
  }
  EXPECT_EQ(One("SELECT count(*) FROM t WHERE v = 'v3'"), "18");  // index and table agree
}

// Storage faults surface as SQL errors (58030 for I/O), never as a crash;
// after the power comes back the table holds every insert that reported
// success, possibly the one whose commit failed, and nothing else, and its
// index agrees with it.
TEST(DatabaseFaultTest, IoFailuresThenPowerCut) {
  int faulted_runs = 0;
  for (storage::FaultVfs::Op op : {storage::FaultVfs::Op::kSync, storage::FaultVfs::Op::kWrite}) {
    for (uint64_t nth = 1; nth <= 40; nth += 3) {
      SCOPED_TRACE(std::string(op == storage::FaultVfs::Op::kSync ? "sync" : "write") + " #" +
                   std::to_string(nth));
      storage::FaultVfs vfs(nth);
      DatabaseOptions o;
      o.store.vfs = &vfs;
      o.store.checkpoint_wal_bytes = 16 << 10;
      std::unique_ptr<Database> db = Database::Open("f.zq", o).value();
      ASSERT_TRUE(db->ExecuteScript("CREATE TABLE t (id INT PRIMARY KEY, v TEXT);"
                                    "CREATE INDEX t_v ON t (v)")
                      .ok());
      vfs.FailNth(op, nth, /*sticky=*/true);
      std::set<int> acknowledged;
      int uncertain = -1;
      for (int i = 0; i < 60; i++) {
        const std::string pad(200, static_cast<char>('a' + i % 26));
        Result<QueryResult> r = db->Execute("INSERT INTO t VALUES (" + std::to_string(i) + ", 'k" +
                                            pad + "')");
        if (r.ok()) {
          acknowledged.insert(i);
          continue;
        }
        EXPECT_EQ(StateOf(r.status()), "58030") << r.status().ToString();
        uncertain = i;
        faulted_runs++;
        break;
      }
      vfs.ClearFaults();
      vfs.CrashAtSync(1);
      db.reset();
      vfs.PowerCut();
      Result<std::unique_ptr<Database>> again = Database::Open("f.zq", o);
      ASSERT_TRUE(again.ok()) << again.status().ToString();
      db = std::move(again).value();
      Result<QueryResult> rows = db->Execute("SELECT id FROM t");
      ASSERT_TRUE(rows.ok()) << rows.status().ToString();
      std::set<int> found;
      for (const sql::Row& row : rows->rows) found.insert(static_cast<int>(row[0].i));
      for (int id : acknowledged) EXPECT_TRUE(found.count(id)) << "lost acknowledged row " << id;
      for (int id : found) {
        EXPECT_TRUE(acknowledged.count(id) || id == uncertain) << "row " << id << " came back";
      }
      Result<QueryResult> via_index = db->Execute("SELECT count(*) FROM t WHERE v >= 'k'");
      ASSERT_TRUE(via_index.ok());
      EXPECT_EQ(via_index->rows[0][0].i, static_cast<int64_t>(found.size()));
      uint64_t pages = 0;
      EXPECT_TRUE(db->store()->Verify(&pages).ok());
    }
  }
  EXPECT_GT(faulted_runs, 20);  // the faults did hit statements
}

// Runs one statement on a fresh database and exits 0 when it either works or
// fails with a SQLSTATE: anything escaping Database (an exception from the
// standard library, say) ends the process instead.
[[noreturn]] void RunInChild(const std::string& sql) {
  storage::FaultVfs vfs(3);
  DatabaseOptions o;
  o.store.vfs = &vfs;
  std::unique_ptr<Database> db = Database::Open("c.zq", o).value();
  Result<QueryResult> r = db->Execute(sql);
  std::exit(r.ok() || sql::DecodeSqlError(r.status()) ? 0 : 1);
}

// Numbers too large for the planner's own integers (ordinals, type
// modifiers) are SQL errors, never an abort of the whole process.
TEST(DatabaseDeathTest, HugeNumbersAreErrorsNotAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  for (const char* sql : {"SELECT 1 ORDER BY 99999999999999999999",
                          "SELECT 1 GROUP BY 99999999999999999999",
                          "SELECT 1 UNION SELECT 2 ORDER BY 99999999999999999999",
                          "SELECT 0.5::numeric(888888888888888888888884, 1)",
                          "SELECT 'x'::numeric(5, 99999999999)",
                          "CREATE TABLE v (a VARCHAR(99999999999))"}) {
    EXPECT_EXIT(RunInChild(sql), ::testing::ExitedWithCode(0), "") << sql;
  }
}

// ---- joins ------------------------------------------------------------------------------

TEST_F(DatabaseTest, Joins) {
  Script(
      "CREATE TABLE l (id INT, x INT);"
      "CREATE TABLE r (id INT, y INT);"
      "INSERT INTO l VALUES (1, 10), (2, 20), (NULL, 30);"
      "INSERT INTO r VALUES (2, 200), (3, 300), (NULL, 400)");
  EXPECT_EQ(Sorted("SELECT l.x, r.y FROM l JOIN r ON l.id = r.id"), V({"20|200"}));
  EXPECT_EQ(Sorted("SELECT l.x, r.y FROM l LEFT JOIN r ON l.id = r.id"),
            V({"10|NULL", "20|200", "30|NULL"}));
  EXPECT_EQ(Sorted("SELECT l.x, r.y FROM l RIGHT JOIN r ON l.id = r.id"),
            V({"20|200", "NULL|300", "NULL|400"}));
  EXPECT_EQ(Sorted("SELECT l.x, r.y FROM l FULL JOIN r ON l.id = r.id"),
            V({"10|NULL", "20|200", "30|NULL", "NULL|300", "NULL|400"}));
  EXPECT_EQ(Sorted("SELECT l.x, r.y FROM l LEFT JOIN r ON l.id = r.id AND r.y > 250"),
            V({"10|NULL", "20|NULL", "30|NULL"}));
  EXPECT_EQ(Sorted("SELECT l.x, r.y FROM l LEFT JOIN r ON l.id = r.id WHERE r.y IS NULL"),
            V({"10|NULL", "30|NULL"}));
  EXPECT_EQ(One("SELECT count(*) FROM l CROSS JOIN r"), "9");
  EXPECT_EQ(Sorted("SELECT id, x, y FROM l JOIN r USING (id)"), V({"2|20|200"}));
  EXPECT_EQ(Sorted("SELECT * FROM l NATURAL JOIN r"), V({"2|20|200"}));
}

// The column merged by USING is COALESCE(left, right): in RIGHT and FULL
// joins the right side supplies it where the left has no match.
TEST_F(DatabaseTest, OuterJoinUsingMergesBothSides) {
  Script(
      "CREATE TABLE l (id INT, x INT);"
      "CREATE TABLE r (id INT, y INT);"
      "INSERT INTO l VALUES (1, 10), (2, 20);"
      "INSERT INTO r VALUES (2, 200), (3, 300)");
  EXPECT_EQ(Sorted("SELECT id, x, y FROM l RIGHT JOIN r USING (id)"),
            V({"2|20|200", "3|NULL|300"}));
  EXPECT_EQ(Sorted("SELECT id FROM l FULL JOIN r USING (id)"), V({"1", "2", "3"}));
  EXPECT_EQ(Sorted("SELECT * FROM l NATURAL FULL JOIN r"),
            V({"1|10|NULL", "2|20|200", "3|NULL|300"}));
}

TEST_F(DatabaseTest, Subqueries) {
  Script(
      "CREATE TABLE t (id INT PRIMARY KEY, g INT, v INT);"
      "INSERT INTO t VALUES (1, 1, 10), (2, 1, 20), (3, 2, 30), (4, NULL, 40)");
  EXPECT_EQ(Sorted("SELECT id FROM t WHERE v > (SELECT avg(v) FROM t)"), V({"3", "4"}));
  EXPECT_EQ(Sorted("SELECT id, (SELECT max(v) FROM t t2 WHERE t2.g = t.g) FROM t"),
            V({"1|20", "2|20", "3|30", "4|NULL"}));
  EXPECT_EQ(Sorted("SELECT id FROM t WHERE EXISTS (SELECT 1 FROM t t2 WHERE t2.g = t.g AND t2.id <> t.id)"),
            V({"1", "2"}));
  EXPECT_EQ(Sorted("SELECT id FROM t WHERE g IN (SELECT g FROM t WHERE v >= 30)"), V({"3"}));
  EXPECT_EQ(Sorted("SELECT id FROM t WHERE g NOT IN (SELECT g FROM t WHERE v >= 30)"), V{});
  EXPECT_EQ(Sorted("SELECT id FROM t WHERE id IN (SELECT id + 1 FROM t)"), V({"2", "3", "4"}));
  EXPECT_EQ(One("SELECT (SELECT v FROM t WHERE id = 99)"), "NULL");
  Exec("DELETE FROM t WHERE v = (SELECT max(v) FROM t)");
  Exec("UPDATE t SET v = (SELECT min(v) FROM t) + v WHERE g = 1");
  EXPECT_EQ(Rows("SELECT id, v FROM t ORDER BY id"), V({"1|20", "2|30", "3|30"}));
}

// ---- EXPLAIN and the memory limit ----------------------------------------------------------

TEST_F(DatabaseTest, ExplainShowsThePlan) {
  Exec("CREATE TABLE e (id INT PRIMARY KEY, a INT, b INT)");
  Exec("CREATE INDEX e_a ON e (a)");
  QueryResult r = Exec("EXPLAIN SELECT * FROM e WHERE a = 5");
  EXPECT_EQ(r.command, "EXPLAIN");
  EXPECT_EQ(r.column_names, V({"QUERY PLAN"}));
  EXPECT_NE(Explain("SELECT * FROM e WHERE a = 5").find("Scan on e using index e_a (1 equal)"),
            std::string::npos);
  EXPECT_NE(Explain("SELECT * FROM e WHERE id > 5").find("using primary key (0 equal, range)"),
            std::string::npos);
  EXPECT_NE(Explain("SELECT * FROM e x JOIN e y ON x.id = y.a").find("Join inner (hash)"),
            std::string::npos);
}

class SmallMemoryDatabaseTest : public DatabaseTest {
 protected:
  void SetUp() override {
    memory_limit_ = 256 << 10;
    Open();
  }
};

TEST_F(SmallMemoryDatabaseTest, MemoryLimitIsACleanError) {
  Exec("CREATE TABLE big (id INT PRIMARY KEY, v TEXT)");
  const std::string pad(64, 'x');
  for (int batch = 0; batch < 40; batch++) {
    std::string sql = "INSERT INTO big VALUES ";
    for (int i = 0; i < 100; i++) {
      const int id = batch * 100 + i;
      sql += (i > 0 ? ", (" : "(") + std::to_string(id) + ", '" + pad + std::to_string(id) + "')";
    }
    Exec(sql);
  }
  EXPECT_EQ(One("SELECT count(*) FROM big"), "4000");  // streaming needs no budget
  for (const char* sql : {"SELECT * FROM big ORDER BY v",
                          "SELECT v, count(*) FROM big GROUP BY v",
                          "SELECT DISTINCT v FROM big",
                          "SELECT * FROM big a JOIN big b ON a.v = b.v",
                          "SELECT v FROM big UNION SELECT v FROM big"}) {
    Result<QueryResult> r = db_->Execute(sql);
    ASSERT_FALSE(r.ok()) << sql;
    EXPECT_EQ(StateOf(r.status()), "53200") << sql << ": " << r.status().ToString();
  }
  // The session is fine afterwards, in and out of transactions.
  EXPECT_EQ(State("SELECT v FROM big ORDER BY v LIMIT 1"), "53200");
  EXPECT_EQ(Rows("SELECT id FROM big WHERE id < 3 ORDER BY id"), V({"0", "1", "2"}));
  Exec("BEGIN");
  EXPECT_EQ(State("SELECT * FROM big ORDER BY v"), "53200");
  EXPECT_EQ(State("SELECT 1"), "25P02");
  Exec("ROLLBACK");
  EXPECT_EQ(State("INSERT INTO big VALUES (-1, 'y')"), "OK");
  // A recursion that never ends runs into the budget, not forever.
  EXPECT_EQ(State("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n FROM r) "
                  "SELECT count(*) FROM r"),
            "53200");
}

// Found by sql_engine_fuzz: casting a VALUES column to its common type read
// an expression's position after moving it away.
TEST_F(DatabaseTest, ValuesRowsAreCastToTheColumnType) {
  EXPECT_EQ(State("VALUES (5, 6)"), "OK");
  EXPECT_EQ(One("SELECT sum(a), count(b) FROM (VALUES (1, 2.5), (2, NULL), (3, 4)) AS v(a, b)"),
            "6|2");
}

}  // namespace
}  // namespace zq::engine

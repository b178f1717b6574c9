// The vectorized operators against the row operators: two databases with the
// same random data (NULLs, duplicates, every column type the fast paths
// treat apart), one running aggregations and joins vectorized and one row by
// row; every query must give the same rows in the same order, or the same
// SQLSTATE. The row executor is the reference: it is the one the whole
// sqllogictest corpus checks.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "engine/database.hpp"
#include "engine/engine_test_util.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq::engine {
namespace {

class VectorizedTest : public ::testing::Test {
 protected:
  static std::unique_ptr<Database> OpenDb(storage::FaultVfs* vfs, bool vectorized) {
    DatabaseOptions o;
    o.vectorized_execution = vectorized;
    return OpenTestDatabase(vfs, "db.zq", o);
  }

  void SetUp() override {
    vector_ = OpenDb(&vector_vfs_, true);
    row_ = OpenDb(&row_vfs_, false);
  }

  void Both(const std::string& sql, const std::vector<sql::Value>& params = {}) {
    for (Database* db : {vector_.get(), row_.get()}) {
      Result<QueryResult> r = db->Execute(sql, params);
      ASSERT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    }
  }

  // "OK" plus the rendered rows, or the SQLSTATE.
  static std::vector<std::string> Outcome(Database& db, const std::string& sql,
                                          const std::vector<sql::Value>& params) {
    Result<QueryResult> r = db.Execute(sql, params);
    if (!r.ok()) return {StateOf(r.status())};
    std::vector<std::string> out = RenderRows(*r);
    out.insert(out.begin(), "OK");
    return out;
  }

  void Same(const std::string& sql, const std::vector<sql::Value>& params = {}) {
    const std::vector<std::string> expected = Outcome(*row_, sql, params);
    const std::vector<std::string> got = Outcome(*vector_, sql, params);
    EXPECT_EQ(got, expected) << sql;
    compared_++;
    if (expected.size() > 1) nonempty_++;
  }

  void Load(uint64_t seed, int a_rows, int b_rows) {
    std::mt19937_64 rng(seed);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
    auto maybe_null = [&](const std::string& v) { return pick(8) == 0 ? std::string("NULL") : v; };
    Both("CREATE TABLE a (id BIGINT PRIMARY KEY, g INTEGER, x BIGINT, f DOUBLE PRECISION,"
         " s TEXT, n NUMERIC(10,2), small SMALLINT, flag BOOLEAN)");
    Both("CREATE TABLE b (id BIGINT PRIMARY KEY, a_id BIGINT, y INTEGER, t TEXT)");
    Both("CREATE TABLE h (k INTEGER, v INTEGER)");  // no primary key: hidden row ids
    Both("CREATE TABLE m (p INTEGER, q BIGINT, v INTEGER, PRIMARY KEY (p, q))");
    std::string sql;
    for (int i = 0; i < a_rows; i++) {
      sql += sql.empty() ? "INSERT INTO a VALUES " : ", ";
      const double f = static_cast<double>(pick(2000) - 1000) / 8;
      sql += "(" + std::to_string(i) + ", " + maybe_null(std::to_string(pick(7))) + ", " +
             maybe_null(std::to_string(pick(200) - 100)) + ", " + maybe_null(std::to_string(f)) +
             ", " + maybe_null("'s" + std::to_string(pick(12)) + "'") + ", " +
             maybe_null(std::to_string(pick(10000) - 5000) + ".25") + ", " +
             maybe_null(std::to_string(pick(100))) + ", " +
             maybe_null(pick(2) ? "true" : "false") + ")";
    }
    if (!sql.empty()) Both(sql);
    sql.clear();
    for (int i = 0; i < b_rows; i++) {
      sql += sql.empty() ? "INSERT INTO b VALUES " : ", ";
      // a_id hits a, misses it (beyond its ids) or is NULL; ids repeat.
      sql += "(" + std::to_string(i) + ", " + maybe_null(std::to_string(pick(a_rows + 20))) + ", " +
             maybe_null(std::to_string(pick(50))) + ", " + maybe_null("'t" + std::to_string(pick(5)) + "'") +
             ")";
    }
    if (!sql.empty()) Both(sql);
    for (int i = 0; i < 40; i++) {
      Both("INSERT INTO h VALUES (" + maybe_null(std::to_string(pick(9))) + ", " +
           maybe_null(std::to_string(pick(9))) + ")");
    }
    sql.clear();
    for (int p = 0; p < 12 && a_rows > 0; p++) {
      for (int q = 0; q < 300; q += 1 + pick(3)) {
        sql += sql.empty() ? "INSERT INTO m VALUES " : ", ";
        sql += "(" + std::to_string(p) + ", " + std::to_string(q) + ", " + maybe_null(std::to_string(pick(100))) + ")";
      }
    }
    if (!sql.empty()) Both(sql);
  }

  void RunQueries(uint64_t seed) {
    std::mt19937_64 rng(seed);
    auto num = [&](int lo, int hi) { return std::to_string(lo + static_cast<int>(rng() % static_cast<uint64_t>(hi - lo + 1))); };
    const std::vector<std::string> predicates = {
        "x > " + num(-100, 100),
        "x < " + num(-50, 50) + " AND f > " + num(-100, 100),
        "x > " + num(-50, 50) + " OR s IS NULL",
        "NOT (g = " + num(0, 6) + ")",
        "f >= x",
        "x + g > " + num(-50, 50),
        "x * 2 - g < " + num(-50, 50) + " AND n > 0",
        "s < 's" + num(0, 11) + "'",
        "flag AND small > " + num(0, 99),
        "x IS NOT NULL AND 100 / x > 3",  // the right side only where x is not NULL
        "f / 2.0 > " + num(-50, 50),
        "small <> " + num(0, 99) + " OR x IS NULL",
        "g IN (1, 3, 5)",
        "s LIKE 's1%'",
        "true",
    };
    for (const std::string& p : predicates) {
      Same("SELECT id, x, f, s, n, x * 2 + g, f / 4, flag FROM a WHERE " + p);
      Same("SELECT s, x FROM a WHERE " + p + " ORDER BY x, s LIMIT 7");
      Same("SELECT g, count(*), count(x), sum(x), avg(x), min(x), max(x), sum(f), avg(f), min(f),"
           " max(f) FROM a WHERE " + p + " GROUP BY g");
      Same("SELECT count(*), sum(small), min(s), max(s), sum(n), avg(n), min(n), bool_and(flag),"
           " bool_or(flag), string_agg(s, ','), count(DISTINCT x), sum(DISTINCT g) FROM a WHERE " + p);
      Same("SELECT s, g, count(*) FILTER (WHERE x > 0), max(f) FILTER (WHERE " + p +
           "), min(small) FROM a GROUP BY s, g");
      Same("SELECT a.id, b.id, a.x, b.y, b.t FROM a JOIN b ON a.id = b.a_id WHERE " + p);
      Same("SELECT a.id, b.id, a.s, b.y FROM a LEFT JOIN b ON b.a_id = a.id WHERE " + p);
      Same("SELECT a.g, count(*), sum(b.y), max(a.f) FROM b JOIN a ON a.id = b.a_id WHERE " + p +
           " GROUP BY a.g");
      Same("SELECT a.id, b.y FROM a JOIN b ON a.id = b.a_id AND b.y > a.g WHERE " + p);
    }
    // Key ranges: the vectorized scan takes whole leaves and must stop at
    // the range's end (primary key bounds, an equality prefix of a
    // composite key, an index range).
    const std::string lo = num(0, 2000), hi = num(0, 3000), p = num(0, 11), q = num(0, 299);
    Same("SELECT count(*), sum(x), min(id), max(id) FROM a WHERE id >= " + lo + " AND id < " + hi);
    Same("SELECT count(*), sum(x) FROM a WHERE id > " + lo + " AND id <= " + lo + " + 700");
    Same("SELECT count(*), max(f) FROM a WHERE id = " + lo);
    Same("SELECT count(*), sum(v), min(q), max(q) FROM m WHERE p = " + p);
    Same("SELECT count(*), sum(v), min(q), max(q) FROM m WHERE p = " + p + " AND q > " + q);
    Same("SELECT count(*), sum(v) FROM m WHERE p = " + p + " AND q >= " + q + " AND q < " + q + " + 50");
    Same("SELECT count(*), sum(v) FROM m WHERE p >= " + p + " AND p < " + p + " + 3");
    Same("SELECT q, count(*) FROM m WHERE p = " + p + " AND q < 40 GROUP BY q");
    Same("SELECT m.p, count(*) FROM m JOIN a ON a.id = m.q WHERE m.p = " + p + " GROUP BY m.p");
    Same("SELECT x % 7, count(*), sum(f) FROM a GROUP BY x % 7");
    Same("SELECT flag, count(*), max(small) FROM a GROUP BY flag");
    Same("SELECT f, count(*) FROM a GROUP BY f");
    Same("SELECT n, count(*) FROM a GROUP BY n");
    Same("SELECT g, count(*) FROM a GROUP BY g HAVING count(*) > " + num(0, 30));
    Same("SELECT count(*), sum(x) FROM a WHERE false");
    Same("SELECT g, count(*) FROM a WHERE false GROUP BY g");
    Same("SELECT k, count(*), sum(v) FROM h GROUP BY k");
    Same("SELECT h1.k, h2.v FROM h h1 JOIN h h2 ON h1.k = h2.v");
    Same("SELECT h1.k, h2.v FROM h h1 LEFT JOIN h h2 ON h1.k = h2.v");
    // Errors: the same SQLSTATE either way.
    Same("SELECT sum(x * 1000000000000000) FROM a");
    Same("SELECT g, sum(10 / x) FROM a GROUP BY g");
    Same("SELECT g, sum(10 / x) FILTER (WHERE x <> 0) FROM a GROUP BY g");
    Same("SELECT sum(small * small * small * small * small) FROM a");
    Same("SELECT max(f * 1e308 * 10) FROM a");
    // Parameters, subqueries (correlated ones read the row they run for), a
    // derived table (its rows come from a row operator) and a join of joins.
    Same("SELECT g, count(*) FROM a WHERE x > $1 GROUP BY g", {sql::Value::Int(sql::TypeId::kInt8, 7)});
    Same("SELECT g, count(*) FROM a WHERE id < 300 AND x > (SELECT min(y) FROM b WHERE b.a_id = a.id)"
         " GROUP BY g");
    Same("SELECT a.g, (SELECT count(*) FROM b WHERE b.a_id = a.id) FROM a WHERE a.id < 40");
    Same("SELECT d.g, count(*) FROM (SELECT g, x FROM a ORDER BY x LIMIT 100) d GROUP BY d.g");
    Same("SELECT m.g, b.y FROM (SELECT g, max(id) AS top FROM a GROUP BY g) m JOIN b ON b.a_id = m.top");
    Same("SELECT a.id, b.id, c.id FROM a JOIN b ON a.id = b.a_id JOIN b c ON c.a_id = b.id");
    Same("SELECT count(*) FROM a JOIN b ON a.id = b.a_id JOIN a a2 ON a2.id = b.y WHERE a2.g > 2");
    Same("SELECT a.id FROM a JOIN b ON a.id = b.a_id ORDER BY a.id DESC LIMIT 5");
    // Integer comparisons the scan's decoder checks itself (DecodeFilter):
    // every operator, either way round, with NULLs, casts and parameters.
    Same("SELECT g, count(*), sum(x) FROM a WHERE x < 10 AND 3 <= g GROUP BY g");
    Same("SELECT g, count(*) FROM a WHERE x = 5 OR x > 90 GROUP BY g");  // not a conjunct
    for (const char* cond : {"x = 5", "x <> 5", "x <= -3", "50 < x", "x >= 0 AND small < 50",
                             "small::bigint < 20", "x::smallint > 7", "id > 1000 AND id <= 1200",
                             "g <> 2 AND x <> -1 AND small >= 3"}) {
      Same(std::string("SELECT g, count(*), max(x), min(small) FROM a WHERE ") + cond +
           " GROUP BY g");
      Same(std::string("SELECT count(*), sum(b.y) FROM a JOIN b ON a.id = b.a_id WHERE ") + cond);
    }
    Same("SELECT g, count(*) FROM a WHERE small > $1 GROUP BY g",
         {sql::Value::Int(sql::TypeId::kInt2, 40)});
    Same("SELECT g, count(*) FROM a WHERE x > $1 GROUP BY g", {sql::Value::Null(sql::TypeId::kInt8)});
  }

  storage::FaultVfs vector_vfs_{11}, row_vfs_{11};
  std::unique_ptr<Database> vector_, row_;
  int compared_ = 0, nonempty_ = 0;
};

TEST_F(VectorizedTest, SameResultsAsRowExecutorOnRandomData) {
  // Sanitizer runs (ZQ_TEST_SCALE=small) take one data set of the three.
  const char* scale = std::getenv("ZQ_TEST_SCALE");
  const uint64_t seeds = scale != nullptr && std::string(scale) == "small" ? 1 : 3;
  for (uint64_t seed = 1; seed <= seeds; seed++) {
    // More rows than a batch, so batches, chains and groups span batch ends.
    Load(seed, 2500 + static_cast<int>(seed) * 300, 3000);
    RunQueries(seed * 77);
    Both("DROP TABLE a");
    Both("DROP TABLE b");
    Both("DROP TABLE h");
    Both("DROP TABLE m");
  }
  EXPECT_GT(nonempty_, compared_ / 2);  // the queries do return rows
}

TEST_F(VectorizedTest, SmallAndEmptyTables) {
  Load(9, 0, 0);
  RunQueries(5);
  Both("DROP TABLE a");
  Both("DROP TABLE b");
  Both("DROP TABLE h");
  Both("DROP TABLE m");
  Load(10, 3, 2);
  RunQueries(6);
}

// EXPLAIN marks the operators that run vectorized: the aggregation or join
// at the root of a vectorized subtree and the scans, filters and
// projections under it; not the row operators around them.
TEST_F(VectorizedTest, ExplainMarksVectorizedOperators) {
  Load(3, 10, 10);
  auto explain = [](Database& db, const std::string& sql) {
    Result<QueryResult> r = db.Execute("EXPLAIN " + sql);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::string out;
    if (r.ok()) {
      for (const std::string& line : RenderRows(*r)) out += line + "\n";
    }
    return out;
  };
  EXPECT_EQ(explain(*vector_, "SELECT g, count(*) FROM a WHERE x > 0 GROUP BY g ORDER BY g"),
            "Sort\n"
            "  Project\n"
            "    Aggregate [vectorized]\n"
            "      Scan on a with filter [vectorized]\n");
  EXPECT_EQ(explain(*vector_, "SELECT a.id, b.y FROM a JOIN b ON a.id = b.a_id"),
            "Project\n"
            "  Join inner (hash) [vectorized]\n"
            "    Scan on a [vectorized]\n"
            "    Scan on b [vectorized]\n");
  // A LEFT join with an extra ON condition keeps the row join; a plain scan
  // stays row by row; with vectorized_execution off nothing is marked.
  EXPECT_EQ(explain(*vector_, "SELECT a.id FROM a LEFT JOIN b ON a.id = b.a_id AND b.y > a.g")
                .find("[vectorized]"),
            std::string::npos);
  EXPECT_EQ(explain(*vector_, "SELECT id, x + 1 FROM a WHERE x > 0 ORDER BY 2").find("[vectorized]"),
            std::string::npos);
  EXPECT_EQ(explain(*vector_, "SELECT v.c FROM (VALUES (1), (2)) v(c)").find("[vectorized]"),
            std::string::npos);
  EXPECT_EQ(explain(*row_, "SELECT g, count(*) FROM a GROUP BY g").find("[vectorized]"),
            std::string::npos);
}

// A hash join whose build side has more rows than the memory limit allows
// stops with 53200, as the row join does; when both sides come in key order
// the planner merges them instead, which holds no hash table.
TEST_F(VectorizedTest, JoinRespectsMemoryLimit) {
  storage::FaultVfs vfs{12};
  DatabaseOptions o;
  o.store.vfs = &vfs;
  {
    Result<std::unique_ptr<Database>> db = Database::Open("db.zq", o);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Execute("CREATE TABLE p (id BIGINT PRIMARY KEY, v TEXT)").ok());
    std::string insert = "INSERT INTO p VALUES (0, 'x')";
    for (int i = 1; i < 5000; i++) {
      insert += ", (" + std::to_string(i) + ", 'some text that takes room " + std::to_string(i) + "')";
    }
    ASSERT_TRUE((*db)->Execute(insert).ok());
    // The same rows in a table without a primary key: not in key order.
    ASSERT_TRUE((*db)->Execute("CREATE TABLE q (k BIGINT, v TEXT)").ok());
    ASSERT_TRUE((*db)->Execute("INSERT INTO q SELECT id, v FROM p").ok());
  }
  o.memory_limit_bytes = 512 << 10;
  Result<std::unique_ptr<Database>> db = Database::Open("db.zq", o);
  ASSERT_TRUE(db.ok());
  Result<QueryResult> r = (*db)->Execute("SELECT count(*), max(q.v) FROM p JOIN q ON p.id = q.k");
  EXPECT_EQ(StateOf(r.status()), "53200");
  // Only the key is held when no other column of the build side is read.
  r = (*db)->Execute("SELECT count(*) FROM p JOIN q ON p.id = q.k WHERE p.id < 500");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Both in primary-key order: merged, within the limit.
  const std::string merged = "SELECT count(*), max(p2.v) FROM p p1 JOIN p p2 ON p1.id = p2.id";
  r = (*db)->Execute("EXPLAIN " + merged);
  ASSERT_TRUE(r.ok());
  std::string plan;
  for (const std::string& line : RenderRows(*r)) plan += line + "\n";
  EXPECT_NE(plan.find("Join inner (merge)"), std::string::npos) << plan;
  r = (*db)->Execute(merged);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(RenderRows(*r), std::vector<std::string>{"5000|x"});
}

}  // namespace
}  // namespace zq::engine

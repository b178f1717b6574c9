// WITH RECURSIVE: iteration to a fixpoint, UNION vs UNION ALL, type
// conformance, errors, and the memory budget stopping a query that never ends.
#include <gtest/gtest.h>

#include "engine/database.hpp"
#include "engine/engine_test_util.hpp"
#include "sql/lexer/sql_error.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq::engine {
namespace {

class RecursiveCteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DatabaseOptions options;
    options.store.vfs = &vfs_;
    options.memory_limit_bytes = 8 << 20;
    auto db = Database::Open("r.zq", options);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }
  // The rows of a query as "a|b" strings.
  std::vector<std::string> Rows(const std::string& sql) {
    Result<QueryResult> r = db_->Execute(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    return r.ok() ? RenderRows(*r) : std::vector<std::string>{};
  }
  std::string ErrorState(const std::string& sql) {
    Result<QueryResult> r = db_->Execute(sql);
    if (r.ok()) return "ok";
    auto e = sql::DecodeSqlError(r.status());
    return e ? e->sqlstate : r.status().ToString();
  }

  storage::FaultVfs vfs_{3};
  std::unique_ptr<Database> db_;
};

TEST_F(RecursiveCteTest, CountsAndAccumulates) {
  EXPECT_EQ(Rows("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 100) "
                 "SELECT count(*), sum(n) FROM t"),
            std::vector<std::string>({"100|5050"}));
  // numeric columns stay exact across iterations.
  EXPECT_EQ(Rows("WITH RECURSIVE f(a, b) AS (VALUES (0::numeric, 1::numeric) UNION ALL "
                 "SELECT b, a + b FROM f WHERE a < 100) SELECT max(a) FROM f"),
            std::vector<std::string>({"144"}));
}

TEST_F(RecursiveCteTest, UnionStopsAtCyclesUnionAllWouldNot) {
  ASSERT_TRUE(db_->ExecuteScript("CREATE TABLE edge (a int, b int); "
                                 "INSERT INTO edge VALUES (1, 2), (2, 3), (3, 1), (3, 4)")
                  .ok());
  EXPECT_EQ(Rows("WITH RECURSIVE reach(x) AS (SELECT 1 UNION SELECT edge.b FROM edge JOIN reach "
                 "ON edge.a = reach.x) SELECT x FROM reach ORDER BY x"),
            std::vector<std::string>({"1", "2", "3", "4"}));
  // The cycle with UNION ALL never ends: the memory budget stops it cleanly.
  EXPECT_EQ(ErrorState("WITH RECURSIVE reach(x) AS (SELECT 1 UNION ALL SELECT edge.b FROM edge "
                       "JOIN reach ON edge.a = reach.x) SELECT count(*) FROM reach"),
            "53200");
  EXPECT_EQ(Rows("SELECT count(*) FROM edge"), std::vector<std::string>({"4"}));
}

TEST_F(RecursiveCteTest, TypesAndErrors) {
  // integer base, bigint step: the step is cast to the base's type.
  EXPECT_EQ(Rows("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1::bigint FROM t "
                 "WHERE n < 3) SELECT n FROM t"),
            std::vector<std::string>({"1", "2", "3"}));
  EXPECT_EQ(ErrorState("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT 'x' || n FROM t) "
                       "SELECT * FROM t"),
            "42804");
  EXPECT_EQ(ErrorState("WITH RECURSIVE t(n) AS (SELECT n FROM t UNION SELECT 1) SELECT * FROM t"),
            "42P19");
  // Not self-referencing: an ordinary CTE.
  EXPECT_EQ(Rows("WITH RECURSIVE t(n) AS (SELECT 7) SELECT n FROM t"),
            std::vector<std::string>({"7"}));
}

}  // namespace
}  // namespace zq::engine

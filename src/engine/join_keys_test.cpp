// Equi-joins on expressions (a.x + 1 = b.y, lower(a.s) = b.s, int = numeric)
// run as hash joins, and return what the same condition run as a nested loop
// returns. The nested-loop twin hides the equality inside an OR the planner
// cannot split.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "engine/database.hpp"
#include "engine/engine_test_util.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq::engine {
namespace {

class JoinKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenTestDatabase(&vfs_, "j.zq");
    ASSERT_NE(db_, nullptr);
    std::mt19937_64 rng(41);
    auto value = [&](int range) {
      return rng() % 8 == 0 ? std::string("NULL") : std::to_string(static_cast<int>(rng() % range));
    };
    Exec("CREATE TABLE a (id int PRIMARY KEY, x int, s text, n numeric(6,2))");
    Exec("CREATE TABLE b (id int PRIMARY KEY, y bigint, s text, n int)");
    std::string ia = "INSERT INTO a VALUES ", ib = "INSERT INTO b VALUES ";
    const char* words[] = {"'Ab'", "'ab'", "'AB'", "'cd'", "NULL"};
    for (int i = 0; i < 300; i++) {
      ia += (i ? "," : "") + std::string("(") + std::to_string(i) + "," + value(60) + "," +
            words[rng() % 5] + "," + value(30) + ")";
      ib += (i ? "," : "") + std::string("(") + std::to_string(i) + "," + value(60) + "," +
            words[rng() % 5] + "," + value(30) + ")";
    }
    Exec(ia);
    Exec(ib);
  }

  void Exec(const std::string& sql) {
    Result<QueryResult> r = db_->Execute(sql);
    ASSERT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
  }

  std::vector<std::string> Sorted(const std::string& sql) { return SortedRows(*db_, sql); }

  std::string Plan(const std::string& sql) { return ExplainText(*db_, sql); }

  storage::FaultVfs vfs_{8};
  std::unique_ptr<Database> db_;
};

TEST_F(JoinKeysTest, ExpressionKeysHashAndAgreeWithANestedLoop) {
  const char* conditions[] = {
      "a.x + 1 = b.y",
      "b.y = a.x * 2",
      "lower(a.s) = lower(b.s)",
      "a.n = b.n",                     // numeric = integer: a cast on one side
      "a.x % 7 = b.n % 7 AND a.s = b.s",  // an expression key beside a column key
      "a.x + b.n = 40",                // both sides in one expression: not a key
  };
  for (const char* join : {"JOIN", "LEFT JOIN", "RIGHT JOIN"}) {
    for (const char* cond : conditions) {
      const std::string hashed = std::string("SELECT a.id, b.id FROM a ") + join + " b ON " + cond;
      const std::string looped = std::string("SELECT a.id, b.id FROM a ") + join + " b ON (" + cond +
                                 ") OR (a.id IS NULL AND a.id IS NOT NULL)";
      EXPECT_NE(Plan(looped).find("nested loop"), std::string::npos) << looped;
      if (std::string(cond) != "a.x + b.n = 40") {
        EXPECT_NE(Plan(hashed).find("(hash)"), std::string::npos) << Plan(hashed);
      }
      const std::vector<std::string> want = Sorted(looped);
      EXPECT_GT(want.size(), 10u) << looped;
      EXPECT_EQ(Sorted(hashed), want) << hashed;
    }
  }
}

TEST_F(JoinKeysTest, KeysReadingTheOuterQueryStayCorrelated) {
  // The key expression reads o.x from the enclosing query: the subquery must
  // run again for every outer row, not once.
  const std::string sql =
      "SELECT o.id, (SELECT count(*) FROM a JOIN b ON a.x + o.x = b.y) FROM a o "
      "WHERE o.id < 20";
  const std::string twin =
      "SELECT o.id, (SELECT count(*) FROM a JOIN b ON (a.x + o.x = b.y) OR "
      "(a.id IS NULL AND a.id IS NOT NULL)) FROM a o WHERE o.id < 20";
  const std::vector<std::string> want = Sorted(twin);
  EXPECT_EQ(Sorted(sql), want);
  std::vector<std::string> counts;
  for (const std::string& row : want) counts.push_back(row.substr(row.find('|')));
  std::sort(counts.begin(), counts.end());
  EXPECT_NE(counts.front(), counts.back()) << "the outer value changes the count";
}

TEST_F(JoinKeysTest, NoLeftRowsMeansRightKeysAreNeverEvaluated) {
  // 1 / (b.n - b.n) divides by zero for every right row, but with no left
  // row a nested loop evaluates nothing, and neither does the hash join.
  EXPECT_EQ(Sorted("SELECT * FROM a JOIN b ON a.x = 1 / (b.n - b.n) WHERE a.id < 0"),
            std::vector<std::string>{});
  EXPECT_EQ(Sorted("SELECT * FROM a JOIN b ON a.x = 1 / (b.n - b.n) WHERE b.n IS NOT NULL"),
            std::vector<std::string>{"22012"});
}

}  // namespace
}  // namespace zq::engine

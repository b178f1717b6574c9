// Join strategies chosen from statistics: inner joins put the input
// estimated smaller on the build side (swapping under a projection that
// keeps the column order), and joins of two primary-key-ordered inputs whose
// hash table would take much of the memory budget merge instead. Every
// query is checked against a database with the same rows and a large budget
// (where the same queries hash), and, for swaps, against FROM in the other
// order.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "engine/database.hpp"
#include "engine/engine_test_util.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq::engine {
namespace {

class JoinStrategyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    small_budget_ = Open(&small_vfs_, 64 << 10);
    large_budget_ = Open(&large_vfs_, uint64_t{1} << 30);
    std::mt19937_64 rng(17);
    auto maybe_null = [&](int range) {
      return rng() % 8 == 0 ? std::string("NULL") : std::to_string(static_cast<int>(rng() % range));
    };
    std::vector<std::string> script = {
        "CREATE TABLE a (id int PRIMARY KEY, x int, s text)",
        "CREATE TABLE b (a_id int, seq int, y int, PRIMARY KEY (a_id, seq))",
        "CREATE TABLE tiny (id int PRIMARY KEY, a_id int, label text)"};
    std::string a = "INSERT INTO a VALUES ", b = "INSERT INTO b VALUES ", t = "INSERT INTO tiny VALUES ";
    for (int i = 0; i < 1500; i++) {
      if (rng() % 5 == 0) continue;  // gaps: some keys only on one side
      a += std::string(a.back() == ' ' ? "(" : ", (") + std::to_string(i) + ", " + maybe_null(50) +
           ", 's" + std::to_string(i % 13) + "')";
    }
    for (int i = 0; i < 1700; i++) {
      for (int seq = 0; seq < static_cast<int>(rng() % 4); seq++) {
        b += std::string(b.back() == ' ' ? "(" : ", (") + std::to_string(i) + ", " +
             std::to_string(seq) + ", " + maybe_null(50) + ")";
      }
    }
    for (int i = 0; i < 12; i++) {
      t += (i ? ", (" : "(") + std::to_string(i) + ", " + maybe_null(1500) + ", 't" +
           std::to_string(i) + "')";
    }
    script.push_back(a);
    script.push_back(b);
    script.push_back(t);
    for (const std::string& sql : script) {
      for (Database* db : {small_budget_.get(), large_budget_.get()}) {
        Result<QueryResult> r = db->Execute(sql);
        ASSERT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
      }
    }
  }

  static std::unique_ptr<Database> Open(storage::FaultVfs* vfs, uint64_t memory_limit) {
    DatabaseOptions o;
    o.memory_limit_bytes = memory_limit;
    return OpenTestDatabase(vfs, "js.zq", o);
  }

  storage::FaultVfs small_vfs_{21}, large_vfs_{21};
  std::unique_ptr<Database> small_budget_, large_budget_;
};

TEST_F(JoinStrategyTest, MergeJoinsMatchHashJoins) {
  const char* queries[] = {
      "SELECT a.id, a.x, b.seq, b.y FROM a JOIN b ON b.a_id = a.id",
      "SELECT a.id, b.seq, b.y FROM a LEFT JOIN b ON b.a_id = a.id",
      "SELECT a.id, b.seq FROM a JOIN b ON b.a_id = a.id AND b.y > a.x",
      "SELECT a.id, b.seq FROM a LEFT JOIN b ON b.a_id = a.id AND b.y < 10",
      "SELECT a.id, b.seq FROM a JOIN b ON b.a_id = a.id AND b.seq = a.x",  // a second key pair
      "SELECT a.id, b.seq FROM a JOIN b ON b.a_id = a.id WHERE a.x < 20 AND b.y <> 3",
      "SELECT a.id, b.seq FROM a JOIN b ON b.a_id = a.id WHERE a.id BETWEEN 100 AND 900",
      "SELECT count(*), sum(b.y), max(a.s) FROM a JOIN b ON a.id = b.a_id",
      "SELECT a1.id, a2.x FROM a a1 JOIN a a2 ON a1.id = a2.id",
      "SELECT a1.id, a2.x FROM a a1 LEFT JOIN a a2 ON a1.id = a2.id AND a2.x > 25",
  };
  size_t rows = 0;
  for (const char* sql : queries) {
    EXPECT_NE(ExplainText(*small_budget_, sql).find("(merge)"), std::string::npos)
        << sql << "\n" << ExplainText(*small_budget_, sql);
    EXPECT_EQ(ExplainText(*large_budget_, sql).find("(merge)"), std::string::npos) << sql;
    const std::vector<std::string> want = SortedRows(*large_budget_, sql);
    EXPECT_EQ(SortedRows(*small_budget_, sql), want) << sql;
    rows += want.size();
  }
  EXPECT_GT(rows, 5000u);
}

TEST_F(JoinStrategyTest, TheSmallerInputBuilds) {
  // FROM a JOIN tiny: tiny is already on the build (right) side.
  const std::string kept = "SELECT * FROM a JOIN tiny ON tiny.a_id = a.id";
  // FROM tiny JOIN a: swapped, so that tiny builds; the columns stay in
  // FROM order.
  const std::string swapped = "SELECT * FROM tiny JOIN a ON tiny.a_id = a.id";
  for (Database* db : {small_budget_.get(), large_budget_.get()}) {
    const std::string plan = ExplainText(*db, swapped);
    ASSERT_NE(plan.find("Scan on tiny"), std::string::npos) << plan;
    EXPECT_GT(plan.find("Scan on tiny"), plan.find("Scan on a")) << plan;  // tiny second: builds
    EXPECT_GT(ExplainText(*db, kept).find("Scan on tiny"), ExplainText(*db, kept).find("Scan on a"));
    const std::vector<std::string> rows = SortedRows(*db, swapped);
    ASSERT_FALSE(rows.empty());
    // The same pairs, tiny's columns first as in FROM.
    EXPECT_EQ(rows, SortedRows(*db, "SELECT tiny.*, a.* FROM a JOIN tiny ON tiny.a_id = a.id"));
  }
  // A condition across the inputs besides the key, and a three-way join.
  const char* queries[] = {
      "SELECT tiny.label, a.s FROM tiny JOIN a ON tiny.a_id = a.id AND a.x + tiny.id > 20",
      "SELECT tiny.id, a.id, b.seq FROM tiny JOIN a ON tiny.a_id = a.id JOIN b ON b.a_id = a.id",
      "SELECT tiny.id, b.seq FROM tiny JOIN b ON b.a_id = tiny.a_id WHERE b.y IS NOT NULL"};
  for (const char* sql : queries) {
    EXPECT_EQ(SortedRows(*small_budget_, sql), SortedRows(*large_budget_, sql)) << sql;
  }
}

// Three or more inputs joined by inner joins are put in a greedy order
// (smallest first, then the smallest input a condition connects): every
// FROM order of the same join gives the same rows, and the largest table
// is never the side a hash join holds.
TEST_F(JoinStrategyTest, ThreeWayJoinsAreReordered) {
  const std::vector<std::string> from = {"a", "b", "tiny"};
  const std::string select = "SELECT a.id, b.seq, tiny.id, a.x + b.y FROM ";
  const std::string where =
      " WHERE b.a_id = a.id AND tiny.a_id = a.id AND (b.y IS NULL OR b.y <> tiny.id)";
  std::vector<size_t> order = {0, 1, 2};
  std::vector<std::string> first;
  size_t permutations = 0;
  do {
    const std::string sql = select + from[order[0]] + ", " + from[order[1]] + ", " +
                            from[order[2]] + where;
    for (Database* db : {small_budget_.get(), large_budget_.get()}) {
      const std::vector<std::string> rows = SortedRows(*db, sql);
      if (first.empty()) first = rows;
      EXPECT_EQ(rows, first) << sql;
      // tiny and a are joined first (tiny is the smallest, a the input a
      // condition connects to it), and that result builds: b, the largest,
      // is the top join's probe (first) side.
      const std::string plan = ExplainText(*db, sql);
      const size_t top_join = plan.find("Join inner");
      ASSERT_NE(top_join, std::string::npos) << plan;
      EXPECT_LT(plan.find("Scan on b"), plan.find("Scan on tiny")) << sql << "\n" << plan;
    }
    permutations++;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 6u);
  EXPECT_FALSE(first.empty());
  // With JOIN ... ON, a filter, and a fourth input joined to nothing (a
  // cross product placed last).
  const std::string four =
      "SELECT a.id, b.seq, tiny.label, t2.id FROM b JOIN a ON b.a_id = a.id JOIN tiny ON tiny.a_id = "
      "a.id CROSS JOIN tiny t2 WHERE a.x < 30 AND t2.id < 3";
  EXPECT_EQ(SortedRows(*small_budget_, four), SortedRows(*large_budget_, four)) << ExplainText(*small_budget_, four);
  EXPECT_FALSE(SortedRows(*large_budget_, four).empty());
}

}  // namespace
}  // namespace zq::engine

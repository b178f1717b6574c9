// Index nested-loop joins: when the left input is pinned by a key equality
// and the right table has a key on the join columns, each left row looks
// its partners up. Every query is compared with the same query whose left
// filter is hidden from the planner (so it runs as a hash join).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "engine/database.hpp"
#include "engine/engine_test_util.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq::engine {
namespace {

class LookupJoinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenTestDatabase(&vfs_, "lj.zq");
    ASSERT_NE(db_, nullptr);
    Exec("CREATE TABLE c (id int PRIMARY KEY, region int, name text)");
    Exec("CREATE TABLE o (id int PRIMARY KEY, cust int, amt int, region int)");
    Exec("CREATE TABLE p (o_id int, line int, qty int, PRIMARY KEY (o_id, line))");
    Exec("CREATE TABLE x (id int PRIMARY KEY, oid int)");
    Exec("CREATE INDEX o_cust ON o (cust)");
    Exec("CREATE INDEX o_cust_region ON o (cust, region)");
    Exec("CREATE INDEX c_region ON c USING HASH (region)");
    std::mt19937_64 rng(5);
    auto maybe_null = [&](int range) {
      return rng() % 9 == 0 ? std::string("NULL") : std::to_string(static_cast<int>(rng() % range));
    };
    std::string c = "INSERT INTO c VALUES ", o = "INSERT INTO o VALUES ", p = "INSERT INTO p VALUES ",
                x = "INSERT INTO x VALUES ";
    for (int i = 0; i < 200; i++) {
      c += (i ? ", (" : "(") + std::to_string(i) + ", " + maybe_null(5) + ", 'c" + std::to_string(i) + "')";
    }
    for (int i = 0; i < 600; i++) {
      o += (i ? ", (" : "(") + std::to_string(i) + ", " + maybe_null(220) + ", " + maybe_null(100) +
           ", " + maybe_null(5) + ")";
      for (int line = 0; line < static_cast<int>(rng() % 3); line++) {
        p += std::string(p.back() == ' ' ? "(" : ", (") + std::to_string(i) + ", " +
             std::to_string(line) + ", " + maybe_null(10) + ")";
      }
    }
    for (int i = 0; i < 50; i++) {
      x += (i ? ", (" : "(") + std::to_string(i) + ", " + maybe_null(650) + ")";
    }
    Exec(c);
    Exec(o);
    Exec(p);
    Exec(x);
  }

  void Exec(const std::string& sql) {
    Result<QueryResult> r = db_->Execute(sql);
    ASSERT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
  }

  std::vector<std::string> Sorted(const std::string& sql) { return SortedRows(*db_, sql); }

  std::string Plan(const std::string& sql) { return ExplainText(*db_, sql); }

  // `sql` with "{K}" standing for a key value: as written it must plan an
  // index lookup; with the key hidden in a subquery (no longer a value the
  // planner can key on) it must plan none; both must give the same rows.
  void Compare(const std::string& sql, int rounds = 40) {
    std::mt19937_64 rng(sql.size());
    size_t rows = 0;
    for (int i = 0; i < rounds; i++) {
      const std::string key = std::to_string(static_cast<int>(rng() % 230) - 5);
      std::string fast = sql, slow = sql;
      fast.replace(fast.find("{K}"), 3, key);
      slow.replace(slow.find("{K}"), 3, "(SELECT " + key + ")");
      if (i == 0) {
        ASSERT_NE(Plan(fast).find("index lookup"), std::string::npos) << fast << "\n" << Plan(fast);
        ASSERT_EQ(Plan(slow).find("index lookup"), std::string::npos) << slow << "\n" << Plan(slow);
      }
      const std::vector<std::string> want = Sorted(slow);
      ASSERT_EQ(Sorted(fast), want) << fast;
      rows += want.size();
    }
    EXPECT_GT(rows, 0u) << sql;  // not vacuous
  }

  storage::FaultVfs vfs_{8};
  std::unique_ptr<Database> db_;
};

TEST_F(LookupJoinTest, PrimaryKeyAndIndexLookupsMatchHashJoins) {
  Compare("SELECT * FROM o JOIN c ON c.id = o.cust WHERE o.id = {K}");
  Compare("SELECT * FROM c JOIN o ON o.cust = c.id WHERE c.id = {K}");
  Compare("SELECT * FROM c LEFT JOIN o ON o.cust = c.id WHERE c.id = {K}");
  Compare("SELECT * FROM o LEFT JOIN c ON c.id = o.cust WHERE o.id = {K}");
  // Residual conditions on either side and on both.
  Compare("SELECT * FROM c LEFT JOIN o ON o.cust = c.id AND o.amt > 40 WHERE c.id = {K}");
  Compare("SELECT * FROM c JOIN o ON o.cust = c.id AND o.amt + c.region > 30 WHERE c.id = {K}");
  Compare("SELECT * FROM c JOIN o ON o.cust = c.id WHERE c.id = {K} AND o.amt < 50");
  // Two join keys: the composite index (cust, region) takes both.
  Compare("SELECT * FROM c JOIN o ON o.cust = c.id AND o.region = c.region WHERE c.id = {K}");
  // A hash index on the right.
  Compare("SELECT c.id, o.id FROM o JOIN c ON c.region = o.region WHERE o.id = {K}");
  // A composite primary key, its first column pinned.
  Compare("SELECT o.id, p.line, p.qty FROM o JOIN p ON p.o_id = o.id WHERE o.id = {K}");
  // A chain: the second lookup's left side is the first lookup.
  Compare("SELECT o.id, c.name, p.qty FROM o JOIN c ON c.id = o.cust JOIN p ON p.o_id = o.id"
          " WHERE o.id = {K}");
  Compare("SELECT count(*), sum(o.amt) FROM c JOIN o ON o.cust = c.id WHERE c.id = {K}");
}

TEST_F(LookupJoinTest, InsideCorrelatedSubqueries) {
  // The subquery's join reads the outer row in its WHERE (which pins its
  // left side) and in its ON clause; the reference adds coalesce(o.amt, 0)
  // * 0 to the pin, which then reads the scanned row: no key range, so the
  // subquery joins by hashing.
  const char* shapes[] = {
      "SELECT x.id, (SELECT count(*) FROM o JOIN c ON c.id = o.cust AND c.id <> x.id"
      " WHERE o.id = x.oid{H}) FROM x",
      "SELECT x.id, (SELECT max(c.name) FROM o JOIN c ON c.id = o.cust WHERE o.id = x.oid{H})"
      " FROM x",
      "SELECT x.id, (SELECT count(p.qty) FROM o LEFT JOIN p ON p.o_id = o.id AND p.qty > x.id % 5"
      " WHERE o.id = x.oid{H}) FROM x"};
  for (const std::string shape : shapes) {
    std::string fast = shape, slow = shape;
    fast.replace(fast.find("{H}"), 3, "");
    slow.replace(slow.find("{H}"), 3, " + coalesce(o.amt, 0) * 0");
    const std::vector<std::string> want = Sorted(slow);
    EXPECT_EQ(Sorted(fast), want) << fast;
    EXPECT_EQ(want.size(), 50u);
  }
  // The same join outside a subquery, with the pin a literal, is a lookup.
  EXPECT_NE(Plan("SELECT count(*) FROM o JOIN c ON c.id = o.cust WHERE o.id = 7").find("index lookup"),
            std::string::npos);
}

}  // namespace
}  // namespace zq::engine

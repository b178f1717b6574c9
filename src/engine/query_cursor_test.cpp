// QueryCursor: a SELECT computes its rows as they are read, returns what a
// materialized run returns, keeps its snapshot while the session writes,
// and fails cleanly (errors mid-stream, the database closing under it).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "engine/database.hpp"
#include "engine/engine_test_util.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq::engine {
namespace {

class QueryCursorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenTestDatabase(&vfs_, "c.zq");
    ASSERT_NE(db_, nullptr);
    Exec("CREATE TABLE t (k int PRIMARY KEY, v text)");
  }

  void Exec(const std::string& sql) {
    Result<QueryResult> r = db_->Execute(sql);
    ASSERT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
  }

  // Inserts rows [from, to) into `table`: (k, 'v<k>'), or with `times`
  // (k, k * times); `suffix` ends each INSERT.
  void Fill(int from, int to, const std::string& table = "t", int times = 0,
            const std::string& suffix = "") {
    for (int start = from; start < to; start += 1000) {
      std::string sql = "INSERT INTO " + table + " VALUES ";
      for (int k = start; k < std::min(to, start + 1000); k++) {
        if (k > start) sql += ",";
        sql += "(" + std::to_string(k) + "," +
               (times == 0 ? "'v" + std::to_string(k) + "'" : std::to_string(k * times)) + ")";
      }
      Exec(sql + suffix);
    }
  }

  std::unique_ptr<QueryCursor> Open(const std::string& sql) {
    Result<std::unique_ptr<QueryCursor>> c = db_->Start(sql);
    EXPECT_TRUE(c.ok()) << sql << ": " << c.status().ToString();
    return c.ok() ? std::move(c).value() : nullptr;
  }

  // Up to `n` more rows of `c`, rendered; stops at the end or an error.
  static std::vector<std::string> Read(QueryCursor* c, size_t n, Status* status = nullptr) {
    std::vector<std::string> out;
    sql::Row row;
    while (out.size() < n) {
      Result<bool> more = c->Next(&row);
      if (!more.ok()) {
        if (status != nullptr) *status = more.status();
        break;
      }
      if (!*more) break;
      out.push_back(RenderRow(row));
    }
    return out;
  }

  std::vector<std::string> Materialized(const std::string& sql) {
    Result<QueryResult> r = db_->Execute(sql);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? RenderRows(*r) : std::vector<std::string>{};
  }

  storage::FaultVfs vfs_{8};
  std::unique_ptr<Database> db_;
};

TEST_F(QueryCursorTest, ReturnsWhatExecuteReturns) {
  Fill(0, 20000);
  for (const std::string sql :
       {"SELECT * FROM t", "SELECT k, v FROM t WHERE k % 7 = 3 ORDER BY v DESC",
        "SELECT k % 10, count(*) FROM t GROUP BY 1 ORDER BY 1", "SELECT * FROM t LIMIT 5 OFFSET 9990",
        "SELECT a.k, b.v FROM t a JOIN t b ON a.k = b.k WHERE a.k < 3000",
        "SELECT * FROM t WHERE k < 0"}) {
    std::unique_ptr<QueryCursor> c = Open(sql);
    ASSERT_NE(c, nullptr);
    EXPECT_TRUE(c->header().returns_rows);
    EXPECT_EQ(c->header().command, "SELECT");
    EXPECT_EQ(Read(c.get(), SIZE_MAX), Materialized(sql)) << sql;
    sql::Row row;
    EXPECT_FALSE(*c->Next(&row)) << "stays at its end";
  }
}

TEST_F(QueryCursorTest, AutocommitCursorKeepsItsSnapshotWhileTheSessionWrites) {
  Fill(0, 5000);
  std::unique_ptr<QueryCursor> c = Open("SELECT k FROM t");
  std::vector<std::string> seen = Read(c.get(), 10);
  Exec("DELETE FROM t WHERE k >= 100");
  Fill(5000, 6000);
  Exec("UPDATE t SET v = 'changed'");
  std::vector<std::string> rest = Read(c.get(), SIZE_MAX);
  seen.insert(seen.end(), rest.begin(), rest.end());
  ASSERT_EQ(seen.size(), 5000u);
  for (int k = 0; k < 5000; k++) EXPECT_EQ(seen[k], std::to_string(k));
  EXPECT_EQ(Materialized("SELECT count(*) FROM t"), std::vector<std::string>{"1100"});
}

TEST_F(QueryCursorTest, CursorInsideATransactionIsNotChangedByLaterStatements) {
  Fill(0, 3000);
  Exec("BEGIN");
  Exec("INSERT INTO t VALUES (-1, 'own write')");
  std::unique_ptr<QueryCursor> c = Open("SELECT k, v FROM t");
  EXPECT_EQ(Read(c.get(), 1), std::vector<std::string>{"-1|own write"});
  Exec("DELETE FROM t");
  Exec("INSERT INTO t VALUES (99999, 'after')");
  Exec("COMMIT");
  std::vector<std::string> rest = Read(c.get(), SIZE_MAX);
  ASSERT_EQ(rest.size(), 3000u);
  EXPECT_EQ(rest.front(), "0|v0");
  EXPECT_EQ(rest.back(), "2999|v2999");
  EXPECT_EQ(Materialized("SELECT * FROM t"), std::vector<std::string>{"99999|after"});
}

TEST_F(QueryCursorTest, ErrorWhileReadingFailsTheStatementAndAbortsItsTransaction) {
  Fill(1, 5001);
  const std::string sql = "SELECT k, 1 / (k - 4000) FROM t";
  std::unique_ptr<QueryCursor> c = Open(sql);
  Status status;
  std::vector<std::string> rows = Read(c.get(), SIZE_MAX, &status);
  EXPECT_EQ(StateOf(status), "22012");
  EXPECT_LT(rows.size(), 3999u + 1);
  sql::Row row;
  EXPECT_EQ(StateOf(c->Next(&row).status()), "22012") << "the error is sticky";
  c.reset();
  Exec("INSERT INTO t VALUES (0, 'autocommit goes on')");

  Exec("BEGIN");
  c = Open(sql);
  Read(c.get(), 1);
  // The next statement makes the cursor finish first: it fails, and the
  // transaction with it.
  Result<QueryResult> next = db_->Execute("INSERT INTO t VALUES (-5, 'x')");
  EXPECT_EQ(StateOf(next.status()), "25P02");
  Read(c.get(), SIZE_MAX, &status);
  EXPECT_EQ(StateOf(status), "22012");
  Exec("ROLLBACK");
  EXPECT_EQ(Materialized("SELECT count(*) FROM t"), std::vector<std::string>{"5001"});
}

TEST_F(QueryCursorTest, StatementsThatWriteRunAtStart) {
  Fill(0, 10);
  std::unique_ptr<QueryCursor> c = Open("UPDATE t SET v = 'u' WHERE k < 4 RETURNING k");
  EXPECT_EQ(c->header().changes, 4);
  EXPECT_EQ(c->header().command, "UPDATE");
  EXPECT_EQ(Materialized("SELECT count(*) FROM t WHERE v = 'u'"), std::vector<std::string>{"4"});
  EXPECT_EQ(Read(c.get(), SIZE_MAX), (std::vector<std::string>{"0", "1", "2", "3"}));
  c = Open("DELETE FROM t WHERE k = 9");
  EXPECT_FALSE(c->header().returns_rows);
  EXPECT_EQ(c->header().changes, 1);
  EXPECT_TRUE(Read(c.get(), SIZE_MAX).empty());
  Result<std::unique_ptr<QueryCursor>> bad = db_->Start("SELECT nope FROM t");
  EXPECT_EQ(StateOf(bad.status()), "42703");
}

TEST_F(QueryCursorTest, ClosingTheDatabaseEndsOpenCursors) {
  Fill(0, 5000);
  std::unique_ptr<QueryCursor> a = Open("SELECT * FROM t");
  std::unique_ptr<QueryCursor> b = Open("SELECT count(*) FROM t");
  Read(a.get(), 3);
  ASSERT_TRUE(db_->Close().ok()) << "open cursors do not keep the store open";
  sql::Row row;
  EXPECT_EQ(StateOf(a->Next(&row).status()), "08003");
  EXPECT_EQ(StateOf(b->Next(&row).status()), "08003");
  db_.reset();
  a.reset();  // after the database: safe
  b.reset();
}

// Model: cursors opened at random moments, read a little at a time while the
// session inserts, deletes and updates, each return exactly the table as it
// was when they started.
TEST_F(QueryCursorTest, RandomInterleavingsMatchTheSnapshotAtStart) {
  std::mt19937 rng(20261126);
  std::map<int, int> table;  // k -> v
  Exec("CREATE TABLE m (k int PRIMARY KEY, v int)");
  struct Open_ {
    std::unique_ptr<QueryCursor> cursor;
    std::vector<std::string> expected;
    std::vector<std::string> seen;
  };
  std::vector<Open_> open;
  auto render = [&] {
    std::vector<std::string> rows;
    for (auto [k, v] : table) rows.push_back(std::to_string(k) + "|" + std::to_string(v));
    return rows;
  };
  for (int step = 0; step < 400; step++) {
    const int action = static_cast<int>(rng() % 6);
    const int k = static_cast<int>(rng() % 3000);
    if (action == 0) {
      const int n = 1 + static_cast<int>(rng() % 200);
      Fill(k, k + n, "m", 3, " ON CONFLICT DO NOTHING");
      for (int i = k; i < k + n; i++) table.emplace(i, i * 3);
    } else if (action == 1) {
      Exec("DELETE FROM m WHERE k BETWEEN " + std::to_string(k) + " AND " + std::to_string(k + 150));
      table.erase(table.lower_bound(k), table.upper_bound(k + 150));
    } else if (action == 2) {
      Exec("UPDATE m SET v = v + 1 WHERE k >= " + std::to_string(k));
      for (auto it = table.lower_bound(k); it != table.end(); ++it) it->second++;
    } else if (action == 3 && open.size() < 6) {
      open.push_back({Open("SELECT k, v FROM m"), render(), {}});
    } else if (!open.empty()) {
      Open_& o = open[rng() % open.size()];
      std::vector<std::string> more = Read(o.cursor.get(), 1 + rng() % 700);
      o.seen.insert(o.seen.end(), more.begin(), more.end());
    }
    for (size_t i = 0; i < open.size();) {
      if (open[i].seen.size() == open[i].expected.size() && rng() % 2 == 0) {
        ASSERT_TRUE(Read(open[i].cursor.get(), 1).empty());
        EXPECT_EQ(open[i].seen, open[i].expected);
        open.erase(open.begin() + static_cast<long>(i));
      } else {
        i++;
      }
    }
  }
  for (Open_& o : open) {
    std::vector<std::string> more = Read(o.cursor.get(), SIZE_MAX);
    o.seen.insert(o.seen.end(), more.begin(), more.end());
    EXPECT_EQ(o.seen, o.expected);
  }
  EXPECT_EQ(Materialized("SELECT k, v FROM m"), render());
}

}  // namespace
}  // namespace zq::engine

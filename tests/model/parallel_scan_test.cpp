// The vectorized scan's parallel path (sql/executor/scan_batches.hpp): a
// full scan of a large table reads its second half on a worker thread. The
// same queries on a vectorized database and a row-by-row one must agree
// row for row, including a LIMIT that abandons the scan while the worker
// is still reading, and a transaction whose own writes keep the scan serial.
// Named *Concurrent* so that scripts/test also runs it under TSan.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "engine/database.hpp"
#include "sql/types/value.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq {
namespace {

std::vector<std::string> Render(const engine::QueryResult& r) {
  std::vector<std::string> out;
  for (const sql::Row& row : r.rows) {
    std::string line;
    for (const sql::Value& v : row) line += (v.null ? "NULL" : sql::ValueToText(v)) + "|";
    out.push_back(line);
  }
  return out;
}

class ParallelScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 2; i++) {
      engine::DatabaseOptions o;
      o.store.vfs = &vfs_[i];
      o.vectorized_execution = i == 0;
      if (i == 0) o.memory_limit_bytes = vector_memory_limit_;
      auto db = engine::Database::Open("p.zq", o);
      ASSERT_TRUE(db.ok()) << db.status().ToString();
      db_[i] = std::move(db).value();
    }
    const char* scale = std::getenv("ZQ_TEST_SCALE");
    const int rows = scale != nullptr && std::string(scale) == "small" ? 12000 : 40000;
    Both("CREATE TABLE big (id BIGINT PRIMARY KEY, g INTEGER, v DOUBLE PRECISION, s TEXT)");
    // In steps of 4,000 rows: each INSERT stays within a small memory budget.
    for (int from = 0; from < rows; from += 4000) {
      Both("INSERT INTO big SELECT x, x % 37, (x % 1000) / 8.0, CASE WHEN x % 11 = 0 THEN NULL"
           " ELSE 'row number ' || x END FROM (WITH RECURSIVE r(x) AS (SELECT " +
           std::to_string(from) + " UNION ALL SELECT x + 1 FROM r WHERE x < " +
           std::to_string(std::min(from + 4000, rows) - 1) + ") SELECT x FROM r) n");
    }
    Both("CREATE TABLE small (id BIGINT PRIMARY KEY, big_id BIGINT, w INTEGER)");
    Both("INSERT INTO small SELECT x, (x * 7919) % " + std::to_string(rows + 500) +
         ", x % 5 FROM (WITH RECURSIVE r(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM r"
         " WHERE x < 2999) SELECT x FROM r) n");
  }

  void Both(const std::string& sql) {
    for (auto& db : db_) {
      auto r = db->Execute(sql);
      ASSERT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    }
  }

  void CheckAll();
  void CheckCursorWhileWriting(bool in_transaction);

  void Same(const std::string& sql) {
    std::vector<std::string> got[2];
    for (int i = 0; i < 2; i++) {
      auto r = db_[i]->Execute(sql);
      ASSERT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
      got[i] = Render(*r);
    }
    EXPECT_EQ(got[0], got[1]) << sql;
    EXPECT_FALSE(got[0].empty()) << sql;
  }

  uint64_t vector_memory_limit_ = uint64_t{1} << 30;
  storage::FaultVfs vfs_[2]{storage::FaultVfs(21), storage::FaultVfs(21)};
  std::unique_ptr<engine::Database> db_[2];
};

void ParallelScanTest::CheckAll() {
  // The table is wide enough at the root for the scan to split.
  auto txn = db_[0]->store()->BeginWrite();
  auto catalog = db_[0]->ReadCatalog();
  ASSERT_TRUE(catalog.ok());
  const catalog::TableDef* big = catalog->FindTable("big");
  ASSERT_NE(big, nullptr);
  auto split = txn->SplitPoints(big->tree, 32);
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(split->size(), 31u);
  txn->Rollback();

  for (int round = 0; round < 3; round++) {
    Same("SELECT count(*), sum(v), min(s), max(s), count(s) FROM big");
    Same("SELECT g, count(*), sum(v), max(id) FROM big GROUP BY g");
    Same("SELECT g, count(*) FROM big WHERE v > 60 AND s IS NOT NULL GROUP BY g");
    Same("SELECT count(*), sum(big.v), sum(small.w) FROM small JOIN big ON big.id = small.big_id"
         " WHERE big.g < 10");
    Same("SELECT g, count(*), sum(v) FROM big WHERE 5000 < id AND g <> 3 AND g <= 30 GROUP BY g");
    // (big.g, not big.s: all of big is this join's build side, which a small
    // budget cannot hold with its text.)
    Same("SELECT small.id, big.g FROM small LEFT JOIN big ON big.id = small.big_id");
    // The join stops pulling after three rows: the worker is stopped mid-scan.
    Same("SELECT big.id, small.id FROM big JOIN small ON small.big_id = big.id LIMIT 3");
  }
  // Inside a transaction that wrote to the table, the scan sees those writes
  // (and stays on one thread: the snapshot alone would miss them).
  Both("BEGIN");
  Both("UPDATE big SET v = v + 1000 WHERE id % 100 = 0");
  Both("DELETE FROM big WHERE id % 100 = 1");
  Same("SELECT g, count(*), sum(v) FROM big GROUP BY g");
  Both("COMMIT");
  Same("SELECT g, count(*), sum(v) FROM big GROUP BY g");
}

TEST_F(ParallelScanTest, ConcurrentWorkerMatchesSerialScan) { CheckAll(); }

// A streaming cursor (engine::QueryCursor) paused mid-scan, its worker
// thread still reading, while the same session writes: in autocommit mode it
// keeps its snapshot; inside BEGIN it finishes before the next statement.
void ParallelScanTest::CheckCursorWhileWriting(bool in_transaction) {
  const std::string query = "SELECT big.id, small.id FROM big JOIN small ON small.big_id = big.id";
  auto expected = db_[1]->Execute(query);
  ASSERT_TRUE(expected.ok());
  const std::vector<std::string> want = Render(*expected);
  ASSERT_GT(want.size(), 1000u);
  if (in_transaction) {
    ASSERT_TRUE(db_[0]->Execute("BEGIN").ok());
  }
  auto cursor = db_[0]->Start(query);
  ASSERT_TRUE(cursor.ok()) << cursor.status().ToString();
  std::vector<std::string> got;
  auto read = [&](size_t n) {
    engine::QueryResult one;
    one.rows.resize(1);
    while (got.size() < n) {
      Result<bool> more = (*cursor)->Next(&one.rows[0]);
      ASSERT_TRUE(more.ok()) << more.status().ToString();
      if (!*more) return;
      got.push_back(Render(one)[0]);
    }
  };
  read(2);
  for (const char* write : {"UPDATE big SET v = v + 1 WHERE id % 3 = 0",
                            "DELETE FROM small WHERE id % 2 = 0",
                            "INSERT INTO small SELECT id + 100000, big_id, 0 FROM small"}) {
    auto r = db_[0]->Execute(write);
    ASSERT_TRUE(r.ok()) << write << ": " << r.status().ToString();
  }
  read(SIZE_MAX);
  EXPECT_EQ(got, want);
  if (in_transaction) {
    ASSERT_TRUE(db_[0]->Execute("COMMIT").ok());
  }
}

TEST_F(ParallelScanTest, ConcurrentCursorKeepsItsSnapshotWhileTheSessionWrites) {
  CheckCursorWhileWriting(false);
}

TEST_F(ParallelScanTest, ConcurrentCursorInsideATransactionFinishesBeforeTheNextStatement) {
  CheckCursorWhileWriting(true);
}

// With a small memory budget the worker may hold little (a quarter of it):
// it stops taking parts and the statement's thread decodes the rest.
class ParallelScanSmallBudgetTest : public ParallelScanTest {
 protected:
  void SetUp() override {
    vector_memory_limit_ = 6 << 20;
    ParallelScanTest::SetUp();
  }
};

TEST_F(ParallelScanSmallBudgetTest, ConcurrentWorkerStopsAtItsBufferCap) { CheckAll(); }

}  // namespace
}  // namespace zq

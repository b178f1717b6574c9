// SAVEPOINT, ROLLBACK TO SAVEPOINT and RELEASE, with PostgreSQL's rules: a
// failed statement aborts the transaction until ROLLBACK TO undoes it;
// schema changes roll back with the data.
#include <gtest/gtest.h>

#include "engine/database.hpp"
#include "sql/lexer/sql_error.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq::engine {
namespace {

class SavepointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DatabaseOptions options;
    options.store.vfs = &vfs_;
    auto db = Database::Open("s.zq", options);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    ASSERT_EQ(Run("CREATE TABLE t (x int PRIMARY KEY)"), "ok");
  }
  // "ok" or the SQLSTATE of the error.
  std::string Run(const std::string& sql) {
    Result<QueryResult> r = db_->Execute(sql);
    if (r.ok()) return "ok";
    auto e = sql::DecodeSqlError(r.status());
    return e ? e->sqlstate : r.status().ToString();
  }
  std::string Values() {
    Result<QueryResult> r = db_->Execute("SELECT x FROM t ORDER BY x");
    if (!r.ok()) return r.status().ToString();
    std::string s;
    for (const sql::Row& row : r->rows) s += sql::ValueToText(row[0]) + ",";
    return s;
  }

  storage::FaultVfs vfs_{4};
  std::unique_ptr<Database> db_;
};

TEST_F(SavepointTest, RollbackToUndoesLaterWritesAndClearsTheFailure) {
  EXPECT_EQ(Run("BEGIN"), "ok");
  EXPECT_EQ(Run("INSERT INTO t VALUES (1)"), "ok");
  EXPECT_EQ(Run("SAVEPOINT a"), "ok");
  EXPECT_EQ(Run("INSERT INTO t VALUES (2)"), "ok");
  EXPECT_EQ(Run("INSERT INTO t VALUES (1)"), "23505");
  EXPECT_EQ(Run("SELECT 1"), "25P02");  // aborted until ROLLBACK TO
  EXPECT_EQ(Run("ROLLBACK TO SAVEPOINT a"), "ok");
  EXPECT_EQ(Values(), "1,");
  EXPECT_EQ(Run("INSERT INTO t VALUES (3)"), "ok");
  EXPECT_EQ(Run("ROLLBACK TO a"), "ok");  // the savepoint stays after a rollback to it
  EXPECT_EQ(Run("INSERT INTO t VALUES (4)"), "ok");
  EXPECT_EQ(Run("RELEASE SAVEPOINT a"), "ok");
  EXPECT_EQ(Run("ROLLBACK TO a"), "3B001");
  EXPECT_EQ(Run("INSERT INTO t VALUES (7)"), "25P02");  // that error aborted the transaction
  EXPECT_EQ(Run("ROLLBACK"), "ok");
  EXPECT_EQ(Values(), "");
  EXPECT_EQ(Run("BEGIN"), "ok");
  EXPECT_EQ(Run("INSERT INTO t VALUES (5)"), "ok");
  EXPECT_EQ(Run("SAVEPOINT b"), "ok");
  EXPECT_EQ(Run("INSERT INTO t VALUES (6)"), "ok");
  EXPECT_EQ(Run("RELEASE b"), "ok");
  EXPECT_EQ(Run("COMMIT"), "ok");
  EXPECT_EQ(Values(), "5,6,");
}

TEST_F(SavepointTest, SchemaChangesRollBackWithTheirSavepoint) {
  EXPECT_EQ(Run("BEGIN"), "ok");
  EXPECT_EQ(Run("SAVEPOINT s"), "ok");
  EXPECT_EQ(Run("CREATE TABLE u (y int)"), "ok");
  EXPECT_EQ(Run("INSERT INTO u VALUES (1)"), "ok");
  EXPECT_EQ(Run("ROLLBACK TO SAVEPOINT s"), "ok");
  EXPECT_EQ(Run("SELECT * FROM u"), "42P01");
  EXPECT_EQ(Run("ROLLBACK TO s"), "ok");
  EXPECT_EQ(Run("CREATE TABLE u (z text)"), "ok");  // the name is free again
  EXPECT_EQ(Run("COMMIT"), "ok");
  EXPECT_EQ(Run("INSERT INTO u VALUES ('z')"), "ok");
}

TEST_F(SavepointTest, OutsideATransactionIsAnError) {
  EXPECT_EQ(Run("SAVEPOINT x"), "25P01");
  EXPECT_EQ(Run("RELEASE x"), "25P01");
  EXPECT_EQ(Run("ROLLBACK TO x"), "25P01");
  EXPECT_EQ(Run("BEGIN"), "ok");
  EXPECT_EQ(Run("RELEASE nope"), "3B001");
}

}  // namespace
}  // namespace zq::engine

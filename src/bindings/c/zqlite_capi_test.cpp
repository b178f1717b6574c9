// Tests of the C API through libzqlite.so: the normal path, error codes with
// SQLSTATE, and misuse (NULL, closed and finalized handles, overlapping
// calls), which must return ZQ_MISUSE and never crash.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "zqlite/zqlite.h"

namespace {

zq_db* OpenMemory() {
  zq_db* db = nullptr;
  EXPECT_EQ(zq_open_v2(nullptr, &db, ZQ_OPEN_MEMORY, nullptr), ZQ_OK);
  return db;
}

TEST(CApiTest, PrepareBindStepColumns) {
  zq_db* db = OpenMemory();
  ASSERT_EQ(zq_exec(db, "CREATE TABLE t (id bigint PRIMARY KEY, name text, price numeric(10,2), "
                        "ok boolean, data bytea, r double precision)",
                    nullptr, nullptr, nullptr),
            ZQ_OK);
  zq_stmt* ins = nullptr;
  const char* tail = nullptr;
  const char* sql = "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?); SELECT 1";
  ASSERT_EQ(zq_prepare_v2(db, sql, -1, &ins, &tail), ZQ_OK);
  EXPECT_STREQ(tail, " SELECT 1");
  EXPECT_EQ(zq_bind_parameter_count(ins), 6);
  EXPECT_EQ(zq_bind_int64(ins, 1, 7), ZQ_OK);
  EXPECT_EQ(zq_bind_text(ins, 2, "seven", -1, ZQ_TRANSIENT), ZQ_OK);
  EXPECT_EQ(zq_bind_numeric(ins, 3, "12.345"), ZQ_OK);
  EXPECT_EQ(zq_bind_bool(ins, 4, 1), ZQ_OK);
  EXPECT_EQ(zq_bind_blob(ins, 5, "\0\1\2", 3, ZQ_STATIC), ZQ_OK);
  EXPECT_EQ(zq_bind_double(ins, 6, 0.25), ZQ_OK);
  EXPECT_EQ(zq_bind_null(ins, 7), ZQ_RANGE);
  EXPECT_EQ(zq_bind_numeric(ins, 3, "12.3.4"), ZQ_MISMATCH);
  EXPECT_EQ(zq_step(ins), ZQ_DONE);
  EXPECT_EQ(zq_changes(db), 1);
  EXPECT_EQ(zq_bind_int(ins, 1, 8), ZQ_MISUSE);  // bind after step needs a reset
  EXPECT_EQ(zq_reset(ins), ZQ_OK);
  EXPECT_EQ(zq_bind_int(ins, 1, 8), ZQ_OK);
  EXPECT_EQ(zq_clear_bindings(ins), ZQ_OK);
  EXPECT_EQ(zq_bind_int(ins, 1, 8), ZQ_OK);
  EXPECT_EQ(zq_step(ins), ZQ_DONE);  // the other columns are NULL now
  EXPECT_EQ(zq_finalize(ins), ZQ_OK);

  zq_stmt* q = nullptr;
  ASSERT_EQ(zq_prepare_v2(db, "SELECT id, name, price, ok, data, r FROM t ORDER BY id", -1, &q,
                          nullptr),
            ZQ_OK);
  ASSERT_EQ(zq_step(q), ZQ_ROW);
  EXPECT_EQ(zq_column_count(q), 6);
  EXPECT_STREQ(zq_column_name(q, 1), "name");
  EXPECT_STREQ(zq_column_decltype(q, 2), "numeric(10,2)");
  EXPECT_EQ(zq_column_zqtype(q, 0), ZQ_TYPE_BIGINT);
  EXPECT_EQ(zq_column_type(q, 0), ZQ_INTEGER);
  EXPECT_EQ(zq_column_int64(q, 0), 7);
  EXPECT_STREQ(reinterpret_cast<const char*>(zq_column_text(q, 1)), "seven");
  EXPECT_EQ(zq_column_type(q, 2), ZQ_NUMERIC);
  EXPECT_STREQ(reinterpret_cast<const char*>(zq_column_text(q, 2)), "12.35");  // rounded to scale 2
  EXPECT_EQ(zq_column_type(q, 3), ZQ_BOOLEAN);
  EXPECT_EQ(zq_column_int(q, 3), 1);
  EXPECT_EQ(zq_column_type(q, 4), ZQ_BLOB);
  ASSERT_EQ(zq_column_bytes(q, 4), 3);
  EXPECT_EQ(std::memcmp(zq_column_blob(q, 4), "\0\1\2", 3), 0);
  EXPECT_DOUBLE_EQ(zq_column_double(q, 5), 0.25);
  EXPECT_EQ(zq_column_text(q, 99), nullptr);
  ASSERT_EQ(zq_step(q), ZQ_ROW);
  EXPECT_EQ(zq_column_type(q, 1), ZQ_NULL);
  EXPECT_EQ(zq_column_text(q, 1), nullptr);
  EXPECT_EQ(zq_step(q), ZQ_DONE);
  EXPECT_EQ(zq_finalize(q), ZQ_OK);
  EXPECT_EQ(zq_close(db), ZQ_OK);
}

TEST(CApiTest, ErrorsCarryCodesAndSqlstate) {
  zq_db* db = OpenMemory();
  char* message = nullptr;
  EXPECT_EQ(zq_exec(db, "SELEKT 1", nullptr, nullptr, &message), ZQ_ERROR);
  ASSERT_NE(message, nullptr);
  EXPECT_NE(std::string(message).find("syntax error"), std::string::npos);
  zq_free(message);
  EXPECT_STREQ(zq_sqlstate(db), "42601");
  EXPECT_EQ(zq_error_offset(db), 0);
  EXPECT_EQ(zq_exec(db, "CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL CHECK (v > 0))",
                    nullptr, nullptr, nullptr),
            ZQ_OK);
  EXPECT_EQ(zq_exec(db, "INSERT INTO t VALUES (1, 1)", nullptr, nullptr, nullptr), ZQ_OK);
  EXPECT_EQ(zq_exec(db, "INSERT INTO t VALUES (1, 2)", nullptr, nullptr, nullptr), ZQ_CONSTRAINT);
  EXPECT_EQ(zq_extended_errcode(db), ZQ_CONSTRAINT_PRIMARYKEY);
  EXPECT_STREQ(zq_sqlstate(db), "23505");
  EXPECT_EQ(zq_exec(db, "CREATE UNIQUE INDEX t_v ON t (v)", nullptr, nullptr, nullptr), ZQ_OK);
  EXPECT_EQ(zq_exec(db, "INSERT INTO t VALUES (5, 1)", nullptr, nullptr, nullptr), ZQ_CONSTRAINT);
  EXPECT_EQ(zq_extended_errcode(db), ZQ_CONSTRAINT_UNIQUE);
  EXPECT_STREQ(zq_sqlstate(db), "23505");
  EXPECT_EQ(zq_exec(db, "INSERT INTO t VALUES (2, NULL)", nullptr, nullptr, nullptr), ZQ_CONSTRAINT);
  EXPECT_EQ(zq_extended_errcode(db), ZQ_CONSTRAINT_NOTNULL);
  EXPECT_EQ(zq_exec(db, "INSERT INTO t VALUES (2, -1)", nullptr, nullptr, nullptr), ZQ_CONSTRAINT);
  EXPECT_EQ(zq_extended_errcode(db), ZQ_CONSTRAINT_CHECK);
  EXPECT_EQ(zq_exec(db, "SELECT 1/0", nullptr, nullptr, nullptr), ZQ_ERROR);
  EXPECT_EQ(zq_extended_errcode(db), ZQ_ERROR_DIVIDE_BY_ZERO);
  EXPECT_EQ(zq_exec(db, "SELECT * FROM nope", nullptr, nullptr, nullptr), ZQ_ERROR);
  EXPECT_STREQ(zq_sqlstate(db), "42P01");
  EXPECT_EQ(zq_exec(db, "SELECT 1", nullptr, nullptr, nullptr), ZQ_OK);
  EXPECT_STREQ(zq_sqlstate(db), "00000");
  EXPECT_STREQ(zq_errstr(ZQ_CONSTRAINT_UNIQUE), "constraint failed");
  EXPECT_EQ(zq_close(db), ZQ_OK);
}

TEST(CApiTest, ExecCallbackSeesRowsAndCanAbort) {
  zq_db* db = OpenMemory();
  struct Seen {
    int rows = 0;
    std::string last;
  } seen;
  auto callback = [](void* arg, int n, char** values, char** names) -> int {
    auto* s = static_cast<Seen*>(arg);
    s->rows++;
    s->last = std::string(names[0]) + "=" + (values[0] ? values[0] : "NULL") + " n=" + std::to_string(n);
    return s->rows == 2 ? 1 : 0;
  };
  EXPECT_EQ(zq_exec(db, "SELECT x FROM (VALUES (1), (2), (3)) AS v(x)", callback, &seen, nullptr),
            ZQ_ABORT);
  EXPECT_EQ(seen.rows, 2);
  EXPECT_EQ(seen.last, "x=2 n=1");
  EXPECT_EQ(zq_close(db), ZQ_OK);
}

// A SELECT's rows are computed as zq_step reads them: a statement left open
// keeps its snapshot while others on the same connection write, an error
// after some rows reaches zq_step, and zq_reset starts the query over.
TEST(CApiTest, StepStreamsRowsOfASnapshot) {
  zq_db* db = OpenMemory();
  ASSERT_EQ(zq_exec(db, "CREATE TABLE t (k int PRIMARY KEY, v int)", nullptr, nullptr, nullptr),
            ZQ_OK);
  zq_stmt* ins = nullptr;
  ASSERT_EQ(zq_prepare_v2(db, "INSERT INTO t VALUES (?, ?)", -1, &ins, nullptr), ZQ_OK);
  ASSERT_EQ(zq_exec(db, "BEGIN", nullptr, nullptr, nullptr), ZQ_OK);
  for (int k = 1; k <= 5000; k++) {
    zq_bind_int64(ins, 1, k);
    zq_bind_int64(ins, 2, k == 4000 ? 0 : k);
    ASSERT_EQ(zq_step(ins), ZQ_DONE);
    zq_reset(ins);
  }
  ASSERT_EQ(zq_exec(db, "COMMIT", nullptr, nullptr, nullptr), ZQ_OK);

  zq_stmt* sel = nullptr;
  ASSERT_EQ(zq_prepare_v2(db, "SELECT k, 100 / v FROM t", -1, &sel, nullptr), ZQ_OK);
  ASSERT_EQ(zq_step(sel), ZQ_ROW);
  EXPECT_EQ(zq_column_int64(sel, 0), 1);
  EXPECT_EQ(zq_exec(db, "DELETE FROM t WHERE k > 1", nullptr, nullptr, nullptr), ZQ_OK);
  EXPECT_EQ(zq_changes(db), 4999);
  int rows = 1;
  int rc;
  while ((rc = zq_step(sel)) == ZQ_ROW) {
    rows++;
    ASSERT_EQ(zq_column_int64(sel, 0), rows);
  }
  EXPECT_EQ(rc, ZQ_ERROR) << "row 4000 divides by zero";
  EXPECT_EQ(zq_extended_errcode(db), ZQ_ERROR_DIVIDE_BY_ZERO);
  EXPECT_LT(rows, 4000);
  EXPECT_EQ(zq_column_count(sel), 2);
  EXPECT_EQ(zq_reset(sel), ZQ_OK);
  ASSERT_EQ(zq_step(sel), ZQ_ROW) << "after reset: the table as it is now";
  EXPECT_EQ(zq_step(sel), ZQ_DONE);
  zq_finalize(sel);
  zq_finalize(ins);
  EXPECT_EQ(zq_close(db), ZQ_OK);
}

TEST(CApiTest, DatesAndTimestampsReadAsTextOrNumbers) {
  zq_db* db = OpenMemory();
  zq_stmt* q = nullptr;
  ASSERT_EQ(zq_prepare_v2(db, "SELECT DATE '1970-01-02', $1::timestamptz, TIMESTAMP '1969-12-31 23:59:59.5'",
                          -1, &q, nullptr),
            ZQ_OK);
  ASSERT_EQ(zq_bind_text(q, 1, "2024-02-29 13:45:07+02", -1, nullptr), ZQ_OK);
  ASSERT_EQ(zq_step(q), ZQ_ROW);
  EXPECT_EQ(zq_column_zqtype(q, 0), ZQ_TYPE_DATE);
  EXPECT_EQ(zq_column_zqtype(q, 1), ZQ_TYPE_TIMESTAMPTZ);
  EXPECT_EQ(zq_column_zqtype(q, 2), ZQ_TYPE_TIMESTAMP);
  EXPECT_STREQ(zq_column_decltype(q, 1), "timestamp with time zone");
  EXPECT_EQ(zq_column_type(q, 0), ZQ_TEXT);
  EXPECT_STREQ(reinterpret_cast<const char*>(zq_column_text(q, 0)), "1970-01-02");
  EXPECT_STREQ(reinterpret_cast<const char*>(zq_column_text(q, 1)), "2024-02-29 11:45:07+00");
  EXPECT_EQ(zq_column_int64(q, 0), 1);
  EXPECT_EQ(zq_column_int64(q, 1), 1709207107000000);
  EXPECT_EQ(zq_column_int64(q, 2), -500000);
  zq_finalize(q);
  EXPECT_EQ(zq_exec(db, "SELECT DATE '2024-13-01'", nullptr, nullptr, nullptr), ZQ_ERROR);
  EXPECT_STREQ(zq_sqlstate(db), "22008");
  EXPECT_EQ(zq_close(db), ZQ_OK);
}

TEST(CApiTest, MisuseNeverCrashes) {
  EXPECT_EQ(zq_open(nullptr, nullptr), ZQ_MISUSE);
  EXPECT_EQ(zq_close(nullptr), ZQ_OK);
  EXPECT_EQ(zq_exec(nullptr, "SELECT 1", nullptr, nullptr, nullptr), ZQ_MISUSE);
  EXPECT_EQ(zq_step(nullptr), ZQ_MISUSE);
  EXPECT_EQ(zq_finalize(nullptr), ZQ_OK);
  EXPECT_EQ(zq_bind_int(nullptr, 1, 1), ZQ_MISUSE);
  EXPECT_EQ(zq_column_text(nullptr, 0), nullptr);
  EXPECT_EQ(zq_errcode(nullptr), ZQ_MISUSE);
  EXPECT_NE(zq_errmsg(nullptr), nullptr);

  zq_db* db = OpenMemory();
  zq_stmt* stmt = nullptr;
  ASSERT_EQ(zq_prepare_v2(db, "SELECT 1", -1, &stmt, nullptr), ZQ_OK);
  EXPECT_EQ(zq_close(db), ZQ_BUSY);  // a statement is still open
  EXPECT_EQ(zq_finalize(stmt), ZQ_OK);
  EXPECT_EQ(zq_step(stmt), ZQ_MISUSE);  // use after finalize
  EXPECT_EQ(zq_finalize(stmt), ZQ_MISUSE);
  EXPECT_EQ(zq_prepare_v2(db, nullptr, -1, &stmt, nullptr), ZQ_MISUSE);
  zq_stmt* empty = reinterpret_cast<zq_stmt*>(0x1);
  EXPECT_EQ(zq_prepare_v2(db, "  ;  -- nothing", -1, &empty, nullptr), ZQ_OK);
  EXPECT_EQ(empty, nullptr);
  EXPECT_EQ(zq_close(db), ZQ_OK);
  EXPECT_EQ(zq_close(db), ZQ_MISUSE);  // use after close
  EXPECT_EQ(zq_exec(db, "SELECT 1", nullptr, nullptr, nullptr), ZQ_MISUSE);

  zq_open_options bad{};
  zq_db* other = nullptr;
  EXPECT_EQ(zq_open_v2(nullptr, &other, ZQ_OPEN_MEMORY, &bad), ZQ_MISUSE);  // struct_size unset
  zq_close(other);
}

TEST(CApiTest, OverlappingCallsOnOneDatabaseAreMisuse) {
  zq_db* db = OpenMemory();
  ASSERT_EQ(zq_exec(db,
                    "CREATE TABLE d (x int); INSERT INTO d SELECT a.x * 100 + b.x * 10 + c.x FROM "
                    "(VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)) a(x), "
                    "(VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)) b(x), "
                    "(VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)) c(x)",
                    nullptr, nullptr, nullptr),
            ZQ_OK);
  zq_stmt* slow = nullptr;
  ASSERT_EQ(zq_prepare_v2(db, "SELECT count(*) FROM d a, d b WHERE a.x + b.x >= 0", -1, &slow,
                          nullptr),
            ZQ_OK);
  // While one thread is inside zq_step (a million-row join), another call on
  // the same database overlaps it and must be refused.
  std::atomic<bool> started{false};
  int step_rc = 0;
  std::thread runner([&] {
    started = true;
    step_rc = zq_step(slow);
  });
  while (!started) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const int overlapped = zq_busy_timeout(db, 10);
  runner.join();
  EXPECT_EQ(step_rc, ZQ_ROW);
  EXPECT_EQ(zq_column_int64(slow, 0), 1000000);
  EXPECT_EQ(overlapped, ZQ_MISUSE);
  EXPECT_EQ(zq_busy_timeout(db, 10), ZQ_OK);  // no overlap now
  EXPECT_EQ(zq_finalize(slow), ZQ_OK);
  EXPECT_EQ(zq_close(db), ZQ_OK);
}

TEST(CApiTest, FileDatabaseWithKeyPersistsAndWrongKeyFails) {
  char dir[] = "/tmp/zqlite-capi-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/k.zq";
  uint8_t key[32];
  for (int i = 0; i < 32; i++) key[i] = static_cast<uint8_t>(i * 7);
  zq_open_options options{};
  options.struct_size = sizeof(options);
  options.key = key;
  options.key_bytes = 32;
  zq_db* db = nullptr;
  ASSERT_EQ(zq_open_v2(path.c_str(), &db, ZQ_OPEN_READWRITE | ZQ_OPEN_CREATE, &options), ZQ_OK);
  ASSERT_EQ(zq_exec(db, "CREATE TABLE s (v text); INSERT INTO s VALUES ('secret')", nullptr,
                    nullptr, nullptr),
            ZQ_OK);
  ASSERT_EQ(zq_close(db), ZQ_OK);
  key[0] ^= 1;
  EXPECT_EQ(zq_open_v2(path.c_str(), &db, ZQ_OPEN_READWRITE, &options), ZQ_AUTH);
  zq_close(db);
  key[0] ^= 1;
  ASSERT_EQ(zq_open_v2(path.c_str(), &db, ZQ_OPEN_READONLY, &options), ZQ_OK);
  zq_stmt* q = nullptr;
  ASSERT_EQ(zq_prepare_v2(db, "SELECT v FROM s", -1, &q, nullptr), ZQ_OK);
  ASSERT_EQ(zq_step(q), ZQ_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(zq_column_text(q, 0)), "secret");
  zq_finalize(q);
  EXPECT_NE(zq_exec(db, "INSERT INTO s VALUES ('x')", nullptr, nullptr, nullptr), ZQ_OK);
  EXPECT_EQ(zq_close(db), ZQ_OK);
  EXPECT_EQ(zq_open_v2((std::string(dir) + "/missing.zq").c_str(), &db, ZQ_OPEN_READWRITE, nullptr),
            ZQ_NOTFOUND);
  zq_close(db);
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  rmdir(dir);
}

}  // namespace

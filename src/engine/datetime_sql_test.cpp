// DATE, TIMESTAMP and TIMESTAMPTZ through SQL: literals, casts, operators,
// functions, ordering, indexes, storage across reopen, and PostgreSQL's
// errors (sql/types/datetime.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "engine/database.hpp"
#include "engine/engine_test_util.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq::engine {
namespace {

class DatetimeSqlTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    db_.reset();
    db_ = OpenTestDatabase(&vfs_, "d.zq");
    ASSERT_NE(db_, nullptr);
  }
  // The rows, or the SQLSTATE of the error.
  std::vector<std::string> Q(const std::string& sql) {
    Result<QueryResult> r = db_->Execute(sql);
    if (!r.ok()) return {StateOf(r.status())};
    return RenderRows(*r);
  }
  using Rows = std::vector<std::string>;

  storage::FaultVfs vfs_{8};
  std::unique_ptr<Database> db_;
};

TEST_F(DatetimeSqlTest, LiteralsCastsAndOutput) {
  EXPECT_EQ(Q("SELECT DATE '2024-02-29', TIMESTAMP '2024-02-29T13:45:07.5', "
              "TIMESTAMPTZ '2024-02-29 13:45:07+02', '2024-01-01'::date, "
              "CAST('2024-01-01 10:00:00.123456' AS timestamp(3))"),
            Rows{"2024-02-29|2024-02-29 13:45:07.5|2024-02-29 11:45:07+00|2024-01-01|"
                 "2024-01-01 10:00:00.123"});
  EXPECT_EQ(Q("SELECT d::timestamp, d::timestamptz, ts::date, ts::timestamptz, tz::timestamp, "
              "d::text || '/' || ts::text FROM (SELECT DATE '1969-12-31' AS d, "
              "TIMESTAMP '1969-12-31 23:59:59.75' AS ts, TIMESTAMPTZ '2000-01-01 00:30+01' AS tz) s"),
            Rows{"1969-12-31 00:00:00|1969-12-31 00:00:00+00|1969-12-31|"
                 "1969-12-31 23:59:59.75+00|1999-12-31 23:30:00|1969-12-31/1969-12-31 23:59:59.75"});
  EXPECT_EQ(Q("SELECT DATE '2024-02-30'"), Rows{"22008"});
  EXPECT_EQ(Q("SELECT DATE 'yesterday-ish'"), Rows{"22007"});
  EXPECT_EQ(Q("SELECT TIMESTAMP '2024-01-01 25:00'"), Rows{"22008"});
  EXPECT_EQ(Q("SELECT DATE '2024-01-01'::int"), Rows{"42804"});
  EXPECT_EQ(Q("SELECT 1::date"), Rows{"42804"});
  EXPECT_EQ(Q("CREATE TABLE bad (t time)"), Rows{"0A000"});
  EXPECT_EQ(Q("CREATE TABLE bad (t timestamp(7))"), Rows{"22023"});
}

TEST_F(DatetimeSqlTest, OperatorsAndFunctions) {
  EXPECT_EQ(Q("SELECT DATE '2024-02-28' + 1, 1 + DATE '2024-02-28', DATE '2024-03-01' - 1, "
              "DATE '2024-03-01' - DATE '2023-03-01', DATE '2024-03-01' - '2024-02-01'"),
            Rows{"2024-02-29|2024-02-29|2024-02-29|366|29"});
  EXPECT_EQ(Q("SELECT DATE '9999-12-31' + 1"), Rows{"22008"});
  EXPECT_EQ(Q("SELECT TIMESTAMP '2024-01-01' - TIMESTAMP '2023-01-01'"), Rows{"42883"});
  EXPECT_EQ(Q("SELECT DATE '2024-01-01' * 2"), Rows{"42883"});
  EXPECT_EQ(Q("SELECT DATE '2024-01-01' < TIMESTAMP '2024-01-01 00:00:01', "
              "DATE '2024-01-01' = TIMESTAMPTZ '2024-01-01 01:00+01', "
              "TIMESTAMP '2024-01-01' = '2024-01-01 00:00', DATE '2024-01-01' IN ('2024-01-01')"),
            Rows{"t|t|t|t"});
  EXPECT_EQ(Q("SELECT extract(year FROM DATE '2024-02-29'), EXTRACT(DOW FROM DATE '2024-02-29'), "
              "extract('second' FROM TIMESTAMP '2024-01-01 10:00:05.5'), "
              "date_part('epoch', TIMESTAMPTZ '1970-01-02 00:00Z'), "
              "extract(epoch FROM DATE '1970-01-02')"),
            Rows{"2024|4|5.500000|86400|86400"});
  EXPECT_EQ(Q("SELECT extract(hour FROM DATE '2024-01-01')"), Rows{"0A000"});
  EXPECT_EQ(Q("SELECT date_part('fortnight', now())"), Rows{"22023"});
  EXPECT_EQ(Q("SELECT date_trunc('month', TIMESTAMP '2024-02-29 10:00'), "
              "date_trunc('week', DATE '2024-02-29'), date_trunc('hour', TIMESTAMPTZ '2024-02-29 10:59+00')"),
            Rows{"2024-02-01 00:00:00|2024-02-26 00:00:00+00|2024-02-29 10:00:00+00"});
  EXPECT_EQ(Q("SELECT make_date(2024, 2, 29), make_timestamp(2024, 2, 29, 23, 59, 59.5), "
              "to_timestamp(86400.25)"),
            Rows{"2024-02-29|2024-02-29 23:59:59.5|1970-01-02 00:00:00.25+00"});
  EXPECT_EQ(Q("SELECT make_date(2023, 2, 29)"), Rows{"22008"});
  EXPECT_EQ(Q("SELECT make_timestamp(2024, 1, 1, 24, 0, 0)"), Rows{"22008"});
  EXPECT_EQ(Q("SELECT DATE '2024-01-01' + NULL, extract(year FROM NULL::date)"), Rows{"NULL|NULL"});
}

TEST_F(DatetimeSqlTest, ClockFunctionsReadOneTimePerStatementOrTransaction) {
  EXPECT_EQ(Q("SELECT now() = current_timestamp, now()::date = current_date, "
              "localtimestamp = now()::timestamp, now() > '2020-01-01', "
              "statement_timestamp() = transaction_timestamp()"),
            Rows{"t|t|t|t|t"});
  // Not folded into the cached plan: a later run sees a later time.
  const Rows first = Q("SELECT now()");
  Rows later = first;
  for (int i = 0; i < 200 && later == first; i++) later = Q("SELECT now()");
  EXPECT_NE(later, first);
  EXPECT_EQ(Q("SELECT current_time"), Rows{"0A000"});
  // Inside BEGIN, now() is the transaction's start; statement_timestamp()
  // moves on.
  ASSERT_EQ(Q("BEGIN"), Rows{});
  const Rows start = Q("SELECT now()");
  Rows statement = start;
  for (int i = 0; i < 200 && statement == start; i++) statement = Q("SELECT statement_timestamp()");
  EXPECT_NE(statement, start);
  EXPECT_EQ(Q("SELECT now()"), start);
  EXPECT_EQ(Q("SELECT now() = transaction_timestamp(), current_timestamp = now()"), Rows{"t|t"});
  ASSERT_EQ(Q("COMMIT"), Rows{});
}

TEST_F(DatetimeSqlTest, StoredOrderedIndexedAndReopened) {
  ASSERT_EQ(Q("CREATE TABLE ev (id int PRIMARY KEY, d date NOT NULL, ts timestamp, tz timestamptz)"),
            Rows{});
  ASSERT_EQ(Q("CREATE INDEX ev_d ON ev (d)"), Rows{});
  ASSERT_EQ(Q("CREATE INDEX ev_ts ON ev (ts DESC)"), Rows{});
  std::mt19937_64 rng(31);
  std::string insert = "INSERT INTO ev VALUES ";
  for (int i = 0; i < 500; i++) {
    const int64_t day = static_cast<int64_t>(rng() % 40000) - 20000;  // 1915 .. 2024
    const int64_t micros = day * 86'400'000'000 + static_cast<int64_t>(rng() % 86'400'000'000);
    insert += (i > 0 ? ",(" : "(") + std::to_string(i) + ", DATE '1970-01-01' + " +
              std::to_string(day) + ", to_timestamp(" + std::to_string(micros / 1e6) +
              ")::timestamp, to_timestamp(" + std::to_string(micros / 1e6) + "))";
  }
  ASSERT_EQ(Q(insert), Rows{});
  const Rows by_scan = Q("SELECT id FROM ev WHERE d BETWEEN '1950-01-01' AND '1990-06-30' ORDER BY id");
  EXPECT_GT(by_scan.size(), 50u);
  EXPECT_NE(Q("EXPLAIN SELECT id FROM ev WHERE d BETWEEN '1950-01-01' AND '1990-06-30'")[1].find("ev_d"),
            std::string::npos);
  EXPECT_EQ(Q("SELECT id FROM ev WHERE d + 0 BETWEEN '1950-01-01' AND '1990-06-30' ORDER BY id"),
            by_scan);  // d + 0 cannot use the index
  const Rows ordered = Q("SELECT ts FROM ev WHERE ts > '2000-01-01' ORDER BY ts DESC");
  Rows sorted = ordered;
  std::sort(sorted.rbegin(), sorted.rend());  // ISO text sorts like the time it shows
  EXPECT_EQ(ordered, sorted);
  const Rows all = Q("SELECT * FROM ev ORDER BY id");
  const Rows grouped = Q("SELECT extract(year FROM d) AS y, count(*), min(ts), max(tz) FROM ev "
                         "GROUP BY 1 ORDER BY 1");
  Open();  // reopen: the same rows, decoded from storage
  EXPECT_EQ(Q("SELECT * FROM ev ORDER BY id"), all);
  EXPECT_EQ(Q("SELECT extract(year FROM d) AS y, count(*), min(ts), max(tz) FROM ev "
              "GROUP BY 1 ORDER BY 1"),
            grouped);
}

}  // namespace
}  // namespace zq::engine

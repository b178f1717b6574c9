#include "sql/types/datetime.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <random>

namespace zq::sql {
namespace {

TEST(DatetimeTest, EveryDayRoundTripsThroughTheCalendar) {
  EXPECT_EQ(DaysFromCivil({1970, 1, 1}), 0);
  EXPECT_EQ(DaysFromCivil({1, 1, 1}), kDateMin);
  EXPECT_EQ(DaysFromCivil({9999, 12, 31}), kDateMax);
  EXPECT_EQ(DaysFromCivil({2000, 3, 1}) - DaysFromCivil({2000, 2, 28}), 2);  // 2000 is leap
  EXPECT_EQ(DaysFromCivil({1900, 3, 1}) - DaysFromCivil({1900, 2, 28}), 1);  // 1900 is not
  CivilDate previous = CivilFromDays(kDateMin - 1);
  for (int64_t d = kDateMin; d <= kDateMax; d++) {
    const CivilDate c = CivilFromDays(d);
    ASSERT_TRUE(IsValidCivil(c)) << d;
    ASSERT_EQ(DaysFromCivil(c), d);
    // The next day: same month and day + 1, or the 1st of the next month.
    const bool next_day = c.year == previous.year && c.month == previous.month &&
                          c.day == previous.day + 1;
    const bool next_month = c.day == 1 && (c.month == previous.month % 12 + 1);
    ASSERT_TRUE(next_day || next_month) << d;
    previous = c;
  }
}

// The C library's own calendar (timegm) agrees for the years it covers.
TEST(DatetimeTest, AgreesWithTimegm) {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 20000; i++) {
    std::tm tm{};
    tm.tm_year = static_cast<int>(rng() % 9999) + 1 - 1900;
    tm.tm_mon = static_cast<int>(rng() % 12);
    tm.tm_mday = static_cast<int>(rng() % 28) + 1;
    const int64_t seconds = timegm(&tm);
    EXPECT_EQ(DaysFromCivil({tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday}) * 86'400, seconds);
  }
}

TEST(DatetimeTest, ParsesAndFormatsIsoText) {
  int64_t v = 0;
  ASSERT_EQ(ParseDate("2024-02-29", &v), DatetimeParse::kOk);
  EXPECT_EQ(FormatDate(v), "2024-02-29");
  ASSERT_EQ(ParseDate(" 0001-01-01 10:00 ", &v), DatetimeParse::kOk);  // the time is dropped
  EXPECT_EQ(v, kDateMin);
  EXPECT_EQ(ParseDate("2023-02-29", &v), DatetimeParse::kOutOfRange);
  EXPECT_EQ(ParseDate("10000-01-01", &v), DatetimeParse::kOutOfRange);
  EXPECT_EQ(ParseDate("0000-12-31", &v), DatetimeParse::kOutOfRange);
  for (const char* bad : {"", "2024", "2024-01", "2024/01/01", "2024-01-01x", "24:00", "x",
                          "2024-01-01 1", "2024-01-01 10:0", "2024-01-01 10:00:5"}) {
    EXPECT_EQ(ParseDate(bad, &v), DatetimeParse::kBadSyntax) << bad;
  }

  struct Case {
    const char* text;
    bool zone;
    const char* printed;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"2024-02-29 13:45:07.123456", false, "2024-02-29 13:45:07.123456"},
           {"2024-02-29T13:45", false, "2024-02-29 13:45:00"},
           {"2024-02-29", false, "2024-02-29 00:00:00"},
           {"2024-02-29 13:45:07.5", false, "2024-02-29 13:45:07.5"},
           {"2024-02-29 13:45:07.1234567", false, "2024-02-29 13:45:07.123457"},
           {"2024-02-29 13:45:07+05", false, "2024-02-29 13:45:07"},  // zone ignored
           {"2024-02-29 13:45:07+05", true, "2024-02-29 08:45:07+00"},
           {"2024-02-29 13:45:07-03:30", true, "2024-02-29 17:15:07+00"},
           {"2024-02-29 13:45:07 +0130", true, "2024-02-29 12:15:07+00"},
           {"2024-02-29 13:45:07Z", true, "2024-02-29 13:45:07+00"},
           {"2024-02-29 13:45:07 UTC", true, "2024-02-29 13:45:07+00"},
           {"2024-02-29 24:00:00", false, "2024-03-01 00:00:00"},
           {"1969-12-31 23:59:59.999999", false, "1969-12-31 23:59:59.999999"},
           {"0001-01-01 00:00:00+01", true, nullptr},  // before year 1 in UTC
       }) {
    const DatetimeParse r = ParseTimestamp(c.text, c.zone, &v);
    if (c.printed == nullptr) {
      EXPECT_EQ(r, DatetimeParse::kOutOfRange) << c.text;
      continue;
    }
    ASSERT_EQ(r, DatetimeParse::kOk) << c.text;
    EXPECT_EQ(FormatTimestamp(v, c.zone), c.printed) << c.text;
  }
  for (const char* bad : {"2024-02-29 25:00", "2024-02-29 10:60", "2024-02-29 10:00:60",
                          "2024-02-29 24:00:01"}) {
    EXPECT_EQ(ParseTimestamp(bad, false, &v), DatetimeParse::kOutOfRange) << bad;
  }
  for (const char* bad : {"2024-02-29 10:00 +16", "2024-02-29 10:00 EST", "2024-02-29 10:00:00."}) {
    EXPECT_EQ(ParseTimestamp(bad, true, &v), DatetimeParse::kBadSyntax) << bad;
  }
}

TEST(DatetimeTest, RandomTimestampsRoundTripThroughText) {
  std::mt19937_64 rng(6);
  const int64_t lo = kDateMin * kMicrosPerDay, hi = (kDateMax + 1) * kMicrosPerDay - 1;
  for (int i = 0; i < 50000; i++) {
    const int64_t micros = lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
    for (bool zone : {false, true}) {
      int64_t back = 0;
      ASSERT_EQ(ParseTimestamp(FormatTimestamp(micros, zone), zone, &back), DatetimeParse::kOk);
      ASSERT_EQ(back, micros) << FormatTimestamp(micros, zone);
    }
    int64_t day = 0;
    ASSERT_EQ(ParseDate(FormatDate(DaysOfTimestamp(micros)), &day), DatetimeParse::kOk);
    ASSERT_EQ(day, DaysOfTimestamp(micros));
  }
}

TEST(DatetimeTest, ExtractAndTruncate) {
  int64_t ts = 0;
  ASSERT_EQ(ParseTimestamp("2024-12-30 13:45:07.25", false, &ts), DatetimeParse::kOk);
  auto field = [&](const char* name) { return ExtractField(name, ts, false)->ToString(); };
  EXPECT_EQ(field("year"), "2024");
  EXPECT_EQ(field("month"), "12");
  EXPECT_EQ(field("day"), "30");
  EXPECT_EQ(field("hour"), "13");
  EXPECT_EQ(field("minute"), "45");
  EXPECT_EQ(field("second"), "7.250000");
  EXPECT_EQ(field("milliseconds"), "7250.000");
  EXPECT_EQ(field("microseconds"), "7250000");
  EXPECT_EQ(field("dow"), "1");      // a Monday
  EXPECT_EQ(field("isodow"), "1");
  EXPECT_EQ(field("doy"), "365");
  EXPECT_EQ(field("quarter"), "4");
  EXPECT_EQ(field("week"), "1");     // ISO week 1 of 2025
  EXPECT_EQ(field("isoyear"), "2025");
  EXPECT_EQ(field("century"), "21");
  EXPECT_EQ(field("epoch"), "1735566307.250000");
  EXPECT_FALSE(ExtractField("hour", ts, true).has_value());
  EXPECT_FALSE(ExtractField("fortnight", ts, false).has_value());
  auto trunc = [&](const char* name) { return FormatTimestamp(*TruncateTimestamp(name, ts), false); };
  EXPECT_EQ(trunc("second"), "2024-12-30 13:45:07");
  EXPECT_EQ(trunc("hour"), "2024-12-30 13:00:00");
  EXPECT_EQ(trunc("day"), "2024-12-30 00:00:00");
  EXPECT_EQ(trunc("week"), "2024-12-30 00:00:00");
  EXPECT_EQ(trunc("month"), "2024-12-01 00:00:00");
  EXPECT_EQ(trunc("quarter"), "2024-10-01 00:00:00");
  EXPECT_EQ(trunc("year"), "2024-01-01 00:00:00");
  EXPECT_EQ(trunc("century"), "2001-01-01 00:00:00");
  EXPECT_FALSE(TruncateTimestamp("fortnight", ts).has_value());
  // Before 1970: floor, not truncation toward zero.
  ASSERT_EQ(ParseTimestamp("1969-12-31 23:59:59.5", false, &ts), DatetimeParse::kOk);
  EXPECT_EQ(FormatTimestamp(*TruncateTimestamp("second", ts), false), "1969-12-31 23:59:59");
  EXPECT_EQ(ExtractField("dow", ts, false)->ToString(), "3");  // a Wednesday
}

}  // namespace
}  // namespace zq::sql

// Dates and timestamps: calendar arithmetic and their text forms.
//
// A DATE is a count of days since 1970-01-01; a TIMESTAMP and a TIMESTAMPTZ
// are microseconds since 1970-01-01 00:00:00 (TIMESTAMPTZ in UTC, which is
// also the session time zone: it prints with "+00"). The calendar is the
// proleptic Gregorian one, as in PostgreSQL; years run from 1 to 9999
// (PostgreSQL also has BC years, larger years and ±infinity).
//
// Text input follows PostgreSQL's ISO forms: 'YYYY-MM-DD' for a date (a time
// after it is ignored), 'YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]]' for a timestamp
// (a date alone is midnight), and for a TIMESTAMPTZ an optional zone: 'Z',
// 'UTC', '+HH', '+HH:MM', '+HHMM' (none: UTC). Output: 'YYYY-MM-DD',
// 'YYYY-MM-DD HH:MM:SS[.ffffff]' (trailing fraction zeros dropped) and, for
// TIMESTAMPTZ, '+00' appended.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sql/types/decimal.hpp"

namespace zq::sql {

inline constexpr int64_t kMicrosPerSecond = 1'000'000;
inline constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;
// The supported range: 0001-01-01 to 9999-12-31 (as days since 1970-01-01).
inline constexpr int64_t kDateMin = -719'162;
inline constexpr int64_t kDateMax = 2'932'896;

struct CivilDate {
  int64_t year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

int64_t DaysFromCivil(const CivilDate& date);
CivilDate CivilFromDays(int64_t days);
bool IsValidCivil(const CivilDate& date);
// Floor division of a timestamp into days (negative timestamps included).
int64_t DaysOfTimestamp(int64_t micros);

enum class DatetimeParse { kOk, kBadSyntax, kOutOfRange };
// Days since the epoch.
DatetimeParse ParseDate(std::string_view text, int64_t* days);
// Microseconds since the epoch; `with_zone` reads a zone offset (and a
// timestamp without one is UTC).
DatetimeParse ParseTimestamp(std::string_view text, bool with_zone, int64_t* micros);

std::string FormatDate(int64_t days);
std::string FormatTimestamp(int64_t micros, bool with_zone);

// EXTRACT / date_part fields of a timestamp (microseconds; a date is its
// midnight). nullopt: the field is unknown. `date_only` refuses fields below
// a day (PostgreSQL's rule for dates).
std::optional<Decimal> ExtractField(std::string_view field, int64_t micros, bool date_only);
// date_trunc: the timestamp cut down to the start of `field`; nullopt when
// the field is unknown.
std::optional<int64_t> TruncateTimestamp(std::string_view field, int64_t micros);

}  // namespace zq::sql

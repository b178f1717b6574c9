#include "sql/types/datetime.hpp"

#include <cctype>
#include <cstdio>

namespace zq::sql {

namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

// A cursor over the text being parsed.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  bool Accept(char c) {
    if (peek() != c) return false;
    i_++;
    return true;
  }
  bool AcceptWord(std::string_view word) {  // case-insensitive
    if (s_.size() - i_ < word.size()) return false;
    for (size_t k = 0; k < word.size(); k++) {
      if (std::tolower(static_cast<unsigned char>(s_[i_ + k])) != word[k]) return false;
    }
    i_ += word.size();
    return true;
  }
  void SkipSpaces() {
    while (!done() && std::isspace(static_cast<unsigned char>(s_[i_]))) i_++;
  }
  // An unsigned number of `min`..`max` digits; its digit count in *digits.
  bool Number(size_t min, size_t max, int64_t* out, size_t* digits = nullptr) {
    size_t n = 0;
    int64_t v = 0;
    while (!done() && std::isdigit(static_cast<unsigned char>(s_[i_])) && n < max) {
      v = v * 10 + (s_[i_] - '0');
      i_++;
      n++;
    }
    if (n < min) return false;
    if (!done() && std::isdigit(static_cast<unsigned char>(s_[i_]))) return false;  // too long
    *out = v;
    if (digits != nullptr) *digits = n;
    return true;
  }
  // Digits after a decimal point, as microseconds (rounded half up).
  bool Fraction(int64_t* micros) {
    int64_t v = 0;
    size_t n = 0;
    bool round_up = false;
    while (!done() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
      if (n < 6) {
        v = v * 10 + (s_[i_] - '0');
      } else if (n == 6) {
        round_up = s_[i_] >= '5';
      }
      i_++;
      n++;
    }
    if (n == 0) return false;
    for (size_t k = n; k < 6; k++) v *= 10;
    *micros = v + (round_up ? 1 : 0);
    return true;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

// YYYY-MM-DD: the fields as written (validated by the caller).
bool ScanDate(Scanner* s, CivilDate* date) {
  int64_t y = 0, m = 0, d = 0;
  if (!s->Number(1, 7, &y) || !s->Accept('-') || !s->Number(1, 2, &m) || !s->Accept('-') ||
      !s->Number(1, 2, &d)) {
    return false;
  }
  date->year = y;
  date->month = static_cast<int>(m);
  date->day = static_cast<int>(d);
  return true;
}

struct ClockTime {
  int64_t hour = 0, minute = 0, second = 0, micros = 0;
};

// HH:MM[:SS[.ffffff]]
bool ScanTime(Scanner* s, ClockTime* t) {
  if (!s->Number(1, 2, &t->hour) || !s->Accept(':') || !s->Number(2, 2, &t->minute)) return false;
  if (s->Accept(':')) {
    if (!s->Number(2, 2, &t->second)) return false;
    if (s->Accept('.') && !s->Fraction(&t->micros)) return false;
  }
  return true;
}

bool TimeInRange(const ClockTime& t) {
  // 24:00:00 is allowed, as in PostgreSQL (the next midnight).
  if (t.hour == 24) return t.minute == 0 && t.second == 0 && t.micros == 0;
  return t.hour < 24 && t.minute < 60 && t.second < 60;
}

// Z | UTC | GMT | (+|-)HH[[:]MM]: the offset east of UTC, in seconds.
bool ScanZone(Scanner* s, int64_t* offset_seconds) {
  *offset_seconds = 0;
  if (s->AcceptWord("z") || s->AcceptWord("utc") || s->AcceptWord("gmt")) return true;
  const char sign = s->peek();
  if (sign != '+' && sign != '-') return false;
  s->Accept(sign);
  int64_t hours = 0, minutes = 0;
  size_t digits = 0;
  if (!s->Number(1, 4, &hours, &digits)) return false;
  if (digits == 4) {  // +HHMM
    minutes = hours % 100;
    hours /= 100;
  } else if (digits > 2) {
    return false;
  } else if (s->Accept(':') && !s->Number(2, 2, &minutes)) {
    return false;
  }
  if (hours > 15 || minutes > 59) return false;
  *offset_seconds = (hours * 3600 + minutes * 60) * (sign == '-' ? -1 : 1);
  return true;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// What a date or timestamp text holds: the date, and the time and zone
// offset after it when present (zeros otherwise).
struct ScannedDatetime {
  CivilDate date;
  ClockTime time;
  int64_t offset_seconds = 0;
};

DatetimeParse ScanDatetime(std::string_view text, ScannedDatetime* out) {
  Scanner s(TrimSpaces(text));
  if (!ScanDate(&s, &out->date)) return DatetimeParse::kBadSyntax;
  if (s.Accept('T') || s.Accept('t') || s.Accept(' ')) {
    s.SkipSpaces();
    if (!ScanTime(&s, &out->time)) return DatetimeParse::kBadSyntax;
    s.SkipSpaces();
    if (!s.done() && !ScanZone(&s, &out->offset_seconds)) return DatetimeParse::kBadSyntax;
  }
  if (!s.done()) return DatetimeParse::kBadSyntax;
  if (!IsValidCivil(out->date) || !TimeInRange(out->time)) return DatetimeParse::kOutOfRange;
  return DatetimeParse::kOk;
}

std::string TwoDigits(int64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%02lld", static_cast<long long>(v));
  return buf;
}

}  // namespace

int64_t DaysFromCivil(const CivilDate& date) {
  // Days are counted in 400-year eras of 146,097 days whose years start on
  // March 1st, so that February's leap day is the last day of a year.
  const int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  const int64_t era = FloorDiv(y, 400);
  const int64_t year_of_era = y - era * 400;
  const int64_t month_from_march = date.month > 2 ? date.month - 3 : date.month + 9;
  const int64_t day_of_year = (153 * month_from_march + 2) / 5 + date.day - 1;
  const int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146'097 + day_of_era - 719'468;  // 719,468: 0000-03-01 to 1970-01-01
}

CivilDate CivilFromDays(int64_t days) {
  const int64_t z = days + 719'468;
  const int64_t era = FloorDiv(z, 146'097);
  const int64_t day_of_era = z - era * 146'097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36'524 - day_of_era / 146'096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t month_from_march = (5 * day_of_year + 2) / 153;
  CivilDate d;
  d.day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  d.month = static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  d.year = year_of_era + era * 400 + (d.month <= 2 ? 1 : 0);
  return d;
}

bool IsValidCivil(const CivilDate& date) {
  return date.year >= 1 && date.year <= 9999 && date.month >= 1 && date.month <= 12 &&
         date.day >= 1 && date.day <= DaysInMonth(date.year, date.month);
}

int64_t DaysOfTimestamp(int64_t micros) { return FloorDiv(micros, kMicrosPerDay); }

DatetimeParse ParseDate(std::string_view text, int64_t* days) {
  ScannedDatetime d;
  const DatetimeParse r = ScanDatetime(text, &d);
  if (r != DatetimeParse::kOk) return r;
  *days = DaysFromCivil(d.date);  // a time of day is read and dropped
  return DatetimeParse::kOk;
}

DatetimeParse ParseTimestamp(std::string_view text, bool with_zone, int64_t* micros) {
  ScannedDatetime d;
  const DatetimeParse r = ScanDatetime(text, &d);
  if (r != DatetimeParse::kOk) return r;
  // A zone on a timestamp without time zone is ignored, as in PostgreSQL.
  const int64_t offset = with_zone ? d.offset_seconds : 0;
  const ClockTime& t = d.time;
  const int64_t seconds = (t.hour * 60 + t.minute) * 60 + t.second - offset;
  const int64_t v = DaysFromCivil(d.date) * kMicrosPerDay + seconds * kMicrosPerSecond + t.micros;
  if (v < kDateMin * kMicrosPerDay || v >= (kDateMax + 1) * kMicrosPerDay) {
    return DatetimeParse::kOutOfRange;
  }
  *micros = v;
  return DatetimeParse::kOk;
}

std::string FormatDate(int64_t days) {
  const CivilDate d = CivilFromDays(days);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02d", static_cast<long long>(d.year), d.month,
                d.day);
  return buf;
}

std::string FormatTimestamp(int64_t micros, bool with_zone) {
  const int64_t days = DaysOfTimestamp(micros);
  int64_t rest = micros - days * kMicrosPerDay;
  const int64_t fraction = rest % kMicrosPerSecond;
  rest /= kMicrosPerSecond;
  std::string out = FormatDate(days) + " " + TwoDigits(rest / 3600) + ":" +
                    TwoDigits(rest / 60 % 60) + ":" + TwoDigits(rest % 60);
  if (fraction != 0) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(fraction));
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  if (with_zone) out += "+00";
  return out;
}

std::optional<Decimal> ExtractField(std::string_view field, int64_t micros, bool date_only) {
  const int64_t days = DaysOfTimestamp(micros);
  const int64_t of_day = micros - days * kMicrosPerDay;
  const CivilDate d = CivilFromDays(days);
  const int64_t iso_dow = FloorDiv(days + 3, 7) * -7 + days + 4;  // 1 Monday .. 7 Sunday
  auto whole = [](int64_t v) { return Decimal::FromInt(v); };
  if (field == "year") return whole(d.year);
  if (field == "month") return whole(d.month);
  if (field == "day") return whole(d.day);
  if (field == "quarter") return whole((d.month - 1) / 3 + 1);
  if (field == "decade") return whole(FloorDiv(d.year, 10));
  if (field == "century") return whole((d.year + 99) / 100);
  if (field == "millennium") return whole((d.year + 999) / 1000);
  if (field == "dow") return whole(iso_dow % 7);  // 0 Sunday .. 6 Saturday
  if (field == "isodow") return whole(iso_dow);
  if (field == "doy") return whole(days - DaysFromCivil(CivilDate{d.year, 1, 1}) + 1);
  if (field == "week" || field == "isoyear") {
    // ISO 8601: a week belongs to the year of its Thursday.
    const int64_t thursday = days - (iso_dow - 1) + 3;
    const CivilDate t = CivilFromDays(thursday);
    if (field == "isoyear") return whole(t.year);
    return whole((thursday - DaysFromCivil(CivilDate{t.year, 1, 1})) / 7 + 1);
  }
  if (field == "epoch") {
    if (date_only) return whole(days * 86'400);
    return Decimal{micros, 6};
  }
  if (date_only) return std::nullopt;
  if (field == "hour") return whole(of_day / (3600 * kMicrosPerSecond));
  if (field == "minute") return whole(of_day / (60 * kMicrosPerSecond) % 60);
  const int64_t second_micros = of_day % (60 * kMicrosPerSecond);
  if (field == "second") return Decimal{second_micros, 6};
  if (field == "milliseconds") return Decimal{second_micros, 3};
  if (field == "microseconds") return whole(second_micros);
  return std::nullopt;
}

std::optional<int64_t> TruncateTimestamp(std::string_view field, int64_t micros) {
  const int64_t days = DaysOfTimestamp(micros);
  const CivilDate d = CivilFromDays(days);
  auto at_day = [](int64_t day) { return day * kMicrosPerDay; };
  auto cut = [&](int64_t unit) { return FloorDiv(micros, unit) * unit; };
  if (field == "microseconds") return micros;
  if (field == "milliseconds") return cut(1000);
  if (field == "second") return cut(kMicrosPerSecond);
  if (field == "minute") return cut(60 * kMicrosPerSecond);
  if (field == "hour") return cut(3600 * kMicrosPerSecond);
  if (field == "day") return at_day(days);
  if (field == "week") return at_day(days - (FloorDiv(days + 3, 7) * -7 + days + 3));
  if (field == "month") return at_day(DaysFromCivil(CivilDate{d.year, d.month, 1}));
  if (field == "quarter") {
    return at_day(DaysFromCivil(CivilDate{d.year, (d.month - 1) / 3 * 3 + 1, 1}));
  }
  if (field == "year") return at_day(DaysFromCivil(CivilDate{d.year, 1, 1}));
  if (field == "decade") return at_day(DaysFromCivil(CivilDate{d.year / 10 * 10, 1, 1}));
  if (field == "century") {
    return at_day(DaysFromCivil(CivilDate{(d.year - 1) / 100 * 100 + 1, 1, 1}));
  }
  if (field == "millennium") {
    return at_day(DaysFromCivil(CivilDate{(d.year - 1) / 1000 * 1000 + 1, 1, 1}));
  }
  return std::nullopt;
}

}  // namespace zq::sql

#include "sql/types/value.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "sql/lexer/sql_error.hpp"
#include "util/coding.hpp"

namespace zq::sql {

bool IsIntegerType(TypeId t) {
  return t == TypeId::kInt2 || t == TypeId::kInt4 || t == TypeId::kInt8;
}
bool IsFloatType(TypeId t) { return t == TypeId::kFloat4 || t == TypeId::kFloat8; }
bool IsNumericCategory(TypeId t) {
  return IsIntegerType(t) || IsFloatType(t) || t == TypeId::kNumeric;
}

int NumericRank(TypeId t) {
  switch (t) {
    case TypeId::kInt2:
      return 1;
    case TypeId::kInt4:
      return 2;
    case TypeId::kInt8:
      return 3;
    case TypeId::kNumeric:
      return 4;
    case TypeId::kFloat4:
      return 5;
    case TypeId::kFloat8:
      return 6;
    default:
      return 0;
  }
}

TypeId PromoteNumeric(TypeId a, TypeId b) { return NumericRank(a) >= NumericRank(b) ? a : b; }

double ToDouble(const Value& v) {
  if (IsIntegerType(v.type) || v.type == TypeId::kBool) return static_cast<double>(v.i);
  if (IsFloatType(v.type)) return v.f;
  if (v.type == TypeId::kNumeric) return v.dec.ToDouble();
  return 0;
}

Decimal ToDecimal(const Value& v) {
  if (v.type == TypeId::kNumeric) return v.dec;
  return Decimal::FromInt(v.i);
}

int64_t CheckIntRange(TypeId type, int128 v, uint32_t position) {
  int128 lo = INT64_MIN, hi = INT64_MAX;
  const char* name = "bigint";
  if (type == TypeId::kInt2) {
    lo = INT16_MIN;
    hi = INT16_MAX;
    name = "smallint";
  } else if (type == TypeId::kInt4) {
    lo = INT32_MIN;
    hi = INT32_MAX;
    name = "integer";
  }
  if (v < lo || v > hi) {
    ThrowSqlError(kSqlStateNumericValueOutOfRange, position, std::string(name) + " out of range");
  }
  return static_cast<int64_t>(v);
}

int CompareDoubles(double a, double b) {
  // PostgreSQL: NaN equals NaN and is larger than any other value.
  const bool na = std::isnan(a), nb = std::isnan(b);
  if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
  return a < b ? -1 : (a > b ? 1 : 0);
}

namespace {

template <typename T>
int Cmp(const T& a, const T& b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

}  // namespace

int CompareValues(const Value& a, const Value& b) {
  if (IsNumericCategory(a.type) && IsNumericCategory(b.type)) {
    if (IsIntegerType(a.type) && IsIntegerType(b.type)) return Cmp(a.i, b.i);
    if (IsFloatType(a.type) || IsFloatType(b.type)) return CompareDoubles(ToDouble(a), ToDouble(b));
    return DecimalCompare(ToDecimal(a), ToDecimal(b));
  }
  if (a.type == TypeId::kBool && b.type == TypeId::kBool) return Cmp(a.i, b.i);
  if (IsDatetimeType(a.type) && IsDatetimeType(b.type)) {
    // A date is its midnight next to a timestamp (the session zone is UTC).
    if (a.type == b.type) return Cmp(a.i, b.i);
    auto micros = [](const Value& v) {
      return v.type == TypeId::kDate ? static_cast<int128>(v.i) * kMicrosPerDay : int128{v.i};
    };
    return Cmp(micros(a), micros(b));
  }
  // Text and bytea compare bytewise (the C collation).
  const int c = std::memcmp(a.s.data(), b.s.data(), std::min(a.s.size(), b.s.size()));
  if (c != 0) return c < 0 ? -1 : 1;
  return Cmp(a.s.size(), b.s.size());
}

bool GroupEqual(const Value& a, const Value& b) {
  if (a.null || b.null) return a.null && b.null;
  return CompareValues(a, b) == 0;
}

namespace {

std::string FloatToText(double d, bool single) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0" : "0";
  // The shortest digits that read back exactly (PostgreSQL 12+), ...
  char buf[48];
  const int max_digits = single ? 9 : 17;
  int digits = 1;
  for (; digits <= max_digits; digits++) {
    std::snprintf(buf, sizeof(buf), "%.*e", digits - 1, d);
    if (single ? static_cast<float>(std::strtod(buf, nullptr)) == static_cast<float>(d)
               : std::strtod(buf, nullptr) == d) {
      break;
    }
  }
  // ... written in fixed notation when the exponent is in [-4, 15) (6 for
  // real), else as d.ddde+XX, as float8out/float4out do.
  std::string text = buf;
  const size_t e = text.find('e');
  const int exponent = std::atoi(text.c_str() + e + 1);
  std::string mantissa = text.substr(0, e);
  const bool negative = mantissa[0] == '-';
  if (negative) mantissa.erase(0, 1);
  std::string significant;
  for (char c : mantissa) {
    if (c != '.') significant += c;
  }
  const int limit = single ? 6 : 15;
  std::string out = negative ? "-" : "";
  if (exponent >= -4 && exponent < limit) {
    if (exponent < 0) {
      out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + significant;
    } else if (static_cast<int>(significant.size()) <= exponent + 1) {
      out += significant + std::string(static_cast<size_t>(exponent + 1) - significant.size(), '0');
    } else {
      out += significant.substr(0, static_cast<size_t>(exponent + 1)) + "." +
             significant.substr(static_cast<size_t>(exponent + 1));
    }
    return out;
  }
  out += significant.substr(0, 1);
  if (significant.size() > 1) out += "." + significant.substr(1);
  char exp[16];
  std::snprintf(exp, sizeof(exp), "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  return out + exp;
}

}  // namespace

std::string ValueToText(const Value& v) {
  if (v.null) return "NULL";
  switch (v.type) {
    case TypeId::kBool:
      return v.i ? "t" : "f";
    case TypeId::kInt2:
    case TypeId::kInt4:
    case TypeId::kInt8:
      return std::to_string(v.i);
    case TypeId::kFloat4:
      return FloatToText(v.f, true);
    case TypeId::kFloat8:
      return FloatToText(v.f, false);
    case TypeId::kNumeric:
      return v.dec.ToString();
    case TypeId::kText:
      return v.s;
    case TypeId::kBytea:
      return "\\x" + ToHex(v.s);
    case TypeId::kDate:
      return FormatDate(v.i);
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return FormatTimestamp(v.i, v.type == TypeId::kTimestampTz);
    case TypeId::kNull:
      return "NULL";
  }
  return "";
}

namespace {

[[noreturn]] void InvalidText(const ColumnType& to, std::string_view text, uint32_t position) {
  ThrowSqlError(kSqlStateInvalidTextRepresentation, position,
                "invalid input syntax for type " + catalog::TypeName(to) + ": \"" +
                    std::string(text) + "\"");
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

Value FitNumeric(Decimal d, const ColumnType& to, uint32_t position) {
  if (to.precision < 0) return Value::Numeric(d);
  const int scale = std::max(to.scale, 0);
  std::optional<Decimal> r = DecimalRound(d, scale);
  if (!r || DecimalDigits(r->coefficient) - r->scale > to.precision - scale) {
    ThrowSqlError(kSqlStateNumericValueOutOfRange, position,
                  "numeric field overflow: a field with precision " +
                      std::to_string(to.precision) + ", scale " + std::to_string(scale) +
                      " must round to an absolute value less than 10^" +
                      std::to_string(to.precision - scale));
  }
  return Value::Numeric(*r);
}

Value FitText(std::string s, const ColumnType& to, uint32_t position, bool explicit_cast) {
  if (to.length >= 0 && s.size() > static_cast<size_t>(to.length)) {
    // Count characters, not bytes (UTF-8): continuation bytes do not count.
    size_t chars = 0, cut = s.size();
    for (size_t i = 0; i < s.size(); i++) {
      if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
        if (chars == static_cast<size_t>(to.length)) {
          cut = i;
          break;
        }
        chars++;
      }
    }
    if (cut < s.size()) {
      // SQL: cutting only spaces is no error on assignment either.
      const bool only_spaces = s.find_first_not_of(' ', cut) == std::string::npos;
      if (!explicit_cast && !only_spaces) {
        ThrowSqlError(kSqlStateStringDataRightTruncation, position,
                      "value too long for type " + catalog::TypeName(to));
      }
      s.resize(cut);
    }
  }
  return Value::Text(std::move(s));
}

// TIMESTAMP(p): rounds to p fractional digits (half away from zero).
Value FitTimestamp(int64_t micros, const ColumnType& to, uint32_t position) {
  if (to.precision >= 0 && to.precision < 6) {
    int64_t unit = 1;
    for (int k = to.precision; k < 6; k++) unit *= 10;
    const int64_t half = unit / 2;
    micros = micros >= 0 ? (micros + half) / unit * unit : -((-micros + half) / unit * unit);
  }
  if (!DatetimeInRange(to.id, micros)) {
    ThrowSqlError(kSqlStateDatetimeFieldOverflow, position, "timestamp out of range");
  }
  return Value::Int(to.id, micros);
}

}  // namespace

Value ParseValue(std::string_view text, const ColumnType& to, uint32_t position) {
  const std::string_view t = Trim(text);
  switch (to.id) {
    case TypeId::kNull:
    case TypeId::kText:
      return FitText(std::string(text), to, position, false);
    case TypeId::kBytea: {
      if (text.size() >= 2 && text[0] == '\\' && text[1] == 'x') {
        std::string out;
        for (size_t i = 2; i + 1 < text.size(); i += 2) {
          auto nibble = [&](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            InvalidText(to, text, position);
          };
          out.push_back(static_cast<char>(nibble(text[i]) * 16 + nibble(text[i + 1])));
        }
        if (text.size() % 2 != 0) InvalidText(to, text, position);
        return Value::Text(std::move(out), TypeId::kBytea);
      }
      return Value::Text(std::string(text), TypeId::kBytea);
    }
    case TypeId::kBool: {
      std::string lower;
      for (char c : t) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      // PostgreSQL's boolin: any prefix of true/false/yes/no, "on"/"off"
      // (at least two letters: "o" is ambiguous), "1"/"0".
      auto prefix_of = [&](std::string_view word) {
        return !lower.empty() && lower.size() <= word.size() && word.substr(0, lower.size()) == lower;
      };
      if (prefix_of("true") || prefix_of("yes") || lower == "on" || lower == "1") return Value::Bool(true);
      if (prefix_of("false") || prefix_of("no") || (lower.size() >= 2 && prefix_of("off")) ||
          lower == "0") {
        return Value::Bool(false);
      }
      InvalidText(to, text, position);
    }
    case TypeId::kInt2:
    case TypeId::kInt4:
    case TypeId::kInt8: {
      size_t i = 0;
      bool negative = false;
      if (i < t.size() && (t[i] == '+' || t[i] == '-')) negative = t[i++] == '-';
      if (i == t.size()) InvalidText(to, text, position);
      int128 v = 0;
      for (; i < t.size(); i++) {
        if (t[i] < '0' || t[i] > '9') InvalidText(to, text, position);
        v = v * 10 + (t[i] - '0');
        if (v > (int128{1} << 64)) {
          ThrowSqlError(kSqlStateNumericValueOutOfRange, position,
                        "value \"" + std::string(t) + "\" is out of range for type " +
                            catalog::TypeName(to));
        }
      }
      if (negative) v = -v;
      return Value::Int(to.id, CheckIntRange(to.id, v, position));
    }
    case TypeId::kFloat4:
    case TypeId::kFloat8: {
      std::string lower;
      for (char c : t) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      double d;
      if (lower == "nan") {
        d = std::numeric_limits<double>::quiet_NaN();
      } else if (lower == "infinity" || lower == "+infinity" || lower == "inf") {
        d = std::numeric_limits<double>::infinity();
      } else if (lower == "-infinity" || lower == "-inf") {
        d = -std::numeric_limits<double>::infinity();
      } else {
        if (!Decimal::Parse(t) && !(t.find_first_of("eE") != std::string_view::npos)) {
          InvalidText(to, text, position);
        }
        std::string copy(t);
        char* end = nullptr;
        errno = 0;
        d = std::strtod(copy.c_str(), &end);
        if (copy.empty() || end != copy.c_str() + copy.size()) InvalidText(to, text, position);
        // Overflow, or underflow to zero, is an error (float8in/float4in);
        // for real, also when the double does not fit a float.
        const bool out_of_range =
            (errno == ERANGE && (std::isinf(d) || d == 0)) ||
            (to.id == TypeId::kFloat4 && d != 0 &&
             (std::isinf(static_cast<float>(d)) || static_cast<float>(d) == 0));
        if (out_of_range) {
          ThrowSqlError(kSqlStateNumericValueOutOfRange, position,
                        "\"" + copy + "\" is out of range for type " + catalog::TypeName(to));
        }
      }
      if (to.id == TypeId::kFloat4) d = static_cast<float>(d);
      return Value::Float(to.id, d);
    }
    case TypeId::kNumeric: {
      std::optional<Decimal> d = Decimal::Parse(t);
      if (!d) InvalidText(to, text, position);
      return FitNumeric(*d, to, position);
    }
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      int64_t v = 0;
      const DatetimeParse r = to.id == TypeId::kDate
                                  ? ParseDate(t, &v)
                                  : ParseTimestamp(t, to.id == TypeId::kTimestampTz, &v);
      if (r == DatetimeParse::kBadSyntax) {
        ThrowSqlError(kSqlStateInvalidDatetimeFormat, position,
                      "invalid input syntax for type " + catalog::TypeName(to) + ": \"" +
                          std::string(text) + "\"");
      }
      if (r == DatetimeParse::kOutOfRange) {
        ThrowSqlError(kSqlStateDatetimeFieldOverflow, position,
                      "date/time field value out of range: \"" + std::string(text) + "\"");
      }
      return to.id == TypeId::kDate ? Value::Int(to.id, v) : FitTimestamp(v, to, position);
    }
  }
  InvalidText(to, text, position);
}

Value CastValue(const Value& v, const ColumnType& to, uint32_t position) {
  if (v.null) return Value::Null(to.id);
  if (v.type == to.id && to.precision < 0 && to.length < 0) return v;
  const TypeId from = v.type;
  auto cannot = [&]() {
    ThrowSqlError(kSqlStateDatatypeMismatch, position,
                  "cannot cast type " + catalog::TypeName(ColumnType{from}) + " to " +
                      catalog::TypeName(to));
  };
  if (from == TypeId::kText || from == TypeId::kNull) {
    if (to.id == TypeId::kText) return FitText(v.s, to, position, true);
    return ParseValue(v.s, to, position);
  }
  switch (to.id) {
    case TypeId::kText:
      // boolean to text is 'true'/'false' (booltext), unlike its output 't'/'f'.
      if (from == TypeId::kBool) return FitText(v.i ? "true" : "false", to, position, true);
      return FitText(ValueToText(v), to, position, true);
    case TypeId::kBool:
      if (from == TypeId::kBool) return v;
      if (from == TypeId::kInt4 || from == TypeId::kInt2 || from == TypeId::kInt8) {
        return Value::Bool(v.i != 0);
      }
      cannot();
      break;
    case TypeId::kInt2:
    case TypeId::kInt4:
    case TypeId::kInt8:
      if (IsIntegerType(from)) return Value::Int(to.id, CheckIntRange(to.id, v.i, position));
      if (from == TypeId::kBool) return Value::Int(to.id, v.i);
      if (IsFloatType(from)) {
        if (std::isnan(v.f) || std::fabs(v.f) >= 9.3e18) {
          ThrowSqlError(kSqlStateNumericValueOutOfRange, position,
                        catalog::TypeName(to) + " out of range");
        }
        // Round half to even, as PostgreSQL's rint().
        return Value::Int(to.id, CheckIntRange(to.id, static_cast<int128>(std::nearbyint(v.f)),
                                               position));
      }
      if (from == TypeId::kNumeric) {
        std::optional<int64_t> i = v.dec.ToInt64();
        if (!i) {
          ThrowSqlError(kSqlStateNumericValueOutOfRange, position,
                        catalog::TypeName(to) + " out of range");
        }
        return Value::Int(to.id, CheckIntRange(to.id, *i, position));
      }
      cannot();
      break;
    case TypeId::kFloat4:
    case TypeId::kFloat8: {
      if (!IsNumericCategory(from)) cannot();
      double d = ToDouble(v);
      if (to.id == TypeId::kFloat4) d = static_cast<float>(d);
      return Value::Float(to.id, d);
    }
    case TypeId::kNumeric: {
      if (IsIntegerType(from)) return FitNumeric(Decimal::FromInt(v.i), to, position);
      if (from == TypeId::kNumeric) return FitNumeric(v.dec, to, position);
      if (IsFloatType(from)) {
        if (std::isnan(v.f)) {
          ThrowSqlError(kSqlStateNumericValueOutOfRange, position,
                        "cannot convert NaN to numeric");
        }
        std::optional<Decimal> d = Decimal::FromDouble(v.f);
        if (!d) {
          ThrowSqlError(kSqlStateNumericValueOutOfRange, position, "numeric value out of range");
        }
        return FitNumeric(*d, to, position);
      }
      cannot();
      break;
    }
    case TypeId::kBytea:
      cannot();
      break;
    case TypeId::kDate:
      if (from == TypeId::kTimestamp || from == TypeId::kTimestampTz) {
        return Value::Int(TypeId::kDate, DaysOfTimestamp(v.i));
      }
      cannot();
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      // The session time zone is UTC: the microseconds do not move.
      if (from == TypeId::kDate) return FitTimestamp(v.i * kMicrosPerDay, to, position);
      if (from == TypeId::kTimestamp || from == TypeId::kTimestampTz) return FitTimestamp(v.i, to, position);
      cannot();
      break;
    case TypeId::kNull:
      return v;
  }
  cannot();
  return v;
}

// ---- ordered keys -------------------------------------------------------------

namespace {

constexpr uint8_t kKeyNotNull = 0x01;
constexpr uint8_t kKeyNull = 0x02;

void AppendOrderedDecimal(const Decimal& d, std::string* out) {
  if (d.coefficient == 0) {
    out->push_back(0x02);
    return;
  }
  const Decimal n = DecimalNormalize(d, -1000);
  std::string digits = Decimal{n.coefficient < 0 ? -n.coefficient : n.coefficient, 0}.ToString();
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  // Exponent: digits before the decimal point (may be negative).
  const int exponent = static_cast<int>(
      Decimal{n.coefficient < 0 ? -n.coefficient : n.coefficient, 0}.ToString().size()) -
                       n.scale;
  std::string body;
  body.push_back(static_cast<char>(exponent + 128));
  for (char c : digits) body.push_back(static_cast<char>(c - '0' + 1));
  body.push_back(0x00);
  if (n.coefficient > 0) {
    out->push_back(0x03);
    out->append(body);
  } else {
    out->push_back(0x01);
    for (char c : body) out->push_back(static_cast<char>(~static_cast<uint8_t>(c)));
  }
}

void AppendOrderedBytes(std::string_view s, std::string* out) {
  for (char c : s) {
    out->push_back(c);
    if (c == 0) out->push_back(static_cast<char>(0xFF));
  }
  out->push_back(0);
  out->push_back(0);
}

uint64_t OrderedDoubleBits(double d) {
  if (std::isnan(d)) return ~uint64_t{0};  // after +Infinity
  if (d == 0) d = 0;                         // -0 and +0 are equal
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  return (bits & (uint64_t{1} << 63)) ? ~bits : bits | (uint64_t{1} << 63);
}

}  // namespace

void AppendOrderedKey(const Value& v, std::string* out, bool descending) {
  const size_t start = out->size();
  if (v.null) {
    out->push_back(static_cast<char>(kKeyNull));
  } else {
    out->push_back(static_cast<char>(kKeyNotNull));
    uint8_t buf[8];
    switch (v.type) {
      case TypeId::kBool:
      case TypeId::kInt2:
      case TypeId::kInt4:
      case TypeId::kInt8:
      case TypeId::kDate:
      case TypeId::kTimestamp:
      case TypeId::kTimestampTz:
        PutOrderedInt64(buf, v.i);
        out->append(reinterpret_cast<char*>(buf), 8);
        break;
      case TypeId::kFloat4:
      case TypeId::kFloat8:
        PutBigEndian64(buf, OrderedDoubleBits(v.f));
        out->append(reinterpret_cast<char*>(buf), 8);
        break;
      case TypeId::kNumeric:
        AppendOrderedDecimal(v.dec, out);
        break;
      case TypeId::kText:
      case TypeId::kBytea:
      case TypeId::kNull:
        AppendOrderedBytes(v.s, out);
        break;
    }
  }
  if (descending) {
    for (size_t i = start; i < out->size(); i++) (*out)[i] = static_cast<char>(~(*out)[i]);
  }
}

bool DecodeOrderedKey(std::string_view* in, const ColumnType& type, bool descending, Value* out) {
  auto byte = [&](size_t i) -> uint8_t {
    const uint8_t b = static_cast<uint8_t>((*in)[i]);
    return descending ? static_cast<uint8_t>(~b) : b;
  };
  if (in->empty()) return false;
  if (byte(0) == kKeyNull) {
    *out = Value::Null(type.id);
    in->remove_prefix(1);
    return true;
  }
  if (byte(0) != kKeyNotNull) return false;
  size_t pos = 1;
  Value v;
  v.type = type.id;
  v.null = false;
  switch (type.id) {
    case TypeId::kBool:
    case TypeId::kInt2:
    case TypeId::kInt4:
    case TypeId::kInt8:
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kFloat4:
    case TypeId::kFloat8: {
      if (in->size() < 9) return false;
      uint8_t buf[8];
      for (int i = 0; i < 8; i++) buf[i] = byte(1 + static_cast<size_t>(i));
      if (!IsFloatType(type.id)) {
        // The key must hold a value of its column's type.
        const int64_t i = GetOrderedInt64(buf);
        const bool in_range = type.id == TypeId::kBool   ? (i == 0 || i == 1)
                              : type.id == TypeId::kInt2 ? (i >= INT16_MIN && i <= INT16_MAX)
                              : type.id == TypeId::kInt4 ? (i >= INT32_MIN && i <= INT32_MAX)
                              : IsDatetimeType(type.id)  ? DatetimeInRange(type.id, i)
                                                         : true;
        if (!in_range) return false;
      }
      if (IsFloatType(type.id)) {
        uint64_t bits = GetBigEndian64(buf);
        if (bits == ~uint64_t{0}) {
          v.f = std::numeric_limits<double>::quiet_NaN();
        } else {
          bits = (bits & (uint64_t{1} << 63)) ? bits & ~(uint64_t{1} << 63) : ~bits;
          std::memcpy(&v.f, &bits, 8);
        }
      } else {
        v.i = GetOrderedInt64(buf);
      }
      pos = 9;
      break;
    }
    case TypeId::kNumeric: {
      if (in->size() < 2) return false;
      const uint8_t sign = byte(1);
      pos = 2;
      if (sign == 0x02) {
        v.dec = Decimal{0, 0};
        break;
      }
      if (sign != 0x01 && sign != 0x03) return false;
      auto b = [&](size_t i) { return sign == 0x03 ? byte(i) : static_cast<uint8_t>(~byte(i)); };
      if (in->size() < 3) return false;
      const int exponent = static_cast<int>(b(2)) - 128;
      pos = 3;
      int128 c = 0;
      int count = 0;
      while (true) {
        if (pos >= in->size()) return false;
        const uint8_t d = b(pos++);
        if (d == 0) break;
        if (d > 10 || ++count > kDecimalDigitsMax) return false;
        c = c * 10 + (d - 1);
      }
      if (count == 0 || c % 10 == 0) return false;  // digits are normalized: no trailing zero
      int scale = count - exponent;
      if (scale > kDecimalScaleMax || count - scale > kDecimalDigitsMax) return false;
      while (scale < 0) {
        c *= 10;
        scale++;
      }
      v.dec = Decimal{sign == 0x03 ? c : -c, scale};
      break;
    }
    case TypeId::kText:
    case TypeId::kBytea:
    case TypeId::kNull: {
      while (true) {
        if (pos >= in->size()) return false;
        const uint8_t c = byte(pos++);
        if (c == 0) {
          if (pos >= in->size()) return false;
          const uint8_t next = byte(pos++);
          if (next == 0) break;
          if (next != 0xFF) return false;
        }
        v.s.push_back(static_cast<char>(c));
      }
      break;
    }
  }
  in->remove_prefix(pos);
  *out = std::move(v);
  return true;
}

// ---- row storage ------------------------------------------------------------

void AppendRowValue(const Value& v, std::string* out) {
  if (v.null) {
    out->push_back(0);
    return;
  }
  out->push_back(static_cast<char>(v.type));
  switch (v.type) {
    case TypeId::kBool:
    case TypeId::kInt2:
    case TypeId::kInt4:
    case TypeId::kInt8:
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      AppendVarint64(out, (static_cast<uint64_t>(v.i) << 1) ^ static_cast<uint64_t>(v.i >> 63));
      break;
    case TypeId::kFloat4:
    case TypeId::kFloat8: {
      uint64_t bits;
      std::memcpy(&bits, &v.f, 8);
      AppendFixed64(out, bits);
      break;
    }
    case TypeId::kNumeric: {
      out->push_back(static_cast<char>(v.dec.scale));
      const auto u = static_cast<unsigned __int128>(v.dec.coefficient);
      AppendFixed64(out, static_cast<uint64_t>(u));
      AppendFixed64(out, static_cast<uint64_t>(u >> 64));
      break;
    }
    case TypeId::kText:
    case TypeId::kBytea:
      AppendLengthPrefixed(out, v.s);
      break;
    case TypeId::kNull:
      break;
  }
}

Value StoredValue::ToValue() const {
  Value v;
  v.type = type;
  v.null = type == TypeId::kNull;
  v.i = i;
  v.f = f;
  if (type == TypeId::kNumeric) v.dec = dec;
  if (type == TypeId::kText || type == TypeId::kBytea) v.s.assign(bytes);
  return v;
}

bool DecodeRow(std::string_view bytes, size_t column_count, Row* out) {
  StoredRowReader reader(bytes);
  out->clear();
  out->reserve(column_count);
  StoredValue v;
  for (size_t i = 0; i < column_count; i++) {
    if (!reader.Next(&v)) return false;
    out->push_back(v.ToValue());
  }
  return reader.Finished();
}

}  // namespace zq::sql

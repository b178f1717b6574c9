#include "sql/executor/datetime_functions.hpp"

#include <cctype>
#include <cmath>

#include "sql/lexer/sql_error.hpp"
#include "sql/types/datetime.hpp"

namespace zq::sql {

namespace {

std::string Lower(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

[[noreturn]] void OutOfRange(uint32_t position, const std::string& what) {
  ThrowSqlError(kSqlStateDatetimeFieldOverflow, position, what + " out of range");
}

Value Checked(TypeId type, int64_t v, uint32_t position) {
  if (!DatetimeInRange(type, v)) OutOfRange(position, catalog::TypeName(ColumnType{type}));
  return Value::Int(type, v);
}

// Seconds (with a fraction) as microseconds; false when not finite or too large.
bool SecondsToMicros(double seconds, int64_t* micros) {
  if (!std::isfinite(seconds) || std::fabs(seconds) > 9.0e12) return false;
  *micros = std::llround(seconds * static_cast<double>(kMicrosPerSecond));
  return true;
}

}  // namespace

bool IsDatetimeFunction(ScalarFn fn) {
  switch (fn) {
    case ScalarFn::kNow:
    case ScalarFn::kStatementTimestamp:
    case ScalarFn::kCurrentDate:
    case ScalarFn::kLocalTimestamp:
    case ScalarFn::kDatePart:
    case ScalarFn::kExtract:
    case ScalarFn::kDateTrunc:
    case ScalarFn::kMakeDate:
    case ScalarFn::kMakeTimestamp:
    case ScalarFn::kToTimestamp:
      return true;
    default:
      return false;
  }
}

Value CallDatetimeFunction(ScalarFn fn, const std::vector<Value>& args, const ColumnType& type,
                           uint32_t position, ExecContext& ctx) {
  switch (fn) {
    case ScalarFn::kNow:
      return Value::Int(TypeId::kTimestampTz, ctx.NowMicros());
    case ScalarFn::kStatementTimestamp:
      return Value::Int(TypeId::kTimestampTz, ctx.StatementMicros());
    case ScalarFn::kLocalTimestamp:
      return Value::Int(TypeId::kTimestamp, ctx.NowMicros());
    case ScalarFn::kCurrentDate:
      return Value::Int(TypeId::kDate, DaysOfTimestamp(ctx.NowMicros()));
    case ScalarFn::kDatePart:
    case ScalarFn::kExtract: {
      const std::string field = Lower(args[0].s);
      const Value& x = args[1];
      const bool date = x.type == TypeId::kDate;
      std::optional<Decimal> d = ExtractField(field, date ? x.i * kMicrosPerDay : x.i, date);
      if (!d) {
        const bool known = ExtractField(field, 0, false).has_value();
        ThrowSqlError(known ? kSqlStateFeatureNotSupported : kSqlStateInvalidParameterValue,
                      position,
                      "unit \"" + field + "\" " + (known ? "not supported" : "not recognized") +
                          " for type " + catalog::TypeName(ColumnType{x.type}));
      }
      if (fn == ScalarFn::kExtract) return Value::Numeric(*d);
      return Value::Float(TypeId::kFloat8, d->ToDouble());
    }
    case ScalarFn::kDateTrunc: {
      const std::string field = Lower(args[0].s);
      std::optional<int64_t> r = TruncateTimestamp(field, args[1].i);
      if (!r) {
        ThrowSqlError(kSqlStateInvalidParameterValue, position,
                      "unit \"" + field + "\" not recognized for type " +
                          catalog::TypeName(ColumnType{type.id}));
      }
      return Checked(type.id, *r, position);
    }
    case ScalarFn::kMakeDate:
    case ScalarFn::kMakeTimestamp: {
      const CivilDate date{args[0].i, static_cast<int>(args[1].i), static_cast<int>(args[2].i)};
      if (args[1].i < 1 || args[1].i > 12 || args[2].i < 1 || args[2].i > 31 || !IsValidCivil(date)) {
        ThrowSqlError(kSqlStateDatetimeFieldOverflow, position,
                      "date field value out of range: " + std::to_string(args[0].i) + "-" +
                          std::to_string(args[1].i) + "-" + std::to_string(args[2].i));
      }
      const int64_t days = DaysFromCivil(date);
      if (fn == ScalarFn::kMakeDate) return Value::Int(TypeId::kDate, days);
      int64_t second_micros = 0;
      if (args[3].i < 0 || args[3].i > 23 || args[4].i < 0 || args[4].i > 59 || args[5].f < 0 ||
          args[5].f >= 60 || !SecondsToMicros(args[5].f, &second_micros)) {
        ThrowSqlError(kSqlStateDatetimeFieldOverflow, position,
                      "time field value out of range: " + std::to_string(args[3].i) + ":" +
                          std::to_string(args[4].i) + ":" + ValueToText(args[5]));
      }
      return Checked(TypeId::kTimestamp,
                     days * kMicrosPerDay + (args[3].i * 60 + args[4].i) * 60 * kMicrosPerSecond +
                         second_micros,
                     position);
    }
    case ScalarFn::kToTimestamp: {
      int64_t micros = 0;
      if (!SecondsToMicros(args[0].f, &micros)) OutOfRange(position, "timestamp");
      return Checked(TypeId::kTimestampTz, micros, position);
    }
    default:
      break;
  }
  ThrowSqlError(kSqlStateInternalError, position, "not a date/time function");
}

}  // namespace zq::sql

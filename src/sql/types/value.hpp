// Value: one SQL value of a PostgreSQL type (catalog::TypeId), possibly NULL.
// Operations follow PostgreSQL: strict types with implicit numeric promotion
// (smallint < integer < bigint < numeric < real < double precision), integer
// overflow and division by zero are errors, integer division truncates.
// Errors are thrown as SqlException (caught at the engine boundary) with
// their SQLSTATE and the position of the expression in the SQL text.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/schema.hpp"
#include "sql/types/datetime.hpp"
#include "sql/types/decimal.hpp"
#include "util/coding.hpp"

namespace zq::sql {

using catalog::ColumnType;
using catalog::TypeId;

struct Value {
  TypeId type = TypeId::kNull;
  bool null = true;
  int64_t i = 0;   // kBool (0 or 1), kInt2, kInt4, kInt8; kDate (days),
                   // kTimestamp and kTimestampTz (microseconds)
  double f = 0;    // kFloat4, kFloat8
  Decimal dec;     // kNumeric
  std::string s;   // kText, kBytea

  static Value Null(TypeId type = TypeId::kNull) {
    Value v;
    v.type = type;
    return v;
  }
  static Value Bool(bool b) {
    Value v;
    v.type = TypeId::kBool;
    v.null = false;
    v.i = b ? 1 : 0;
    return v;
  }
  static Value Int(TypeId type, int64_t i) {
    Value v;
    v.type = type;
    v.null = false;
    v.i = i;
    return v;
  }
  static Value Float(TypeId type, double f) {
    Value v;
    v.type = type;
    v.null = false;
    v.f = f;
    return v;
  }
  static Value Numeric(Decimal d) {
    Value v;
    v.type = TypeId::kNumeric;
    v.null = false;
    v.dec = d;
    return v;
  }
  static Value Text(std::string s, TypeId type = TypeId::kText) {
    Value v;
    v.type = type;
    v.null = false;
    v.s = std::move(s);
    return v;
  }

  bool truthy() const { return !null && i != 0; }  // for kBool values
};

using Row = std::vector<Value>;

bool IsIntegerType(TypeId t);
bool IsFloatType(TypeId t);
bool IsNumericCategory(TypeId t);  // integers, numeric, floats
inline bool IsDatetimeType(TypeId t) {  // date, timestamp, timestamptz
  return t == TypeId::kDate || t == TypeId::kTimestamp || t == TypeId::kTimestampTz;
}
// Whether `v` is a value of datetime type `t` within the supported years.
inline bool DatetimeInRange(TypeId t, int64_t v) {
  if (t == TypeId::kDate) return v >= kDateMin && v <= kDateMax;
  return v >= kDateMin * kMicrosPerDay && v < (kDateMax + 1) * kMicrosPerDay;
}
// Rank in the promotion order; the larger rank wins in mixed arithmetic.
int NumericRank(TypeId t);
TypeId PromoteNumeric(TypeId a, TypeId b);
// date < timestamp < timestamptz: the type both of two datetime types
// convert to implicitly.
inline TypeId PromoteDatetime(TypeId a, TypeId b) {
  return static_cast<uint8_t>(a) >= static_cast<uint8_t>(b) ? a : b;
}

// Total order used by ORDER BY, DISTINCT, GROUP BY and comparisons, for two
// non-NULL values of comparable types (numbers compare by value across
// types; NaN is larger than every other float, as in PostgreSQL).
int CompareValues(const Value& a, const Value& b);
// The same order for two doubles (NaN equal to NaN and above everything).
int CompareDoubles(double a, double b);
// Equal for grouping: NULLs are equal to each other (IS NOT DISTINCT FROM).
bool GroupEqual(const Value& a, const Value& b);

// PostgreSQL's text output of a value ("t"/"f" for booleans; shortest
// round-trip digits for floats; "Infinity"/"NaN"; "\x…" hex for bytea).
std::string ValueToText(const Value& v);

// Conversions. `position` is where the expression starts in the SQL text.
Value CastValue(const Value& v, const ColumnType& to, uint32_t position);
// Parses text as `to` (used for string literals of unknown type and casts).
Value ParseValue(std::string_view text, const ColumnType& to, uint32_t position);
// The value as double (numbers only).
double ToDouble(const Value& v);
// The value as Decimal (integers and numeric only).
Decimal ToDecimal(const Value& v);
// Checks that an integer fits its type; throws 22003 otherwise.
int64_t CheckIntRange(TypeId type, int128 v, uint32_t position);

// Appends a memcmp-ordered encoding of `v` (ascending; NULL sorts last) for
// index keys and group keys. A column stored descending inverts its bytes.
void AppendOrderedKey(const Value& v, std::string* out, bool descending = false);
// Decodes one value encoded by AppendOrderedKey for a column of `type`.
bool DecodeOrderedKey(std::string_view* in, const ColumnType& type, bool descending, Value* out);

// Row storage format: one tagged value per column (not ordered).
void AppendRowValue(const Value& v, std::string* out);
bool DecodeRow(std::string_view bytes, size_t column_count, Row* out);

// One value of a stored row as read, without copying text (a view into the
// row's bytes): what a columnar scan needs to fill vectors in place.
struct StoredValue {
  TypeId type = TypeId::kNull;  // kNull: SQL NULL
  int64_t i = 0;
  double f = 0;
  Decimal dec;
  std::string_view bytes;  // kText, kBytea

  Value ToValue() const;
};

// Reads a stored row value by value, in column order. Next() past the last
// stored value gives NULL (rows written before ALTER TABLE ADD COLUMN are
// shorter); false on malformed bytes.
class StoredRowReader {
 public:
  explicit StoredRowReader(std::string_view bytes)
      : reader_(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), size_(bytes.size()) {}
  bool Next(StoredValue* out);
  // True when every byte was read and none was malformed.
  bool Finished() const { return reader_.remaining() == 0 && !reader_.failed(); }

 private:
  ByteReader reader_;
  size_t size_;
};

// Inline: a columnar scan calls it for every stored value it reads.
inline bool StoredRowReader::Next(StoredValue* out) {
  out->type = TypeId::kNull;
  out->i = 0;  // a Value made from it has its unused fields zero, as a fresh one
  out->f = 0;
  if (reader_.remaining() == 0) return true;  // a row shorter than its table: NULL
  uint8_t tag = 0;
  if (!reader_.ReadFixed8(&tag)) return false;
  if (tag == 0) return true;
  if (tag > static_cast<uint8_t>(catalog::kLastTypeId)) return false;
  out->type = static_cast<TypeId>(tag);
  switch (out->type) {
    case TypeId::kBool:
    case TypeId::kInt2:
    case TypeId::kInt4:
    case TypeId::kInt8:
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      uint64_t z = 0;
      if (!reader_.ReadVarint(&z)) return false;
      const int64_t i = static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
      if ((out->type == TypeId::kBool && i != 0 && i != 1) ||
          (out->type == TypeId::kInt2 && (i < INT16_MIN || i > INT16_MAX)) ||
          (out->type == TypeId::kInt4 && (i < INT32_MIN || i > INT32_MAX)) ||
          (IsDatetimeType(out->type) && !DatetimeInRange(out->type, i))) {
        return false;
      }
      out->i = i;
      return true;
    }
    case TypeId::kFloat4:
    case TypeId::kFloat8: {
      uint64_t bits = 0;
      if (!reader_.ReadFixed64(&bits)) return false;
      std::memcpy(&out->f, &bits, 8);
      return true;
    }
    case TypeId::kNumeric: {
      uint8_t scale = 0;
      uint64_t lo = 0, hi = 0;
      if (!reader_.ReadFixed8(&scale) || !reader_.ReadFixed64(&lo) || !reader_.ReadFixed64(&hi)) {
        return false;
      }
      if (scale > kDecimalScaleMax) return false;
      out->dec.scale = scale;
      out->dec.coefficient = static_cast<int128>((static_cast<unsigned __int128>(hi) << 64) | lo);
      const bool most_negative = hi == (uint64_t{1} << 63) && lo == 0;  // -2^127 has no abs
      return !most_negative && DecimalDigits(out->dec.coefficient) <= kDecimalDigitsMax;
    }
    case TypeId::kText:
    case TypeId::kBytea:
      return reader_.ReadLengthPrefixed(&out->bytes, size_);
    case TypeId::kNull:
      break;
  }
  return true;
}


}  // namespace zq::sql

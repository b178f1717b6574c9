// Column vectors and batches: how the vectorized operators pass rows, one
// array per column instead of one Value per cell. Integers and booleans live
// in an int64 array, floats in a double array, everything else (numeric,
// text, bytea) as Values; a byte per row marks NULL. A column the consumers
// never read is left "absent": all NULL, never filled.
#pragma once

#include <cstdint>
#include <vector>

#include "sql/types/value.hpp"

namespace zq::sql {

enum class VectorKind : uint8_t { kInt, kFloat, kValue };

// Where values of a type live in a ColumnVector.
inline VectorKind KindOf(TypeId type) {
  switch (type) {
    case TypeId::kBool:
    case TypeId::kInt2:
    case TypeId::kInt4:
    case TypeId::kInt8:
      return VectorKind::kInt;
    case TypeId::kFloat4:
    case TypeId::kFloat8:
      return VectorKind::kFloat;
    default:
      return VectorKind::kValue;
  }
}

struct ColumnVector {
  TypeId type = TypeId::kNull;  // the column's type: what Get() gives non-NULL values
  VectorKind kind = VectorKind::kValue;
  bool absent = false;          // not read by anyone: every row NULL, arrays empty
  std::vector<uint8_t> nulls;   // 1: NULL
  std::vector<int64_t> ints;    // kInt
  std::vector<double> floats;   // kFloat
  std::vector<Value> values;    // kValue

  // Sizes the arrays for `rows` rows of `type`; contents unspecified.
  // `as_values` keeps every value as a Value (exact type kept per row).
  void Reset(TypeId column_type, size_t rows, bool as_values = false);
  // Keeps the first `rows` rows (or grows with unspecified contents).
  void Resize(size_t rows);
  void ResetAbsent(TypeId column_type, size_t rows);
  size_t size() const { return nulls.size(); }

  Value Get(size_t row) const;
  void Set(size_t row, const Value& v);
  // Every row = v.
  void Fill(const Value& v);
  void SetNull(size_t row);
  // Appends every row of `from` (converted when its kind differs).
  void AppendAll(const ColumnVector& from);
};

struct Batch {
  size_t size = 0;
  std::vector<ColumnVector> columns;

  Row RowAt(size_t row) const;
};

// Keeps the rows whose flag is set (in order); returns how many remain.
size_t Compact(const std::vector<uint8_t>& keep, Batch* batch);

// Approximate heap bytes of `batch`'s rows, for the memory budget.
uint64_t BatchBytes(const Batch& batch);

}  // namespace zq::sql

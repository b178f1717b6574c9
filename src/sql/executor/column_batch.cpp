#include "sql/executor/column_batch.hpp"

#include <algorithm>

namespace zq::sql {

void ColumnVector::Reset(TypeId column_type, size_t rows, bool as_values) {
  type = column_type;
  kind = as_values ? VectorKind::kValue : KindOf(column_type);
  absent = false;
  ints.clear();
  floats.clear();
  values.clear();
  nulls.clear();
  Resize(rows);
}

void ColumnVector::Resize(size_t rows) {
  if (absent) {
    nulls.assign(rows, 1);
    return;
  }
  nulls.resize(rows);
  switch (kind) {
    case VectorKind::kInt: ints.resize(rows); break;
    case VectorKind::kFloat: floats.resize(rows); break;
    case VectorKind::kValue: values.resize(rows); break;
  }
}

void ColumnVector::ResetAbsent(TypeId column_type, size_t rows) {
  type = column_type;
  kind = KindOf(column_type);
  absent = true;
  nulls.assign(rows, 1);
  ints.clear();
  floats.clear();
  values.clear();
}

Value ColumnVector::Get(size_t row) const {
  if (nulls[row]) return Value::Null(type);
  switch (kind) {
    case VectorKind::kInt: return type == TypeId::kBool ? Value::Bool(ints[row] != 0) : Value::Int(type, ints[row]);
    case VectorKind::kFloat: return Value::Float(type, floats[row]);
    case VectorKind::kValue: break;
  }
  return values[row];
}

void ColumnVector::Set(size_t row, const Value& v) {
  nulls[row] = v.null ? 1 : 0;
  switch (kind) {
    case VectorKind::kInt: ints[row] = v.null ? 0 : v.i; break;
    case VectorKind::kFloat: floats[row] = v.null ? 0 : ToDouble(v); break;
    case VectorKind::kValue: values[row] = v; break;
  }
}

void ColumnVector::Fill(const Value& v) {
  if (size() == 0) return;
  Set(0, v);  // the one place a Value is converted to this vector's kind
  std::fill(nulls.begin() + 1, nulls.end(), nulls[0]);
  switch (kind) {
    case VectorKind::kInt: std::fill(ints.begin() + 1, ints.end(), ints[0]); break;
    case VectorKind::kFloat: std::fill(floats.begin() + 1, floats.end(), floats[0]); break;
    case VectorKind::kValue: std::fill(values.begin() + 1, values.end(), values[0]); break;
  }
}

void ColumnVector::SetNull(size_t row) {
  nulls[row] = 1;
  switch (kind) {
    case VectorKind::kInt: ints[row] = 0; break;
    case VectorKind::kFloat: floats[row] = 0; break;
    case VectorKind::kValue: values[row] = Value::Null(type); break;
  }
}

void ColumnVector::AppendAll(const ColumnVector& from) {
  const size_t rows = from.size();
  if (absent) {
    nulls.resize(nulls.size() + rows, 1);
    return;
  }
  if (from.kind != kind || from.absent) {
    const size_t at = size();
    Resize(at + rows);
    for (size_t r = 0; r < rows; r++) Set(at + r, from.Get(r));
    return;
  }
  nulls.insert(nulls.end(), from.nulls.begin(), from.nulls.end());
  switch (kind) {
    case VectorKind::kInt: ints.insert(ints.end(), from.ints.begin(), from.ints.end()); break;
    case VectorKind::kFloat: floats.insert(floats.end(), from.floats.begin(), from.floats.end()); break;
    case VectorKind::kValue: values.insert(values.end(), from.values.begin(), from.values.end()); break;
  }
}

Row Batch::RowAt(size_t row) const {
  Row out;
  out.reserve(columns.size());
  for (const ColumnVector& c : columns) out.push_back(c.Get(row));
  return out;
}

namespace {

template <typename T>
void KeepRows(const std::vector<uint8_t>& keep, std::vector<T>* values) {
  size_t to = 0;
  for (size_t from = 0; from < keep.size(); from++) {
    if (!keep[from]) continue;
    if (to != from) (*values)[to] = std::move((*values)[from]);
    to++;
  }
  values->resize(to);
}

}  // namespace

size_t Compact(const std::vector<uint8_t>& keep, Batch* batch) {
  size_t kept = 0;
  for (uint8_t k : keep) kept += k != 0;
  if (kept == batch->size) return kept;
  for (ColumnVector& c : batch->columns) {
    if (c.absent) {
      c.nulls.assign(kept, 1);
      continue;
    }
    KeepRows(keep, &c.nulls);
    switch (c.kind) {
      case VectorKind::kInt: KeepRows(keep, &c.ints); break;
      case VectorKind::kFloat: KeepRows(keep, &c.floats); break;
      case VectorKind::kValue: KeepRows(keep, &c.values); break;
    }
  }
  batch->size = kept;
  return kept;
}

uint64_t BatchBytes(const Batch& batch) {
  uint64_t bytes = 0;
  for (const ColumnVector& c : batch.columns) {
    if (c.absent) {
      bytes += batch.size;
      continue;
    }
    if (c.kind != VectorKind::kValue) {
      bytes += batch.size * 9;
      continue;
    }
    for (const Value& v : c.values) {
      bytes += 1 + sizeof(Value) + (v.s.capacity() > 15 ? v.s.capacity() : 0);
    }
  }
  return bytes;
}

}  // namespace zq::sql

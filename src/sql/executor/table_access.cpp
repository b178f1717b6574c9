#include "sql/executor/table_access.hpp"

#include <climits>
#include <cstdint>
#include <optional>

#include "sql/lexer/sql_error.hpp"
#include "sql/types/decimal.hpp"
#include "util/checksum.hpp"
#include "util/coding.hpp"
#include "util/ordered_uint.hpp"
#include "util/sparse_record.hpp"

namespace zq::sql {

std::string EncodeTableKey(const catalog::TableDef& table, const Row& row) {
  std::string key;
  for (uint32_t col : table.primary_key) AppendOrderedKey(row[col], &key);
  return key;
}

std::string EncodeRowIdKey(int64_t row_id) {
  uint8_t buf[8];
  PutOrderedInt64(buf, row_id);
  return std::string(reinterpret_cast<char*>(buf), 8);
}

std::string EncodeRowValue(const Row& row) {
  std::string out;
  for (const Value& v : row) AppendRowValue(v, &out);
  return out;
}

void AppendIndexPart(const catalog::IndexDef& index, size_t part, const Value& v,
                     std::string* out) {
  AppendOrderedKey(v, out, index.descending[part]);
}

void FinishIndexPrefix(const catalog::IndexDef& index, std::string* encoded) {
  if (!index.hash) return;
  // Equal values have one ordered encoding (-0 is 0, numerics are
  // normalized), so equal keys hash alike. The seed and XXH3 are part of the
  // file format: never change them.
  constexpr uint64_t kHashIndexSeed = 0x7a71686173680001ull;
  uint8_t hash[8];
  PutBigEndian64(hash, Checksum64(encoded->data(), encoded->size(), kHashIndexSeed));
  encoded->assign(reinterpret_cast<const char*>(hash), sizeof hash);
}

namespace {

using u128 = unsigned __int128;

u128 LoadUnsigned(const uint8_t* p, size_t bytes, bool big_endian) {
  u128 v = 0;
  for (size_t i = 0; i < bytes; i++) {
    const size_t at = big_endian ? i : bytes - 1 - i;
    v = (v << 8) | p[at];
  }
  return v;
}

void StoreBigEndian(u128 v, size_t bytes, std::string* out) {
  for (size_t i = 0; i < bytes; i++) {
    out->push_back(static_cast<char>(static_cast<uint8_t>(v >> (8 * (bytes - 1 - i)))));
  }
}

// The largest record a packed table shows (the ledger's are 128 bytes).
constexpr size_t kPackedBytesMax = 256;
// 10^38: the first value NUMERIC(38,0) cannot hold.
constexpr u128 kNumericLimit = static_cast<u128>(100000000000000000ull) * 100000000000000000ull *
                               10000ull;

Value PackedValue(const catalog::TableDef& table, size_t column, u128 v) {
  const catalog::ColumnDef& c = table.columns[column];
  auto too_big = [&]() {
    ThrowSqlError("22003", 0,
                  "value of " + table.name + "." + c.name + " does not fit " +
                      catalog::TypeName(c.type));
  };
  switch (c.type.id) {
    case TypeId::kInt2:
      if (v > 0x7fff) too_big();
      return Value::Int(TypeId::kInt2, static_cast<int64_t>(v));
    case TypeId::kInt4:
      if (v > 0x7fffffff) too_big();
      return Value::Int(TypeId::kInt4, static_cast<int64_t>(v));
    case TypeId::kInt8:
      if (v > static_cast<u128>(INT64_MAX)) too_big();
      return Value::Int(TypeId::kInt8, static_cast<int64_t>(v));
    case TypeId::kNumeric:
      if (v >= kNumericLimit) too_big();
      return Value::Numeric(Decimal{static_cast<__int128>(v), 0});
    default:
      ThrowSqlError("XX000", 0, "packed column " + c.name + " has an unsupported type");
  }
}

// The unsigned integer a value stands for, when it is one that fits `bytes`.
std::optional<u128> UnsignedOf(const Value& v, size_t bytes) {
  if (v.null) return std::nullopt;
  u128 out = 0;
  switch (v.type) {
    case TypeId::kInt2:
    case TypeId::kInt4:
    case TypeId::kInt8:
      if (v.i < 0) return std::nullopt;
      out = static_cast<u128>(v.i);
      break;
    case TypeId::kNumeric: {
      const Decimal d = DecimalTrunc(v.dec, 0);
      if (DecimalCompare(d, v.dec) != 0 || d.coefficient < 0) return std::nullopt;  // a fraction
      __int128 c = d.coefficient;
      for (int s = d.scale; s > 0; s--) c /= 10;
      out = static_cast<u128>(c);
      break;
    }
    default:
      return std::nullopt;
  }
  if (bytes < 16 && (out >> (8 * bytes)) != 0) return std::nullopt;
  return out;
}

void AppendPackedKey(const catalog::PackedField& f, u128 v, std::string* out) {
  if (f.varying) {
    AppendOrderedUint(v, out);
  } else {
    StoreBigEndian(v, f.bytes, out);
  }
}

}  // namespace

bool AppendKeyColumn(const catalog::TableDef& table, uint32_t column, const Value& v,
                     bool descending, std::string* out) {
  if (!table.read_only()) {
    AppendOrderedKey(v, out, descending);
    return true;
  }
  std::optional<u128> u = UnsignedOf(v, table.packed[column].bytes);
  if (!u) return false;
  AppendPackedKey(table.packed[column], *u, out);
  return true;
}

bool DecodeKeyColumn(const catalog::TableDef& table, uint32_t column, bool descending,
                     std::string_view* in, Value* out) {
  if (!table.read_only()) return DecodeOrderedKey(in, table.columns[column].type, descending, out);
  const catalog::PackedField& f = table.packed[column];
  u128 v = 0;
  if (f.varying) {
    if (!GetOrderedUint(in, &v) || (f.bytes < 16 && (v >> (8 * f.bytes)) != 0)) return false;
  } else {
    if (in->size() < f.bytes) return false;
    v = LoadUnsigned(reinterpret_cast<const uint8_t*>(in->data()), f.bytes, true);
    in->remove_prefix(f.bytes);
  }
  *out = PackedValue(table, column, v);
  return true;
}

bool IndexEntryTableKey(const catalog::TableDef& table, const catalog::IndexDef& index,
                        std::string_view entry_key, std::string_view entry_value,
                        std::string* table_key) {
  if (table.read_only()) {
    // The row's key column, little-endian and sparse-coded in the entry's value.
    if (table.primary_key.size() != 1) return false;
    const catalog::PackedField& f = table.packed[table.primary_key[0]];
    uint8_t key[16] = {};
    if (f.bytes % kSparseWordBytes != 0 || f.bytes > sizeof key ||
        !DecodeSparseRecord(entry_value, key, f.bytes)) {
      return false;
    }
    table_key->clear();
    AppendPackedKey(f, LoadUnsigned(key, f.bytes, false), table_key);
    return true;
  }
  if (index.hash) {
    if (entry_key.size() < 8) return false;
    entry_key.remove_prefix(8);
  } else {
    for (size_t i = 0; i < index.columns.size(); i++) {
      Value ignored;
      if (!DecodeOrderedKey(&entry_key, table.KeyPartType(index, i), index.descending[i],
                            &ignored)) {
        return false;
      }
    }
  }
  table_key->assign(entry_key);
  return true;
}

void ThrowMalformedRow(const catalog::TableDef& table) {
  ThrowSqlError("XX001", 0, "a stored row of table \"" + table.name + "\" is malformed");
}

Row DecodeStoredRow(const catalog::TableDef& table, std::string_view key, std::string_view value) {
  Row row;
  if (table.read_only()) {
    uint8_t record[kPackedBytesMax];
    if (table.packed_bytes == 0 || table.packed_bytes % kSparseWordBytes != 0 ||
        table.packed_bytes > sizeof record || !DecodeSparseRecord(value, record, table.packed_bytes)) {
      ThrowMalformedRow(table);
    }
    row.resize(table.columns.size());
    for (uint32_t column : table.primary_key) {
      if (!DecodeKeyColumn(table, column, false, &key, &row[column])) ThrowMalformedRow(table);
    }
    if (!key.empty()) ThrowMalformedRow(table);
    for (size_t i = 0; i < table.columns.size(); i++) {
      const catalog::PackedField& f = table.packed[i];
      if (f.in_key) continue;
      if (size_t{f.offset} + f.bytes > table.packed_bytes) {
        ThrowSqlError("XX001", 0, "a record of table \"" + table.name + "\" is too short");
      }
      row[i] = PackedValue(table, i, LoadUnsigned(record + f.offset, f.bytes, false));
    }
    return row;
  }
  if (!DecodeRow(value, table.columns.size(), &row)) ThrowMalformedRow(table);
  for (size_t i = 0; i < row.size(); i++) {
    if (row[i].null) row[i].type = table.columns[i].type.id;
  }
  return row;
}

}  // namespace zq::sql

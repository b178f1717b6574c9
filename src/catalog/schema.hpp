// Schema objects of the SQL catalog: tables, their columns and indexes, and
// views, with their stable binary encoding (the catalog tree stores one
// record per object). Column types are PostgreSQL's (ARCHITECTURE.md §5).
// Default values, CHECK conditions and view bodies are kept as SQL text and
// bound again when used, so the catalog never depends on the SQL layer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace zq::catalog {

// Value types. The numbers are stored in the catalog: never renumber.
enum class TypeId : uint8_t {
  kNull = 0,  // the type of an untyped NULL literal
  kBool = 1,
  kInt2 = 2,
  kInt4 = 3,
  kInt8 = 4,
  kFloat4 = 5,
  kFloat8 = 6,
  kNumeric = 7,
  kText = 8,
  kBytea = 9,
  kDate = 10,         // days since 1970-01-01 (sql/types/datetime.hpp)
  kTimestamp = 11,    // microseconds since 1970-01-01 00:00:00
  kTimestampTz = 12,  // the same, in UTC
};
inline constexpr TypeId kLastTypeId = TypeId::kTimestampTz;

struct ColumnType {
  TypeId id = TypeId::kNull;
  // NUMERIC(precision, scale); VARCHAR(n) puts n in `length`. -1: unconstrained.
  int32_t precision = -1;
  int32_t scale = -1;
  int32_t length = -1;

  bool operator==(const ColumnType&) const = default;
};

// The PostgreSQL name of a type, e.g. "integer", "numeric(10,2)".
std::string TypeName(const ColumnType& type);

struct ColumnDef {
  std::string name;
  ColumnType type;
  bool not_null = false;
  std::string default_sql;  // empty: DEFAULT NULL
};

// The `columns` entry of an index key part that is an expression.
inline constexpr uint32_t kExpressionPart = UINT32_MAX;

struct IndexDef {
  std::string name;
  uint64_t tree = 0;
  bool unique = false;
  // USING HASH: an entry's key is a 64-bit hash of the key values (then the
  // table key), so lookups are by equality on every key part only.
  bool hash = false;
  // One per key part: a position in the table's columns, or kExpressionPart
  // for an expression over the row, kept as SQL text (bound again when used,
  // like CHECK conditions) with the type it evaluates to.
  std::vector<uint32_t> columns;
  std::vector<bool> descending;
  std::vector<std::string> expressions;     // "" for a column part
  std::vector<ColumnType> expression_types;  // {} for a column part
  // A partial index (CREATE INDEX … WHERE): the condition, as SQL text, a
  // row must meet to have an entry; "" indexes every row.
  std::string predicate;

  bool IsExpression(size_t part) const { return columns[part] == kExpressionPart; }
  bool HasExpressions() const;
};

// Where a column of a packed table lives: an unsigned integer of `bytes`
// bytes, little-endian at `offset` in the stored value; in a key (the table's
// or an index's, the key columns one after the other) big-endian or, when
// `varying`, an ordered varying-length unsigned (util/ordered_uint.hpp).
struct PackedField {
  bool in_key = false;
  uint16_t offset = 0;  // in the value
  uint8_t bytes = 0;    // 1, 2, 4, 8 or 16
  bool varying = false;
};

struct TableDef {
  std::string name;
  uint64_t tree = 0;                   // rows, keyed by primary key or row id
  std::vector<ColumnDef> columns;
  std::vector<uint32_t> primary_key;   // column positions; empty: a hidden row id
  std::vector<std::string> checks;     // CHECK conditions as SQL text
  std::vector<IndexDef> indexes;       // secondary indexes, incl. UNIQUE constraints
  // A packed table shows another component's fixed-layout records (the
  // ledger's) to SQL, read-only: one PackedField per column; the key holds
  // the primary key columns, the stored value the packed_bytes record,
  // sparse-coded (util/sparse_record.hpp); an index entry's key holds the
  // index columns and its value the row's single primary key column,
  // little-endian and sparse-coded. Never stored in the catalog: the engine
  // adds these tables when it loads it.
  std::vector<PackedField> packed;
  uint32_t packed_bytes = 0;

  bool read_only() const { return !packed.empty(); }

  std::optional<uint32_t> FindColumn(std::string_view name) const;
  const IndexDef* FindIndex(std::string_view name) const;
  // The type of an index key part's values.
  const ColumnType& KeyPartType(const IndexDef& index, size_t part) const;
};

struct ViewDef {
  std::string name;
  std::string sql;                   // the SELECT as written
  std::vector<std::string> columns;  // explicit column names, may be empty
};

// Catalog records: kind byte | fields. Decode fails with Corruption on bytes
// that are not a record of this version.
std::string EncodeTable(const TableDef& table);
std::string EncodeView(const ViewDef& view);
enum class RecordKind : uint8_t { kTable = 1, kView = 2 };
Result<RecordKind> PeekRecordKind(std::string_view record);
Result<TableDef> DecodeTable(std::string_view record);
Result<ViewDef> DecodeView(std::string_view record);

}  // namespace zq::catalog

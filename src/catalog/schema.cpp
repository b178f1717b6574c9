#include "catalog/schema.hpp"

#include "util/coding.hpp"

namespace zq::catalog {

namespace {

// Version 2 added index expressions, version 3 partial-index conditions;
// older records still decode (version 1 USING HASH indexes stored plain
// keys, so they read as B-tree indexes).
constexpr uint8_t kRecordVersion = 3;
constexpr uint8_t kRecordVersionNoPredicates = 2;
constexpr uint8_t kRecordVersionPlainIndexes = 1;
constexpr size_t kNameBytesMax = 1 << 16;
constexpr size_t kSqlBytesMax = 1 << 24;

void AppendSigned(std::string* out, int64_t v) {
  AppendVarint64(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void AppendColumnType(std::string* out, const ColumnType& t) {
  out->push_back(static_cast<char>(t.id));
  AppendSigned(out, t.precision);
  AppendSigned(out, t.scale);
  AppendSigned(out, t.length);
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : r_(bytes) {}
  uint64_t Varint() {
    uint64_t v = 0;
    r_.ReadVarint(&v);
    return v;
  }
  int32_t Signed() {
    const uint64_t v = Varint();
    return static_cast<int32_t>(static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1));
  }
  uint8_t Byte() {
    uint8_t v = 0;
    r_.ReadFixed8(&v);
    return v;
  }
  std::string String(size_t max) {
    std::string_view s;
    r_.ReadLengthPrefixed(&s, max);
    return std::string(s);
  }
  // A count of items that each need at least one byte: bounds allocation.
  size_t Count() {
    const uint64_t n = Varint();
    if (n > r_.remaining()) {
      bad_ = true;
      return 0;
    }
    return static_cast<size_t>(n);
  }
  ColumnType Type() {
    ColumnType t;
    const uint8_t id = Byte();
    if (id > static_cast<uint8_t>(kLastTypeId)) bad_ = true;
    t.id = static_cast<TypeId>(id);
    t.precision = Signed();
    t.scale = Signed();
    t.length = Signed();
    return t;
  }
  Status Finish(const char* what) const {
    if (r_.failed() || bad_ || r_.remaining() != 0) {
      return Status::Corruption(std::string("catalog: malformed ") + what + " record");
    }
    return Status::Ok();
  }
  void Expect(bool ok) { bad_ = bad_ || !ok; }

 private:
  ByteReader r_;
  bool bad_ = false;
};

}  // namespace

std::string TypeName(const ColumnType& type) {
  switch (type.id) {
    case TypeId::kNull:
      return "unknown";
    case TypeId::kBool:
      return "boolean";
    case TypeId::kInt2:
      return "smallint";
    case TypeId::kInt4:
      return "integer";
    case TypeId::kInt8:
      return "bigint";
    case TypeId::kFloat4:
      return "real";
    case TypeId::kFloat8:
      return "double precision";
    case TypeId::kNumeric:
      if (type.precision < 0) return "numeric";
      return "numeric(" + std::to_string(type.precision) + "," +
             std::to_string(std::max(type.scale, 0)) + ")";
    case TypeId::kText:
      if (type.length < 0) return "text";
      return "character varying(" + std::to_string(type.length) + ")";
    case TypeId::kBytea:
      return "bytea";
    case TypeId::kDate:
      return "date";
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      const std::string p = type.precision >= 0 ? "(" + std::to_string(type.precision) + ")" : "";
      return "timestamp" + p + (type.id == TypeId::kTimestamp ? " without" : " with") + " time zone";
    }
  }
  return "unknown";
}

std::optional<uint32_t> TableDef::FindColumn(std::string_view column) const {
  for (uint32_t i = 0; i < columns.size(); i++) {
    if (columns[i].name == column) return i;
  }
  return std::nullopt;
}

bool IndexDef::HasExpressions() const {
  for (size_t i = 0; i < columns.size(); i++) {
    if (IsExpression(i)) return true;
  }
  return false;
}

const ColumnType& TableDef::KeyPartType(const IndexDef& index, size_t part) const {
  return index.IsExpression(part) ? index.expression_types[part]
                                  : columns[index.columns[part]].type;
}

const IndexDef* TableDef::FindIndex(std::string_view index) const {
  for (const IndexDef& def : indexes) {
    if (def.name == index) return &def;
  }
  return nullptr;
}

std::string EncodeTable(const TableDef& t) {
  std::string out;
  out.push_back(static_cast<char>(RecordKind::kTable));
  out.push_back(static_cast<char>(kRecordVersion));
  AppendLengthPrefixed(&out, t.name);
  AppendVarint64(&out, t.tree);
  AppendVarint64(&out, t.columns.size());
  for (const ColumnDef& c : t.columns) {
    AppendLengthPrefixed(&out, c.name);
    AppendColumnType(&out, c.type);
    out.push_back(c.not_null ? 1 : 0);
    AppendLengthPrefixed(&out, c.default_sql);
  }
  AppendVarint64(&out, t.primary_key.size());
  for (uint32_t col : t.primary_key) AppendVarint64(&out, col);
  AppendVarint64(&out, t.checks.size());
  for (const std::string& check : t.checks) AppendLengthPrefixed(&out, check);
  AppendVarint64(&out, t.indexes.size());
  for (const IndexDef& index : t.indexes) {
    AppendLengthPrefixed(&out, index.name);
    AppendVarint64(&out, index.tree);
    out.push_back(static_cast<char>((index.unique ? 1 : 0) | (index.hash ? 2 : 0)));
    AppendVarint64(&out, index.columns.size());
    for (size_t i = 0; i < index.columns.size(); i++) {
      const bool expression = index.IsExpression(i);
      // An expression part: column 0 and the expression (non-empty) follow.
      AppendVarint64(&out, expression ? 0 : index.columns[i]);
      out.push_back(index.descending[i] ? 1 : 0);
      AppendLengthPrefixed(&out, expression ? index.expressions[i] : std::string());
      if (expression) AppendColumnType(&out, index.expression_types[i]);
    }
    AppendLengthPrefixed(&out, index.predicate);
  }
  return out;
}

std::string EncodeView(const ViewDef& v) {
  std::string out;
  out.push_back(static_cast<char>(RecordKind::kView));
  out.push_back(static_cast<char>(kRecordVersion));
  AppendLengthPrefixed(&out, v.name);
  AppendLengthPrefixed(&out, v.sql);
  AppendVarint64(&out, v.columns.size());
  for (const std::string& c : v.columns) AppendLengthPrefixed(&out, c);
  return out;
}

Result<RecordKind> PeekRecordKind(std::string_view record) {
  const uint8_t version = record.size() < 2 ? 0 : static_cast<uint8_t>(record[1]);
  if (version < kRecordVersionPlainIndexes || version > kRecordVersion) {
    return Status::Corruption("catalog: record of an unknown version");
  }
  const uint8_t kind = static_cast<uint8_t>(record[0]);
  if (kind != static_cast<uint8_t>(RecordKind::kTable) &&
      kind != static_cast<uint8_t>(RecordKind::kView)) {
    return Status::Corruption("catalog: record of an unknown kind");
  }
  return static_cast<RecordKind>(kind);
}

Result<TableDef> DecodeTable(std::string_view record) {
  ZQ_ASSIGN_OR_RETURN(RecordKind kind, PeekRecordKind(record));
  if (kind != RecordKind::kTable) return Status::Corruption("catalog: not a table record");
  const uint8_t version = static_cast<uint8_t>(record[1]);
  const bool plain_indexes = version == kRecordVersionPlainIndexes;
  Reader r(record.substr(2));
  TableDef t;
  t.name = r.String(kNameBytesMax);
  t.tree = r.Varint();
  t.columns.resize(r.Count());
  for (ColumnDef& c : t.columns) {
    c.name = r.String(kNameBytesMax);
    c.type = r.Type();
    c.not_null = r.Byte() != 0;
    c.default_sql = r.String(kSqlBytesMax);
  }
  t.primary_key.resize(r.Count());
  for (uint32_t& col : t.primary_key) {
    col = static_cast<uint32_t>(r.Varint());
    r.Expect(col < t.columns.size());
  }
  t.checks.resize(r.Count());
  for (std::string& check : t.checks) check = r.String(kSqlBytesMax);
  t.indexes.resize(r.Count());
  for (IndexDef& index : t.indexes) {
    index.name = r.String(kNameBytesMax);
    index.tree = r.Varint();
    const uint8_t flags = r.Byte();
    index.unique = (flags & 1) != 0;
    index.hash = (flags & 2) != 0 && !plain_indexes;
    const size_t n = r.Count();
    r.Expect(n > 0);
    for (size_t i = 0; i < n; i++) {
      index.columns.push_back(static_cast<uint32_t>(r.Varint()));
      r.Expect(index.columns.back() < t.columns.size());
      index.descending.push_back(r.Byte() != 0);
      index.expressions.emplace_back(plain_indexes ? std::string() : r.String(kSqlBytesMax));
      index.expression_types.emplace_back();
      if (!index.expressions.back().empty()) {
        index.columns.back() = kExpressionPart;
        index.expression_types.back() = r.Type();
      }
    }
    if (version > kRecordVersionNoPredicates) index.predicate = r.String(kSqlBytesMax);
  }
  ZQ_RETURN_IF_ERROR(r.Finish("table"));
  return t;
}

Result<ViewDef> DecodeView(std::string_view record) {
  ZQ_ASSIGN_OR_RETURN(RecordKind kind, PeekRecordKind(record));
  if (kind != RecordKind::kView) return Status::Corruption("catalog: not a view record");
  Reader r(record.substr(2));
  ViewDef v;
  v.name = r.String(kNameBytesMax);
  v.sql = r.String(kSqlBytesMax);
  v.columns.resize(r.Count());
  for (std::string& c : v.columns) c = r.String(kNameBytesMax);
  ZQ_RETURN_IF_ERROR(r.Finish("view"));
  return v;
}

}  // namespace zq::catalog

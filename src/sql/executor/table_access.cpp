#include "sql/executor/table_access.hpp"

#include "sql/lexer/sql_error.hpp"
#include "util/coding.hpp"

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

std::string EncodeIndexPrefix(const catalog::IndexDef& index, const Row& row) {
  std::string key;
  for (size_t i = 0; i < index.columns.size(); i++) {
    AppendOrderedKey(row[index.columns[i]], &key, index.descending[i]);
  }
  return key;
}

std::string EncodeIndexKey(const catalog::IndexDef& index, const Row& row,
                           std::string_view table_key) {
  std::string key = EncodeIndexPrefix(index, row);
  key.append(table_key);
  return key;
}

bool IndexEntryTableKey(const catalog::TableDef& table, const catalog::IndexDef& index,
                        std::string_view entry, std::string_view* table_key) {
  for (size_t i = 0; i < index.columns.size(); i++) {
    Value ignored;
    if (!DecodeOrderedKey(&entry, table.columns[index.columns[i]].type, index.descending[i],
                          &ignored)) {
      return false;
    }
  }
  *table_key = entry;
  return true;
}

Row DecodeStoredRow(const catalog::TableDef& table, std::string_view bytes) {
  Row row;
  if (!DecodeRow(bytes, table.columns.size(), &row)) {
    ThrowSqlError("XX001", 0, "a stored row of table \"" + table.name + "\" is malformed");
  }
  for (size_t i = 0; i < row.size(); i++) {
    if (row[i].null) row[i].type = table.columns[i].type.id;
  }
  return row;
}

}  // namespace zq::sql

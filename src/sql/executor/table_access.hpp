// How SQL tables live in the store (docs/sql.md, "Storage layout"):
//   table tree:  key = primary key columns, memcmp-ordered (or a hidden 64-bit
//                row id when the table has no primary key); value = the row,
//                one tagged value per column.
//   index tree:  key = index columns (ordered, DESC inverted) + the row's
//                table key; value = empty.
#pragma once

#include <string>
#include <string_view>

#include "catalog/schema.hpp"
#include "sql/types/value.hpp"
#include "storage/store/store.hpp"

namespace zq::sql {

std::string EncodeTableKey(const catalog::TableDef& table, const Row& row);
std::string EncodeRowIdKey(int64_t row_id);
std::string EncodeRowValue(const Row& row);
// The index columns alone (the prefix equal rows share) ...
std::string EncodeIndexPrefix(const catalog::IndexDef& index, const Row& row);
// ... and the full entry key with the table key appended.
std::string EncodeIndexKey(const catalog::IndexDef& index, const Row& row,
                           std::string_view table_key);
// The table key at the end of an index entry; false when malformed.
bool IndexEntryTableKey(const catalog::TableDef& table, const catalog::IndexDef& index,
                        std::string_view entry, std::string_view* table_key);
// Decodes a stored row; throws XX001 (data corrupted) when malformed.
Row DecodeStoredRow(const catalog::TableDef& table, std::string_view bytes);

}  // namespace zq::sql

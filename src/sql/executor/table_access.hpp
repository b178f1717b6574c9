// How SQL tables live in the store (docs/sql.md, "Storage layout"):
//   table tree:  key = primary key columns, memcmp-ordered (or a hidden 64-bit
//                row id when the table has no primary key); value = the row,
//                one tagged value per column.
//   index tree:  key = index key values (ordered, DESC inverted; hashed for
//                a hash index) + the row's table key; value = empty.
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
// An index entry's key is its key values (ordered, DESC inverted; for a
// hash index, the 64-bit hash of that encoding) and then the row's table key.
// AppendIndexPart encodes one key value after the others; FinishIndexPrefix
// turns the encoded values into the prefix equal rows share.
void AppendIndexPart(const catalog::IndexDef& index, size_t part, const Value& v,
                     std::string* out);
void FinishIndexPrefix(const catalog::IndexDef& index, std::string* encoded);
// The table key of an index entry (at the end of its key; for a packed
// table, in its value); false when malformed.
bool IndexEntryTableKey(const catalog::TableDef& table, const catalog::IndexDef& index,
                        std::string_view entry_key, std::string_view entry_value,
                        std::string* table_key);
// Throws XX001: a stored row of `table` cannot be decoded.
[[noreturn]] void ThrowMalformedRow(const catalog::TableDef& table);
// Decodes a stored row from its key and value; throws XX001 (data corrupted)
// when malformed, 22003 when a packed value does not fit its column type.
Row DecodeStoredRow(const catalog::TableDef& table, std::string_view key,
                    std::string_view value);

// One key column of a table or index as stored (ordered SQL encoding, or the
// big-endian field of a packed table). False when no stored key can equal the
// value (a packed key column only holds unsigned integers that fit it).
bool AppendKeyColumn(const catalog::TableDef& table, uint32_t column, const Value& v,
                     bool descending, std::string* out);
// Reads one key column written by AppendKeyColumn from the front of *in.
bool DecodeKeyColumn(const catalog::TableDef& table, uint32_t column, bool descending,
                     std::string_view* in, Value* out);

}  // namespace zq::sql

// SQL text for the shell's .schema and .dump: CREATE statements rebuilt from
// the catalog, and INSERTs with literals that read back to the same values
// (exact NUMERIC digits, round-trip floats, bytea as hex). Loading a dump
// into an empty database and dumping it again gives the same text.
#pragma once

#include <cstdio>
#include <functional>
#include <string>

#include "catalog/schema.hpp"
#include "engine/database.hpp"

namespace zq::cli {

std::string TableDdl(const catalog::TableDef& table);
std::string IndexDdl(const catalog::TableDef& table, const catalog::IndexDef& index);
std::string ViewDdl(const catalog::ViewDef& view);
// A literal that evaluates to `v` in the column's type.
std::string SqlLiteral(const sql::Value& v);

// Writes the schema (and, when `with_data`, the rows) of every relation, or
// only of the table/view named `only` when it is not empty. `progress` gets
// (rows written, total rows) now and then.
Status WriteDump(engine::Database& db, const std::string& only, bool with_data, FILE* out,
                 const std::function<void(uint64_t, uint64_t)>& progress);

}  // namespace zq::cli

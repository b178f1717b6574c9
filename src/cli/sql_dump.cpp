#include "cli/sql_dump.hpp"

#include <cmath>
#include <set>

#include "sql/parser/ast_printer.hpp"
#include "util/coding.hpp"

namespace zq::cli {

namespace {

std::string Name(const std::string& n) { return sql::QuoteIdentifier(n); }

std::string ColumnList(const catalog::TableDef& t, const std::vector<uint32_t>& cols) {
  std::string s = "(";
  for (size_t i = 0; i < cols.size(); i++) s += (i ? ", " : "") + Name(t.columns[cols[i]].name);
  return s + ")";
}

// True when `text` mentions `name` as a whole word (view dependency order).
bool MentionsWord(const std::string& text, const std::string& name) {
  for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    const bool before = at == 0 || !word(text[at - 1]);
    const bool after = at + name.size() >= text.size() || !word(text[at + name.size()]);
    if (before && after) return true;
  }
  return false;
}

}  // namespace

std::string TableDdl(const catalog::TableDef& t) {
  std::string s = "CREATE TABLE " + Name(t.name) + " (";
  for (size_t i = 0; i < t.columns.size(); i++) {
    const catalog::ColumnDef& c = t.columns[i];
    if (i) s += ", ";
    s += Name(c.name) + " " + catalog::TypeName(c.type);
    const bool in_pk = std::find(t.primary_key.begin(), t.primary_key.end(), i) != t.primary_key.end();
    if (c.not_null && !in_pk) s += " NOT NULL";
    if (!c.default_sql.empty()) s += " DEFAULT " + c.default_sql;
  }
  if (!t.primary_key.empty()) s += ", PRIMARY KEY " + ColumnList(t, t.primary_key);
  for (const std::string& check : t.checks) s += ", CHECK (" + check + ")";
  return s + ");";
}

std::string IndexDdl(const catalog::TableDef& t, const catalog::IndexDef& index) {
  std::string s = index.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
  s += Name(index.name) + " ON " + Name(t.name);
  if (index.hash) s += " USING HASH";
  s += " (";
  for (size_t i = 0; i < index.columns.size(); i++) {
    if (i) s += ", ";
    // An expression part in parentheses: valid for any expression.
    s += index.IsExpression(i) ? "(" + index.expressions[i] + ")"
                               : Name(t.columns[index.columns[i]].name);
    if (index.descending[i]) s += " DESC";
  }
  s += ")";
  if (!index.predicate.empty()) s += " WHERE " + index.predicate;
  return s + ";";
}

std::string ViewDdl(const catalog::ViewDef& v) {
  std::string s = "CREATE VIEW " + Name(v.name);
  if (!v.columns.empty()) {
    s += " (";
    for (size_t i = 0; i < v.columns.size(); i++) s += (i ? ", " : "") + Name(v.columns[i]);
    s += ")";
  }
  return s + " AS " + v.sql + ";";
}

std::string SqlLiteral(const sql::Value& v) {
  if (v.null) return "NULL";
  switch (v.type) {
    case sql::TypeId::kBool:
      return v.i ? "true" : "false";
    case sql::TypeId::kInt2:
    case sql::TypeId::kInt4:
    case sql::TypeId::kInt8:
      return std::to_string(v.i);
    case sql::TypeId::kFloat4:
    case sql::TypeId::kFloat8: {
      const std::string type = v.type == sql::TypeId::kFloat4 ? "real" : "double precision";
      if (!std::isfinite(v.f)) return "'" + sql::ValueToText(v) + "'::" + type;
      return "'" + sql::ValueToText(v) + "'::" + type;
    }
    case sql::TypeId::kNumeric:
      return v.dec.ToString();
    case sql::TypeId::kBytea:
      return "'\\x" + ToHex(v.s) + "'::bytea";
    case sql::TypeId::kText:
    case sql::TypeId::kNull:
      return sql::QuoteString(v.s);
    case sql::TypeId::kDate:
    case sql::TypeId::kTimestamp:
    case sql::TypeId::kTimestampTz:
      return "'" + sql::ValueToText(v) + "'::" + catalog::TypeName(sql::ColumnType{v.type});
  }
  return "NULL";
}

Status WriteDump(engine::Database& db, const std::string& only, bool with_data, FILE* out,
                 const std::function<void(uint64_t, uint64_t)>& progress) {
  ZQ_ASSIGN_OR_RETURN(catalog::Catalog cat, db.ReadCatalog());
  if (!only.empty() && cat.FindTable(only) == nullptr && cat.FindView(only) == nullptr) {
    return Status::NotFound("no table or view named \"" + only + "\"");
  }
  if (with_data) std::fprintf(out, "BEGIN;\n");
  uint64_t total = 0, written = 0;
  std::vector<std::pair<const catalog::TableDef*, engine::QueryResult>> data;
  for (const auto& [name, table] : cat.tables()) {
    if (!only.empty() && name != only) continue;
    if (table.read_only()) continue;  // the ledger's: not SQL data (zqlite ledger ...)
    std::fprintf(out, "%s\n", TableDdl(table).c_str());
    if (!with_data) continue;
    ZQ_ASSIGN_OR_RETURN(engine::QueryResult rows, db.Execute("SELECT * FROM " + Name(name)));
    total += rows.rows.size();
    data.emplace_back(&table, std::move(rows));
  }
  for (const auto& [table, rows] : data) {
    for (const sql::Row& row : rows.rows) {
      std::string s = "INSERT INTO " + Name(table->name) + " VALUES (";
      for (size_t c = 0; c < row.size(); c++) s += (c ? ", " : "") + SqlLiteral(row[c]);
      std::fprintf(out, "%s);\n", s.c_str());
      if (++written % 4096 == 0 && progress) progress(written, total);
    }
  }
  for (const auto& [name, table] : cat.tables()) {
    if (!only.empty() && name != only) continue;
    if (table.read_only()) continue;
    for (const catalog::IndexDef& index : table.indexes) {
      std::fprintf(out, "%s\n", IndexDdl(table, index).c_str());
    }
  }
  // Views after what they read: a view naming another view comes later.
  std::vector<const catalog::ViewDef*> pending;
  for (const auto& [name, view] : cat.views()) {
    if (only.empty() || name == only) pending.push_back(&view);
  }
  std::set<std::string> emitted;
  while (!pending.empty()) {
    bool progressed = false;
    for (auto it = pending.begin(); it != pending.end();) {
      bool ready = true;
      for (const catalog::ViewDef* other : pending) {
        if (other != *it && MentionsWord((*it)->sql, other->name)) ready = false;
      }
      if (ready) {
        std::fprintf(out, "%s\n", ViewDdl(**it).c_str());
        emitted.insert((*it)->name);
        it = pending.erase(it);
        progressed = true;
      } else {
        ++it;
      }
    }
    if (!progressed) {  // a cycle of names (cannot be a real dependency): keep order
      for (const catalog::ViewDef* v : pending) std::fprintf(out, "%s\n", ViewDdl(*v).c_str());
      break;
    }
  }
  if (with_data) std::fprintf(out, "COMMIT;\n");
  if (progress) progress(total, total);
  return Status::Ok();
}

}  // namespace zq::cli

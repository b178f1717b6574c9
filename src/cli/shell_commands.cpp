// The shell's dot-commands.
#include <fstream>
#include <sstream>

#include "cli/csv.hpp"
#include "cli/shell.hpp"
#include "cli/sql_dump.hpp"
#include "sql/executor/evaluator.hpp"
#include "sql/parser/ast_printer.hpp"

namespace zq::cli {

namespace {

constexpr const char* kHelp =
    ".bail on|off            stop at the first error\n"
    ".checkpoint             write committed changes into the database file now\n"
    ".dump [TABLE]           SQL text that recreates the database (or one table)\n"
    ".headers on|off         column names in results\n"
    ".help                   this list\n"
    ".import FILE TABLE      load CSV into TABLE (created from the header if missing)\n"
    ".indexes [TABLE]        list indexes\n"
    ".mode MODE              table|box|csv|tsv|json|jsonl|line|list\n"
    ".nullvalue TEXT         how NULL prints\n"
    ".open FILE              close this database and open FILE\n"
    ".output [FILE]          send results to FILE (no FILE: standard output)\n"
    ".print TEXT             print TEXT\n"
    ".quit / .exit           leave the shell\n"
    ".read FILE              run the statements in FILE\n"
    ".schema [TABLE]         CREATE statements of the schema\n"
    ".tables [PATTERN]       list tables and views (LIKE pattern)\n"
    ".timer on|off           time each statement (printed to standard error)\n";

// Splits a dot-command line into words; "quoted words" keep their spaces.
std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) i++;
    if (i >= line.size()) break;
    std::string w;
    if (line[i] == '"' || line[i] == '\'') {
      const char q = line[i++];
      while (i < line.size() && line[i] != q) w += line[i++];
      i++;
    } else {
      while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) w += line[i++];
    }
    words.push_back(w);
  }
  return words;
}

bool ParseOnOff(const std::string& s, bool* out) {
  if (s == "on" || s == "yes" || s == "1" || s == "true") {
    *out = true;
    return true;
  }
  if (s == "off" || s == "no" || s == "0" || s == "false") {
    *out = false;
    return true;
  }
  return false;
}

bool LikeName(const std::string& name, const std::string& pattern) {
  if (pattern.empty()) return true;
  return sql::LikeMatch(name, pattern, '\\', false);
}

}  // namespace

bool Shell::RunDot(const std::string& line) {
  const std::vector<std::string> w = Words(line);
  const std::string cmd = w.empty() ? "." : w[0];
  auto usage = [&](const char* text) {
    ReportError(Status::InvalidArgument(std::string("usage: ") + text));
    return !bail_;
  };
  auto arg = [&](size_t i) { return i < w.size() ? w[i] : std::string(); };
  bool flag = false;
  if (cmd == ".quit" || cmd == ".exit") {
    quit_ = true;
    return false;
  }
  if (cmd == ".help") {
    std::fprintf(out(), "%s", kHelp);
    return true;
  }
  if (cmd == ".print") {
    // The text after the command word and the blanks that follow it.
    size_t at = line.find_first_of(" \t");
    if (at != std::string::npos) at = line.find_first_not_of(" \t", at);
    const std::string text = at == std::string::npos ? "" : line.substr(at);
    std::fprintf(out(), "%s\n", text.c_str());
    std::fflush(out());
    return true;
  }
  if (cmd == ".bail") {
    if (!ParseOnOff(arg(1), &flag)) return usage(".bail on|off");
    bail_ = flag;
    return true;
  }
  if (cmd == ".headers" || cmd == ".header") {
    if (!ParseOnOff(arg(1), &flag)) return usage(".headers on|off");
    format_.headers = flag;
    return true;
  }
  if (cmd == ".timer") {
    if (!ParseOnOff(arg(1), &flag)) return usage(".timer on|off");
    timer_ = flag;
    return true;
  }
  if (cmd == ".nullvalue") {
    format_.null_value = arg(1);
    return true;
  }
  if (cmd == ".mode") {
    OutputMode mode;
    if (!ParseOutputMode(arg(1), &mode)) return usage(".mode table|box|csv|tsv|json|jsonl|line|list");
    format_.mode = mode;
    // A table or box without its column names reads badly: they come on
    // (.headers off after it still turns them off).
    if (mode == OutputMode::kTable || mode == OutputMode::kBox) format_.headers = true;
    return true;
  }
  if (cmd == ".checkpoint") {
    if (w.size() != 1) return usage(".checkpoint");
    if (!db_) {
      ReportError(Status::InvalidArgument("no database is open (use .open FILE)"));
      return !bail_;
    }
    Status s = db_->store()->CheckpointWithProgress(
        [this](uint64_t done, uint64_t total) { Progress(".checkpoint", done, total); });
    if (!s.ok()) {
      ReportError(s);
      return !bail_;
    }
    return true;
  }
  if (cmd == ".open") {
    if (w.size() != 2) return usage(".open FILE");
    Status s = Open(w[1]);
    if (!s.ok()) {
      ReportError(s);
      return !bail_;
    }
    return true;
  }
  if (cmd == ".output") {
    if (redirect_ != nullptr) std::fclose(redirect_);
    redirect_ = nullptr;
    if (w.size() >= 2) {
      redirect_ = std::fopen(w[1].c_str(), "w");
      if (redirect_ == nullptr) {
        ReportError(Status::IOError("cannot write " + w[1]));
        return !bail_;
      }
    }
    return true;
  }
  if (cmd == ".read") {
    if (w.size() != 2) return usage(".read FILE");
    if (read_depth_ > 16) {
      ReportError(Status::LimitExceeded(".read nests too deeply"));
      return !bail_;
    }
    std::ifstream in(w[1]);
    if (!in) {
      ReportError(Status::NotFound("cannot read " + w[1]));
      return !bail_;
    }
    std::stringstream text;
    text << in.rdbuf();
    read_depth_++;
    const bool ok = ProcessText(text.str(), /*number_lines=*/true);
    read_depth_--;
    return ok;
  }
  if (!db_) {
    ReportError(Status::InvalidArgument("no database is open (use .open FILE)"));
    return !bail_;
  }
  if (cmd == ".tables" || cmd == ".indexes" || cmd == ".schema") {
    Result<catalog::Catalog> cat = db_->ReadCatalog();
    if (!cat.ok()) {
      ReportError(cat.status());
      return !bail_;
    }
    const std::string pattern = arg(1);
    if (cmd == ".tables") {
      for (const auto& [name, t] : cat->tables()) {
        if (LikeName(name, pattern)) std::fprintf(out(), "%s\n", name.c_str());
      }
      for (const auto& [name, v] : cat->views()) {
        if (LikeName(name, pattern)) std::fprintf(out(), "%s\n", name.c_str());
      }
    } else if (cmd == ".indexes") {
      for (const auto& [name, t] : cat->tables()) {
        if (!LikeName(name, pattern)) continue;
        for (const catalog::IndexDef& index : t.indexes) std::fprintf(out(), "%s\n", index.name.c_str());
      }
    } else {
      for (const auto& [name, t] : cat->tables()) {
        if (!LikeName(name, pattern)) continue;
        // The ledger's tables: their shape, marked as not creatable by SQL.
        if (t.read_only()) std::fprintf(out(), "-- read-only, kept by the ledger:\n");
        std::fprintf(out(), "%s\n", TableDdl(t).c_str());
        for (const catalog::IndexDef& index : t.indexes) {
          std::fprintf(out(), "%s\n", IndexDdl(t, index).c_str());
        }
      }
      for (const auto& [name, v] : cat->views()) {
        if (LikeName(name, pattern)) std::fprintf(out(), "%s\n", ViewDdl(v).c_str());
      }
    }
    std::fflush(out());
    return true;
  }
  if (cmd == ".dump") {
    Status s = WriteDump(*db_, arg(1), true, out(), [&](uint64_t done, uint64_t total) {
      Progress(".dump", done, total);
    });
    std::fflush(out());
    if (!s.ok()) {
      ReportError(s);
      return !bail_;
    }
    return true;
  }
  if (cmd == ".import") {
    if (w.size() != 3) return usage(".import FILE TABLE");
    return Import(w[1], w[2]) || !bail_;
  }
  ReportError(Status::InvalidArgument("unknown command " + cmd + " (see .help)"));
  return !bail_;
}

bool Shell::Import(const std::string& file, const std::string& table) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    ReportError(Status::NotFound("cannot read " + file));
    return false;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Result<std::vector<CsvRecord>> parsed = ParseCsv(text);
  if (!parsed.ok()) {
    ReportError(parsed.status());
    return false;
  }
  std::vector<CsvRecord>& records = *parsed;
  if (records.empty()) return true;
  Result<catalog::Catalog> cat = db_->ReadCatalog();
  if (!cat.ok()) {
    ReportError(cat.status());
    return false;
  }
  const bool own_txn = !db_->in_transaction();
  auto fail = [&](const Status& s) {
    if (own_txn) (void)db_->Execute("ROLLBACK");
    ReportError(s);
    return false;
  };
  if (own_txn) {
    Result<engine::QueryResult> begun = db_->Execute("BEGIN");
    if (!begun.ok()) return fail(begun.status());
  }
  const catalog::TableDef* def = cat->FindTable(table);
  size_t first = 0;
  std::vector<sql::TypeId> types;
  if (def == nullptr) {
    // A new table: the header names its columns, all text.
    std::string ddl = "CREATE TABLE " + sql::QuoteIdentifier(table) + " (";
    for (size_t c = 0; c < records[0].size(); c++) {
      ddl += (c ? ", " : "") + sql::QuoteIdentifier(records[0][c].text) + " text";
      types.push_back(sql::TypeId::kText);
    }
    Result<engine::QueryResult> created = db_->Execute(ddl + ")");
    if (!created.ok()) return fail(created.status());
    first = 1;
  } else {
    for (const catalog::ColumnDef& c : def->columns) types.push_back(c.type.id);
    // A first record equal to the column names is a header.
    bool header = records[0].size() == def->columns.size();
    for (size_t c = 0; header && c < def->columns.size(); c++) {
      std::string a = records[0][c].text, b = def->columns[c].name;
      for (char& ch : a) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      header = a == b;
    }
    first = header ? 1 : 0;
  }
  std::string insert = "INSERT INTO " + sql::QuoteIdentifier(table) + " VALUES (";
  for (size_t c = 0; c < types.size(); c++) insert += (c ? ", $" : "$") + std::to_string(c + 1);
  insert += ")";
  const uint64_t total = records.size() - first;
  for (size_t r = first; r < records.size(); r++) {
    if (records[r].size() != types.size()) {
      return fail(Status::InvalidArgument(file + ": record " + std::to_string(r + 1) + " has " +
                                          std::to_string(records[r].size()) + " fields, expected " +
                                          std::to_string(types.size())));
    }
    std::vector<sql::Value> params;
    for (size_t c = 0; c < types.size(); c++) {
      const CsvField& f = records[r][c];
      // An empty unquoted field is NULL, except in a text column.
      if (f.text.empty() && !f.quoted && types[c] != sql::TypeId::kText) {
        params.push_back(sql::Value::Null());
      } else {
        params.push_back(sql::Value::Text(f.text));
      }
    }
    Result<engine::QueryResult> done = db_->Execute(insert, params);
    if (!done.ok()) return fail(done.status());
    const uint64_t count = r + 1 - first;
    if (count % 4096 == 0 || count == total) Progress(".import", count, total);
  }
  if (own_txn) {
    Result<engine::QueryResult> committed = db_->Execute("COMMIT");
    if (!committed.ok()) return fail(committed.status());
  }
  return true;
}

}  // namespace zq::cli

#include "slt_runner.hpp"

#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "engine/database.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq::slt {

namespace {

std::vector<std::string> SplitWords(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string RenderText(const std::string& s) {
  if (s.empty()) return "(empty)";
  std::string out = s;
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '@';
  }
  return out;
}

std::string Render(const sql::Value& v, char type) {
  if (v.null) return "NULL";
  char buf[64];
  switch (type) {
    case 'I': {
      if (sql::IsIntegerType(v.type) || v.type == sql::TypeId::kBool) return std::to_string(v.i);
      if (sql::IsNumericCategory(v.type)) {
        const double d = std::trunc(sql::ToDouble(v));
        std::snprintf(buf, sizeof(buf), "%.0f", d == 0 ? 0.0 : d);
        return buf;
      }
      // Text: its leading integer, as the reference harness's atoi.
      return std::to_string(std::atoll(v.s.c_str()));
    }
    case 'R': {
      double d = 0;
      if (sql::IsNumericCategory(v.type) || v.type == sql::TypeId::kBool) {
        d = sql::ToDouble(v);
      } else {
        d = std::atof(v.s.c_str());
      }
      std::snprintf(buf, sizeof(buf), "%.3f", d);
      return buf;
    }
    default:
      if (v.type == sql::TypeId::kText || v.type == sql::TypeId::kBytea) return RenderText(v.s);
      return RenderText(sql::ValueToText(v));
  }
}

struct Record {
  enum Kind { kStatement, kQuery } kind = kStatement;
  int line = 0;
  bool expect_error = false;
  std::string types;
  std::string sort = "nosort";
  std::string label;
  std::string sql;
  std::vector<std::string> expected;
};

}  // namespace

std::string Md5Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &n, EVP_md5(), nullptr);
  std::string hex;
  char buf[3];
  for (unsigned int i = 0; i < n; i++) {
    std::snprintf(buf, sizeof(buf), "%02x", digest[i]);
    hex += buf;
  }
  return hex;
}

FileReport RunFile(const std::string& path, const RunOptions& options) {
  FileReport report;
  report.path = path;
  std::ifstream in(path);
  if (!in) {
    report.failed = 1;
    report.failures.push_back("cannot open " + path);
    return report;
  }
  storage::FaultVfs memory_vfs(1);
  engine::DatabaseOptions db_options;
  std::string db_path = "slt.zq";
  if (options.in_memory) {
    db_options.store.vfs = &memory_vfs;
  } else {
    db_path = "/tmp/zqlite-slt-" + std::to_string(getpid()) + ".zq";
    std::remove(db_path.c_str());
    std::remove((db_path + "-wal").c_str());
  }
  Result<std::unique_ptr<engine::Database>> opened = engine::Database::Open(db_path, db_options);
  if (!opened.ok()) {
    report.failed = 1;
    report.failures.push_back("open: " + opened.status().ToString());
    return report;
  }
  std::unique_ptr<engine::Database> db = std::move(opened).value();
  size_t hash_threshold = 8;
  std::map<std::string, std::string> labels;  // label -> result hash
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  size_t i = 0;
  auto fail = [&](const Record& r, const std::string& why) {
    report.failed++;
    if (report.failures.size() < options.keep_failures) {
      report.failures.push_back(path + ":" + std::to_string(r.line) + ": " + why + "\n    " + r.sql);
    }
  };
  while (i < lines.size()) {
    // Skip blank lines and comments between records.
    if (lines[i].empty() || lines[i][0] == '#') {
      i++;
      continue;
    }
    bool skip = false;
    Record r;
    r.line = static_cast<int>(i + 1);
    // Conditions.
    while (i < lines.size()) {
      std::vector<std::string> w = SplitWords(lines[i]);
      if (w.size() >= 2 && w[0] == "skipif") {
        if (Lower(w[1]) == options.engine) skip = true;
        i++;
      } else if (w.size() >= 2 && w[0] == "onlyif") {
        if (Lower(w[1]) != options.engine) skip = true;
        i++;
      } else {
        break;
      }
    }
    if (i >= lines.size()) break;
    std::vector<std::string> head = SplitWords(lines[i]);
    r.line = static_cast<int>(i + 1);
    i++;
    if (head.empty()) continue;
    if (head[0] == "halt") {
      if (skip) continue;
      report.halted = true;
      break;
    }
    if (head[0] == "hash-threshold") {
      if (head.size() >= 2) hash_threshold = static_cast<size_t>(std::stoul(head[1]));
      continue;
    }
    if (head[0] == "statement") {
      r.kind = Record::kStatement;
      r.expect_error = head.size() >= 2 && head[1] == "error";
    } else if (head[0] == "query") {
      r.kind = Record::kQuery;
      if (head.size() >= 2) r.types = head[1];
      if (head.size() >= 3) r.sort = head[2];
      if (head.size() >= 4) r.label = head[3];
    } else {
      // Unknown record: skip to the next blank line.
      while (i < lines.size() && !lines[i].empty()) i++;
      continue;
    }
    std::string sql;
    while (i < lines.size() && !lines[i].empty() && lines[i] != "----") {
      if (!sql.empty()) sql += "\n";
      sql += lines[i++];
    }
    r.sql = sql;
    if (i < lines.size() && lines[i] == "----") {
      i++;
      while (i < lines.size() && !lines[i].empty()) r.expected.push_back(lines[i++]);
    }
    if (skip) {
      report.skipped++;
      continue;
    }
    Result<engine::QueryResult> result = db->Execute(sql);
    if (r.kind == Record::kStatement) {
      if (result.ok() == !r.expect_error) {
        report.passed++;
      } else {
        fail(r, r.expect_error ? "expected an error, statement succeeded"
                               : "statement failed: " + result.status().ToString());
      }
      continue;
    }
    if (!result.ok()) {
      fail(r, "query failed: " + result.status().ToString());
      continue;
    }
    const engine::QueryResult& q = *result;
    const size_t columns = r.types.size();
    if (!q.rows.empty() && q.rows[0].size() != columns) {
      fail(r, "query returned " + std::to_string(q.rows[0].size()) + " columns, expected " +
                  std::to_string(columns));
      continue;
    }
    std::vector<std::vector<std::string>> rows;
    for (const sql::Row& row : q.rows) {
      std::vector<std::string> out;
      for (size_t c = 0; c < columns; c++) out.push_back(Render(row[c], r.types[c]));
      rows.push_back(std::move(out));
    }
    std::vector<std::string> values;
    if (r.sort == "rowsort") std::sort(rows.begin(), rows.end());
    for (auto& row : rows) {
      for (auto& v : row) values.push_back(std::move(v));
    }
    if (r.sort == "valuesort") std::sort(values.begin(), values.end());
    std::string joined;
    for (const std::string& v : values) joined += v + "\n";
    const std::string hash = Md5Hex(joined);
    bool ok;
    if (r.expected.size() == 1 && r.expected[0].find(" values hashing to ") != std::string::npos) {
      ok = r.expected[0] == std::to_string(values.size()) + " values hashing to " + hash;
    } else if (values.size() > hash_threshold && r.expected.empty()) {
      ok = false;
    } else {
      // Expected values: one per line (some files put a whole row on a line).
      std::vector<std::string> expected;
      for (const std::string& line : r.expected) {
        if (r.expected.size() * 1 == values.size()) {
          expected.push_back(line);
        } else {
          for (const std::string& w : SplitWords(line)) expected.push_back(w);
        }
      }
      ok = expected == values;
    }
    if (ok && !r.label.empty()) {
      auto [it, inserted] = labels.emplace(r.label, hash);
      if (!inserted && it->second != hash) ok = false;
    }
    if (ok) {
      report.passed++;
    } else {
      std::string got;
      for (size_t k = 0; k < std::min<size_t>(values.size(), 12); k++) got += values[k] + " ";
      std::string want;
      for (size_t k = 0; k < std::min<size_t>(r.expected.size(), 12); k++) want += r.expected[k] + " ";
      fail(r, "wrong result (" + std::to_string(values.size()) + " values): got [" + got +
                  "] expected [" + want + "]");
    }
  }
  (void)db->Close();
  if (!options.in_memory) {
    std::remove(db_path.c_str());
    std::remove((db_path + "-wal").c_str());
  }
  return report;
}

}  // namespace zq::slt

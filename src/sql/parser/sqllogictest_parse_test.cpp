// Parses every statement of every sqllogictest file under the shared
// directory (ZQ_SHARED_DIR/sqllogictest), the way ZQLite will run them: as
// the `postgresql` engine, so `skipif postgresql` and `onlyif <other>`
// records are skipped. Each parsed statement must also print back stably
// (parse -> print -> parse -> print gives the same text).
//
// Outcomes: parsed; refused (0A000: recognised but not supported yet, e.g.
// CREATE TRIGGER); failed in a `statement error` record (allowed: the engine
// must reject those anyway); failed (the test fails and prints the first few).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "sql/lexer/sql_error.hpp"
#include "sql/parser/ast_printer.hpp"
#include "sql/parser/parser.hpp"

namespace zq::sql {
namespace {

namespace fs = std::filesystem;

struct Record {
  std::string file;
  size_t line = 0;
  bool expect_error = false;
  std::string sql;
};

std::string SharedDir() {
  if (const char* env = std::getenv("ZQ_SHARED_DIR")) return env;
#ifdef ZQ_SHARED_DIR
  return ZQ_SHARED_DIR;
#else
  return "";
#endif
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) i++;
    size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) i++;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

// True when a condition line lets the record run as `postgresql`.
bool ConditionAllows(const std::vector<std::string>& words) {
  std::string engine = words.size() > 1 ? Lower(words[1]) : "";
  if (words[0] == "skipif") return engine != "postgresql";
  return engine == "postgresql";  // onlyif
}

// Reads the records of one file that run as postgresql.
std::vector<Record> ReadRecords(const fs::path& path, size_t* skipped) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  std::vector<Record> records;
  bool allowed = true;
  for (size_t i = 0; i < lines.size(); i++) {
    std::vector<std::string> words = Words(lines[i]);
    if (words.empty()) {
      allowed = true;  // a blank line ends a record and its conditions
      continue;
    }
    if (words[0][0] == '#') continue;
    if (words[0] == "skipif" || words[0] == "onlyif") {
      allowed = allowed && ConditionAllows(words);
      continue;
    }
    if (words[0] == "halt") {
      if (allowed) break;
      continue;
    }
    if (words[0] != "statement" && words[0] != "query") continue;
    Record record{path.string(), i + 1,
                  words[0] == "statement" && words.size() > 1 && words[1] == "error", ""};
    for (i++; i < lines.size() && !lines[i].empty() && lines[i] != "----"; i++) {
      record.sql += lines[i];
      record.sql += '\n';
    }
    while (i < lines.size() && !lines[i].empty()) i++;  // the expected results
    if (allowed) {
      records.push_back(std::move(record));
    } else {
      ++*skipped;
    }
    allowed = true;
  }
  return records;
}

// "" when the statements print back stably, else a description of the drift.
std::string CheckRoundTrip(const std::vector<Statement>& statements) {
  for (const Statement& s : statements) {
    std::string first = ToSql(s);
    auto again = ParseStatement(first);
    if (!again.ok())
      return "printed SQL does not parse: " + first + "\n  " + again.status().ToString();
    std::string second = ToSql(*again);
    if (second != first) return "print is not stable:\n  " + first + "\n  " + second;
  }
  return "";
}

TEST(SqlLogicTestParse, EveryStatementParses) {
  fs::path root = fs::path(SharedDir()) / "sqllogictest";
  if (SharedDir().empty() || !fs::exists(root)) {
    GTEST_SKIP() << "no " << root;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".test") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  size_t skipped = 0, parsed = 0, refused = 0, error_records = 0, failed = 0;
  std::map<std::string, size_t> refused_by_reason;
  size_t shown_max = 8;
  if (const char* env = std::getenv("ZQ_SLT_SHOW_FAILURES")) shown_max = std::atoi(env);
  for (const fs::path& file : files) {
    for (const Record& record : ReadRecords(file, &skipped)) {
      auto result = ParseScript(record.sql);
      std::string problem;
      if (result.ok()) {
        problem = CheckRoundTrip(*result);
        if (problem.empty()) {
          parsed++;
          continue;
        }
      } else if (result.status().code() == StatusCode::kNotSupported) {
        refused++;
        auto error = DecodeSqlError(result.status());
        refused_by_reason[error ? error->message : result.status().ToString()]++;
        continue;
      } else if (record.expect_error) {
        error_records++;
        continue;
      } else {
        problem = result.status().ToString();
      }
      if (failed++ < shown_max) {
        ADD_FAILURE() << record.file << ":" << record.line << ": " << problem << "\n" << record.sql;
      }
    }
  }
  std::printf(
      "sqllogictest statements (as postgresql) in %zu files: %zu parsed, "
      "%zu refused as not supported yet, %zu failed in 'statement error' records, "
      "%zu failed; %zu records skipped by conditions\n",
      files.size(), parsed, refused, error_records, failed, skipped);
  for (const auto& [reason, count] : refused_by_reason) {
    std::printf("  refused %zu: %s\n", count, reason.c_str());
  }
  EXPECT_EQ(failed, 0u);
  EXPECT_GT(parsed, 200000u);
}

}  // namespace
}  // namespace zq::sql

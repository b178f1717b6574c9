// How the shell prints results: the human modes (.mode table|box|csv|tsv|
// json|line|list) and the machine-readable --jsonl contract (one JSON line per
// statement; see docs/shell.md).
#pragma once

#include <cstdio>
#include <string>

#include "engine/database.hpp"
#include "util/status.hpp"

namespace zq::cli {

enum class OutputMode { kTable, kBox, kCsv, kTsv, kJson, kLine, kList, kJsonl };

bool ParseOutputMode(std::string_view name, OutputMode* mode);
const char* OutputModeName(OutputMode mode);

struct FormatOptions {
  OutputMode mode = OutputMode::kTable;
  bool headers = true;
  std::string null_value;  // how NULL prints in the human modes
};

// A value as text for the human modes (PostgreSQL's output format).
std::string DisplayValue(const sql::Value& v, const FormatOptions& options);
// A value as JSON (--jsonl and .mode json).
std::string JsonValue(const sql::Value& v);

void WriteResult(FILE* out, const engine::QueryResult& result, const FormatOptions& options);
// --jsonl lines.
std::string JsonlResult(const engine::QueryResult& result);
std::string JsonlError(const Status& status);

}  // namespace zq::cli

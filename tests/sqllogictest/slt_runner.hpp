// A runner for SQLite's sqllogictest format (../shared/sqllogictest/README.md).
// ZQLite answers to the engine name "postgresql" in skipif/onlyif.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace zq::slt {

struct FileReport {
  std::string path;
  int64_t passed = 0;
  int64_t failed = 0;
  int64_t skipped = 0;
  bool halted = false;
  std::vector<std::string> failures;  // one description per failed record (first N kept)
};

struct RunOptions {
  std::string engine = "postgresql";
  size_t keep_failures = 20;
  bool in_memory = true;  // FaultVfs in memory instead of a file in /tmp
};

FileReport RunFile(const std::string& path, const RunOptions& options);

// Exposed for unit tests: renders one value as the format wants for the
// column type letter ('I', 'R' or 'T').
struct Rendered {
  std::vector<std::string> values;
};
std::string Md5Hex(const std::string& bytes);

}  // namespace zq::slt

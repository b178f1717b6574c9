// bench_util: what every bench/NAME_bench.cpp shares, so that their numbers and their
// JSON line mean the same thing: errors (BenchError), timing, nearest-rank
// percentiles, the stderr table, the machine string, the JSON contract of
// bench/README.md, --systems parsing, the run directory, and one SQLite connection
// configured as the peers are measured (WAL, synchronous=FULL, prepared statements).
//
// Header-only: each bench is one translation unit, and keeping the helpers inline
// leaves bench/CMakeLists.txt's one-file-per-bench rule untouched.
#pragma once

#include <sqlite3.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace zq::bench {

// Adapters throw it; each bench's main prints it and exits 1.
class BenchError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void Fail(const std::string& message) {
  throw BenchError(message);
}

using Clock = std::chrono::steady_clock;

inline uint64_t NanosBetween(Clock::time_point start, Clock::time_point end) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
}

inline uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
  return z ^ (z >> 31);
}

// --- measuring ---------------------------------------------------------------

struct CaseResult {
  std::string system;
  std::string case_name;
  uint64_t op_count = 0;
  double wall_seconds = 0;
  double ops_per_s = 0;
  double p50_us = 0;
  double p99_us = 0;
};

// Nearest-rank percentile of sorted latencies, in microseconds.
inline double PercentileMicros(const std::vector<uint64_t>& sorted_ns, double fraction) {
  if (sorted_ns.empty()) return 0;
  const double rank_exact = std::ceil(fraction * static_cast<double>(sorted_ns.size()));
  const size_t rank = std::clamp<size_t>(static_cast<size_t>(rank_exact), 1, sorted_ns.size());
  return static_cast<double>(sorted_ns[rank - 1]) / 1000.0;
}

inline CaseResult MakeResult(std::string_view system, std::string_view case_name, uint64_t op_count,
                             uint64_t wall_ns, std::vector<uint64_t> latencies_ns) {
  std::sort(latencies_ns.begin(), latencies_ns.end());
  CaseResult result;
  result.system = system;
  result.case_name = case_name;
  result.op_count = op_count;
  result.wall_seconds = static_cast<double>(std::max<uint64_t>(wall_ns, 1)) / 1e9;
  result.ops_per_s = static_cast<double>(op_count) / result.wall_seconds;
  result.p50_us = PercentileMicros(latencies_ns, 0.50);
  result.p99_us = PercentileMicros(latencies_ns, 0.99);
  return result;
}

// --- output ------------------------------------------------------------------

inline void PrintTableHeader() {
  std::fprintf(stderr, "%-17s %-16s %10s %9s %13s %11s %11s\n", "system", "case", "ops", "seconds",
               "ops/s", "p50_us", "p99_us");
}

inline void PrintTableRow(const CaseResult& r) {
  std::fprintf(stderr, "%-17s %-16s %10llu %9.3f %13.1f %11.2f %11.2f\n", r.system.c_str(),
               r.case_name.c_str(), static_cast<unsigned long long>(r.op_count), r.wall_seconds,
               r.ops_per_s, r.p50_us, r.p99_us);
}

inline std::string ReadCpuModel() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  }
  return "unknown cpu";
}

// `uname -m`, the CPU model, online CPUs and RAM: the "machine" of the JSON line.
inline std::string DescribeMachine() {
  utsname uts{};
  const std::string arch = uname(&uts) == 0 ? uts.machine : "unknown";
  const long cpu_count = sysconf(_SC_NPROCESSORS_ONLN);
  const double ram_gib = static_cast<double>(sysconf(_SC_PHYS_PAGES)) *
                         static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024 * 1024);
  char text[256];
  std::snprintf(text, sizeof(text), "%s, %s, %ld cpus, %.1f GiB RAM", arch.c_str(),
                ReadCpuModel().c_str(), cpu_count, ram_gib);
  return text;
}

inline std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// The last stdout line of every bench (contract in bench/README.md).
inline std::string ResultsJson(std::string_view bench, bool quick,
                               const std::vector<CaseResult>& results) {
  std::string json = "{\"bench\":" + JsonString(bench) +
                     ",\"machine\":" + JsonString(DescribeMachine()) +
                     ",\"quick\":" + (quick ? "true" : "false") + ",\"results\":[";
  for (size_t i = 0; i < results.size(); ++i) {
    const CaseResult& r = results[i];
    char numbers[160];
    std::snprintf(numbers, sizeof(numbers), ",\"ops_per_s\":%.1f,\"p50_us\":%.2f,\"p99_us\":%.2f}",
                  r.ops_per_s, r.p50_us, r.p99_us);
    json += (i == 0 ? "" : ",");
    json += "{\"system\":" + JsonString(r.system);
    json += ",\"case\":" + JsonString(r.case_name) + numbers;
  }
  return json + "]}";
}

// --- options and the run directory ---------------------------------------------

// Parses "a,b,c" into `systems`: every name must be in `known` and appear once.
// Prints why to stderr and returns false otherwise.
inline bool ParseSystemList(std::string_view bench, std::string_view list,
                            std::span<const std::string_view> known,
                            std::vector<std::string>* systems) {
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view name = list.substr(0, comma);
    const bool is_known = std::find(known.begin(), known.end(), name) != known.end();
    if (!is_known || std::find(systems->begin(), systems->end(), name) != systems->end()) {
      std::fprintf(stderr, "%.*s: unknown or repeated system '%.*s'\n",
                   static_cast<int>(bench.size()), bench.data(), static_cast<int>(name.size()),
                   name.data());
      return false;
    }
    systems->emplace_back(name);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return !systems->empty();
}

// A fresh mkdtemp directory DIR_BASE/PREFIX.XXXXXX; the caller removes it.
inline std::string MakeRunDir(const std::string& dir_base, std::string_view prefix) {
  std::string pattern = dir_base + "/" + std::string(prefix) + ".XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    Fail("cannot create a directory under " + dir_base + ": " + std::strerror(errno));
  }
  return pattern;
}

// fsync does nothing on tmpfs, so durable-commit numbers measured there are not.
inline void WarnIfTmpfs(const std::string& run_dir) {
  constexpr long kTmpfsMagic = 0x01021994;  // statfs f_type of tmpfs
  struct statfs fs {};
  if (statfs(run_dir.c_str(), &fs) == 0 && static_cast<long>(fs.f_type) == kTmpfsMagic) {
    std::fprintf(stderr,
                 "WARNING: %s is tmpfs, where fsync does nothing: commit numbers are not "
                 "durable-commit numbers; pass --dir on a real disk.\n",
                 run_dir.c_str());
  }
}

// --- SQLite ------------------------------------------------------------------

inline constexpr int kSqliteBusyTimeoutMs = 10'000;

// One connection with its prepared statements, finalized on close. Durable as the
// peers are measured: synchronous=FULL here (it is per connection), WAL through
// EnableWal() (it is per database, so once by whoever creates it).
class SqliteConnection {
 public:
  explicit SqliteConnection(const std::string& path) {
    // NOMUTEX: each connection is used by one thread at a time.
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    Check(rc, "open");
    Check(sqlite3_busy_timeout(db_, kSqliteBusyTimeoutMs), "busy_timeout");
    Exec("PRAGMA synchronous=FULL");
  }
  // Ignores errors: call Close() to see them.
  ~SqliteConnection() {
    for (sqlite3_stmt* stmt : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  sqlite3* db() const { return db_; }

  void Check(int rc, const char* what) const {
    if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
    const char* message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    Fail(std::string("sqlite ") + what + ": " + message);
  }

  // Runs one or more statements that need no parameters.
  void Exec(const char* sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
      const std::string message = error != nullptr ? error : sqlite3_errstr(rc);
      sqlite3_free(error);
      Fail(std::string("sqlite ") + sql + ": " + message);
    }
  }

  // journal_mode answers with the mode it took; anything but "wal" is an error.
  void EnableWal() {
    sqlite3_stmt* mode = Prepare("PRAGMA journal_mode=WAL");
    const int rc = sqlite3_step(mode);
    const bool is_wal =
        rc == SQLITE_ROW &&
        std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(mode, 0))) == "wal";
    sqlite3_reset(mode);
    if (!is_wal) Fail("sqlite: journal_mode=WAL was not accepted");
  }

  sqlite3_stmt* Prepare(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    Check(sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr), sql);
    statements_.push_back(stmt);
    return stmt;
  }

  // Steps a statement that returns no rows, then resets it.
  void StepDone(sqlite3_stmt* stmt, const char* what) {
    const int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc == SQLITE_ROW) Fail(std::string("sqlite ") + what + ": returned a row");
    Check(rc, what);
  }

  // Returns the error text, empty when the close succeeded.
  std::string Close() {
    for (sqlite3_stmt* stmt : statements_) sqlite3_finalize(stmt);
    statements_.clear();
    const int rc = sqlite3_close(db_);
    std::string error = rc == SQLITE_OK ? "" : sqlite3_errmsg(db_);
    if (rc == SQLITE_OK) db_ = nullptr;
    return error;
  }

 private:
  sqlite3* db_ = nullptr;
  std::vector<sqlite3_stmt*> statements_;
};

}  // namespace zq::bench

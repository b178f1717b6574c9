// sqllogictest: runs sqllogictest files against ZQLite and prints, per file,
// the passed, failed and skipped record counts.
//
// Usage: sqllogictest [--verbose] [--baseline FILE] [--on-disk] FILE_OR_DIR...
//   --baseline FILE  lines "relative/path.test MIN_PASSED"; exits non-zero when
//                    a listed file passes fewer records than its minimum (a
//                    regression) or has new failures beyond its recorded count.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "slt_runner.hpp"

int main(int argc, char** argv) {
  zq::slt::RunOptions options;
  bool verbose = false;
  std::string baseline_path;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; i++) {
    const std::string arg = argv[i];
    if (arg == "--verbose") {
      verbose = true;
    } else if (arg == "--baseline" && i + 1 < argc) {
      baseline_path = argv[++i];
    } else if (arg == "--on-disk") {
      options.in_memory = false;
    } else if (arg.rfind("--", 0) == 0) {
      std::fprintf(stderr, "usage: sqllogictest [--verbose] [--baseline FILE] [--on-disk] FILE_OR_DIR...\n");
      return 2;
    } else {
      inputs.push_back(arg);
    }
  }
  std::vector<std::string> files;
  for (const std::string& in : inputs) {
    if (std::filesystem::is_directory(in)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(in)) {
        if (e.path().extension() == ".test") files.push_back(e.path().string());
      }
    } else {
      files.push_back(in);
    }
  }
  std::sort(files.begin(), files.end());
  std::map<std::string, int64_t> minimum;
  if (!baseline_path.empty()) {
    std::ifstream b(baseline_path);
    if (!b) {
      std::fprintf(stderr, "cannot read baseline %s\n", baseline_path.c_str());
      return 2;
    }
    for (std::string line; std::getline(b, line);) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream ls(line);
      std::string name;
      int64_t min = 0;
      if (ls >> name >> min) minimum[name] = min;
    }
  }
  int64_t passed = 0, failed = 0, skipped = 0;
  bool regression = false;
  for (const std::string& f : files) {
    zq::slt::FileReport r = zq::slt::RunFile(f, options);
    passed += r.passed;
    failed += r.failed;
    skipped += r.skipped;
    std::printf("%-60s passed %7lld failed %6lld skipped %6lld%s\n", f.c_str(),
                static_cast<long long>(r.passed), static_cast<long long>(r.failed),
                static_cast<long long>(r.skipped), r.halted ? " (halted)" : "");
    if (verbose) {
      for (const std::string& why : r.failures) std::printf("  FAIL %s\n", why.c_str());
    }
    for (const auto& [name, min] : minimum) {
      if (f.size() >= name.size() && f.compare(f.size() - name.size(), name.size(), name) == 0 &&
          r.passed < min) {
        std::printf("  REGRESSION: %s passed %lld, baseline %lld\n", name.c_str(),
                    static_cast<long long>(r.passed), static_cast<long long>(min));
        regression = true;
      }
    }
    std::fflush(stdout);
  }
  std::printf("total: passed %lld failed %lld skipped %lld\n", static_cast<long long>(passed),
              static_cast<long long>(failed), static_cast<long long>(skipped));
  return regression ? 1 : 0;
}

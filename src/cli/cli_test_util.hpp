// Test helper: runs a subcommand entry point (RunCrypto, RunLedger, ...) with
// stdout and stderr captured in temporary files.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

namespace zq::cli::testing {

struct Captured {
  int code = 0;
  std::string out;
  std::string err;
};

inline std::string DrainFile(FILE* f) {
  std::string s;
  std::rewind(f);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) s.append(buf, n);
  std::fclose(f);
  return s;
}

inline Captured RunCaptured(int (*entry)(int, char**), std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  FILE* out = std::tmpfile();
  FILE* err = std::tmpfile();
  int saved_out = dup(1), saved_err = dup(2);
  dup2(fileno(out), 1);
  dup2(fileno(err), 2);
  int code = entry(static_cast<int>(args.size()), argv.data());
  std::fflush(stdout);
  std::fflush(stderr);
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  close(saved_out);
  close(saved_err);
  return Captured{code, DrainFile(out), DrainFile(err)};
}

}  // namespace zq::cli::testing

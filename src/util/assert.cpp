#include "util/assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace zq {

void AssertFailed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "zqlite: assertion failed: %s at %s:%d\n", expr, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace zq

// ZQ_ASSERT: checks for bugs, on in every build (release too). Never use it for
// bytes read from disk or input from a caller: those return a Status.
#pragma once

namespace zq {
[[noreturn]] void AssertFailed(const char* expr, const char* file, int line);
}  // namespace zq

#define ZQ_ASSERT(expr)                                                  \
  do {                                                                   \
    if (__builtin_expect(!(expr), 0)) ::zq::AssertFailed(#expr, __FILE__, __LINE__); \
  } while (0)

// O(n) consistency checks, compiled in only with ZQ_VERIFY (debug builds).
#ifdef ZQ_VERIFY
#define ZQ_VERIFY_ASSERT(expr) ZQ_ASSERT(expr)
#else
#define ZQ_VERIFY_ASSERT(expr) \
  do {                         \
  } while (0)
#endif

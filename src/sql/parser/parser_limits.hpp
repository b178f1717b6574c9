// Limits of the SQL parser, each with its reason. (Engine-wide limits live in
// util/limits.hpp, owned by the lead; these concern only the parser's stack.)
#pragma once

#include <cstdint>

namespace zq::sql {

// How deeply expressions, subqueries, joins and set operations may nest. The
// parser is recursive descent and the AST is printed, bound and destroyed
// recursively, so nesting costs stack. Measured: 990 nested parentheses use
// under 768 KiB of stack (GCC 12 -O2) and under 3 MiB with AddressSanitizer;
// 480 nested subqueries (about 1000 levels) under 1 MiB and 3 MiB. That fits
// the 8 MiB main-thread and default pthread stacks with room for the layers
// above; real queries rarely pass 30 levels (PostgreSQL guards the same thing
// with max_stack_depth = 2 MB). Deeper input is a clear error (SQLSTATE
// 54001), not a stack overflow. Each link of a left-deep chain built in a
// loop (a + b + c ..., UNION chains, JOIN chains, x::a::b) counts one level
// too, so the height of any AST is at most this limit.
inline constexpr int kSqlNestingDepthMax = 1000;

// Tokens in one script. The lexer holds every token (about 48 bytes each)
// before parsing, so this bounds that memory to about 200 MiB; 4 Mi tokens is
// a multi-row INSERT of some 200,000 ten-column rows, past which prepared
// statements are the right tool.
inline constexpr uint32_t kSqlTokenCountMax = 4u << 20;

static_assert(kSqlNestingDepthMax >= 64, "real queries nest tens of levels");
static_assert(kSqlNestingDepthMax <= 4096, "deeper nesting risks the thread stack");

}  // namespace zq::sql

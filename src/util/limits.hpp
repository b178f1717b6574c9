// Every limit of the engine, named, with the reason for its value.
// Hitting a limit is a clear user error (Status::LimitExceeded), never a crash.
#pragma once

#include <cstddef>
#include <cstdint>

namespace zq::limits {

// Page sizes are powers of two in [4 KiB, 64 KiB]: 4 KiB matches the OS page and
// SSD sector; above 64 KiB, the 16-bit offsets inside a B+tree page overflow.
inline constexpr uint32_t kPageSizeMin = 4096;
inline constexpr uint32_t kPageSizeMax = 65536;
inline constexpr uint32_t kPageSizeDefault = 4096;

// A B+tree key must leave room for at least four cells in the smallest page, so
// that every split yields two non-empty halves and internal pages fan out.
inline constexpr uint32_t kKeyBytesMax = 896;

// Values beyond this go to overflow chains; one value is capped so a single
// put cannot exhaust memory while being buffered in a transaction.
inline constexpr uint32_t kValueBytesMax = 64u << 20;

// Page numbers are 64-bit on disk, but the page table is a two-level array of
// 2^16 chunks of 2^16 pages: 2^32 pages (16 TiB at 4 KiB pages).
inline constexpr uint64_t kPageCountMax = uint64_t{1} << 32;

// One WAL record holds one commit; bounded so a reader can reject a garbage
// length before allocating.
inline constexpr uint32_t kWalRecordBytesMax = 1u << 30;

// Checkpoint when the WAL since the last checkpoint passes this size (recovery
// time is proportional to it) ...
inline constexpr uint64_t kCheckpointWalBytesDefault = 128ull << 20;
// ... or when dirty pages held in memory pass this size (they cannot be
// evicted). Writes spread over a large tree (a ledger's account indexes) dirty
// far more page bytes than they log: a low limit makes every few commits
// rewrite the whole working set (measured: 256 MiB gave 36,000 transfers/s on
// the full ledger bench, 1 GiB 68,000, docs/benchmarks.md).
inline constexpr uint64_t kCheckpointDirtyBytesDefault = 1024ull << 20;

// A B+tree deeper than this would mean more than 2^64 keys: it is corruption.
inline constexpr int kTreeDepthMax = 32;

static_assert(kPageSizeMin >= 4096 && (kPageSizeMin & (kPageSizeMin - 1)) == 0);
static_assert(kPageSizeMax <= 65536, "16-bit in-page offsets");
static_assert(kKeyBytesMax * 4 < kPageSizeMin, "four keys must fit in the smallest page");

}  // namespace zq::limits

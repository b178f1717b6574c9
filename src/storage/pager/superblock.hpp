// Superblocks: pages 0 and 1 of the data file, written alternately by
// checkpoints. Open picks the valid one with the highest checkpoint_seq; a
// torn superblock write therefore falls back to the previous checkpoint.
//
// Layout (stored in the clear; little-endian; the rest of the page is zero):
//   0   magic[8] "ZQLITEDB"        8   format_version u32   12 page_size u32
//   16  uuid[16]                   32  flags u32 (bit 0: encrypted)
//   36  reserved u32               40  checkpoint_seq u64
//   48  wal_lsn u64 (last WAL record contained in this checkpoint)
//   56  commit_seq u64             64  root_of_roots u64 (0 = no trees)
//   72  freelist_head u64          80  page_count u64
//   88  next_tree_id u64           96  commit_timestamp u64
//   104 wal_salt u64: salt of the WAL generation that follows this checkpoint
//       (its records must carry it; chosen before the WAL is reset, so a torn
//       or damaged WAL header never hides records from recovery)
//   112..432 reserved for key slots (zero until the key hierarchy lands)
//   432 checksum u64 over [0, 432)  (integrity: torn or flipped bytes)
//   440 reserved u64
//   448 mac[16] over [0, 448): HMAC under the data key when encrypted,
//       a second checksum otherwise (authenticity: a wrong key fails here)
#pragma once

#include <cstdint>

#include "storage/codec/page_codec.hpp"
#include "util/status.hpp"

namespace zq::storage {

inline constexpr uint32_t kSuperblockBytes = 464;
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr uint32_t kSuperblockFlagEncrypted = 1;

struct Superblock {
  uint32_t page_size = 0;
  DbUuid uuid{};
  uint32_t flags = 0;
  uint64_t checkpoint_seq = 0;
  uint64_t wal_lsn = 0;
  uint64_t commit_seq = 0;
  uint64_t root_of_roots = 0;
  uint64_t freelist_head = 0;
  uint64_t page_count = 0;
  uint64_t next_tree_id = 0;
  uint64_t commit_timestamp = 0;
  uint64_t wal_salt = 0;

  bool encrypted() const { return (flags & kSuperblockFlagEncrypted) != 0; }
};

// Fixed fields only (magic, version, page size): enough to build a codec.
struct SuperblockHeader {
  uint32_t page_size = 0;
  DbUuid uuid{};
  uint32_t flags = 0;
};

void EncodeSuperblock(const Superblock& sb, PageCodec* codec, uint8_t out[kSuperblockBytes]);
// Checks magic, version and the checksum; does not need the key.
Status DecodeSuperblockHeader(const uint8_t in[kSuperblockBytes], SuperblockHeader* header);
// Full decode: checksum, then MAC (AuthFailed when it does not verify).
Status DecodeSuperblock(const uint8_t in[kSuperblockBytes], PageCodec* codec, Superblock* sb);

}  // namespace zq::storage

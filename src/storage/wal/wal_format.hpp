// WAL file format. One file, NAME-wal, holding the commits made since the
// last checkpoint; reset (new salt) after every checkpoint.
//
//   header (64 bytes, offset 0):
//     0 magic[8] "ZQLWAL01"  8 version u32  12 reserved u32  16 db uuid[16]
//     32 salt u64 (random per WAL generation)  40 first_lsn u64
//     48 reserved u64        56 checksum u64 over [0, 56)
//   records, back to back from offset 64:
//     0 payload_bytes u32  4 kind u8  5 reserved[3]  8 lsn u64
//     16 batch_first_lsn u64: LSN of the first record written by the same
//        write+fsync (group commit batch)                        (head: 24 bytes)
//     24 payload (AES-256-GCM ciphertext when encrypted)
//     then the codec's record trailer: xxh3-64 (8 bytes) or nonce+tag (28 bytes)
//   The trailer authenticates salt | frame head | payload, so a record from an
//   older WAL generation, another database, or a torn write fails to verify.
// LSNs are commit sequence numbers: consecutive, one record per commit.
// Recovery reads records while each verifies and has the next LSN, and stops
// at the first that does not: it never applies anything past it. It then
// tells a torn tail from damage: a torn write can only hit the last batch,
// whose fsync never returned. If a valid record further on belongs to a
// later batch (its batch_first_lsn is past the broken LSN), the broken
// record had been synced before that batch was written, so the log is
// damaged, and recovery fails with Corruption instead of dropping
// acknowledged commits. (Damage inside the final batch cannot be told from a
// torn write; that batch is treated as never acknowledged.)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/codec/page_codec.hpp"
#include "storage/vfs/vfs.hpp"
#include "util/result.hpp"

namespace zq::storage {

inline constexpr uint32_t kWalHeaderBytes = 64;
inline constexpr uint32_t kWalFrameHeadBytes = 24;

enum class WalRecordKind : uint8_t {
  kChanges = 1,      // key/value changes of one commit
  kBatch = 2,        // a logged batch (the ledger's), re-executed at recovery
};

struct WalHeader {
  DbUuid uuid{};
  uint64_t salt = 0;
  uint64_t first_lsn = 0;
};

void EncodeWalHeader(const WalHeader& header, uint8_t out[kWalHeaderBytes]);
Status DecodeWalHeader(const uint8_t in[kWalHeaderBytes], WalHeader* header);

// Frames and seals one record, appending it to *out. `payload` is consumed.
Status AppendWalRecord(PageCodec* codec, uint64_t salt, uint64_t lsn, uint64_t batch_first_lsn,
                       WalRecordKind kind, std::string payload, std::string* out);

struct WalRecord {
  uint64_t lsn = 0;
  uint64_t batch_first_lsn = 0;
  WalRecordKind kind = WalRecordKind::kChanges;
  std::string payload;  // plaintext
  uint64_t end_offset = 0;
};

// Reads records sequentially. Next() returns false at the end of the valid
// prefix; stop_reason() then says why (end of file, torn frame, bad tag...).
class WalReader {
 public:
  WalReader(File* file, PageCodec* codec, const WalHeader& header, uint64_t file_bytes);
  Result<bool> Next(WalRecord* record);
  const std::string& stop_reason() const { return stop_reason_; }
  uint64_t valid_end() const { return offset_; }

 private:
  // After a stop inside the file: Corruption when a later valid record
  // proves the broken one had been synced (see the file comment).
  Status CheckTail();
  // Verifies the frame at `offset` and fills `record`; false when invalid.
  Result<bool> ReadFrame(uint64_t offset, uint64_t want_lsn, WalRecord* record);

  File* file_;
  PageCodec* codec_;
  WalHeader header_;
  uint64_t file_bytes_;
  uint64_t offset_ = kWalHeaderBytes;
  uint64_t next_lsn_;
  std::string stop_reason_;
};

}  // namespace zq::storage

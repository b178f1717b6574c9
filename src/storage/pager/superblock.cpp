#include "storage/pager/superblock.hpp"

#include <cstring>

#include "util/checksum.hpp"
#include "util/coding.hpp"
#include "util/limits.hpp"

namespace zq::storage {

namespace {
constexpr char kMagic[8] = {'Z', 'Q', 'L', 'I', 'T', 'E', 'D', 'B'};
constexpr uint32_t kChecksumOffset = 432;
constexpr uint32_t kMacOffset = 448;
constexpr uint64_t kChecksumSeed = 0x5375706572426c6bull;
static_assert(kMacOffset + 16 == kSuperblockBytes);
static_assert(kSuperblockBytes <= limits::kPageSizeMin);

bool ValidPageSize(uint32_t n) {
  return n >= limits::kPageSizeMin && n <= limits::kPageSizeMax && (n & (n - 1)) == 0;
}
}  // namespace

void EncodeSuperblock(const Superblock& sb, PageCodec* codec, uint8_t out[kSuperblockBytes]) {
  std::memset(out, 0, kSuperblockBytes);
  std::memcpy(out, kMagic, 8);
  PutFixed32(out + 8, kFormatVersion);
  PutFixed32(out + 12, sb.page_size);
  std::memcpy(out + 16, sb.uuid.data(), 16);
  PutFixed32(out + 32, sb.flags);
  PutFixed64(out + 40, sb.checkpoint_seq);
  PutFixed64(out + 48, sb.wal_lsn);
  PutFixed64(out + 56, sb.commit_seq);
  PutFixed64(out + 64, sb.root_of_roots);
  PutFixed64(out + 72, sb.freelist_head);
  PutFixed64(out + 80, sb.page_count);
  PutFixed64(out + 88, sb.next_tree_id);
  PutFixed64(out + 96, sb.commit_timestamp);
  PutFixed64(out + 104, sb.wal_salt);
  PutFixed64(out + kChecksumOffset, Checksum64(out, kChecksumOffset, kChecksumSeed));
  codec->Authenticate(std::string_view(reinterpret_cast<char*>(out), kMacOffset),
                      out + kMacOffset);
}

Status DecodeSuperblockHeader(const uint8_t in[kSuperblockBytes], SuperblockHeader* header) {
  if (std::memcmp(in, kMagic, 8) != 0) {
    return Status::Corruption("superblock: not a ZQLite database (bad magic)");
  }
  if (GetFixed64(in + kChecksumOffset) != Checksum64(in, kChecksumOffset, kChecksumSeed)) {
    return Status::Corruption("superblock: checksum mismatch");
  }
  uint32_t version = GetFixed32(in + 8);
  if (version != kFormatVersion) {
    return Status::NotSupported("superblock: unsupported format version " +
                                std::to_string(version));
  }
  header->page_size = GetFixed32(in + 12);
  if (!ValidPageSize(header->page_size)) return Status::Corruption("superblock: bad page size");
  std::memcpy(header->uuid.data(), in + 16, 16);
  header->flags = GetFixed32(in + 32);
  if ((header->flags & ~kSuperblockFlagEncrypted) != 0) {
    return Status::NotSupported("superblock: unknown flags");
  }
  return Status::Ok();
}

Status DecodeSuperblock(const uint8_t in[kSuperblockBytes], PageCodec* codec, Superblock* sb) {
  SuperblockHeader header;
  ZQ_RETURN_IF_ERROR(DecodeSuperblockHeader(in, &header));
  if (!codec->Verify(std::string_view(reinterpret_cast<const char*>(in), kMacOffset),
                     in + kMacOffset)) {
    return Status::AuthFailed("superblock: authentication failed (wrong key or tampered file)");
  }
  sb->page_size = header.page_size;
  sb->uuid = header.uuid;
  sb->flags = header.flags;
  sb->checkpoint_seq = GetFixed64(in + 40);
  sb->wal_lsn = GetFixed64(in + 48);
  sb->commit_seq = GetFixed64(in + 56);
  sb->root_of_roots = GetFixed64(in + 64);
  sb->freelist_head = GetFixed64(in + 72);
  sb->page_count = GetFixed64(in + 80);
  sb->next_tree_id = GetFixed64(in + 88);
  sb->commit_timestamp = GetFixed64(in + 96);
  sb->wal_salt = GetFixed64(in + 104);
  if (sb->page_count < 2 || sb->page_count > limits::kPageCountMax) {
    return Status::Corruption("superblock: bad page count");
  }
  if (sb->root_of_roots >= sb->page_count || sb->freelist_head >= sb->page_count ||
      sb->root_of_roots == 1 || sb->freelist_head == 1) {
    return Status::Corruption("superblock: page reference out of range");
  }
  return Status::Ok();
}

}  // namespace zq::storage

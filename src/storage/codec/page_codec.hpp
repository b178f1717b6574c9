// Page codec: the trailer that authenticates (and optionally encrypts) every
// page on disk, and the sealing of WAL records. Lowest layer above the VFS.
//
// Page layout on disk (page_size bytes):
//   [0, usable)             body (plaintext, or AES-256-GCM ciphertext)
//   plaintext trailer (16): kind u8 | 7 zero bytes | xxh3-64 u64
//        checksum = XXH3-64(page[0, page_size-8)) seeded with pgno and the db salt,
//        so a page written at another page number or in another database fails.
//   encrypted trailer (32): kind u8 | 3 zero bytes | nonce[12] | tag[16]
//        AAD = db uuid[16] | pgno u64le | kind u8 | 3 zero bytes
// Nonces: a random 64-bit prefix drawn when the codec is created (each writer
// open) followed by a 32-bit counter; a new prefix is drawn before the counter
// wraps. Never derived from the page number alone.
// A page failing its check is Corruption (plaintext) or AuthFailed (encrypted).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "crypto/aead.hpp"
#include "util/status.hpp"

namespace zq::storage {

enum class PageKind : uint8_t {
  kFree = 0,
  kSuperblock = 1,
  kLeaf = 2,
  kInternal = 3,
  kOverflow = 4,
  kFreelist = 5,
};
bool IsKnownPageKind(uint8_t kind);

using DbUuid = std::array<uint8_t, 16>;

inline constexpr uint32_t kPlainTrailerBytes = 16;
inline constexpr uint32_t kSealedTrailerBytes = 32;

class PageCodec {
 public:
  PageCodec(uint32_t page_size_bytes, const DbUuid& uuid,
            const std::optional<crypto::AeadKey>& key);
  ~PageCodec();
  PageCodec(const PageCodec&) = delete;
  PageCodec& operator=(const PageCodec&) = delete;

  bool encrypted() const { return encrypted_; }
  uint32_t page_size() const { return page_size_; }
  uint32_t usable_bytes() const { return usable_; }

  // Fills the trailer of `page` (page_size bytes; body in [0, usable)) and, when
  // encrypted, encrypts the body in place. Thread-safe.
  Status Encode(uint64_t pgno, PageKind kind, uint8_t* page);
  // Verifies `page` and writes the plaintext body to `body_out` (usable bytes;
  // may equal `page`). Returns the page kind. Thread-safe.
  Status Decode(uint64_t pgno, const uint8_t* page, uint8_t* body_out, PageKind* kind);

  // WAL record sealing: `aad` is authenticated, `data` encrypted in place when
  // encrypted; the trailer (RecordTrailerBytes()) is written to `trailer`.
  // Plaintext mode: the trailer is an 8-byte checksum over aad and data.
  uint32_t RecordTrailerBytes() const { return encrypted_ ? 28 : 8; }
  Status SealRecord(std::string_view aad, uint8_t* data, size_t n, uint8_t* trailer);
  Status OpenRecord(std::string_view aad, uint8_t* data, size_t n, const uint8_t* trailer);

  // Authenticates metadata that is stored in the clear (superblocks): a MAC
  // under the key when encrypted, a checksum otherwise. 16 bytes.
  void Authenticate(std::string_view data, uint8_t out[16]);
  bool Verify(std::string_view data, const uint8_t mac[16]);

 private:
  class CipherPool;
  void NextNonce(uint8_t out[crypto::kAeadNonceBytes]);
  uint64_t Seed(uint64_t pgno) const;

  uint32_t page_size_;
  uint32_t usable_;
  DbUuid uuid_;
  uint64_t uuid_salt_ = 0;  // seeds plaintext checksums: pages of another database fail
  bool encrypted_;
  std::unique_ptr<CipherPool> ciphers_;
  std::array<uint8_t, 32> mac_key_{};
  std::mutex nonce_mu_;
  uint64_t nonce_prefix_ = 0;
  uint32_t nonce_counter_ = 0;
};

}  // namespace zq::storage

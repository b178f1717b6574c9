#include "storage/codec/page_codec.hpp"

#include <cstring>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto/random.hpp"
#include "util/assert.hpp"
#include "util/checksum.hpp"
#include "util/coding.hpp"

namespace zq::storage {

bool IsKnownPageKind(uint8_t kind) {
  return kind >= static_cast<uint8_t>(PageKind::kSuperblock) &&
         kind <= static_cast<uint8_t>(PageKind::kFreelist);
}

// EVP contexts are mutable, so concurrent decoders each borrow their own.
class PageCodec::CipherPool {
 public:
  explicit CipherPool(const crypto::AeadKey& key) : key_(key) {}
  ~CipherPool() { crypto::SecureWipe(key_.data(), key_.size()); }

  std::unique_ptr<crypto::Aes256Gcm> Take() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        auto c = std::move(free_.back());
        free_.pop_back();
        return c;
      }
    }
    return std::make_unique<crypto::Aes256Gcm>(key_);
  }
  void Give(std::unique_ptr<crypto::Aes256Gcm> c) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(c));
  }

 private:
  crypto::AeadKey key_;
  std::mutex mu_;
  std::vector<std::unique_ptr<crypto::Aes256Gcm>> free_;
};

namespace {
// RAII borrow of a cipher from the pool.
template <typename Pool>
class Borrowed {
 public:
  explicit Borrowed(Pool* pool) : pool_(pool), cipher_(pool->Take()) {}
  ~Borrowed() { pool_->Give(std::move(cipher_)); }
  crypto::Aes256Gcm* operator->() { return cipher_.get(); }

 private:
  Pool* pool_;
  std::unique_ptr<crypto::Aes256Gcm> cipher_;
};

void BuildPageAad(const DbUuid& uuid, uint64_t pgno, const uint8_t* trailer_head,
                  uint8_t aad[28]) {
  std::memcpy(aad, uuid.data(), 16);
  PutFixed64(aad + 16, pgno);
  std::memcpy(aad + 24, trailer_head, 4);  // kind + 3 zero bytes
}
}  // namespace

PageCodec::PageCodec(uint32_t page_size_bytes, const DbUuid& uuid,
                     const std::optional<crypto::AeadKey>& key)
    : page_size_(page_size_bytes),
      usable_(page_size_bytes - (key ? kSealedTrailerBytes : kPlainTrailerBytes)),
      uuid_(uuid),
      encrypted_(key.has_value()) {
  ZQ_ASSERT(page_size_bytes >= 4096 && (page_size_bytes & (page_size_bytes - 1)) == 0);
  uuid_salt_ = Checksum64(uuid.data(), uuid.size(), 0);
  if (key) {
    ciphers_ = std::make_unique<CipherPool>(*key);
    static const char kLabel[] = "zqlite superblock mac key v1";
    unsigned int n = 0;
    ZQ_ASSERT(HMAC(EVP_sha256(), key->data(), static_cast<int>(key->size()),
                   reinterpret_cast<const uint8_t*>(kLabel), sizeof(kLabel) - 1, mac_key_.data(),
                   &n) != nullptr);
  }
  nonce_prefix_ = crypto::RandomU64();
}

PageCodec::~PageCodec() { crypto::SecureWipe(mac_key_.data(), mac_key_.size()); }

uint64_t PageCodec::Seed(uint64_t pgno) const {
  return uuid_salt_ ^ (pgno * 0x9E3779B97F4A7C15ull);
}

void PageCodec::NextNonce(uint8_t out[crypto::kAeadNonceBytes]) {
  std::lock_guard<std::mutex> lock(nonce_mu_);
  if (nonce_counter_ == UINT32_MAX) {  // never reuse (prefix, counter)
    nonce_prefix_ = crypto::RandomU64();
    nonce_counter_ = 0;
  }
  PutFixed64(out, nonce_prefix_);
  PutFixed32(out + 8, nonce_counter_++);
}

Status PageCodec::Encode(uint64_t pgno, PageKind kind, uint8_t* page) {
  uint8_t* trailer = page + usable_;
  if (!encrypted_) {
    trailer[0] = static_cast<uint8_t>(kind);
    std::memset(trailer + 1, 0, 7);
    PutFixed64(trailer + 8, Checksum64(page, page_size_ - 8, Seed(pgno)));
    return Status::Ok();
  }
  trailer[0] = static_cast<uint8_t>(kind);
  std::memset(trailer + 1, 0, 3);
  uint8_t* nonce = trailer + 4;
  uint8_t* tag = trailer + 16;
  NextNonce(nonce);
  uint8_t aad[28];
  BuildPageAad(uuid_, pgno, trailer, aad);
  Borrowed<CipherPool> cipher(ciphers_.get());
  return cipher->Seal(nonce, std::string_view(reinterpret_cast<char*>(aad), sizeof(aad)), page,
                      usable_, page, tag);
}

Status PageCodec::Decode(uint64_t pgno, const uint8_t* page, uint8_t* body_out,
                         PageKind* kind) {
  const uint8_t* trailer = page + usable_;
  if (!encrypted_) {
    uint64_t want = GetFixed64(trailer + 8);
    if (Checksum64(page, page_size_ - 8, Seed(pgno)) != want) {
      return Status::Corruption("page " + std::to_string(pgno) + ": checksum mismatch");
    }
    if (!IsKnownPageKind(trailer[0])) {
      return Status::Corruption("page " + std::to_string(pgno) + ": unknown page kind");
    }
    if (body_out != page) std::memcpy(body_out, page, usable_);
    *kind = static_cast<PageKind>(trailer[0]);
    return Status::Ok();
  }
  uint8_t aad[28];
  BuildPageAad(uuid_, pgno, trailer, aad);
  Borrowed<CipherPool> cipher(ciphers_.get());
  Status s = cipher->Open(trailer + 4, std::string_view(reinterpret_cast<char*>(aad), sizeof(aad)),
                          page, usable_, body_out, trailer + 16);
  if (!s.ok()) {
    return Status::AuthFailed("page " + std::to_string(pgno) +
                              ": authentication failed (wrong key or altered page)");
  }
  if (!IsKnownPageKind(trailer[0])) {
    return Status::Corruption("page " + std::to_string(pgno) + ": unknown page kind");
  }
  *kind = static_cast<PageKind>(trailer[0]);
  return Status::Ok();
}

Status PageCodec::SealRecord(std::string_view aad, uint8_t* data, size_t n, uint8_t* trailer) {
  if (!encrypted_) {
    Checksummer sum(Seed(0));
    sum.Update(aad.data(), aad.size());
    sum.Update(data, n);
    PutFixed64(trailer, sum.Digest());
    return Status::Ok();
  }
  NextNonce(trailer);
  Borrowed<CipherPool> cipher(ciphers_.get());
  return cipher->Seal(trailer, aad, data, n, data, trailer + crypto::kAeadNonceBytes);
}

Status PageCodec::OpenRecord(std::string_view aad, uint8_t* data, size_t n,
                             const uint8_t* trailer) {
  if (!encrypted_) {
    Checksummer sum(Seed(0));
    sum.Update(aad.data(), aad.size());
    sum.Update(data, n);
    if (sum.Digest() != GetFixed64(trailer)) return Status::Corruption("wal record: bad checksum");
    return Status::Ok();
  }
  Borrowed<CipherPool> cipher(ciphers_.get());
  Status s = cipher->Open(trailer, aad, data, n, data, trailer + crypto::kAeadNonceBytes);
  if (!s.ok()) return Status::AuthFailed("wal record: authentication failed");
  return Status::Ok();
}

void PageCodec::Authenticate(std::string_view data, uint8_t out[16]) {
  if (!encrypted_) {
    PutFixed64(out, Checksum64(data.data(), data.size(), 0x5a514c697465ull));
    PutFixed64(out + 8, Checksum64(data.data(), data.size(), 0x7375706572ull));
    return;
  }
  // HMAC-SHA-256 under a key derived from the data key (key separation: the
  // data key itself is only ever used for GCM), truncated to 128 bits.
  uint8_t full[32];
  unsigned int full_len = 0;
  ZQ_ASSERT(HMAC(EVP_sha256(), mac_key_.data(), static_cast<int>(mac_key_.size()),
                 reinterpret_cast<const uint8_t*>(data.data()), data.size(), full,
                 &full_len) != nullptr);
  std::memcpy(out, full, 16);
}

bool PageCodec::Verify(std::string_view data, const uint8_t mac[16]) {
  uint8_t want[16];
  Authenticate(data, want);
  uint8_t diff = 0;
  for (int i = 0; i < 16; i++) diff |= static_cast<uint8_t>(want[i] ^ mac[i]);
  return diff == 0;
}

}  // namespace zq::storage


#include "crypto/aead.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <climits>

#include "util/assert.hpp"

namespace zq::crypto {

struct Aes256Gcm::Impl {
  EVP_CIPHER_CTX* enc = nullptr;
  EVP_CIPHER_CTX* dec = nullptr;
  AeadKey key{};
};

Aes256Gcm::Aes256Gcm(const AeadKey& key) : impl_(std::make_unique<Impl>()) {
  impl_->key = key;
  impl_->enc = EVP_CIPHER_CTX_new();
  impl_->dec = EVP_CIPHER_CTX_new();
  ZQ_ASSERT(impl_->enc != nullptr && impl_->dec != nullptr);
  // Key schedule once; each call then only sets the nonce.
  ZQ_ASSERT(EVP_EncryptInit_ex(impl_->enc, EVP_aes_256_gcm(), nullptr, key.data(), nullptr) == 1);
  ZQ_ASSERT(EVP_DecryptInit_ex(impl_->dec, EVP_aes_256_gcm(), nullptr, key.data(), nullptr) == 1);
}

Aes256Gcm::~Aes256Gcm() {
  EVP_CIPHER_CTX_free(impl_->enc);
  EVP_CIPHER_CTX_free(impl_->dec);
  SecureWipe(impl_->key.data(), impl_->key.size());
}

Status Aes256Gcm::Seal(const uint8_t nonce[kAeadNonceBytes], std::string_view aad,
                       const uint8_t* in, size_t n, uint8_t* out, uint8_t tag[kAeadTagBytes]) {
  return SealGeneric(std::string_view(reinterpret_cast<const char*>(nonce), kAeadNonceBytes), aad,
                     in, n, out, tag, kAeadTagBytes);
}

Status Aes256Gcm::Open(const uint8_t nonce[kAeadNonceBytes], std::string_view aad,
                       const uint8_t* in, size_t n, uint8_t* out,
                       const uint8_t tag[kAeadTagBytes]) {
  return OpenGeneric(std::string_view(reinterpret_cast<const char*>(nonce), kAeadNonceBytes), aad,
                     in, n, out, tag, kAeadTagBytes);
}

Status Aes256Gcm::SealGeneric(std::string_view nonce, std::string_view aad, const uint8_t* in,
                              size_t n, uint8_t* out, uint8_t* tag, size_t tag_bytes) {
  EVP_CIPHER_CTX* ctx = impl_->enc;
  if (nonce.empty() || nonce.size() > INT_MAX || n > INT_MAX || aad.size() > INT_MAX ||
      tag_bytes == 0 || tag_bytes > kAeadTagBytes) {
    return Status::InvalidArgument("aes-gcm: bad nonce, tag or input length");
  }
  int len = 0;
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) !=
          1 ||
      EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr,
                         reinterpret_cast<const uint8_t*>(nonce.data())) != 1) {
    return Status::Internal("aes-gcm: init failed");
  }
  if (!aad.empty() &&
      EVP_EncryptUpdate(ctx, nullptr, &len, reinterpret_cast<const uint8_t*>(aad.data()),
                        static_cast<int>(aad.size())) != 1) {
    return Status::Internal("aes-gcm: aad failed");
  }
  if (n > 0 && EVP_EncryptUpdate(ctx, out, &len, in, static_cast<int>(n)) != 1) {
    return Status::Internal("aes-gcm: encrypt failed");
  }
  if (EVP_EncryptFinal_ex(ctx, out + n, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_bytes), tag) != 1) {
    return Status::Internal("aes-gcm: final failed");
  }
  return Status::Ok();
}

Status Aes256Gcm::OpenGeneric(std::string_view nonce, std::string_view aad, const uint8_t* in,
                              size_t n, uint8_t* out, const uint8_t* tag, size_t tag_bytes) {
  EVP_CIPHER_CTX* ctx = impl_->dec;
  if (nonce.empty() || nonce.size() > INT_MAX || n > INT_MAX || aad.size() > INT_MAX ||
      tag_bytes == 0 || tag_bytes > kAeadTagBytes) {
    return Status::InvalidArgument("aes-gcm: bad nonce, tag or input length");
  }
  int len = 0;
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) !=
          1 ||
      EVP_DecryptInit_ex(ctx, nullptr, nullptr, nullptr,
                         reinterpret_cast<const uint8_t*>(nonce.data())) != 1) {
    return Status::Internal("aes-gcm: init failed");
  }
  if (!aad.empty() &&
      EVP_DecryptUpdate(ctx, nullptr, &len, reinterpret_cast<const uint8_t*>(aad.data()),
                        static_cast<int>(aad.size())) != 1) {
    return Status::Internal("aes-gcm: aad failed");
  }
  if (n > 0 && EVP_DecryptUpdate(ctx, out, &len, in, static_cast<int>(n)) != 1) {
    return Status::Internal("aes-gcm: decrypt failed");
  }
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_bytes),
                          const_cast<uint8_t*>(tag)) != 1) {
    return Status::Internal("aes-gcm: set tag failed");
  }
  if (EVP_DecryptFinal_ex(ctx, out + n, &len) != 1) {
    return Status::AuthFailed("aes-gcm: authentication failed (wrong key or altered bytes)");
  }
  return Status::Ok();
}

void SecureWipe(void* p, size_t n) { OPENSSL_cleanse(p, n); }

}  // namespace zq::crypto

// HKDF-SHA-256 through EVP_KDF "HKDF" (OpenSSL 3.0).
#include "crypto/kdf.hpp"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <memory>

namespace zq::crypto {
namespace {
struct KdfFree {
  void operator()(EVP_KDF* k) const { EVP_KDF_free(k); }
};
struct KdfCtxFree {
  void operator()(EVP_KDF_CTX* c) const { EVP_KDF_CTX_free(c); }
};
}  // namespace

Result<std::vector<uint8_t>> HkdfSha256(std::span<const uint8_t> ikm, std::span<const uint8_t> salt,
                                        std::span<const uint8_t> info, size_t output_bytes) {
  if (output_bytes == 0 || output_bytes > kHkdfSha256OutputBytesMax) {
    return Status::InvalidArgument("HKDF-SHA-256: output size must be 1..8160 bytes");
  }
  std::unique_ptr<EVP_KDF, KdfFree> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  if (!kdf) return Status::Internal("HKDF: EVP_KDF_fetch failed");
  std::unique_ptr<EVP_KDF_CTX, KdfCtxFree> ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) return Status::Internal("HKDF: EVP_KDF_CTX_new failed");
  // OpenSSL wants non-null pointers even for empty strings.
  static const uint8_t kEmpty[1] = {0};
  auto ptr = [](std::span<const uint8_t> s) {
    return const_cast<uint8_t*>(s.empty() ? kEmpty : s.data());
  };
  char digest[] = "SHA256";
  OSSL_PARAM params[5];
  size_t i = 0;
  params[i++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
  params[i++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ptr(ikm), ikm.size());
  if (!salt.empty()) {
    params[i++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, ptr(salt), salt.size());
  }
  params[i++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, ptr(info), info.size());
  params[i++] = OSSL_PARAM_construct_end();
  std::vector<uint8_t> out(output_bytes);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    return Status::Internal("HKDF: derive failed");
  }
  return out;
}

}  // namespace zq::crypto

// X25519 and Ed25519 through OpenSSL EVP (raw keys, EVP_PKEY_new_raw_*).
#include "crypto/ecc.hpp"

#include <openssl/evp.h>

#include <memory>

#include "crypto/aead.hpp"  // SecureWipe
#include "crypto/random.hpp"
#include "util/assert.hpp"

namespace zq::crypto {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

PkeyPtr RawPrivate(int type, std::span<const uint8_t> key) {
  return PkeyPtr(EVP_PKEY_new_raw_private_key(type, nullptr, key.data(), key.size()));
}
PkeyPtr RawPublic(int type, std::span<const uint8_t> key) {
  return PkeyPtr(EVP_PKEY_new_raw_public_key(type, nullptr, key.data(), key.size()));
}

Result<std::vector<uint8_t>> PublicOf(int type, std::span<const uint8_t> secret_key) {
  if (secret_key.size() != 32) return Status::InvalidArgument("ecc: secret key must be 32 bytes");
  PkeyPtr key = RawPrivate(type, secret_key);
  if (!key) return Status::InvalidArgument("ecc: bad secret key");
  std::vector<uint8_t> pub(32);
  size_t len = pub.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), pub.data(), &len) != 1 || len != 32) {
    return Status::Internal("ecc: EVP_PKEY_get_raw_public_key failed");
  }
  return pub;
}

Result<EccKeyPair> KeyGen(int type) {
  EccKeyPair pair;
  pair.secret_key.resize(32);
  ZQ_RETURN_IF_ERROR(RandomBytes(pair.secret_key.data(), 32));
  ZQ_ASSIGN_OR_RETURN(pair.public_key, PublicOf(type, pair.secret_key));
  return pair;
}

}  // namespace

Result<EccKeyPair> X25519KeyGen() {
  return KeyGen(EVP_PKEY_X25519);
}

Result<std::vector<uint8_t>> X25519PublicKey(std::span<const uint8_t> secret_key) {
  return PublicOf(EVP_PKEY_X25519, secret_key);
}

Result<std::vector<uint8_t>> X25519Derive(std::span<const uint8_t> secret_key,
                                          std::span<const uint8_t> peer_public_key) {
  if (secret_key.size() != kX25519KeyBytes || peer_public_key.size() != kX25519KeyBytes) {
    return Status::InvalidArgument("X25519: keys must be 32 bytes");
  }
  PkeyPtr key = RawPrivate(EVP_PKEY_X25519, secret_key);
  PkeyPtr peer = RawPublic(EVP_PKEY_X25519, peer_public_key);
  if (!key || !peer) return Status::InvalidArgument("X25519: bad key");
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1) {
    return Status::Internal("X25519: derive setup failed");
  }
  std::vector<uint8_t> shared(kX25519KeyBytes);
  size_t len = shared.size();
  // OpenSSL refuses an all-zero result (a low-order peer point, RFC 7748 §6.1).
  if (EVP_PKEY_derive(ctx.get(), shared.data(), &len) != 1 || len != kX25519KeyBytes) {
    SecureWipe(shared.data(), shared.size());
    return Status::InvalidArgument("X25519: low-order public key (all-zero shared secret)");
  }
  return shared;
}

Result<EccKeyPair> Ed25519KeyGen() {
  return KeyGen(EVP_PKEY_ED25519);
}

Result<std::vector<uint8_t>> Ed25519PublicKey(std::span<const uint8_t> secret_key) {
  return PublicOf(EVP_PKEY_ED25519, secret_key);
}

Result<std::vector<uint8_t>> Ed25519Sign(std::span<const uint8_t> secret_key,
                                         std::span<const uint8_t> msg) {
  if (secret_key.size() != kEd25519SecretKeyBytes) {
    return Status::InvalidArgument("Ed25519: secret key must be 32 bytes");
  }
  PkeyPtr key = RawPrivate(EVP_PKEY_ED25519, secret_key);
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!key || !ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
    return Status::Internal("Ed25519: sign setup failed");
  }
  std::vector<uint8_t> sig(kEd25519SignatureBytes);
  size_t len = sig.size();
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, msg.data(), msg.size()) != 1 ||
      len != kEd25519SignatureBytes) {
    return Status::Internal("Ed25519: sign failed");
  }
  return sig;
}

Status Ed25519Verify(std::span<const uint8_t> public_key, std::span<const uint8_t> msg,
                     std::span<const uint8_t> sig) {
  if (public_key.size() != kEd25519PublicKeyBytes) {
    return Status::InvalidArgument("Ed25519: public key must be 32 bytes");
  }
  if (sig.size() != kEd25519SignatureBytes) return Status::AuthFailed("Ed25519: bad signature");
  PkeyPtr key = RawPublic(EVP_PKEY_ED25519, public_key);
  if (!key) return Status::InvalidArgument("Ed25519: bad public key");
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
    return Status::Internal("Ed25519: verify setup failed");
  }
  if (EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), msg.data(), msg.size()) != 1) {
    return Status::AuthFailed("Ed25519: signature does not verify");
  }
  return Status::Ok();
}

}  // namespace zq::crypto

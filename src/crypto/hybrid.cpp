// X-Wing (draft-connolly-cfrg-xwing-kem) and the Ed25519 + ML-DSA-65 composite
// signature; formats and rationale in hybrid.hpp and docs/crypto.md.
#include "crypto/hybrid.hpp"

#include <openssl/sha.h>

#include <cstring>
#include <string_view>

#include "crypto/aead.hpp"  // SecureWipe
#include "crypto/ecc.hpp"
#include "crypto/keccak.hpp"
#include "crypto/mlkem.hpp"
#include "crypto/random.hpp"
#include "util/assert.hpp"

namespace zq::crypto {
namespace {

constexpr size_t kMlKem768EkBytes = 1184;
constexpr size_t kMlKem768CtBytes = 1088;
constexpr uint8_t kXWingLabel[6] = {0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c};  // "\.//^\"
static_assert(kXWingPublicKeyBytes == kMlKem768EkBytes + kX25519KeyBytes);
static_assert(kXWingCiphertextBytes == kMlKem768CtBytes + kX25519KeyBytes);

// The expanded secret key: ML-KEM-768 keys and the X25519 scalar.
struct XWingExpanded {
  MlKemKeyPair mlkem;
  std::vector<uint8_t> sk_x;
  std::vector<uint8_t> pk_x;
  ~XWingExpanded() {
    SecureWipe(mlkem.decaps_key.data(), mlkem.decaps_key.size());
    SecureWipe(sk_x.data(), sk_x.size());
  }
};

Status ExpandXWing(std::span<const uint8_t> seed, XWingExpanded* out) {
  if (seed.size() != kXWingSecretKeyBytes) {
    return Status::InvalidArgument("X-Wing: secret key must be 32 bytes");
  }
  uint8_t expanded[96];  // SHAKE256(sk, 96) = d || z || sk_X
  Shake256(seed, expanded);
  auto mlkem = MlKemKeyGenInternal(MlKemParams::k768, {expanded, 32}, {expanded + 32, 32});
  out->sk_x.assign(expanded + 64, expanded + 96);
  SecureWipe(expanded, sizeof(expanded));
  if (!mlkem.ok()) return mlkem.status();
  out->mlkem = std::move(mlkem).value();
  ZQ_ASSIGN_OR_RETURN(out->pk_x, X25519PublicKey(out->sk_x));
  return Status::Ok();
}

std::vector<uint8_t> Combiner(std::span<const uint8_t> ss_m, std::span<const uint8_t> ss_x,
                              std::span<const uint8_t> ct_x, std::span<const uint8_t> pk_x) {
  KeccakSponge h(KeccakFunction::kSha3_256);
  h.Absorb(ss_m);
  h.Absorb(ss_x);
  h.Absorb(ct_x);
  h.Absorb(pk_x);
  h.Absorb(kXWingLabel);
  std::vector<uint8_t> ss(kXWingSharedSecretBytes);
  h.Squeeze(ss);
  return ss;
}

// ---- composite ---------------------------------------------------------------------
constexpr std::string_view kCompositeLabel = "ZQLite composite Ed25519+ML-DSA-65";
constexpr size_t kEdSeedAt = 1, kXiAt = 33;
constexpr size_t kEdPkAt = 1, kMlDsaPkAt = 33;
constexpr size_t kEdSigAt = 1, kMlDsaSigAt = 65;

Result<std::vector<uint8_t>> CompositeMessage(std::span<const uint8_t> msg,
                                              std::span<const uint8_t> ctx) {
  if (ctx.size() > kCompositeContextBytesMax) {
    return Status::InvalidArgument("composite: context longer than 255 bytes");
  }
  std::vector<uint8_t> m(kCompositeLabel.begin(), kCompositeLabel.end());
  m.push_back(kCompositeVersion);
  m.push_back(static_cast<uint8_t>(ctx.size()));
  m.insert(m.end(), ctx.begin(), ctx.end());
  uint8_t digest[SHA512_DIGEST_LENGTH];
  SHA512(msg.data(), msg.size(), digest);
  m.insert(m.end(), digest, digest + sizeof(digest));
  return m;
}

Status CheckSecretKey(std::span<const uint8_t> sk) {
  if (sk.size() != kCompositeSecretKeyBytes || sk[0] != kCompositeVersion) {
    return Status::InvalidArgument("composite: bad secret key length or version");
  }
  return Status::Ok();
}

}  // namespace

Result<XWingKeyPair> XWingKeyGenDerand(std::span<const uint8_t> seed) {
  XWingExpanded x;
  ZQ_RETURN_IF_ERROR(ExpandXWing(seed, &x));
  XWingKeyPair pair;
  pair.public_key = x.mlkem.encaps_key;
  pair.public_key.insert(pair.public_key.end(), x.pk_x.begin(), x.pk_x.end());
  pair.secret_key.assign(seed.begin(), seed.end());
  ZQ_ASSERT(pair.public_key.size() == kXWingPublicKeyBytes);
  return pair;
}

Result<XWingKeyPair> XWingKeyGen() {
  uint8_t seed[kXWingSecretKeyBytes];
  ZQ_RETURN_IF_ERROR(RandomBytes(seed, sizeof(seed)));
  auto pair = XWingKeyGenDerand(seed);
  SecureWipe(seed, sizeof(seed));
  return pair;
}

Result<std::vector<uint8_t>> XWingPublicKey(std::span<const uint8_t> secret_key) {
  ZQ_ASSIGN_OR_RETURN(XWingKeyPair pair, XWingKeyGenDerand(secret_key));
  SecureWipe(pair.secret_key.data(), pair.secret_key.size());
  return std::move(pair.public_key);
}

Result<XWingEncapsulation> XWingEncapsDerand(std::span<const uint8_t> public_key,
                                             std::span<const uint8_t> eseed) {
  if (public_key.size() != kXWingPublicKeyBytes) {
    return Status::InvalidArgument("X-Wing: public key must be 1216 bytes");
  }
  if (eseed.size() != kXWingEncapsSeedBytes) {
    return Status::InvalidArgument("X-Wing: eseed must be 64 bytes");
  }
  auto pk_m = public_key.first(kMlKem768EkBytes);
  auto pk_x = public_key.subspan(kMlKem768EkBytes);
  auto ek_x = eseed.subspan(32);
  ZQ_ASSIGN_OR_RETURN(std::vector<uint8_t> ct_x, X25519PublicKey(ek_x));
  ZQ_ASSIGN_OR_RETURN(std::vector<uint8_t> ss_x, X25519Derive(ek_x, pk_x));
  auto mlkem = MlKemEncapsInternal(MlKemParams::k768, pk_m, eseed.first(32));
  if (!mlkem.ok()) {
    SecureWipe(ss_x.data(), ss_x.size());
    return mlkem.status();
  }
  XWingEncapsulation out;
  out.shared_secret = Combiner(mlkem->shared_secret, ss_x, ct_x, pk_x);
  out.ciphertext = std::move(mlkem->ciphertext);
  out.ciphertext.insert(out.ciphertext.end(), ct_x.begin(), ct_x.end());
  SecureWipe(ss_x.data(), ss_x.size());
  SecureWipe(mlkem->shared_secret.data(), mlkem->shared_secret.size());
  ZQ_ASSERT(out.ciphertext.size() == kXWingCiphertextBytes);
  return out;
}

Result<XWingEncapsulation> XWingEncaps(std::span<const uint8_t> public_key) {
  uint8_t eseed[kXWingEncapsSeedBytes];
  ZQ_RETURN_IF_ERROR(RandomBytes(eseed, sizeof(eseed)));
  auto out = XWingEncapsDerand(public_key, eseed);
  SecureWipe(eseed, sizeof(eseed));
  return out;
}

Result<std::vector<uint8_t>> XWingDecaps(std::span<const uint8_t> secret_key,
                                         std::span<const uint8_t> ciphertext) {
  if (ciphertext.size() != kXWingCiphertextBytes) {
    return Status::InvalidArgument("X-Wing: ciphertext must be 1120 bytes");
  }
  XWingExpanded x;
  ZQ_RETURN_IF_ERROR(ExpandXWing(secret_key, &x));
  auto ct_m = ciphertext.first(kMlKem768CtBytes);
  auto ct_x = ciphertext.subspan(kMlKem768CtBytes);
  ZQ_ASSIGN_OR_RETURN(std::vector<uint8_t> ss_m,
                      MlKemDecaps(MlKemParams::k768, x.mlkem.decaps_key, ct_m));
  auto ss_x = X25519Derive(x.sk_x, ct_x);
  // OpenSSL refuses the all-zero X25519 output of a low-order ct_X; X-Wing uses it.
  std::vector<uint8_t> zeros(kX25519KeyBytes, 0);
  std::vector<uint8_t> ss = Combiner(ss_m, ss_x.ok() ? *ss_x : zeros, ct_x, x.pk_x);
  SecureWipe(ss_m.data(), ss_m.size());
  if (ss_x.ok()) SecureWipe(ss_x->data(), ss_x->size());
  return ss;
}

Result<CompositeKeyPair> CompositeKeyGenFromSeed(std::span<const uint8_t> seed) {
  if (seed.size() != kCompositeSeedBytes) {
    return Status::InvalidArgument("composite: seed must be 64 bytes (Ed25519 seed || ML-DSA xi)");
  }
  ZQ_ASSIGN_OR_RETURN(std::vector<uint8_t> ed_pk, Ed25519PublicKey(seed.first(32)));
  ZQ_ASSIGN_OR_RETURN(MlDsaKeyPair mldsa, MlDsaKeyGenInternal(MlDsaParams::k65, seed.subspan(32)));
  SecureWipe(mldsa.secret_key.data(), mldsa.secret_key.size());
  CompositeKeyPair pair;
  pair.public_key.push_back(kCompositeVersion);
  pair.public_key.insert(pair.public_key.end(), ed_pk.begin(), ed_pk.end());
  pair.public_key.insert(pair.public_key.end(), mldsa.public_key.begin(), mldsa.public_key.end());
  pair.secret_key.push_back(kCompositeVersion);
  pair.secret_key.insert(pair.secret_key.end(), seed.begin(), seed.end());
  ZQ_ASSERT(pair.public_key.size() == kCompositePublicKeyBytes);
  ZQ_ASSERT(pair.secret_key.size() == kCompositeSecretKeyBytes);
  return pair;
}

Result<CompositeKeyPair> CompositeKeyGen() {
  uint8_t seed[kCompositeSeedBytes];
  ZQ_RETURN_IF_ERROR(RandomBytes(seed, sizeof(seed)));
  auto pair = CompositeKeyGenFromSeed(seed);
  SecureWipe(seed, sizeof(seed));
  return pair;
}

Result<std::vector<uint8_t>> CompositePublicKey(std::span<const uint8_t> secret_key) {
  ZQ_RETURN_IF_ERROR(CheckSecretKey(secret_key));
  ZQ_ASSIGN_OR_RETURN(CompositeKeyPair pair, CompositeKeyGenFromSeed(secret_key.subspan(1)));
  SecureWipe(pair.secret_key.data(), pair.secret_key.size());
  return std::move(pair.public_key);
}

Result<std::vector<uint8_t>> CompositeSign(std::span<const uint8_t> secret_key,
                                           std::span<const uint8_t> msg,
                                           std::span<const uint8_t> ctx,
                                           MlDsaRandomness randomness) {
  ZQ_RETURN_IF_ERROR(CheckSecretKey(secret_key));
  ZQ_ASSIGN_OR_RETURN(std::vector<uint8_t> m, CompositeMessage(msg, ctx));
  ZQ_ASSIGN_OR_RETURN(std::vector<uint8_t> ed_sig,
                      Ed25519Sign(secret_key.subspan(kEdSeedAt, 32), m));
  ZQ_ASSIGN_OR_RETURN(MlDsaKeyPair mldsa,
                      MlDsaKeyGenInternal(MlDsaParams::k65, secret_key.subspan(kXiAt, 32)));
  auto ml_sig = MlDsaSign(MlDsaParams::k65, mldsa.secret_key, m, {}, randomness);
  SecureWipe(mldsa.secret_key.data(), mldsa.secret_key.size());
  if (!ml_sig.ok()) return ml_sig.status();
  std::vector<uint8_t> sig = {kCompositeVersion};
  sig.insert(sig.end(), ed_sig.begin(), ed_sig.end());
  sig.insert(sig.end(), ml_sig->begin(), ml_sig->end());
  ZQ_ASSERT(sig.size() == kCompositeSignatureBytes);
  return sig;
}

Status CompositeVerify(std::span<const uint8_t> public_key, std::span<const uint8_t> msg,
                       std::span<const uint8_t> ctx, std::span<const uint8_t> sig) {
  if (public_key.size() != kCompositePublicKeyBytes || public_key[0] != kCompositeVersion) {
    return Status::InvalidArgument("composite: bad public key length or version");
  }
  if (sig.size() != kCompositeSignatureBytes || sig[0] != kCompositeVersion) {
    return Status::AuthFailed("composite: bad signature length or version");
  }
  ZQ_ASSIGN_OR_RETURN(std::vector<uint8_t> m, CompositeMessage(msg, ctx));
  Status ed = Ed25519Verify(public_key.subspan(kEdPkAt, 32), m, sig.subspan(kEdSigAt, 64));
  Status ml = MlDsaVerify(MlDsaParams::k65, public_key.subspan(kMlDsaPkAt), m, {},
                          sig.subspan(kMlDsaSigAt));
  if (!ed.ok()) return ed.code() == StatusCode::kAuthFailed ? ed : ed.WithContext("composite");
  if (!ml.ok()) return ml.code() == StatusCode::kAuthFailed ? ml : ml.WithContext("composite");
  return Status::Ok();
}

}  // namespace zq::crypto

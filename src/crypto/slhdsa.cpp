// SLH-DSA (FIPS 205). Layout of this file follows the standard: addresses
// (§4.2), the hash families (§11), WOTS+ (§5), XMSS (§6), the hypertree (§7),
// FORS (§8), then the top-level algorithms (§9, §10).
//
// Trees are built bottom-up over all their leaves at once (instead of the
// recursive xmss_node / fors_node of Alg. 9 and 15); the nodes and their
// addresses are exactly the standard's, so the outputs are identical, and one
// pass yields both the root and the authentication path.
#include "crypto/slhdsa.hpp"

#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <array>
#include <cstring>

#include "crypto/aead.hpp"  // SecureWipe
#include "crypto/keccak.hpp"
#include "crypto/random.hpp"
#include "util/assert.hpp"

// The SHA2 sets hash millions of short inputs that all start with the same
// 64- or 128-byte block (PK.seed padded, FIPS 205 §11.2). OpenSSL 3.0's low-level
// SHA256_CTX / SHA512_CTX let us keep that block's midstate and copy it by value;
// EVP would allocate per copy. The API is deprecated in 3.0 but still present.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace zq::crypto {
namespace {

struct ParamSet {
  const char* name;
  bool shake;
  uint32_t n, h, d, hp, a, k, m;  // FIPS 205 Table 2 (lg_w = 4 for all)
};

// FIPS 205 Table 2, in the order of enum SlhDsaParams.
constexpr ParamSet kParamSets[kSlhDsaParamSetCount] = {
    {"SLH-DSA-SHA2-128s", false, 16, 63, 7, 9, 12, 14, 30},
    {"SLH-DSA-SHAKE-128s", true, 16, 63, 7, 9, 12, 14, 30},
    {"SLH-DSA-SHA2-128f", false, 16, 66, 22, 3, 6, 33, 34},
    {"SLH-DSA-SHAKE-128f", true, 16, 66, 22, 3, 6, 33, 34},
    {"SLH-DSA-SHA2-192s", false, 24, 63, 7, 9, 14, 17, 39},
    {"SLH-DSA-SHAKE-192s", true, 24, 63, 7, 9, 14, 17, 39},
    {"SLH-DSA-SHA2-192f", false, 24, 66, 22, 3, 8, 33, 42},
    {"SLH-DSA-SHAKE-192f", true, 24, 66, 22, 3, 8, 33, 42},
    {"SLH-DSA-SHA2-256s", false, 32, 64, 8, 8, 14, 22, 47},
    {"SLH-DSA-SHAKE-256s", true, 32, 64, 8, 8, 14, 22, 47},
    {"SLH-DSA-SHA2-256f", false, 32, 68, 17, 4, 9, 35, 49},
    {"SLH-DSA-SHAKE-256f", true, 32, 68, 17, 4, 9, 35, 49},
};

constexpr uint32_t kW = 16;  // Winternitz parameter, lg_w = 4
constexpr size_t kNMax = 32;
constexpr size_t kLenMax = 2 * kNMax + 3;  // len1 = 2n, len2 = 3 for every set (§5, Eq. 5.3)
constexpr size_t kMMax = 49;
constexpr size_t kKMax = 35;
constexpr size_t kAMax = 14;
constexpr size_t kHpMax = 9;
constexpr size_t kAdrsBytes = 32;
constexpr size_t kAdrsCompressedBytes = 22;  // ADRSc, FIPS 205 §11.2

constexpr uint32_t Len(const ParamSet& p) {
  return 2 * p.n + 3;
}

constexpr bool BoundsHold() {
  for (const ParamSet& p : kParamSets) {
    if (p.n > kNMax || p.m > kMMax || p.k > kKMax || p.a > kAMax || p.hp > kHpMax) return false;
    if (p.h != p.d * p.hp || p.h - p.hp > 64) return false;  // tree index fits in 64 bits
    if ((p.k * p.a + 7) / 8 + (p.h - p.hp + 7) / 8 + (p.hp + 7) / 8 != p.m) return false;
  }
  return true;
}
static_assert(BoundsHold(), "FIPS 205 Table 2 rows must fit the fixed buffers");
constexpr size_t SignatureBytes(const ParamSet& p) {
  return size_t{p.n} * (1 + p.k * (1 + p.a) + p.h + p.d * Len(p));
}
static_assert(SignatureBytes(kParamSets[0]) == 7856);
static_assert(SignatureBytes(kParamSets[2]) == 17088);
static_assert(SignatureBytes(kParamSets[4]) == 16224);
static_assert(SignatureBytes(kParamSets[6]) == 35664);
static_assert(SignatureBytes(kParamSets[8]) == 29792);
static_assert(SignatureBytes(kParamSets[10]) == 49856);

const ParamSet& Get(SlhDsaParams params) {
  size_t i = static_cast<size_t>(params);
  ZQ_ASSERT(i < kSlhDsaParamSetCount);
  return kParamSets[i];
}

// ---- addresses (FIPS 205 §4.2, Table 1) ---------------------------------------
enum AdrsType : uint32_t {
  kWotsHash = 0,
  kWotsPk = 1,
  kTree = 2,
  kForsTree = 3,
  kForsRoots = 4,
  kWotsPrf = 5,
  kForsPrf = 6,
};

struct Adrs {
  uint8_t bytes[kAdrsBytes] = {};

  void Put32(size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
  }
  uint32_t Get32(size_t at) const {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | bytes[at + i];
    return v;
  }
  void SetLayer(uint32_t layer) { Put32(0, layer); }
  // The tree address is 12 bytes; our indices fit in 64 bits (h - h' <= 64).
  void SetTree(uint64_t tree) {
    Put32(4, 0);
    Put32(8, static_cast<uint32_t>(tree >> 32));
    Put32(12, static_cast<uint32_t>(tree));
  }
  void SetTypeAndClear(AdrsType type) {
    Put32(16, type);
    std::memset(bytes + 20, 0, 12);
  }
  void SetKeyPair(uint32_t i) { Put32(20, i); }
  uint32_t KeyPair() const { return Get32(20); }
  void SetChain(uint32_t i) { Put32(24, i); }
  void SetTreeHeight(uint32_t z) { Put32(24, z); }
  void SetHash(uint32_t i) { Put32(28, i); }
  void SetTreeIndex(uint32_t i) { Put32(28, i); }
  uint32_t TreeIndex() const { return Get32(28); }

  // ADRSc = ADRS[3] || ADRS[8:16] || ADRS[19] || ADRS[20:32] (FIPS 205 §11.2).
  void Compress(uint8_t out[kAdrsCompressedBytes]) const {
    out[0] = bytes[3];
    std::memcpy(out + 1, bytes + 8, 8);
    out[9] = bytes[19];
    std::memcpy(out + 10, bytes + 20, 12);
  }
};

// ---- tweakable hashes F, H, T_l and PRF (FIPS 205 §11.1, §11.2) ------------------
class TweakHash {
 public:
  TweakHash(const ParamSet& p, const uint8_t* pk_seed, const uint8_t* sk_seed)
      : p_(p), shake_mid_(KeccakFunction::kShake256) {
    std::memcpy(pk_seed_, pk_seed, p.n);
    if (sk_seed != nullptr) std::memcpy(sk_seed_, sk_seed, p.n);
    if (p.shake) {
      shake_mid_.Absorb({pk_seed, p.n});
      return;
    }
    uint8_t block[128] = {};  // PK.seed || toByte(0, 64 - n) or (0, 128 - n)
    std::memcpy(block, pk_seed, p.n);
    SHA256_Init(&sha256_mid_);
    SHA256_Update(&sha256_mid_, block, 64);
    SHA512_Init(&sha512_mid_);
    SHA512_Update(&sha512_mid_, block, 128);
  }
  ~TweakHash() { SecureWipe(sk_seed_, sizeof(sk_seed_)); }
  TweakHash(const TweakHash&) = delete;
  TweakHash& operator=(const TweakHash&) = delete;

  // F (in_bytes = n), H (2n) and T_l (l·n): out = n bytes; in and out may alias.
  void T(const Adrs& adrs, const uint8_t* in, size_t in_bytes, uint8_t* out) const {
    if (p_.shake) {
      KeccakSponge s = shake_mid_;  // SHAKE256(PK.seed || ADRS || M, 8n)
      s.Absorb({adrs.bytes, kAdrsBytes});
      s.Absorb({in, in_bytes});
      s.Squeeze({out, p_.n});
      return;
    }
    // F is always SHA-256; H and T_l use SHA-512 for categories 3 and 5.
    Sha2(adrs, in, in_bytes, p_.n > 16 && in_bytes > p_.n, out);
  }
  // PRF(PK.seed, SK.seed, ADRS): the same shape as F, over SK.seed.
  void Prf(const Adrs& adrs, uint8_t* out) const {
    if (p_.shake) {
      T(adrs, sk_seed_, p_.n, out);
    } else {
      Sha2(adrs, sk_seed_, p_.n, /*use_sha512=*/false, out);
    }
  }
  uint32_t n() const { return p_.n; }

 private:
  void Sha2(const Adrs& adrs, const uint8_t* in, size_t in_bytes, bool use_sha512,
            uint8_t* out) const {
    uint8_t adrs_c[kAdrsCompressedBytes];
    adrs.Compress(adrs_c);
    uint8_t digest[64];
    if (use_sha512) {
      SHA512_CTX c = sha512_mid_;
      SHA512_Update(&c, adrs_c, sizeof(adrs_c));
      SHA512_Update(&c, in, in_bytes);
      SHA512_Final(digest, &c);
    } else {
      SHA256_CTX c = sha256_mid_;
      SHA256_Update(&c, adrs_c, sizeof(adrs_c));
      SHA256_Update(&c, in, in_bytes);
      SHA256_Final(digest, &c);
    }
    std::memcpy(out, digest, p_.n);
  }

  const ParamSet& p_;
  uint8_t pk_seed_[kNMax] = {};
  uint8_t sk_seed_[kNMax] = {};
  KeccakSponge shake_mid_;
  SHA256_CTX sha256_mid_{};
  SHA512_CTX sha512_mid_{};
};

// MGF1 (RFC 8017 B.2.1) with SHA-256 or SHA-512.
void Mgf1(bool sha512, const uint8_t* seed, size_t seed_bytes, uint8_t* out, size_t out_bytes) {
  uint8_t buf[160];
  ZQ_ASSERT(seed_bytes + 4 <= sizeof(buf));
  std::memcpy(buf, seed, seed_bytes);
  size_t done = 0;
  for (uint32_t counter = 0; done < out_bytes; ++counter) {
    for (int i = 0; i < 4; ++i) buf[seed_bytes + i] = static_cast<uint8_t>(counter >> (24 - 8 * i));
    uint8_t digest[64];
    size_t digest_bytes = sha512 ? 64 : 32;
    if (sha512) {
      SHA512(buf, seed_bytes + 4, digest);
    } else {
      SHA256(buf, seed_bytes + 4, digest);
    }
    size_t take = std::min(digest_bytes, out_bytes - done);
    std::memcpy(out + done, digest, take);
    done += take;
  }
}

// H_msg(R, PK.seed, PK.root, M), m bytes.
void HashMessage(const ParamSet& p, const uint8_t* r, const uint8_t* pk_seed,
                 const uint8_t* pk_root, std::span<const uint8_t> prefix,
                 std::span<const uint8_t> msg, uint8_t* out) {
  if (p.shake) {
    Shake256Xof s;
    s.Absorb({r, p.n});
    s.Absorb({pk_seed, p.n});
    s.Absorb({pk_root, p.n});
    s.Absorb(prefix);
    s.Absorb(msg);
    s.Squeeze({out, p.m});
    return;
  }
  // MGF1-SHA-x(R || PK.seed || SHA-x(R || PK.seed || PK.root || M), m)
  bool sha512 = p.n > 16;
  uint8_t seed[2 * kNMax + 64];
  std::memcpy(seed, r, p.n);
  std::memcpy(seed + p.n, pk_seed, p.n);
  uint8_t* inner = seed + 2 * p.n;
  if (sha512) {
    SHA512_CTX c;
    SHA512_Init(&c);
    SHA512_Update(&c, seed, 2 * p.n);
    SHA512_Update(&c, pk_root, p.n);
    SHA512_Update(&c, prefix.data(), prefix.size());
    SHA512_Update(&c, msg.data(), msg.size());
    SHA512_Final(inner, &c);
  } else {
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, seed, 2 * p.n);
    SHA256_Update(&c, pk_root, p.n);
    SHA256_Update(&c, prefix.data(), prefix.size());
    SHA256_Update(&c, msg.data(), msg.size());
    SHA256_Final(inner, &c);
  }
  Mgf1(sha512, seed, 2 * p.n + (sha512 ? 64 : 32), out, p.m);
}

// PRF_msg(SK.prf, opt_rand, M), n bytes.
Status PrfMessage(const ParamSet& p, const uint8_t* sk_prf, const uint8_t* opt_rand,
                  std::span<const uint8_t> prefix, std::span<const uint8_t> msg, uint8_t* out) {
  if (p.shake) {
    Shake256Xof s;
    s.Absorb({sk_prf, p.n});
    s.Absorb({opt_rand, p.n});
    s.Absorb(prefix);
    s.Absorb(msg);
    s.Squeeze({out, p.n});
    return Status::Ok();
  }
  // Trunc_n(HMAC-SHA-x(SK.prf, opt_rand || M))
  std::vector<uint8_t> data;
  data.reserve(p.n + prefix.size() + msg.size());
  data.insert(data.end(), opt_rand, opt_rand + p.n);
  data.insert(data.end(), prefix.begin(), prefix.end());
  data.insert(data.end(), msg.begin(), msg.end());
  uint8_t mac[64];
  unsigned int mac_bytes = 0;
  const EVP_MD* md = p.n > 16 ? EVP_sha512() : EVP_sha256();
  if (HMAC(md, sk_prf, static_cast<int>(p.n), data.data(), data.size(), mac, &mac_bytes) ==
      nullptr) {
    return Status::Internal("SLH-DSA: HMAC failed");
  }
  std::memcpy(out, mac, p.n);
  SecureWipe(mac, sizeof(mac));
  return Status::Ok();
}

// base_2b (Alg. 4): out_len integers of b bits, most significant first.
void Base2b(const uint8_t* x, uint32_t b, uint32_t out_len, uint32_t* out) {
  ZQ_ASSERT(b >= 1 && b <= 16);
  uint32_t in = 0, bits = 0;
  uint64_t total = 0;
  for (uint32_t i = 0; i < out_len; ++i) {
    while (bits < b) {
      total = (total << 8) | x[in++];
      bits += 8;
    }
    bits -= b;
    out[i] = static_cast<uint32_t>(total >> bits) & ((1u << b) - 1);
    total &= (uint64_t{1} << bits) - 1;
  }
}

// ---- WOTS+ (FIPS 205 §5) -----------------------------------------------------------
// The len base-w digits of an n-byte message plus its checksum (Alg. 7 lines 1–9).
void WotsDigits(uint32_t n, const uint8_t* msg, uint32_t digits[kLenMax]) {
  uint32_t len1 = 2 * n;
  Base2b(msg, 4, len1, digits);
  uint32_t csum = 0;
  for (uint32_t i = 0; i < len1; ++i) csum += kW - 1 - digits[i];
  // csum << 4, then toByte(csum, 2) split into three nibbles = csum's three nibbles.
  digits[len1] = (csum >> 8) & 15;
  digits[len1 + 1] = (csum >> 4) & 15;
  digits[len1 + 2] = csum & 15;
}

// chain (Alg. 5), in place.
void Chain(const TweakHash& th, uint8_t* x, uint32_t start, uint32_t steps, Adrs& adrs) {
  for (uint32_t j = start; j < start + steps; ++j) {
    adrs.SetHash(j);
    th.T(adrs, x, th.n(), x);
  }
}

void WotsSecret(const TweakHash& th, const Adrs& adrs, uint32_t chain, uint8_t* out) {
  Adrs sk_adrs = adrs;
  sk_adrs.SetTypeAndClear(kWotsPrf);
  sk_adrs.SetKeyPair(adrs.KeyPair());
  sk_adrs.SetChain(chain);
  th.Prf(sk_adrs, out);
}

void WotsCompress(const TweakHash& th, const Adrs& adrs, const uint8_t* tops, uint32_t len,
                  uint8_t* out) {
  Adrs pk_adrs = adrs;
  pk_adrs.SetTypeAndClear(kWotsPk);
  pk_adrs.SetKeyPair(adrs.KeyPair());
  th.T(pk_adrs, tops, size_t{len} * th.n(), out);
}

// wots_pkGen (Alg. 6); adrs has type WOTS_HASH and its key pair set.
void WotsPkGen(const TweakHash& th, Adrs adrs, uint32_t len, uint8_t* out) {
  const uint32_t n = th.n();
  uint8_t tmp[kLenMax * kNMax];
  for (uint32_t i = 0; i < len; ++i) {
    WotsSecret(th, adrs, i, tmp + i * n);
    adrs.SetChain(i);
    Chain(th, tmp + i * n, 0, kW - 1, adrs);
  }
  WotsCompress(th, adrs, tmp, len, out);
}

// wots_sign (Alg. 7).
void WotsSign(const TweakHash& th, const uint8_t* msg, Adrs adrs, uint32_t len, uint8_t* sig) {
  const uint32_t n = th.n();
  uint32_t digits[kLenMax];
  WotsDigits(n, msg, digits);
  for (uint32_t i = 0; i < len; ++i) {
    WotsSecret(th, adrs, i, sig + i * n);
    adrs.SetChain(i);
    Chain(th, sig + i * n, 0, digits[i], adrs);
  }
}

// wots_pkFromSig (Alg. 8).
void WotsPkFromSig(const TweakHash& th, const uint8_t* sig, const uint8_t* msg, Adrs adrs,
                   uint32_t len, uint8_t* out) {
  const uint32_t n = th.n();
  uint32_t digits[kLenMax];
  WotsDigits(n, msg, digits);
  uint8_t tmp[kLenMax * kNMax];
  std::memcpy(tmp, sig, size_t{len} * n);
  for (uint32_t i = 0; i < len; ++i) {
    adrs.SetChain(i);
    Chain(th, tmp + i * n, digits[i], kW - 1 - digits[i], adrs);
  }
  WotsCompress(th, adrs, tmp, len, out);
}

// ---- XMSS (FIPS 205 §6) ---------------------------------------------------------
// The whole XMSS tree of adrs's layer and tree address: its root (xmss_node(0, h'),
// Alg. 9) and, when auth != nullptr, the authentication path of leaf `leaf`
// (Alg. 10 lines 1–4).
void XmssTree(const ParamSet& p, const TweakHash& th, Adrs adrs, uint32_t leaf, uint8_t* auth,
              uint8_t* root) {
  const uint32_t n = p.n;
  const uint32_t leaves = 1u << p.hp;
  std::vector<uint8_t> nodes(size_t{leaves} * n);
  for (uint32_t i = 0; i < leaves; ++i) {
    adrs.SetTypeAndClear(kWotsHash);
    adrs.SetKeyPair(i);
    WotsPkGen(th, adrs, Len(p), nodes.data() + size_t{i} * n);
  }
  adrs.SetTypeAndClear(kTree);
  for (uint32_t z = 1; z <= p.hp; ++z) {
    if (auth != nullptr) {
      uint32_t sibling = (leaf >> (z - 1)) ^ 1;
      std::memcpy(auth + (z - 1) * n, nodes.data() + size_t{sibling} * n, n);
    }
    adrs.SetTreeHeight(z);
    for (uint32_t i = 0; i < (leaves >> z); ++i) {
      adrs.SetTreeIndex(i);
      // Node i reads nodes 2i and 2i+1, which no earlier step of this level wrote.
      th.T(adrs, nodes.data() + size_t{2 * i} * n, 2 * n, nodes.data() + size_t{i} * n);
    }
  }
  std::memcpy(root, nodes.data(), n);
}

// xmss_sign (Alg. 10), also returning the tree's root (what xmss_pkFromSig of the
// new signature gives). msg and root may alias.
void XmssSign(const ParamSet& p, const TweakHash& th, const uint8_t* msg, uint32_t leaf, Adrs adrs,
              uint8_t* sig, uint8_t* root) {
  const size_t wots_bytes = size_t{Len(p)} * p.n;
  Adrs wots_adrs = adrs;
  wots_adrs.SetTypeAndClear(kWotsHash);
  wots_adrs.SetKeyPair(leaf);
  WotsSign(th, msg, wots_adrs, Len(p), sig);
  XmssTree(p, th, adrs, leaf, sig + wots_bytes, root);
}

// xmss_pkFromSig (Alg. 11). msg and out may alias.
void XmssPkFromSig(const ParamSet& p, const TweakHash& th, uint32_t leaf, const uint8_t* sig,
                   const uint8_t* msg, Adrs adrs, uint8_t* out) {
  const uint32_t n = p.n;
  uint8_t buf[2 * kNMax];
  adrs.SetTypeAndClear(kWotsHash);
  adrs.SetKeyPair(leaf);
  WotsPkFromSig(th, sig, msg, adrs, Len(p), buf);
  const uint8_t* auth = sig + size_t{Len(p)} * n;
  adrs.SetTypeAndClear(kTree);
  adrs.SetTreeIndex(leaf);
  for (uint32_t k = 0; k < p.hp; ++k) {
    adrs.SetTreeHeight(k + 1);
    if (((leaf >> k) & 1) == 0) {
      adrs.SetTreeIndex(adrs.TreeIndex() / 2);
      std::memcpy(buf + n, auth + k * n, n);  // node || AUTH[k]
    } else {
      adrs.SetTreeIndex((adrs.TreeIndex() - 1) / 2);
      std::memcpy(buf + n, buf, n);  // AUTH[k] || node
      std::memcpy(buf, auth + k * n, n);
    }
    th.T(adrs, buf, 2 * n, buf);
  }
  std::memcpy(out, buf, n);
}

// ---- hypertree (FIPS 205 §7) -------------------------------------------------------
uint32_t XmssSigBytes(const ParamSet& p) {
  return (Len(p) + p.hp) * p.n;
}

// ht_sign (Alg. 12).
void HtSign(const ParamSet& p, const TweakHash& th, const uint8_t* msg, uint64_t tree,
            uint32_t leaf, uint8_t* sig) {
  uint8_t root[kNMax];
  std::memcpy(root, msg, p.n);
  Adrs adrs;
  for (uint32_t j = 0; j < p.d; ++j) {
    if (j > 0) {
      leaf = static_cast<uint32_t>(tree & ((uint64_t{1} << p.hp) - 1));
      tree >>= p.hp;
    }
    adrs.SetLayer(j);
    adrs.SetTree(tree);
    XmssSign(p, th, root, leaf, adrs, sig + size_t{j} * XmssSigBytes(p), root);
  }
}

// ht_verify (Alg. 13).
bool HtVerify(const ParamSet& p, const TweakHash& th, const uint8_t* msg, const uint8_t* sig,
              uint64_t tree, uint32_t leaf, const uint8_t* pk_root) {
  uint8_t node[kNMax];
  std::memcpy(node, msg, p.n);
  Adrs adrs;
  for (uint32_t j = 0; j < p.d; ++j) {
    if (j > 0) {
      leaf = static_cast<uint32_t>(tree & ((uint64_t{1} << p.hp) - 1));
      tree >>= p.hp;
    }
    adrs.SetLayer(j);
    adrs.SetTree(tree);
    XmssPkFromSig(p, th, leaf, sig + size_t{j} * XmssSigBytes(p), node, adrs, node);
  }
  return std::memcmp(node, pk_root, p.n) == 0;  // both public
}

// ---- FORS (FIPS 205 §8) --------------------------------------------------------------
// fors_skGen (Alg. 14).
void ForsSecret(const TweakHash& th, const Adrs& adrs, uint32_t index, uint8_t* out) {
  Adrs sk_adrs = adrs;
  sk_adrs.SetTypeAndClear(kForsPrf);
  sk_adrs.SetKeyPair(adrs.KeyPair());
  sk_adrs.SetTreeIndex(index);
  th.Prf(sk_adrs, out);
}

// fors_sign (Alg. 16); adrs has type FORS_TREE and its key pair set.
void ForsSign(const ParamSet& p, const TweakHash& th, const uint8_t* md, Adrs adrs, uint8_t* sig) {
  const uint32_t n = p.n;
  const uint32_t leaves = 1u << p.a;
  uint32_t indices[kKMax];
  Base2b(md, p.a, p.k, indices);
  std::vector<uint8_t> nodes(size_t{leaves} * n);
  uint8_t sk[kNMax];
  for (uint32_t i = 0; i < p.k; ++i) {
    uint8_t* out = sig + size_t{i} * (p.a + 1) * n;
    for (uint32_t j = 0; j < leaves; ++j) {  // fors_node(i·2^a + j, 0), Alg. 15
      ForsSecret(th, adrs, i * leaves + j, sk);
      if (j == indices[i]) std::memcpy(out, sk, n);
      adrs.SetTreeHeight(0);
      adrs.SetTreeIndex(i * leaves + j);
      th.T(adrs, sk, n, nodes.data() + size_t{j} * n);
    }
    for (uint32_t z = 1; z <= p.a; ++z) {
      uint32_t sibling = (indices[i] >> (z - 1)) ^ 1;
      std::memcpy(out + z * n, nodes.data() + size_t{sibling} * n, n);
      adrs.SetTreeHeight(z);
      for (uint32_t t = 0; t < (leaves >> z); ++t) {
        adrs.SetTreeIndex((i << (p.a - z)) + t);
        th.T(adrs, nodes.data() + size_t{2 * t} * n, 2 * n, nodes.data() + size_t{t} * n);
      }
    }
  }
  SecureWipe(sk, sizeof(sk));
}

// fors_pkFromSig (Alg. 17).
void ForsPkFromSig(const ParamSet& p, const TweakHash& th, const uint8_t* sig, const uint8_t* md,
                   Adrs adrs, uint8_t* out) {
  const uint32_t n = p.n;
  uint32_t indices[kKMax];
  Base2b(md, p.a, p.k, indices);
  uint8_t roots[kKMax * kNMax];
  uint8_t buf[2 * kNMax];
  for (uint32_t i = 0; i < p.k; ++i) {
    const uint8_t* sk = sig + size_t{i} * (p.a + 1) * n;
    const uint8_t* auth = sk + n;
    adrs.SetTreeHeight(0);
    adrs.SetTreeIndex((i << p.a) + indices[i]);
    th.T(adrs, sk, n, buf);
    for (uint32_t j = 0; j < p.a; ++j) {
      adrs.SetTreeHeight(j + 1);
      if (((indices[i] >> j) & 1) == 0) {
        adrs.SetTreeIndex(adrs.TreeIndex() / 2);
        std::memcpy(buf + n, auth + j * n, n);
      } else {
        adrs.SetTreeIndex((adrs.TreeIndex() - 1) / 2);
        std::memcpy(buf + n, buf, n);
        std::memcpy(buf, auth + j * n, n);
      }
      th.T(adrs, buf, 2 * n, buf);
    }
    std::memcpy(roots + i * n, buf, n);
  }
  Adrs pk_adrs = adrs;
  pk_adrs.SetTypeAndClear(kForsRoots);
  pk_adrs.SetKeyPair(adrs.KeyPair());
  th.T(pk_adrs, roots, size_t{p.k} * n, out);
}

// ---- top level (FIPS 205 §9, §10) ----------------------------------------------------
uint64_t ToInt(const uint8_t* x, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes; ++i) v = (v << 8) | x[i];
  return v;
}

struct DigestSplit {
  const uint8_t* md;
  uint64_t tree;
  uint32_t leaf;
};

// Alg. 19 lines 10–14 / Alg. 20 lines 9–13.
DigestSplit SplitDigest(const ParamSet& p, const uint8_t* digest) {
  size_t md_bytes = (p.k * p.a + 7) / 8;
  uint32_t tree_bits = p.h - p.hp;
  size_t tree_bytes = (tree_bits + 7) / 8;
  size_t leaf_bytes = (p.hp + 7) / 8;
  ZQ_ASSERT(md_bytes + tree_bytes + leaf_bytes == p.m && tree_bits <= 64);
  uint64_t tree = ToInt(digest + md_bytes, tree_bytes);
  if (tree_bits < 64) tree &= (uint64_t{1} << tree_bits) - 1;
  uint64_t leaf = ToInt(digest + md_bytes + tree_bytes, leaf_bytes) & ((1u << p.hp) - 1);
  return {digest, tree, static_cast<uint32_t>(leaf)};
}

Result<std::vector<uint8_t>> SignImpl(const ParamSet& p, std::span<const uint8_t> sk,
                                      std::span<const uint8_t> prefix, std::span<const uint8_t> msg,
                                      std::span<const uint8_t> addrnd) {
  const uint32_t n = p.n;
  if (sk.size() != 4 * size_t{n}) return Status::InvalidArgument("SLH-DSA: bad secret key length");
  if (!addrnd.empty() && addrnd.size() != n) {
    return Status::InvalidArgument("SLH-DSA: addrnd must be n bytes");
  }
  const uint8_t* sk_seed = sk.data();
  const uint8_t* sk_prf = sk.data() + n;
  const uint8_t* pk_seed = sk.data() + 2 * n;
  const uint8_t* pk_root = sk.data() + 3 * n;
  const uint8_t* opt_rand = addrnd.empty() ? pk_seed : addrnd.data();
  std::vector<uint8_t> sig(SignatureBytes(p));
  ZQ_RETURN_IF_ERROR(PrfMessage(p, sk_prf, opt_rand, prefix, msg, sig.data()));  // R
  uint8_t digest[kMMax];
  HashMessage(p, sig.data(), pk_seed, pk_root, prefix, msg, digest);
  DigestSplit split = SplitDigest(p, digest);
  TweakHash th(p, pk_seed, sk_seed);
  Adrs adrs;
  adrs.SetTree(split.tree);
  adrs.SetTypeAndClear(kForsTree);
  adrs.SetKeyPair(split.leaf);
  uint8_t* sig_fors = sig.data() + n;
  ForsSign(p, th, split.md, adrs, sig_fors);
  uint8_t pk_fors[kNMax];
  ForsPkFromSig(p, th, sig_fors, split.md, adrs, pk_fors);
  HtSign(p, th, pk_fors, split.tree, split.leaf, sig_fors + size_t{p.k} * (p.a + 1) * n);
  return sig;
}

Status VerifyImpl(const ParamSet& p, std::span<const uint8_t> pk, std::span<const uint8_t> prefix,
                  std::span<const uint8_t> msg, std::span<const uint8_t> sig) {
  const uint32_t n = p.n;
  if (pk.size() != 2 * size_t{n}) return Status::InvalidArgument("SLH-DSA: bad public key length");
  if (sig.size() != SignatureBytes(p)) return Status::AuthFailed("SLH-DSA: bad signature length");
  const uint8_t* pk_seed = pk.data();
  const uint8_t* pk_root = pk.data() + n;
  uint8_t digest[kMMax];
  HashMessage(p, sig.data(), pk_seed, pk_root, prefix, msg, digest);
  DigestSplit split = SplitDigest(p, digest);
  TweakHash th(p, pk_seed, nullptr);
  Adrs adrs;
  adrs.SetTree(split.tree);
  adrs.SetTypeAndClear(kForsTree);
  adrs.SetKeyPair(split.leaf);
  const uint8_t* sig_fors = sig.data() + n;
  uint8_t pk_fors[kNMax];
  ForsPkFromSig(p, th, sig_fors, split.md, adrs, pk_fors);
  if (!HtVerify(p, th, pk_fors, sig_fors + size_t{p.k} * (p.a + 1) * n, split.tree, split.leaf,
                pk_root)) {
    return Status::AuthFailed("SLH-DSA: signature does not verify");
  }
  return Status::Ok();
}

// M' prefix of the pure interface: toByte(0, 1) || toByte(|ctx|, 1) || ctx (Alg. 22).
Result<std::vector<uint8_t>> PurePrefix(std::span<const uint8_t> ctx) {
  if (ctx.size() > kSlhDsaContextBytesMax) {
    return Status::InvalidArgument("SLH-DSA: context longer than 255 bytes");
  }
  std::vector<uint8_t> prefix = {0, static_cast<uint8_t>(ctx.size())};
  prefix.insert(prefix.end(), ctx.begin(), ctx.end());
  return prefix;
}

}  // namespace

SlhDsaSizes SlhDsaSizesFor(SlhDsaParams params) {
  const ParamSet& p = Get(params);
  return {p.n, 2 * size_t{p.n}, 4 * size_t{p.n}, SignatureBytes(p)};
}

const char* SlhDsaName(SlhDsaParams params) {
  return Get(params).name;
}

std::optional<SlhDsaParams> SlhDsaParamsFromName(std::string_view name) {
  for (size_t i = 0; i < kSlhDsaParamSetCount; ++i) {
    if (name == kParamSets[i].name) return static_cast<SlhDsaParams>(i);
  }
  return std::nullopt;
}

Result<SlhDsaKeyPair> SlhDsaKeyGenInternal(SlhDsaParams params, std::span<const uint8_t> sk_seed,
                                           std::span<const uint8_t> sk_prf,
                                           std::span<const uint8_t> pk_seed) {
  const ParamSet& p = Get(params);
  if (sk_seed.size() != p.n || sk_prf.size() != p.n || pk_seed.size() != p.n) {
    return Status::InvalidArgument("SLH-DSA: seeds must be n bytes");
  }
  uint8_t root[kNMax];
  {
    TweakHash th(p, pk_seed.data(), sk_seed.data());
    Adrs adrs;
    adrs.SetLayer(p.d - 1);
    XmssTree(p, th, adrs, 0, nullptr, root);  // Alg. 18 line 3
  }
  SlhDsaKeyPair pair;
  pair.public_key.insert(pair.public_key.end(), pk_seed.begin(), pk_seed.end());
  pair.public_key.insert(pair.public_key.end(), root, root + p.n);
  pair.secret_key.insert(pair.secret_key.end(), sk_seed.begin(), sk_seed.end());
  pair.secret_key.insert(pair.secret_key.end(), sk_prf.begin(), sk_prf.end());
  pair.secret_key.insert(pair.secret_key.end(), pair.public_key.begin(), pair.public_key.end());
  ZQ_ASSERT(pair.secret_key.size() == 4 * size_t{p.n});
  return pair;
}

Result<SlhDsaKeyPair> SlhDsaKeyGen(SlhDsaParams params) {
  const ParamSet& p = Get(params);
  uint8_t seeds[3 * kNMax];
  ZQ_RETURN_IF_ERROR(RandomBytes(seeds, 3 * p.n));
  auto pair =
      SlhDsaKeyGenInternal(params, {seeds, p.n}, {seeds + p.n, p.n}, {seeds + 2 * p.n, p.n});
  SecureWipe(seeds, sizeof(seeds));
  return pair;
}

Result<std::vector<uint8_t>> SlhDsaSignInternal(SlhDsaParams params, std::span<const uint8_t> sk,
                                                std::span<const uint8_t> message,
                                                std::span<const uint8_t> addrnd) {
  return SignImpl(Get(params), sk, {}, message, addrnd);
}

Status SlhDsaVerifyInternal(SlhDsaParams params, std::span<const uint8_t> pk,
                            std::span<const uint8_t> message, std::span<const uint8_t> sig) {
  return VerifyImpl(Get(params), pk, {}, message, sig);
}

Result<std::vector<uint8_t>> SlhDsaSign(SlhDsaParams params, std::span<const uint8_t> sk,
                                        std::span<const uint8_t> msg, std::span<const uint8_t> ctx,
                                        SlhDsaRandomness randomness) {
  const ParamSet& p = Get(params);
  ZQ_ASSIGN_OR_RETURN(std::vector<uint8_t> prefix, PurePrefix(ctx));
  uint8_t addrnd[kNMax];
  std::span<const uint8_t> rnd;
  if (randomness == SlhDsaRandomness::kHedged) {
    ZQ_RETURN_IF_ERROR(RandomBytes(addrnd, p.n));
    rnd = {addrnd, p.n};
  }
  return SignImpl(p, sk, prefix, msg, rnd);
}

Status SlhDsaVerify(SlhDsaParams params, std::span<const uint8_t> pk, std::span<const uint8_t> msg,
                    std::span<const uint8_t> ctx, std::span<const uint8_t> sig) {
  ZQ_ASSIGN_OR_RETURN(std::vector<uint8_t> prefix, PurePrefix(ctx));
  return VerifyImpl(Get(params), pk, prefix, msg, sig);
}

}  // namespace zq::crypto

#pragma GCC diagnostic pop

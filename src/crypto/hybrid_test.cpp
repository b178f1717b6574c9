// X-Wing and the Ed25519 + ML-DSA-65 composite signature: round trips,
// determinism of the derandomized forms, tampering, and bad encodings.
//
// The draft's published X-Wing vectors are in xwing_vectors_test.cpp; here the
// combiner is also cross-checked against its definition computed from the parts
// (ML-KEM-768 and X25519, each proven on its own vectors).
#include "crypto/hybrid.hpp"

#include <gtest/gtest.h>

#include "crypto/ecc.hpp"
#include "crypto/keccak.hpp"
#include "crypto/mlkem.hpp"

namespace zq::crypto {
namespace {

std::vector<uint8_t> Bytes(size_t n, uint8_t start) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(start + i);
  return v;
}

TEST(XWing, RoundTrip) {
  auto pair = XWingKeyGen();
  ASSERT_TRUE(pair.ok());
  ASSERT_EQ(pair->public_key.size(), kXWingPublicKeyBytes);
  ASSERT_EQ(pair->secret_key.size(), kXWingSecretKeyBytes);
  auto enc = XWingEncaps(pair->public_key);
  ASSERT_TRUE(enc.ok());
  ASSERT_EQ(enc->ciphertext.size(), kXWingCiphertextBytes);
  auto ss = XWingDecaps(pair->secret_key, enc->ciphertext);
  ASSERT_TRUE(ss.ok());
  EXPECT_EQ(*ss, enc->shared_secret);
  auto pub = XWingPublicKey(pair->secret_key);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(*pub, pair->public_key);
  // Altering either half of the ciphertext changes the key (no error).
  for (size_t at : {size_t{5}, kXWingCiphertextBytes - 3}) {
    std::vector<uint8_t> ct = enc->ciphertext;
    ct[at] ^= 1;
    auto other = XWingDecaps(pair->secret_key, ct);
    ASSERT_TRUE(other.ok());
    EXPECT_NE(*other, enc->shared_secret);
  }
}

// The combiner, recomputed from the parts per the draft's pseudocode.
TEST(XWing, MatchesDraftConstructionFromParts) {
  std::vector<uint8_t> seed = Bytes(32, 1), eseed = Bytes(64, 100);
  auto pair = XWingKeyGenDerand(seed);
  ASSERT_TRUE(pair.ok());
  std::vector<uint8_t> expanded(96);
  Shake256(seed, expanded);
  auto mlkem = MlKemKeyGenInternal(MlKemParams::k768, std::span(expanded).first(32),
                                   std::span(expanded).subspan(32, 32));
  ASSERT_TRUE(mlkem.ok());
  auto pk_x = X25519PublicKey(std::span(expanded).subspan(64));
  ASSERT_TRUE(pk_x.ok());
  std::vector<uint8_t> pk = mlkem->encaps_key;
  pk.insert(pk.end(), pk_x->begin(), pk_x->end());
  EXPECT_EQ(pair->public_key, pk);

  auto enc = XWingEncapsDerand(pair->public_key, eseed);
  ASSERT_TRUE(enc.ok());
  auto ct_x = X25519PublicKey(std::span(eseed).subspan(32));
  auto ss_x = X25519Derive(std::span(eseed).subspan(32), *pk_x);
  auto ml = MlKemEncapsInternal(MlKemParams::k768, mlkem->encaps_key, std::span(eseed).first(32));
  ASSERT_TRUE(ct_x.ok() && ss_x.ok() && ml.ok());
  std::vector<uint8_t> input = ml->shared_secret;
  input.insert(input.end(), ss_x->begin(), ss_x->end());
  input.insert(input.end(), ct_x->begin(), ct_x->end());
  input.insert(input.end(), pk_x->begin(), pk_x->end());
  const uint8_t label[] = {'\\', '.', '/', '/', '^', '\\'};
  input.insert(input.end(), label, label + 6);
  auto ss = Sha3_256(input);
  EXPECT_EQ(enc->shared_secret, std::vector<uint8_t>(ss.begin(), ss.end()));
  std::vector<uint8_t> ct = ml->ciphertext;
  ct.insert(ct.end(), ct_x->begin(), ct_x->end());
  EXPECT_EQ(enc->ciphertext, ct);
  // Derandomized forms are deterministic.
  auto again = XWingEncapsDerand(pair->public_key, eseed);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->shared_secret, enc->shared_secret);
}

TEST(XWing, BadInput) {
  auto pair = XWingKeyGen();
  ASSERT_TRUE(pair.ok());
  EXPECT_FALSE(XWingKeyGenDerand(Bytes(31, 0)).ok());
  EXPECT_FALSE(XWingEncaps(Bytes(1215, 0)).ok());
  EXPECT_FALSE(XWingDecaps(pair->secret_key, Bytes(1119, 0)).ok());
  EXPECT_FALSE(XWingDecaps(Bytes(33, 0), Bytes(1120, 0)).ok());
  // A low-order X25519 half: Encaps refuses it; Decaps of a low-order ct_X
  // still returns a key (X25519 gives zeros, the combiner runs).
  std::vector<uint8_t> pk = pair->public_key;
  std::fill(pk.end() - 32, pk.end(), 0);
  EXPECT_EQ(XWingEncaps(pk).status().code(), StatusCode::kInvalidArgument);
  auto enc = XWingEncaps(pair->public_key);
  ASSERT_TRUE(enc.ok());
  std::vector<uint8_t> ct = enc->ciphertext;
  std::fill(ct.end() - 32, ct.end(), 0);
  auto ss = XWingDecaps(pair->secret_key, ct);
  ASSERT_TRUE(ss.ok());
  EXPECT_NE(*ss, enc->shared_secret);
  // Mismatched ML-KEM modulus check propagates.
  pk = pair->public_key;
  pk[0] = 0xFF;
  pk[1] = 0xFF;
  EXPECT_FALSE(XWingEncaps(pk).ok());
}

TEST(Composite, RoundTripAndTampering) {
  auto pair = CompositeKeyGen();
  ASSERT_TRUE(pair.ok());
  ASSERT_EQ(pair->public_key.size(), kCompositePublicKeyBytes);
  ASSERT_EQ(pair->secret_key.size(), kCompositeSecretKeyBytes);
  std::vector<uint8_t> msg = Bytes(100, 7), ctx = {'a', 'u', 'd', 'i', 't'};
  auto sig = CompositeSign(pair->secret_key, msg, ctx);
  ASSERT_TRUE(sig.ok());
  ASSERT_EQ(sig->size(), kCompositeSignatureBytes);
  EXPECT_TRUE(CompositeVerify(pair->public_key, msg, ctx, *sig).ok());
  EXPECT_TRUE(CompositeVerify(pair->public_key, msg, {}, *sig).IsAuthFailed());
  std::vector<uint8_t> other = msg;
  other.back() ^= 1;
  EXPECT_TRUE(CompositeVerify(pair->public_key, other, ctx, *sig).IsAuthFailed());
  // Either half alone is not enough.
  for (size_t at : {size_t{10}, size_t{100}, kCompositeSignatureBytes - 1}) {
    std::vector<uint8_t> bad = *sig;
    bad[at] ^= 1;
    EXPECT_FALSE(CompositeVerify(pair->public_key, msg, ctx, bad).ok()) << at;
  }
  std::vector<uint8_t> bad = *sig;
  bad[0] = 2;  // unknown version
  EXPECT_TRUE(CompositeVerify(pair->public_key, msg, ctx, bad).IsAuthFailed());
  bad = *sig;
  bad.pop_back();
  EXPECT_TRUE(CompositeVerify(pair->public_key, msg, ctx, bad).IsAuthFailed());
  std::vector<uint8_t> pk = pair->public_key;
  pk[0] = 0;
  EXPECT_EQ(CompositeVerify(pk, msg, ctx, *sig).code(), StatusCode::kInvalidArgument);
  std::vector<uint8_t> sk = pair->secret_key;
  sk[0] = 9;
  EXPECT_EQ(CompositeSign(sk, msg, ctx).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CompositeSign(pair->secret_key, msg, std::vector<uint8_t>(256)).status().code(),
            StatusCode::kInvalidArgument);
  auto pub = CompositePublicKey(pair->secret_key);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(*pub, pair->public_key);
}

TEST(Composite, DeterministicFromSeed) {
  auto a = CompositeKeyGenFromSeed(Bytes(64, 3));
  auto b = CompositeKeyGenFromSeed(Bytes(64, 3));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->public_key, b->public_key);
  std::vector<uint8_t> msg = {1};
  auto s1 = CompositeSign(a->secret_key, msg, {}, MlDsaRandomness::kDeterministic);
  auto s2 = CompositeSign(a->secret_key, msg, {}, MlDsaRandomness::kDeterministic);
  ASSERT_TRUE(s1.ok() && s2.ok());
  EXPECT_EQ(*s1, *s2);
  EXPECT_FALSE(CompositeKeyGenFromSeed(Bytes(63, 0)).ok());
}

}  // namespace
}  // namespace zq::crypto

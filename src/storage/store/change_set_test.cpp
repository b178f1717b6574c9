#include "storage/store/change_set.hpp"

#include <gtest/gtest.h>

#include <random>

namespace zq::storage {
namespace {

TEST(ChangeSetTest, RoundTrip) {
  ChangeSet cs;
  cs.commit_timestamp = 123456789;
  cs.Tree(1)->created = true;
  cs.Put(cs.Tree(1), "b", std::nullopt);
  cs.Put(cs.Tree(1), "a", "1");
  cs.Tree(2000)->dropped = true;
  cs.Put(cs.Tree(7), std::string(300, 'k'), std::string(5000, 'v'));
  ChangeSet back;
  ASSERT_TRUE(ChangeSet::Decode(cs.Encode(), &back).ok());
  EXPECT_EQ(back.commit_timestamp, cs.commit_timestamp);
  ASSERT_EQ(back.trees().size(), 3u);
  EXPECT_TRUE(back.Tree(1)->created);
  EXPECT_TRUE(back.Tree(2000)->dropped);
  EXPECT_EQ(back.Tree(1)->ops, cs.Tree(1)->ops);
  EXPECT_EQ(back.Tree(7)->ops, cs.Tree(7)->ops);
}

TEST(ChangeSetTest, TruncatedOrGarbageInputIsCorruptionNeverACrash) {
  ChangeSet cs;
  cs.Put(cs.Tree(3), "key", "value");
  std::string enc = cs.Encode();
  for (size_t n = 0; n < enc.size(); n++) {
    ChangeSet out;
    EXPECT_EQ(ChangeSet::Decode(enc.substr(0, n), &out).code(), StatusCode::kCorruption);
  }
  std::mt19937_64 rng(3);
  for (int i = 0; i < 20000; i++) {
    std::string junk(rng() % 64, '\0');
    for (auto& c : junk) c = static_cast<char>(rng());
    ChangeSet out;
    Status s = ChangeSet::Decode(junk, &out);
    if (!s.ok()) {
      EXPECT_EQ(s.code(), StatusCode::kCorruption);
    }
  }
}

TEST(ChangeSetTest, PutOverwritesAndCopiesStayIndependent) {
  ChangeSet cs;
  TreeChanges* t = cs.Tree(5);
  cs.Put(t, "k2", "v2");
  cs.Put(t, "k1", "v1");
  ChangeSet saved = cs;  // a savepoint: shares the byte arena
  {
    std::string transient = "k3";  // the change set keeps its own copy of the key
    cs.Put(cs.Tree(5), transient, "v3");
    transient.assign("zz");
  }
  cs.Put(cs.Tree(5), "k1", std::nullopt);
  cs.Put(cs.Tree(5), "k2", "v2'");
  const OpMap& now = cs.Tree(5)->ops;
  ASSERT_EQ(now.size(), 3u);
  EXPECT_FALSE(now.at("k1").has_value());
  EXPECT_EQ(*now.at("k2"), "v2'");
  EXPECT_EQ(*now.at("k3"), "v3");
  cs = ChangeSet();  // the copy outlives the original
  const OpMap& then = saved.Tree(5)->ops;
  ASSERT_EQ(then.size(), 2u);
  EXPECT_EQ(*then.at("k1"), "v1");
  EXPECT_EQ(*then.at("k2"), "v2");
}

TEST(ChangeSetTest, OpsOutOfKeyOrderAreCorruption) {
  ChangeSet cs;
  cs.Put(cs.Tree(3), "a", "1");
  cs.Put(cs.Tree(3), "b", "2");
  std::string enc = cs.Encode();
  // Swap the two ops' keys: "b" first, then "a".
  const size_t a = enc.find('a'), b = enc.find('b');
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(b, std::string::npos);
  std::swap(enc[a], enc[b]);
  ChangeSet out;
  EXPECT_EQ(ChangeSet::Decode(enc, &out).code(), StatusCode::kCorruption);
  std::string dup = cs.Encode();
  dup[dup.find('b')] = 'a';
  EXPECT_EQ(ChangeSet::Decode(dup, &out).code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace zq::storage

#include "storage/store/change_set.hpp"

#include <gtest/gtest.h>

#include <random>

namespace zq::storage {
namespace {

TEST(ChangeSetTest, RoundTrip) {
  ChangeSet cs;
  cs.commit_timestamp = 123456789;
  cs.trees[1].created = true;
  cs.trees[1].ops["a"] = "1";
  cs.trees[1].ops["b"] = std::nullopt;
  cs.trees[2000].dropped = true;
  cs.trees[7].ops[std::string(300, 'k')] = std::string(5000, 'v');
  ChangeSet back;
  ASSERT_TRUE(ChangeSet::Decode(cs.Encode(), &back).ok());
  EXPECT_EQ(back.commit_timestamp, cs.commit_timestamp);
  ASSERT_EQ(back.trees.size(), 3u);
  EXPECT_TRUE(back.trees[1].created);
  EXPECT_TRUE(back.trees[2000].dropped);
  EXPECT_EQ(back.trees[1].ops, cs.trees[1].ops);
  EXPECT_EQ(back.trees[7].ops, cs.trees[7].ops);
}

TEST(ChangeSetTest, TruncatedOrGarbageInputIsCorruptionNeverACrash) {
  ChangeSet cs;
  cs.trees[3].ops["key"] = "value";
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

}  // namespace
}  // namespace zq::storage

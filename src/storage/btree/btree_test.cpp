// B+tree tests straight on the pager: random puts and deletes against
// std::map, checking point reads, cursors in both directions, the structure
// of every page, and that deleting everything gives every page back.
#include "storage/btree/btree.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "storage/btree/node.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq::storage {
namespace {

class BTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto file = vfs_.Open("t.zq", OpenFlags::kReadWrite | OpenFlags::kCreate);
    ASSERT_TRUE(file.ok());
    file_ = std::move(*file);
    Superblock sb;
    auto pager = Pager::Open(file_.get(), PagerOptions{}, &sb);
    ASSERT_TRUE(pager.ok());
    pager_ = std::move(*pager);
  }

  // Every page reachable from root passes node::Check; leaves all at one depth;
  // keys of each child lie within its parent's separators.
  void CheckStructure(PageNo root, int depth, int* leaf_depth, const std::string* lo,
                      const std::string* hi) {
    if (root == kNullPage) return;
    auto page = pager_->Read(root);
    ASSERT_TRUE(page.ok());
    const uint8_t* n = *page;
    ASSERT_TRUE(node::Check(n, pager_->usable_bytes(), root).ok());
    int count = node::Count(n);
    for (int i = 0; i < count; i++) {
      std::string k(node::CellKey(n, i));
      if (lo) {
        ASSERT_GE(k, *lo);
      }
      if (hi) {
        ASSERT_LT(k, *hi);
      }
    }
    if (node::IsLeaf(n)) {
      ASSERT_GT(count, 0) << "empty leaf left in the tree";
      if (*leaf_depth < 0) *leaf_depth = depth;
      ASSERT_EQ(*leaf_depth, depth) << "leaves at different depths";
      return;
    }
    for (int c = 0; c <= count; c++) {
      std::string clo = c > 0 ? std::string(node::CellKey(n, c - 1)) : std::string();
      std::string chi = c < count ? std::string(node::CellKey(n, c)) : std::string();
      CheckStructure(node::Child(n, c), depth + 1, leaf_depth, c > 0 ? &clo : lo,
                     c < count ? &chi : hi);
    }
  }

  void CheckAgainst(PageNo root, const std::map<std::string, std::string>& model) {
    int leaf_depth = -1;
    CheckStructure(root, 0, &leaf_depth, nullptr, nullptr);
    TreeCursor c(pager_.get(), root);
    ASSERT_TRUE(c.SeekFirst().ok());
    for (const auto& [k, v] : model) {
      ASSERT_TRUE(c.Valid());
      ASSERT_EQ(c.key(), k);
      ASSERT_EQ(c.value(), v);
      ASSERT_TRUE(c.Next().ok());
    }
    ASSERT_FALSE(c.Valid());
    ASSERT_TRUE(c.SeekLast().ok());
    for (auto it = model.rbegin(); it != model.rend(); ++it) {
      ASSERT_TRUE(c.Valid());
      ASSERT_EQ(c.key(), it->first);
      ASSERT_TRUE(c.Prev().ok());
    }
    ASSERT_FALSE(c.Valid());
  }

  FaultVfs vfs_{1};
  std::unique_ptr<File> file_;
  std::unique_ptr<Pager> pager_;
};

std::string Value(std::mt19937_64& rng) {
  size_t n = rng() % 20 == 0 ? rng() % 20000 : rng() % 200;
  return std::string(n, static_cast<char>('a' + rng() % 26));
}

TEST_F(BTreeTest, RandomPutsAndDeletesMatchMap) {
  std::mt19937_64 rng(42);
  std::map<std::string, std::string> model;
  PageNo root = kNullPage;
  uint64_t seq = 1;
  for (int round = 0; round < 30; round++) {
    TreeWriter w(pager_.get(), seq++);
    for (int i = 0; i < 500; i++) {
      std::string k(1 + rng() % 40, '\0');
      for (auto& ch : k) ch = static_cast<char>(rng() % 4);  // long shared prefixes
      bool changed = false;
      if (rng() % 3 == 0) {
        ASSERT_TRUE(w.Delete(&root, k, &changed).ok());
        ASSERT_EQ(changed, model.erase(k) == 1);
      } else {
        std::string v = Value(rng);
        ASSERT_TRUE(w.Put(&root, k, v, &changed).ok());
        ASSERT_EQ(changed, model.count(k) == 0);
        model[k] = v;
      }
    }
    pager_->set_claimed_seq(seq - 1);  // publish: later rounds copy on write
    pager_->Reclaim(seq - 1);
    CheckAgainst(root, model);
    if (HasFatalFailure()) return;
    std::vector<std::string> probes;
    for (int probe = 0; probe < 100; probe++) {
      std::string k(1 + rng() % 40, '\0');
      for (auto& ch : k) ch = static_cast<char>(rng() % 4);
      std::string v;
      auto found = TreeGet(pager_.get(), root, k, &v);
      ASSERT_TRUE(found.ok());
      ASSERT_EQ(*found, model.count(k) == 1);
      if (*found) {
        ASSERT_EQ(v, model[k]);
      }
      probes.push_back(k);
      // Present keys too, some twice, in no order.
      if (!model.empty() && rng() % 2 == 0) {
        auto it = model.lower_bound(k);
        probes.push_back(it == model.end() ? model.begin()->first : it->first);
        if (rng() % 4 == 0) probes.push_back(probes.back());
      }
    }
    // TreeGetMany answers as TreeGet, in batches of every size.
    for (size_t start = 0; start < probes.size();) {
      const size_t len = std::min<size_t>(probes.size() - start, rng() % 70);
      std::vector<std::string_view> keys(probes.begin() + static_cast<long>(start),
                                         probes.begin() + static_cast<long>(start + len));
      std::vector<std::string> values(rng() % 3, "stale");
      std::vector<uint8_t> found;
      ASSERT_TRUE(TreeGetMany(pager_.get(), root, keys, &values, &found).ok());
      ASSERT_EQ(values.size(), len);
      ASSERT_EQ(found.size(), len);
      for (size_t i = 0; i < len; i++) {
        auto it = model.find(std::string(keys[i]));
        ASSERT_EQ(found[i] != 0, it != model.end());
        if (found[i]) {
          ASSERT_EQ(values[i], it->second);
        }
      }
      start += len;
    }
  }
  // Delete everything: every page (tree and overflow) comes back.
  TreeWriter w(pager_.get(), seq++);
  for (const auto& kv : model) {
    bool existed = false;
    ASSERT_TRUE(w.Delete(&root, kv.first, &existed).ok());
    ASSERT_TRUE(existed);
  }
  EXPECT_EQ(root, kNullPage);
  pager_->set_claimed_seq(seq);
  pager_->Reclaim(seq);
  PagerStats st = pager_->Stats();
  EXPECT_EQ(st.free_page_count, st.page_count - kFirstDataPage) << "pages leaked";
}

// The writer's fast paths: keys put in ascending runs go straight to the
// leaf the previous key went to, same-size values are overwritten in place,
// and an ascending load splits the rightmost leaf so pages stay full.
TEST_F(BTreeTest, AscendingRunsAndSameSizeOverwritesMatchMap) {  // with Prefetch hints
  std::mt19937_64 rng(7);
  std::map<std::string, std::string> model;
  PageNo root = kNullPage;
  uint64_t seq = 1;
  auto key_of = [](uint64_t n) {
    std::string k(12, '\0');
    for (int b = 0; b < 8; b++) k[4 + b] = static_cast<char>(n >> (56 - 8 * b));
    k[0] = static_cast<char>(n % 3);  // three interleaved ranges
    return k;
  };
  for (int round = 0; round < 40; round++) {
    TreeWriter w(pager_.get(), seq++);
    std::vector<uint64_t> ids;
    for (int i = 0; i < 400; i++) ids.push_back(rng() % 20000);
    std::vector<std::string> keys;
    for (uint64_t id : ids) keys.push_back(key_of(id));
    std::sort(keys.begin(), keys.end());
    for (size_t i = 0; i < keys.size(); i++) {
      const std::string& k = keys[i];
      if (i % 50 == 0) {  // a hint for the keys ahead (some in the hinted leaf) changes nothing
        std::vector<std::string_view> ahead(keys.begin() + i,
                                            keys.begin() + std::min(keys.size(), i + 90));
        ASSERT_TRUE(w.Prefetch(root, ahead).ok());
      }
      bool inserted = false;
      if (rng() % 10 == 0) {
        ASSERT_TRUE(w.Delete(&root, k, &inserted).ok());
        ASSERT_EQ(inserted, model.erase(k) == 1);
        continue;
      }
      // Mostly 32-byte values (overwritten in place), sometimes another size.
      std::string v(rng() % 8 == 0 ? 1 + rng() % 300 : 32, static_cast<char>('a' + rng() % 26));
      ASSERT_TRUE(w.Put(&root, k, v, &inserted).ok());
      ASSERT_EQ(inserted, model.count(k) == 0);
      model[k] = v;
    }
    pager_->set_claimed_seq(seq - 1);
    pager_->Reclaim(seq - 1);
    CheckAgainst(root, model);
    if (HasFatalFailure()) return;
  }
}

TEST_F(BTreeTest, AnAscendingLoadFillsItsPages) {
  PageNo root = kNullPage;
  TreeWriter w(pager_.get(), 1);
  const std::string value(40, 'v');
  const int n = 20000;
  for (int i = 0; i < n; i++) {
    std::string k(8, '\0');
    for (int b = 0; b < 8; b++) k[b] = static_cast<char>(uint64_t(i) >> (56 - 8 * b));
    bool inserted = false;
    ASSERT_TRUE(w.Put(&root, k, value, &inserted).ok());
    ASSERT_TRUE(inserted);
  }
  std::vector<PageNo> pages;
  ASSERT_TRUE(CollectTreePages(pager_.get(), root, &pages).ok());
  // 50 bytes of cell + 2 of slot per entry: at least 85% of every page is used
  // (a middle split would leave leaves about half full).
  const double payload = double(n) * 52;
  EXPECT_GT(payload / (double(pages.size()) * pager_->usable_bytes()), 0.85) << pages.size();
}

// Random inserts share a full leaf's cells with a sibling before splitting it:
// leaves end up well above the 69% a plain half split leaves (the ledger's
// account indexes are such trees). Copy on write between rounds, as commits do.
TEST_F(BTreeTest, RandomInsertsKeepLeavesFull) {
  std::mt19937_64 rng(9);
  std::map<std::string, std::string> model;
  PageNo root = kNullPage;
  uint64_t seq = 1;
  size_t payload = 0;
  for (int round = 0; round < 20; round++) {
    TreeWriter w(pager_.get(), seq++);
    for (int i = 0; i < 2000; i++) {
      std::string k(12, '\0');
      for (auto& ch : k) ch = static_cast<char>(rng());
      const std::string v(4, 'v');
      bool inserted = false;
      ASSERT_TRUE(w.Put(&root, k, v, &inserted).ok());
      ASSERT_TRUE(inserted);
      model[k] = v;
      payload += 2 + 2 + k.size() + v.size();  // slot, two length bytes, key, value
    }
    pager_->set_claimed_seq(seq - 1);
    pager_->Reclaim(seq - 1);
  }
  CheckAgainst(root, model);
  std::vector<PageNo> pages;
  ASSERT_TRUE(CollectTreePages(pager_.get(), root, &pages).ok());
  const double fill = double(payload) / (double(pages.size()) * pager_->usable_bytes());
  EXPECT_GT(fill, 0.78) << pages.size() << " pages";
}

TEST_F(BTreeTest, SeekVariantsAtEdges) {
  PageNo root = kNullPage;
  TreeWriter w(pager_.get(), 1);
  bool inserted = false;
  for (int i = 0; i < 2000; i += 2) {
    char k[8];
    std::snprintf(k, sizeof(k), "%05d", i);
    ASSERT_TRUE(w.Put(&root, k, "v", &inserted).ok());
  }
  TreeCursor c(pager_.get(), root);
  ASSERT_TRUE(c.Seek("00001").ok());
  ASSERT_EQ(c.key(), "00002");
  ASSERT_TRUE(c.SeekForPrev("00001").ok());
  ASSERT_EQ(c.key(), "00000");
  ASSERT_TRUE(c.SeekForPrev("0").ok());
  EXPECT_FALSE(c.Valid());
  ASSERT_TRUE(c.Seek("99999").ok());
  EXPECT_FALSE(c.Valid());
  ASSERT_TRUE(c.SeekForPrev("99999").ok());
  ASSERT_EQ(c.key(), "01998");
  TreeCursor empty(pager_.get(), kNullPage);
  ASSERT_TRUE(empty.SeekFirst().ok());
  EXPECT_FALSE(empty.Valid());
  EXPECT_EQ(empty.Next().code(), StatusCode::kInvalidArgument);
}

// ReadRun hands over the rest of a leaf at once, stops before a value kept
// in overflow pages, and leaves the cursor on its last entry: runs and Next
// together visit exactly what Next alone visits.
TEST_F(BTreeTest, ReadRunVisitsWhatNextVisits) {
  PageNo root = kNullPage;
  TreeWriter w(pager_.get(), 1);
  bool inserted = false;
  std::vector<std::pair<std::string, std::string>> want;
  for (int i = 0; i < 3000; i++) {
    char k[8];
    std::snprintf(k, sizeof(k), "%05d", i);
    // Every 97th value is too large to stay in its leaf.
    const std::string v = i % 97 == 0 ? std::string(6000, static_cast<char>('a' + i % 26))
                                      : "v" + std::to_string(i);
    ASSERT_TRUE(w.Put(&root, k, v, &inserted).ok());
    want.emplace_back(k, v);
  }
  for (size_t max : {size_t{1}, size_t{7}, size_t{1000}}) {
    TreeCursor c(pager_.get(), root);
    ASSERT_TRUE(c.SeekFirst().ok());
    std::vector<std::pair<std::string_view, std::string_view>> run(max);
    std::vector<std::pair<std::string, std::string>> got;
    size_t longest = 0;
    while (c.Valid()) {
      const size_t n = c.ReadRun(run.data(), max);
      ASSERT_GE(n, 1u);
      longest = std::max(longest, n);
      for (size_t i = 0; i < n; i++) got.emplace_back(run[i].first, run[i].second);
      EXPECT_EQ(c.key(), run[n - 1].first);  // the cursor sits on the last one
      ASSERT_TRUE(c.Next().ok());
    }
    EXPECT_EQ(got, want) << "max " << max;
    if (max == 1000) {
      EXPECT_GT(longest, 20u);  // whole leaves, not single entries
    } else {
      EXPECT_EQ(longest, max);
    }
  }
  TreeCursor unpositioned(pager_.get(), root);
  std::pair<std::string_view, std::string_view> one;
  EXPECT_EQ(unpositioned.ReadRun(&one, 1), 0u);
}

TEST_F(BTreeTest, EstimateEntriesIsCloseToTheCount) {
  PageNo root = kNullPage;
  EXPECT_EQ(*TreeEstimateEntries(pager_.get(), root), 0u);
  std::mt19937_64 rng(8);
  std::vector<uint64_t> order(60000);
  for (size_t i = 0; i < order.size(); i++) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);  // random order: pages part full
  TreeWriter w(pager_.get(), 1);
  size_t count = 0;
  for (uint64_t k : order) {
    uint8_t key[8];
    PutBigEndian64(key, k * 7919);
    bool changed = false;
    ASSERT_TRUE(w.Put(&root, {reinterpret_cast<char*>(key), 8}, std::string(20 + k % 40, 'v'),
                      &changed)
                    .ok());
    count++;
    if (count == 5) {
      EXPECT_EQ(*TreeEstimateEntries(pager_.get(), root), 5u);  // one leaf: exact
    }
    if (count % 10000 == 0) {
      const uint64_t estimate = *TreeEstimateEntries(pager_.get(), root);
      EXPECT_GE(estimate, count / 2) << count;
      EXPECT_LE(estimate, count * 2) << count;
    }
  }
}

// A leaf of fewer than `max_count` random four-digit keys in 1000..2999.
std::vector<uint8_t> RandomLeaf(std::mt19937_64& rng, size_t max_count) {
  std::vector<uint8_t> n(4080);
  node::Init(n.data(), 4080, PageKind::kLeaf);
  std::set<std::string> keys;
  const size_t count = rng() % max_count;
  while (keys.size() < count) keys.insert(std::to_string(1000 + rng() % 2000));
  int at = 0;
  for (const std::string& k : keys) {
    std::vector<uint8_t> cell;
    node::EncodeLeafCell(k, "v", &cell);
    EXPECT_TRUE(node::InsertCell(n.data(), 4080, at++,
                                 {reinterpret_cast<char*>(cell.data()), cell.size()}));
  }
  return n;
}

TEST(NodeTest, LowerBoundFromAgreesWithLowerBound) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 50; round++) {
    const std::vector<uint8_t> n = RandomLeaf(rng, 60);
    for (int probe = 900; probe < 3100; probe += 7) {
      const std::string key = std::to_string(probe);
      bool exact = false;
      const int want = node::LowerBound(n.data(), key, &exact);
      // Every `from` whose earlier keys are all below `key`.
      for (int from = 0; from <= want; from++) {
        bool exact_from = true;
        ASSERT_EQ(node::LowerBoundFrom(n.data(), from, key, &exact_from), want) << key << " " << from;
        ASSERT_EQ(exact_from, exact) << key << " " << from;
      }
    }
  }
}

TEST(NodeTest, SteppedSearchAgreesWithLowerBound) {
  std::mt19937_64 rng(12);
  for (int round = 0; round < 50; round++) {
    const std::vector<uint8_t> n = RandomLeaf(rng, 80);
    for (int probe = 900; probe < 3100; probe += 3) {
      const std::string key = std::to_string(probe);
      bool exact = false;
      const int want = node::LowerBound(n.data(), key, &exact);
      node::SteppedSearch s;
      node::StartSearch(n.data(), &s);
      for (int steps = 0; !s.Done(); steps++) {
        ASSERT_LT(steps, 8);  // log2(80) rounded up
        node::StepSearch(n.data(), key, &s);
      }
      ASSERT_EQ(s.lo, want) << key;
      ASSERT_EQ(s.equal, exact) << key;
    }
  }
}

TEST(NodeTest, CheckRejectsDamagedNodes) {
  std::vector<uint8_t> n(4080);
  node::Init(n.data(), 4080, PageKind::kLeaf);
  std::vector<uint8_t> cell;
  node::EncodeLeafCell("b", "1", &cell);
  ASSERT_TRUE(node::InsertCell(n.data(), 4080, 0, {reinterpret_cast<char*>(cell.data()), cell.size()}));
  cell.clear();
  node::EncodeLeafCell("a", "2", &cell);
  ASSERT_TRUE(node::InsertCell(n.data(), 4080, 0, {reinterpret_cast<char*>(cell.data()), cell.size()}));
  ASSERT_TRUE(node::Check(n.data(), 4080, 9).ok());
  auto bad = n;
  bad[2] = 200;  // count beyond the content
  EXPECT_EQ(node::Check(bad.data(), 4080, 9).code(), StatusCode::kCorruption);
  bad = n;
  std::swap(bad[16], bad[18]);  // slots out of key order
  std::swap(bad[17], bad[19]);
  EXPECT_EQ(node::Check(bad.data(), 4080, 9).code(), StatusCode::kCorruption);
  bad = n;
  bad[16] = 0xff;  // slot into the tail
  bad[17] = 0x0f;
  EXPECT_EQ(node::Check(bad.data(), 4080, 9).code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace zq::storage

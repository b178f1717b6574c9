// Bit flips: every single-bit flip in a page or a WAL record is detected.
// The promise checked here: after a flip, opening and reading the database
// either fails with an error, or returns exactly the right data (a flip in
// bytes nothing reads — a free page, the unused tail of a superblock — is
// harmless). It never crashes and never returns a wrong answer.
#include <gtest/gtest.h>

#include "../common/store_test_util.hpp"
#include "storage/codec/page_codec.hpp"
#include "storage/wal/wal_format.hpp"

namespace zq::testing {
namespace {

using storage::FaultVfs;
using storage::Store;
constexpr storage::TreeId kTree = 3;

TEST(BitFlipTest, EveryBitOfAnEncodedPageIsDetected) {
  for (bool encrypted : {false, true}) {
    storage::DbUuid uuid{};
    uuid[0] = 9;
    std::optional<crypto::AeadKey> key;
    if (encrypted) key = crypto::AeadKey{};
    storage::PageCodec codec(4096, uuid, key);
    std::vector<uint8_t> page(4096);
    std::mt19937_64 rng(1);
    for (uint32_t i = 0; i < codec.usable_bytes(); i++) page[i] = static_cast<uint8_t>(rng());
    page[0] = static_cast<uint8_t>(storage::PageKind::kLeaf);
    ASSERT_TRUE(codec.Encode(77, storage::PageKind::kLeaf, page.data()).ok());
    std::vector<uint8_t> body(4096);
    storage::PageKind kind;
    ASSERT_TRUE(codec.Decode(77, page.data(), body.data(), &kind).ok());
    // The same page presented as another page number fails too.
    EXPECT_FALSE(codec.Decode(78, page.data(), body.data(), &kind).ok());
    int detected = 0;
    for (size_t bit = 0; bit < page.size() * 8; bit++) {
      page[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      Status s = codec.Decode(77, page.data(), body.data(), &kind);
      page[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
      ASSERT_FALSE(s.ok()) << "undetected flip of bit " << bit;
      ASSERT_EQ(s.code(), encrypted ? StatusCode::kAuthFailed : StatusCode::kCorruption);
      detected++;
    }
    EXPECT_EQ(detected, 4096 * 8);
  }
}

struct Files {
  std::string data, wal;
};

Files Save(FaultVfs* vfs, const std::string& path) {
  return {*vfs->ReadFileBytes(path), *vfs->ReadFileBytes(path + "-wal")};
}
void Restore(FaultVfs* vfs, const std::string& path, const Files& f) {
  ASSERT_TRUE(vfs->WriteFileBytes(path, f.data).ok());
  ASSERT_TRUE(vfs->WriteFileBytes(path + "-wal", f.wal).ok());
}

// Opens and reads everything: "" when the data equals one of `allowed`,
// "error" when any step failed, otherwise a description of the wrong answer.
std::string OpenAndCompare(FaultVfs* vfs, const std::string& path, bool encrypted,
                           const std::vector<Model>& allowed) {
  storage::StoreOptions o = FaultOptions(vfs);
  if (encrypted) o.encryption_key = crypto::AeadKey{};
  auto store = Store::Open(path, o);
  if (!store.ok()) return "error";
  Model got;
  std::string err = ReadTree(store->get(), kTree, &got);
  if (!err.empty()) return "error";
  for (const Model& m : allowed) {
    if (got == m) return "";
  }
  return "wrong answer: " + std::to_string(got.size()) + " keys";
}

// A database whose data file holds a checkpoint and whose WAL holds `wal_commits`
// more commits, each in its own flush; returns the model after each commit.
std::vector<Model> Build(FaultVfs* vfs, const std::string& path, bool encrypted,
                         int wal_commits, size_t* wal_bytes_before_last = nullptr) {
  storage::StoreOptions o = FaultOptions(vfs);
  o.checkpoint_wal_bytes = 1 << 30;
  if (encrypted) o.encryption_key = crypto::AeadKey{};
  std::vector<Model> states;
  auto store = Store::Open(path, o);
  EXPECT_TRUE(store.ok());
  std::mt19937_64 rng(5);
  Model model;
  {
    auto txn = (*store)->BeginWrite();
    EXPECT_TRUE(txn->CreateTreeWithId(kTree).ok());
    for (int i = 0; i < 300; i++) {
      std::string k = RandomKey(rng, 1000), v = RandomValue(rng);
      EXPECT_TRUE(txn->Put(kTree, k, v).ok());
      model[k] = v;
    }
    EXPECT_TRUE(txn->Commit().ok());
  }
  EXPECT_TRUE((*store)->Checkpoint().ok());
  states.push_back(model);
  for (int c = 0; c < wal_commits; c++) {
    if (wal_bytes_before_last != nullptr) {
      *wal_bytes_before_last = vfs->ReadFileBytes(path + "-wal")->size();
    }
    auto t = (*store)->BeginWrite();
    for (int i = 0; i < 3; i++) {
      std::string k = RandomKey(rng, 1000), v = RandomValue(rng).substr(0, 40);
      EXPECT_TRUE(t->Put(kTree, k, v).ok());
      model[k] = v;
    }
    EXPECT_TRUE(t->Commit().ok());
    states.push_back(model);
  }
  vfs->CrashAtSync(1);  // leave without the closing checkpoint
  store->reset();
  vfs->PowerCut();
  return states;
}

void FlipDataFileBits(bool encrypted) {
  FaultVfs vfs(11);
  const std::string path = "flip.zq";
  std::vector<Model> states = Build(&vfs, path, encrypted, 0);
  Files original = Save(&vfs, path);
  ASSERT_EQ(OpenAndCompare(&vfs, path, encrypted, {states.back()}), "");
  Restore(&vfs, path, original);
  std::mt19937_64 rng(encrypted ? 2 : 1);
  int errors = 0, harmless = 0;
  const int trials = Scaled(1500);
  for (int t = 0; t < trials; t++) {
    uint64_t bit = rng() % (original.data.size() * 8);
    ASSERT_TRUE(vfs.FlipBit(path, bit / 8, static_cast<int>(bit % 8)).ok());
    std::string r = OpenAndCompare(&vfs, path, encrypted, {states.back()});
    ASSERT_TRUE(r == "" || r == "error") << "flip of data-file bit " << bit << ": " << r;
    (r == "" ? harmless : errors)++;
    Restore(&vfs, path, original);
  }
  std::printf("data file flips (%s): %d detected, %d in unread bytes\n",
              encrypted ? "encrypted" : "plaintext", errors, harmless);
  EXPECT_GT(errors, trials / 2);
}

TEST(BitFlipTest, DataFileFlipsPlaintext) { FlipDataFileBits(false); }
TEST(BitFlipTest, DataFileFlipsEncrypted) { FlipDataFileBits(true); }

// Every bit of the WAL (every byte under ZQ_TEST_SCALE=small). A flip inside a record that a later flush follows is
// reported as corruption; a flip in the final flush is indistinguishable
// from a torn final write, so that commit may be dropped — never half-applied.
void FlipEveryWalBit(bool encrypted) {
  FaultVfs vfs(12);
  const std::string path = "walflip.zq";
  size_t last_record_start = 0;
  std::vector<Model> states = Build(&vfs, path, encrypted, 4, &last_record_start);
  Files original = Save(&vfs, path);
  ASSERT_EQ(OpenAndCompare(&vfs, path, encrypted, {states.back()}), "");
  Restore(&vfs, path, original);
  int detected = 0, dropped_last = 0, harmless = 0;
  for (size_t bit = 0; bit < original.wal.size() * 8; bit += BitStride()) {
    ASSERT_TRUE(vfs.FlipBit(path + "-wal", bit / 8, static_cast<int>(bit % 8)).ok());
    bool in_last = bit / 8 >= last_record_start;
    std::vector<Model> allowed = {states.back()};
    if (in_last) allowed.push_back(states[states.size() - 2]);
    std::string r = OpenAndCompare(&vfs, path, encrypted, allowed);
    ASSERT_TRUE(r == "" || r == "error") << "flip of wal bit " << bit << ": " << r;
    if (r == "error") {
      detected++;
    } else if (bit / 8 < storage::kWalHeaderBytes) {
      harmless++;  // the header is advisory: records carry the superblock's salt
    } else {
      dropped_last++;
      ASSERT_TRUE(in_last) << "a flip before the final flush went unreported, bit " << bit;
    }
    Restore(&vfs, path, original);
  }
  std::printf("wal flips (%s): %d detected, %d dropped the final flush, %d in the header\n",
              encrypted ? "encrypted" : "plaintext", detected, dropped_last, harmless);
  EXPECT_GT(detected, 0);
}

TEST(BitFlipTest, EveryWalBitPlaintext) { FlipEveryWalBit(false); }
TEST(BitFlipTest, EveryWalBitEncrypted) { FlipEveryWalBit(true); }

}  // namespace
}  // namespace zq::testing

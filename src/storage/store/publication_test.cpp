// Lazy publication (store_impl.hpp): while nobody reads, commits change their
// private pages in place; a snapshot taken later still sees every
// acknowledged commit, and a snapshot keeps its state while later commits
// (published or not) change the same keys. Checked against a model on a
// random mix of logged batches, snapshots, checkpoints and a reopen.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "storage/store/store.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq::storage {
namespace {

constexpr TreeId kTree = 1;

// Input "key=value;key=value...": puts each pair into tree 1.
class PutExecutor final : public BatchExecutor {
 public:
  Status Execute(std::string_view input, uint64_t, WriteTxn* state, Context*,
                 std::string*) override {
    while (!input.empty()) {
      const size_t end = std::min(input.find(';'), input.size());
      const std::string_view pair = input.substr(0, end);
      const size_t eq = pair.find('=');
      if (eq == std::string_view::npos) return Status::InvalidArgument("bad input");
      ZQ_RETURN_IF_ERROR(state->Put(kTree, pair.substr(0, eq), pair.substr(eq + 1)));
      input.remove_prefix(std::min(end + 1, input.size()));
    }
    return Status::Ok();
  }
};

using Model = std::map<std::string, std::string>;

void ExpectSees(Snapshot* snap, const Model& model, const std::string& where) {
  auto cursor = snap->NewCursor(kTree);
  ASSERT_TRUE(cursor.ok()) << where;
  ASSERT_TRUE((*cursor)->SeekFirst().ok());
  Model seen;
  while ((*cursor)->Valid()) {
    seen.emplace((*cursor)->key(), (*cursor)->value());
    ASSERT_TRUE((*cursor)->Next().ok());
  }
  EXPECT_EQ(seen, model) << where;
}

TEST(PublicationTest, SnapshotsSeeAcknowledgedBatchesAndKeepTheirState) {
  FaultVfs vfs(3);
  PutExecutor executor;
  StoreOptions options;
  options.vfs = &vfs;
  options.batch_executor = &executor;
  auto store = Store::Open("p.zq", options);
  ASSERT_TRUE(store.ok());
  {
    auto txn = (*store)->BeginWrite();
    ASSERT_TRUE(txn->CreateTreeWithId(kTree).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  std::mt19937_64 rng(17);
  Model model;
  struct Held {
    std::unique_ptr<Snapshot> snap;
    Model model;
  };
  std::vector<Held> held;
  for (int step = 0; step < 3000; step++) {
    const uint64_t r = rng() % 100;
    if (r < 80) {  // a batch of puts, often to keys that exist (same-size and other values)
      std::string input;
      for (int i = 0, n = 1 + static_cast<int>(rng() % 20); i < n; i++) {
        const std::string key = "k" + std::to_string(rng() % 400);
        const std::string value = std::string(rng() % 4 == 0 ? 1 + rng() % 200 : 16,
                                              static_cast<char>('a' + rng() % 26));
        input += (input.empty() ? "" : ";") + key + "=" + value;
        model[key] = value;
      }
      ASSERT_TRUE((*store)->CommitBatch(input, 1, nullptr).ok());
    } else if (r < 92) {  // a reader arrives: it must see every batch so far
      auto snap = (*store)->GetSnapshot();
      ExpectSees(snap.get(), model, "new snapshot at step " + std::to_string(step));
      if (held.size() < 8) {
        held.push_back({std::move(snap), model});
      } else {
        held[rng() % held.size()] = {std::move(snap), model};
      }
    } else if (r < 97) {  // old readers still see what they saw
      for (size_t i = 0; i < held.size(); i++) {
        ExpectSees(held[i].snap.get(), held[i].model,
                   "held snapshot " + std::to_string(i) + " at step " + std::to_string(step));
      }
      if (!held.empty() && rng() % 2 == 0) held.erase(held.begin());
    } else {
      ASSERT_TRUE((*store)->Checkpoint().ok());
    }
    if (HasFailure()) return;
  }
  for (const Held& h : held) ExpectSees(h.snap.get(), h.model, "held at the end");
  held.clear();
  uint64_t pages = 0;
  ASSERT_TRUE((*store)->Verify(&pages).ok());  // no page leaked or shared twice
  ASSERT_TRUE((*store)->Close().ok());
  store->reset();
  auto reopened = Store::Open("p.zq", options);
  ASSERT_TRUE(reopened.ok());
  ExpectSees((*reopened)->GetSnapshot().get(), model, "after reopen");
}

}  // namespace
}  // namespace zq::storage

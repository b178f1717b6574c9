// The ledger inside the commit pipeline: requests as logged batches, reads
// from snapshots, recovery by re-execution, and a power cut at every sync
// point with a deterministic clock, so the state after recovery can be
// compared by hash with an uninterrupted run.
#include "ledger/ledger.hpp"

#include <gtest/gtest.h>

#include <random>

#include "ledger/kv_ledger_store.hpp"
#include "ledger/ledger_test_util.hpp"
#include "storage/vfs/fault_vfs.hpp"
#include "util/coding.hpp"
#include "util/sparse_record.hpp"

namespace zq::ledger {
namespace {

using testing::MakeAccount;
using testing::MakePost;
using testing::MakeTransfer;
using testing::MakeVoid;

uint64_t g_clock = 0;
uint64_t TestClock() { return g_clock += 1000; }

storage::StoreOptions Options(storage::FaultVfs* vfs) {
  storage::StoreOptions o;
  o.vfs = vfs;
  o.clock = &TestClock;
  o.checkpoint_wal_bytes = 16 << 10;  // checkpoints inside the workload
  return o;
}

// A request of the deterministic workload: accounts first, then transfers
// (single-phase, pending, posts and voids of earlier pending ids, linked pairs).
struct Request {
  bool accounts = false;
  std::vector<Account> account_events;
  std::vector<Transfer> transfer_events;
};

std::vector<Request> Workload(uint64_t seed, int requests) {
  std::mt19937_64 rng(seed);
  std::vector<Request> out;
  Request first;
  first.accounts = true;
  for (u128 id = 1; id <= 12; id++) {
    first.account_events.push_back(MakeAccount(id, 1, 1, id % 4 == 0 ? 2 : 0));
  }
  out.push_back(first);
  u128 next_id = 1000;
  std::vector<u128> pending;
  for (int r = 1; r < requests; r++) {
    Request req;
    int n = 1 + static_cast<int>(rng() % 20);
    for (int i = 0; i < n; i++) {
      u128 dr = 1 + rng() % 13, cr = 1 + rng() % 13;  // 13 does not exist
      uint64_t kind = rng() % 6;
      if (kind == 0 && !pending.empty()) {
        req.transfer_events.push_back(MakePost(next_id++, pending[rng() % pending.size()]));
      } else if (kind == 1 && !pending.empty()) {
        req.transfer_events.push_back(MakeVoid(next_id++, pending[rng() % pending.size()]));
      } else {
        uint16_t flags = kind == 2 ? transfer_flags::kPending : 0;
        if (kind == 3 && i + 1 < n) flags |= transfer_flags::kLinked;
        if (flags & transfer_flags::kPending) pending.push_back(next_id);
        req.transfer_events.push_back(MakeTransfer(next_id++, dr, cr, 1 + rng() % 50, flags));
      }
    }
    out.push_back(req);
  }
  return out;
}

// Every account's transfers as get_account_transfers lists them (both
// sides, ascending): a fingerprint of the debit and credit account indexes,
// which the state hash does not cover.
std::string AccountIndexDigest(Ledger* ledger) {
  std::string digest;
  for (u128 id = 1; id <= 13; id++) {
    AccountFilter f{};
    f.account_id = id;
    f.limit = 8189;
    f.flags = account_filter_flags::kDebits | account_filter_flags::kCredits;
    std::vector<Transfer> transfers;
    EXPECT_TRUE(ledger->GetAccountTransfers(f, &transfers).ok());
    digest += "|";
    for (const Transfer& t : transfers) {
      digest += std::to_string(static_cast<uint64_t>(t.id)) + "@" + std::to_string(t.timestamp) +
                ",";
    }
  }
  return digest;
}

Status Submit(Ledger* ledger, const Request& req) {
  if (req.accounts) {
    std::vector<CreateAccountsResult> results;
    return ledger->CreateAccounts(req.account_events, &results);
  }
  std::vector<CreateTransfersResult> results;
  return ledger->CreateTransfers(req.transfer_events, &results);
}

TEST(LedgerPipeline, ResultsReadsAndRecoveryByReexecution) {
  storage::FaultVfs vfs(1);
  g_clock = 0;
  StateHash before;
  {
    auto ledger = Ledger::Open("l.zq", Options(&vfs));
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    std::vector<CreateAccountsResult> ar;
    std::vector<Account> accounts = {MakeAccount(1), MakeAccount(2), MakeAccount(1)};
    ASSERT_TRUE((*ledger)->CreateAccounts(accounts, &ar).ok());
    ASSERT_EQ(ar.size(), 3u);
    EXPECT_EQ(ar[0].status, CreateAccountResult::kCreated);
    EXPECT_EQ(ar[2].status, CreateAccountResult::kExists);
    std::vector<CreateTransfersResult> tr;
    std::vector<Transfer> transfers = {MakeTransfer(10, 1, 2, 70), MakeTransfer(11, 1, 3, 5)};
    ASSERT_TRUE((*ledger)->CreateTransfers(transfers, &tr).ok());
    EXPECT_EQ(tr[0].status, CreateTransferResult::kCreated);
    EXPECT_EQ(tr[1].status, CreateTransferResult::kCreditAccountNotFound);
    std::vector<Account> found;
    std::vector<u128> ids = {1, 2};
    ASSERT_TRUE((*ledger)->LookupAccounts(ids, &found).ok());
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].debits_posted, 70u);
    EXPECT_EQ(found[1].credits_posted, 70u);
    auto hash = (*ledger)->Hash();
    ASSERT_TRUE(hash.ok());
    before = *hash;
    vfs.CrashAtSync(1);  // no closing checkpoint: recovery re-executes the batches
  }
  vfs.PowerCut();
  auto ledger = Ledger::Open("l.zq", Options(&vfs));
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  auto after = (*ledger)->Hash();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->ToHex(), before.ToHex());
}

// A ledger written in another layout (here layout 1, which did not record its
// version) is refused with a clear error, never read as garbage; SQL's view of
// it is not the ledger's concern.
TEST(LedgerPipeline, RefusesAnotherLayout) {
  storage::FaultVfs vfs(3);
  g_clock = 0;
  {
    auto ledger = Ledger::Open("old.zq", Options(&vfs));
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    std::vector<CreateAccountsResult> ar;
    std::vector<Account> accounts = {MakeAccount(1)};
    ASSERT_TRUE((*ledger)->CreateAccounts(accounts, &ar).ok());
  }
  for (const char* layout : {"", "\x03\0\0\0\0\0\0\0"}) {
    {
      auto store = storage::Store::Open("old.zq", Options(&vfs));
      ASSERT_TRUE(store.ok());
      auto txn = (*store)->BeginWrite();
      if (*layout == 0) {
        ASSERT_TRUE(txn->Delete(kTreeMeta, "layout").ok());
      } else {
        ASSERT_TRUE(txn->Put(kTreeMeta, "layout", std::string_view(layout, 8)).ok());
      }
      ASSERT_TRUE(txn->Commit().ok());
    }
    auto ledger = Ledger::Open("old.zq", Options(&vfs));
    ASSERT_FALSE(ledger.ok());
    EXPECT_EQ(ledger.status().code(), StatusCode::kNotSupported);
    EXPECT_NE(ledger.status().ToString().find(*layout == 0 ? "layout 1" : "layout 3"),
              std::string::npos)
        << ledger.status().ToString();
  }
}

// Batch inputs are sparse-coded now; a WAL written before (raw 128-byte
// events) is still executed at recovery. Malformed inputs are refused before
// anything is written, and the store stays usable.
TEST(LedgerPipeline, ExecutesBothInputFormsAndRefusesMalformedOnes) {
  storage::FaultVfs vfs(4);
  g_clock = 0;
  storage::StoreOptions options = Options(&vfs);
  options.batch_executor = LedgerBatchExecutor::Shared();
  auto store = storage::Store::Open("forms.zq", options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto ledger = Ledger::Attach(store->get());
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  std::vector<CreateAccountsResult> ar;
  std::vector<Account> accounts = {MakeAccount(1), MakeAccount(2)};
  ASSERT_TRUE((*ledger)->CreateAccounts(accounts, &ar).ok());
  std::vector<CreateTransfersResult> tr;
  std::vector<Transfer> sparse = {MakeTransfer(10, 1, 2, 70)};
  ASSERT_TRUE((*ledger)->CreateTransfers(sparse, &tr).ok());
  ASSERT_EQ(tr[0].status, CreateTransferResult::kCreated);

  const auto input = [](uint8_t op, uint32_t count, std::string_view events) {
    std::string in(1, static_cast<char>(op));
    AppendFixed32(&in, count);
    in.append(events);
    return in;
  };
  const Transfer raw = MakeTransfer(11, 2, 1, 30);
  const std::string raw_bytes(reinterpret_cast<const char*>(&raw), sizeof raw);
  std::string out;
  ASSERT_TRUE((*store)->CommitBatch(input(2, 1, raw_bytes), 1, &out).ok());
  ASSERT_EQ(out.size(), sizeof(CreateTransfersResult));
  EXPECT_EQ(reinterpret_cast<const CreateTransfersResult*>(out.data())->status,
            CreateTransferResult::kCreated);

  const Transfer more = MakeTransfer(12, 2, 1, 1);
  std::string coded;
  AppendSparseRecord(&more, sizeof more, &coded);
  for (const std::string& bad :
       {input(2, 1, raw_bytes.substr(1)), input(0x82, 2, coded), input(0x82, 1, coded + "x"),
        input(0x82, 1, coded.substr(0, coded.size() - 1)), input(0x82, 1, "\x09"),
        input(0x82, 1u << 30, coded), input(0x7f, 0, ""), input(4, 1, coded)}) {
    EXPECT_EQ((*store)->CommitBatch(bad, 1, nullptr).code(), StatusCode::kCorruption);
  }
  ASSERT_TRUE((*store)->CommitBatch(input(0x82, 1, coded), 1, nullptr).ok());
  std::vector<Account> found;
  std::vector<u128> ids = {1};
  ASSERT_TRUE((*ledger)->LookupAccounts(ids, &found).ok());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].debits_posted, 70u);
  EXPECT_EQ(found[0].credits_posted, 31u);
}

// Deferred debit/credit index entries (KvLedgerStore::Settle): whether they
// are written with their batch (0), settled inside batches (a small limit) or
// only when someone reads, the ledger reads the same; and after a power cut
// without a checkpoint, recovery (writable or read-only) settles what it
// replayed.
TEST(LedgerPipeline, DeferredIndexEntriesReadTheSameEverywhere) {
  const std::vector<Request> work = Workload(7, 40);
  std::string want;
  for (size_t deferred_max : {size_t{0}, size_t{7}, KvLedgerStore::kDeferredEntriesDefault}) {
    LedgerBatchExecutor executor(deferred_max);
    storage::FaultVfs vfs(5);
    g_clock = 0;
    storage::StoreOptions options = Options(&vfs);
    options.checkpoint_wal_bytes = 64 << 20;  // none: the WAL holds every batch
    options.batch_executor = &executor;
    std::string digest;
    {
      auto ledger = Ledger::Open("d.zq", options);
      ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
      for (size_t r = 0; r < work.size(); r++) {
        ASSERT_TRUE(Submit(ledger->get(), work[r]).ok());
        if (r == work.size() / 2) {  // a read halfway: a settle between batches
          digest = AccountIndexDigest(ledger->get());
          EXPECT_NE(digest.find("@"), std::string::npos);
        }
      }
      digest = (*ledger)->Hash()->ToHex() + AccountIndexDigest(ledger->get());
      if (want.empty()) want = digest;
      EXPECT_EQ(digest, want) << "deferred_max " << deferred_max;
      // More batches that nobody reads before the power cut.
      std::vector<Request> more = Workload(8, 10);
      more.erase(more.begin());  // its accounts exist
      for (const Request& r : more) ASSERT_TRUE(Submit(ledger->get(), r).ok());
      digest = (*ledger)->Hash()->ToHex() + AccountIndexDigest(ledger->get());
      for (const Request& r : more) {
        Request again = r;  // new ids, same accounts: deferred, unread
        for (Transfer& t : again.transfer_events) t.id += 100000;
        ASSERT_TRUE(Submit(ledger->get(), again).ok());
      }
      vfs.CrashAtSync(1);  // the closing checkpoint never lands
    }
    vfs.PowerCut();
    std::string after_crash;
    {
      storage::StoreOptions read_only = options;
      read_only.read_only = true;
      auto ledger = Ledger::Open("d.zq", read_only);
      ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
      after_crash = (*ledger)->Hash()->ToHex() + AccountIndexDigest(ledger->get());
      EXPECT_NE(after_crash, digest) << "the unread batches are there too";
    }
    auto ledger = Ledger::Open("d.zq", options);
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    EXPECT_EQ((*ledger)->Hash()->ToHex() + AccountIndexDigest(ledger->get()), after_crash);
  }
}

TEST(LedgerPipeline, PowerCutAtEverySync) {
  const int requests = 30;
  int scenarios = 0;
  for (uint64_t seed = 1; seed <= 4; seed++) {
    std::vector<Request> work = Workload(seed, requests);
    // After each request, uninterrupted: state hash and account index digest
    // (reading settles the deferred index entries each time; the crashed
    // runs below read nothing, so theirs are settled by recovery).
    std::vector<std::string> hashes;
    std::string empty_hash;
    uint64_t syncs = 0;
    {
      storage::FaultVfs vfs(seed);
      g_clock = 0;
      auto ledger = Ledger::Open("p.zq", Options(&vfs));
      ASSERT_TRUE(ledger.ok());
      empty_hash = (*ledger)->Hash()->ToHex() + AccountIndexDigest(ledger->get());
      for (const Request& r : work) {
        ASSERT_TRUE(Submit(ledger->get(), r).ok());
        hashes.push_back((*ledger)->Hash()->ToHex() + AccountIndexDigest(ledger->get()));
      }
    }
    {  // the sync points of the runs below, which do not read (reads settle: a sync each)
      storage::FaultVfs vfs(seed);
      g_clock = 0;
      auto ledger = Ledger::Open("p.zq", Options(&vfs));
      ASSERT_TRUE(ledger.ok());
      uint64_t base = vfs.sync_count();
      for (const Request& r : work) ASSERT_TRUE(Submit(ledger->get(), r).ok());
      syncs = vfs.sync_count() - base;
    }
    for (uint64_t k = 1; k <= syncs; k++) {
      storage::FaultVfs vfs(seed * 1000 + k);
      g_clock = 0;
      int acked = 0;
      {
        auto ledger = Ledger::Open("p.zq", Options(&vfs));
        ASSERT_TRUE(ledger.ok());
        vfs.CrashAtSync(k);
        for (const Request& r : work) {
          if (!Submit(ledger->get(), r).ok()) break;
          acked++;
        }
      }
      vfs.PowerCut();
      auto ledger = Ledger::Open("p.zq", Options(&vfs));
      ASSERT_TRUE(ledger.ok()) << "seed " << seed << " sync " << k << ": "
                               << ledger.status().ToString();
      std::string got = (*ledger)->Hash()->ToHex() + AccountIndexDigest(ledger->get());
      bool ok = (acked == 0 && got == empty_hash) || (acked > 0 && got == hashes[acked - 1]) ||
                (acked < requests && got == hashes[acked]);
      ASSERT_TRUE(ok) << "seed " << seed << " crash at sync " << k << " after " << acked
                      << " acknowledged requests";
      scenarios++;
    }
  }
  std::printf("ledger power-cut scenarios: %d\n", scenarios);
  EXPECT_GT(scenarios, 40);
}

}  // namespace
}  // namespace zq::ledger

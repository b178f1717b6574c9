// Fuzzes the ledger's batch executor with arbitrary batch inputs (what a WAL
// record hands it at recovery): every input either executes or is refused,
// nothing is read out of bounds, and the store afterwards (or after a reopen,
// when a failed batch poisoned it) still opens and hashes its ledger.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

#include "ledger/ledger.hpp"
#include "storage/store/store.hpp"
#include "storage/vfs/fault_vfs.hpp"

using namespace zq;

namespace {
uint64_t g_clock = 0;
uint64_t Clock() { return g_clock += 1000; }

storage::StoreOptions Options(storage::FaultVfs* vfs) {
  storage::StoreOptions o;
  o.vfs = vfs;
  o.clock = &Clock;
  o.batch_executor = ledger::LedgerBatchExecutor::Shared();
  return o;
}

// A fresh ledger with accounts 1..4, so that decoded transfers can succeed.
std::unique_ptr<storage::Store> OpenWithAccounts(storage::FaultVfs* vfs) {
  auto store = storage::Store::Open("f.zq", Options(vfs));
  if (!store.ok()) std::abort();
  auto ledger = ledger::Ledger::Attach(store->get());
  if (!ledger.ok()) std::abort();
  std::vector<ledger::Account> accounts(4);
  for (size_t i = 0; i < accounts.size(); i++) {
    accounts[i].id = i + 1;
    accounts[i].ledger = 1;
    accounts[i].code = 1;
  }
  std::vector<ledger::CreateAccountsResult> results;
  if (!(*ledger)->CreateAccounts(accounts, &results).ok()) std::abort();
  return std::move(*store);
}

void MustHash(storage::Store* store) {
  auto ledger = ledger::Ledger::Attach(store);
  if (!ledger.ok() || !(*ledger)->Hash().ok()) std::abort();
}
}  // namespace

// One store for the whole run (a fresh one per input would spend its time
// setting up the account cache): inputs that execute add to its state.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static storage::FaultVfs vfs(5);
  static std::unique_ptr<storage::Store> store = OpenWithAccounts(&vfs);
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // As many timestamps as the input claims events (bounded as Submit bounds it).
  uint64_t count = 1;
  if (size >= 5) count = std::max<uint64_t>(1, (data[1] | data[2] << 8) % 140000);
  std::string out;
  // Twice: a second run meets the first one's objects (exists_* results).
  Status s;
  for (int run = 0; run < 2; run++) s = store->CommitBatch(input, count, &out);
  if (s.code() == StatusCode::kPoisoned) {
    // A batch that failed after writing: the reopen recovers the state before it.
    store->Close().IgnoreError();
    store.reset();
    auto reopened = storage::Store::Open("f.zq", Options(&vfs));
    if (!reopened.ok()) std::abort();
    store = std::move(*reopened);
  }
  MustHash(store.get());
  return 0;
}

// KvLedgerStore (kv_ledger_store.hpp): key encodings and tree access.
#include "ledger/kv_ledger_store.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>

#include "util/assert.hpp"
#include "util/coding.hpp"
#include "util/ordered_uint.hpp"
#include "util/prefetch.hpp"
#include "util/sparse_record.hpp"

namespace zq::ledger {

namespace {

constexpr size_t kTimestampKeyBytes = 8;
constexpr std::string_view kCommitTimestampKey = "commit_timestamp";
constexpr std::string_view kLayoutKey = "layout";
// 1 (before 2026-11-27): raw records, fixed-width keys; 2: sparse-coded
// records, ordered varying-length ids in keys.
constexpr uint64_t kLayoutVersion = 2;

const uint8_t* Bytes(std::string_view s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

// Keys on the stack: ids and index field values as ordered varying-length
// unsigned integers (util/ordered_uint.hpp), timestamps as fixed big-endian
// u64 (they are all near 2^60, so a length byte would only add to them).
struct Key {
  uint8_t bytes[kOrderedUintBytesMax + 8];
  size_t size = 0;
  std::string_view view() const { return {reinterpret_cast<const char*>(bytes), size}; }
  void AddUint(u128 v) { size += PutOrderedUint(bytes + size, v); }
  void AddTimestamp(uint64_t ts) {
    PutBigEndian64(bytes + size, ts);
    size += 8;
  }
};
Key IdKey(u128 id) {
  Key k;
  k.AddUint(id);
  return k;
}
Key TimestampKey(uint64_t ts) {
  Key k;
  k.AddTimestamp(ts);
  return k;
}
Key IdTimestampKey(u128 id, uint64_t ts) {
  Key k;
  k.AddUint(id);
  k.AddTimestamp(ts);
  return k;
}
Key ExpiryKey(uint64_t expires_at, uint64_t ts) {
  Key k;
  k.AddTimestamp(expires_at);
  k.AddTimestamp(ts);
  return k;
}
// The id a key of IdKey holds, or nullopt when it is not one.
std::optional<u128> IdOfKey(std::string_view key) {
  u128 id = 0;
  if (!GetOrderedUint(&key, &id) || !key.empty()) return std::nullopt;
  return id;
}
bool IsTimestampIndex(IndexId index) {
  return index == IndexId::kAccountTimestamp || index == IndexId::kTransferTimestamp;
}
// Bytes of the field an index holds: a value wider than that is in no record.
size_t IndexFieldBytes(IndexId index) {
  switch (index) {
    case IndexId::kAccountTimestamp:
    case IndexId::kTransferTimestamp:
      return 0;
    case IndexId::kAccountCode:
    case IndexId::kTransferCode:
      return 2;
    case IndexId::kAccountUserData32:
    case IndexId::kAccountLedger:
    case IndexId::kTransferUserData32:
    case IndexId::kTransferLedger:
      return 4;
    case IndexId::kAccountUserData64:
    case IndexId::kTransferUserData64:
      return 8;
    case IndexId::kAccountUserData128:
    case IndexId::kTransferDebitAccountId:
    case IndexId::kTransferCreditAccountId:
    case IndexId::kTransferUserData128:
      return 16;
  }
  ZQ_ASSERT(false);
  return 16;
}
bool FitsIndexValue(IndexId index, u128 value) {
  const size_t width = IndexFieldBytes(index);
  return width == 16 || (value >> (8 * width)) == 0;
}
// value (ordered uint) ‖ timestamp; a timestamp index's key is the timestamp.
Key IndexKey(IndexId index, u128 value, uint64_t ts) {
  ZQ_ASSERT(FitsIndexValue(index, value));
  Key k;
  if (!IsTimestampIndex(index)) k.AddUint(value);
  k.AddTimestamp(ts);
  return k;
}
// The slot in DeferredIndexWrites of an index whose entries batches defer,
// or -1: the account indexes of transfers, whose keys are scattered.
int DeferredSlot(IndexId index) {
  if (index == IndexId::kTransferDebitAccountId) return 0;
  if (index == IndexId::kTransferCreditAccountId) return 1;
  return -1;
}
constexpr std::array<IndexId, 2> kDeferredIndexes = {IndexId::kTransferDebitAccountId,
                                                     IndexId::kTransferCreditAccountId};
storage::TreeId IndexTree(IndexId index) {
  ZQ_ASSERT(static_cast<size_t>(index) < kIndexCount);
  return kTreeIndexFirst + static_cast<storage::TreeId>(index);
}
// Meta values (the commit timestamp, the layout version) are stored raw ...
template <typename T>
std::string_view RawBytes(const T& v) {
  return {reinterpret_cast<const char*>(&v), sizeof v};
}
template <typename T>
bool DecodeRaw(std::string_view bytes, T* out) {
  if (bytes.size() != sizeof(T)) return false;
  std::memcpy(static_cast<void*>(out), bytes.data(), sizeof(T));
  return true;
}
// ... records and the ids in index and expiry entries sparse-coded
// (util/sparse_record.hpp): most of their bytes are zero.
template <typename T>
std::string_view Encode(const T& v, std::string* buffer) {
  EncodeSparseRecord(&v, sizeof v, buffer);
  return *buffer;
}
template <typename T>
bool Decode(std::string_view bytes, T* out) {
  return DecodeSparseRecord(bytes, out, sizeof(T));
}
Status Corrupt(std::string_view what) {
  return Status::Corruption(what);
}

}  // namespace

void KvLedgerStore::BatchMaps::Clear() {
  accounts.clear();
  account_slots.Clear();
  transfer_slots.Clear();
  new_transfers.clear();
  for (std::vector<IndexWrite>& writes : index_writes) writes.clear();
  dirty_accounts.clear();
  created_transfers.clear();
  slice.clear();
}

KvLedgerStore::KvLedgerStore(storage::WriteTxn* txn, Reusable* reusable)
    : txn_(txn),
      account_cache_(reusable != nullptr ? &reusable->accounts : nullptr),
      maps_(reusable != nullptr ? &reusable->maps : &own_maps_),
      deferring_(reusable != nullptr && reusable->deferred_entries_max > 0 ? reusable : nullptr),
      deferred_(deferring_ != nullptr ? &deferring_->deferred : nullptr),
      deferred_entries_max_(reusable != nullptr ? reusable->deferred_entries_max : 0) {
  ZQ_ASSERT(txn_ != nullptr);
  maps_->Clear();
  if (deferred_ != nullptr) {
    for (size_t slot = 0; slot < deferred_start_.size(); slot++) {
      deferred_start_[slot] = deferred_->index[slot].incoming.entries.size();
    }
  }
  ZQ_ASSERT(snapshot_ == nullptr);
}

KvLedgerStore::KvLedgerStore(storage::Snapshot* snapshot) : snapshot_(snapshot) {
  ZQ_ASSERT(snapshot_ != nullptr);
  ZQ_ASSERT(txn_ == nullptr);
}

namespace {
std::vector<storage::TreeId> LedgerTrees() {
  std::vector<storage::TreeId> trees = {kTreeAccounts,      kTreeTransfers, kTreeFailedTransferIds,
                                        kTreePendingStatus, kTreeExpiries,  kTreeBalances,
                                        kTreeMeta};
  for (storage::TreeId t = kTreeIndexFirst; t <= kTreeIndexLast; t++) trees.push_back(t);
  ZQ_ASSERT(trees.size() == 7 + kIndexCount);
  return trees;
}

// A ledger in another layout is refused whole: its bytes would not decode.
// `reader` is the store's Snapshot or WriteTxn; the meta tree exists.
template <typename Reader>
Status CheckLayout(Reader* reader) {
  std::string value;
  ZQ_ASSIGN_OR_RETURN(bool found, reader->Get(kTreeMeta, kLayoutKey, &value));
  uint64_t version = 1;  // layout 1 did not record itself
  if (found && !DecodeRaw(value, &version)) return Corrupt("ledger: bad layout version");
  if (version == kLayoutVersion) return Status::Ok();
  return Status::NotSupported("the ledger in this database has layout " + std::to_string(version) +
                              "; this ZQLite reads layout " + std::to_string(kLayoutVersion) +
                              " only (layout 1: raw records, written before 2026-11-27)");
}
}  // namespace

Result<bool> KvLedgerStore::TreesExist(storage::Snapshot* snapshot) {
  ZQ_ASSERT(snapshot != nullptr);
  for (storage::TreeId tree : LedgerTrees()) {
    ZQ_ASSIGN_OR_RETURN(bool exists, snapshot->TreeExists(tree));
    if (!exists) return false;
  }
  ZQ_RETURN_IF_ERROR(CheckLayout(snapshot));
  return true;
}

Status KvLedgerStore::CreateTrees(storage::WriteTxn* txn) {
  ZQ_ASSERT(txn != nullptr);
  ZQ_ASSIGN_OR_RETURN(bool existed, txn->TreeExists(kTreeMeta));
  if (existed) ZQ_RETURN_IF_ERROR(CheckLayout(txn));
  for (storage::TreeId tree : LedgerTrees()) {
    ZQ_ASSIGN_OR_RETURN(bool exists, txn->TreeExists(tree));
    if (!exists) ZQ_RETURN_IF_ERROR(txn->CreateTreeWithId(tree));
  }
  if (!existed) ZQ_RETURN_IF_ERROR(txn->Put(kTreeMeta, kLayoutKey, RawBytes(kLayoutVersion)));
  return Status::Ok();
}

Result<bool> KvLedgerStore::Get(storage::TreeId tree, std::string_view key, std::string* value) {
  ZQ_ASSERT(value != nullptr);
  if (txn_ != nullptr) return txn_->Get(tree, key, value);
  return snapshot_->Get(tree, key, value);
}

Result<std::unique_ptr<storage::Cursor>> KvLedgerStore::NewCursor(storage::TreeId tree) {
  ZQ_ASSERT(txn_ != nullptr || snapshot_ != nullptr);
  if (txn_ != nullptr) return txn_->NewCursor(tree);
  return snapshot_->NewCursor(tree);
}

Status KvLedgerStore::Put(storage::TreeId tree, std::string_view key, std::string_view value) {
  if (txn_ == nullptr) return Status::InvalidArgument("ledger store is read-only");
  ZQ_ASSERT(!key.empty());
  ZQ_RETURN_IF_ERROR(txn_->Put(tree, key, value));
  wrote_ = true;
  return Status::Ok();
}

Status KvLedgerStore::Delete(storage::TreeId tree, std::string_view key) {
  if (txn_ == nullptr) return Status::InvalidArgument("ledger store is read-only");
  ZQ_ASSERT(!key.empty());
  ZQ_RETURN_IF_ERROR(txn_->Delete(tree, key));
  wrote_ = true;
  return Status::Ok();
}

Status KvLedgerStore::WriteIndex(IndexId index, u128 value, uint64_t timestamp, u128 id,
                                 bool insert) {
  ZQ_ASSERT(id != 0);
  ZQ_ASSERT(IsTimestampIndex(index) ? value == 0 : value != 0);
  const Key key = IndexKey(index, value, timestamp);
  const std::string_view key_view = key.view();
  if (!insert) return Delete(IndexTree(index), key_view);
  return Put(IndexTree(index), key_view, Encode(id, &encoded_));
}

Result<bool> KvLedgerStore::ReadAccount(u128 id, Account* out) {
  ZQ_ASSERT(out != nullptr);
  if (account_cache_ != nullptr) {
    if (const Account* cached = account_cache_->Find(id)) {
      *out = *cached;
      return true;
    }
  }
  if (deferred_ != nullptr) {
    if (const Account* waiting = deferred_->displaced_accounts.Find(id)) {
      *out = *waiting;
      if (account_cache_ != nullptr) account_cache_->Put(*out);
      return true;
    }
  }
  ZQ_ASSIGN_OR_RETURN(bool found, Get(kTreeAccounts, IdKey(id).view(), &value_));
  if (!found) return false;
  if (!Decode(value_, out) || out->id != id) return Corrupt("ledger: bad account record");
  if (account_cache_ != nullptr) account_cache_->Put(*out);
  return true;
}

Result<bool> KvLedgerStore::GetAccount(u128 id, Account* out) {
  ZQ_ASSERT(out != nullptr);
  if (txn_ == nullptr) return ReadAccount(id, out);
  CachedAccount* cached = maps_->FindAccount(id);
  if (cached == nullptr) {
    CachedAccount read;
    ZQ_ASSIGN_OR_RETURN(read.present, ReadAccount(id, &read.account));
    cached = &maps_->AccountEntry(id);
    *cached = read;
  }
  if (!cached->present) return false;
  ZQ_ASSERT(cached->account.id == id);
  *out = cached->account;
  return true;
}

void KvLedgerStore::PrefetchAccount(u128 id, bool near) {
  if (txn_ == nullptr || account_cache_ == nullptr) return;
  if (near) {
    account_cache_->PrefetchAccount(id);
  } else {
    maps_->account_slots.Prefetch(id);
    account_cache_->PrefetchSet(id);
  }
}

Status KvLedgerStore::InsertAccount(const Account& account) {
  ZQ_ASSERT(account.id != 0);
  ZQ_ASSERT(account.timestamp != 0);
  if (txn_ == nullptr) return Status::InvalidArgument("ledger store is read-only");
  CachedAccount& cached = maps_->AccountEntry(account.id);
  ZQ_ASSERT(!cached.present);
  cached = CachedAccount{account, true, true, true};
  return Status::Ok();
}

Status KvLedgerStore::UpdateAccount(const Account& account) {
  ZQ_ASSERT(account.id != 0);
  ZQ_ASSERT(account.timestamp != 0);
  if (txn_ == nullptr) return Status::InvalidArgument("ledger store is read-only");
  CachedAccount& cached = maps_->AccountEntry(account.id);
  // An account not read through this store is one of the transaction's.
  cached.present = true;
  cached.account = account;
  cached.dirty = true;
  return Status::Ok();
}

Status KvLedgerStore::DeleteAccountWritten(const Account& account) {
  const AccountIndexEntries e = IndexEntriesOf(account);
  if (account_cache_ != nullptr) account_cache_->Erase(account.id);
  if (deferred_ != nullptr) deferred_->displaced_accounts.Erase(account.id);
  ZQ_RETURN_IF_ERROR(Delete(kTreeAccounts, IdKey(account.id).view()));
  for (size_t i = 0; i < kAccountIndexCount; i++) {
    if (!e.present[i]) continue;
    ZQ_RETURN_IF_ERROR(
        WriteIndex(e.entries[i].index, e.entries[i].value, account.timestamp, account.id, false));
  }
  return Status::Ok();
}

Status KvLedgerStore::RemoveAccount(const Account& account) {
  ZQ_ASSERT(account.id != 0);
  if (txn_ == nullptr) return Status::InvalidArgument("ledger store is read-only");
  const CachedAccount* cached = maps_->FindAccount(account.id);
  const bool only_buffered = cached != nullptr && cached->inserted;
  // Created and removed between two flushes: nothing was written.
  if (!only_buffered) ZQ_RETURN_IF_ERROR(DeleteAccountWritten(account));
  maps_->AccountEntry(account.id) = CachedAccount{};
  return Status::Ok();
}

Result<bool> KvLedgerStore::GetTransfer(u128 id, Transfer* out) {
  ZQ_ASSERT(out != nullptr);
  if (const size_t* slot = maps_->transfer_slots.Find(id)) {
    *out = maps_->new_transfers[*slot];
    ZQ_ASSERT(out->id == id);
    return true;
  }
  // New transfers usually carry ids above every stored one (TigerBeetle's
  // advice is time-ordered ids): those need no tree lookup.
  ZQ_ASSIGN_OR_RETURN(u128 stored_max, StoredTransferIdBound());
  if (id > stored_max) return false;
  ZQ_ASSIGN_OR_RETURN(bool found, Get(kTreeTransfers, IdKey(id).view(), &value_));
  if (!found) return false;
  if (!Decode(value_, out) || out->id != id) return Corrupt("ledger: bad transfer record");
  return true;
}

Result<u128> KvLedgerStore::StoredTransferIdBound() {
  if (stored_transfer_id_bound_) return *stored_transfer_id_bound_;
  ZQ_ASSIGN_OR_RETURN(auto cursor, NewCursor(kTreeTransfers));
  ZQ_RETURN_IF_ERROR(cursor->SeekLast());
  u128 bound = 0;
  if (cursor->Valid()) {
    const std::optional<u128> id = IdOfKey(cursor->key());
    if (!id) return Corrupt("ledger: bad transfer key");
    bound = *id;
  }
  stored_transfer_id_bound_ = bound;
  return bound;
}

Status KvLedgerStore::InsertTransfer(const Transfer& transfer) {
  ZQ_ASSERT(transfer.id != 0);
  ZQ_ASSERT(transfer.timestamp != 0);
  if (txn_ == nullptr) return Status::InvalidArgument("ledger store is read-only");
  bool fresh = false;
  maps_->transfer_slots.Insert(transfer.id, &fresh) = maps_->new_transfers.size();
  ZQ_ASSERT(fresh);
  maps_->new_transfers.push_back(transfer);
  return Status::Ok();
}

Status KvLedgerStore::DeleteTransferWritten(const Transfer& transfer) {
  const TransferIndexEntries e = IndexEntriesOf(transfer);
  ZQ_RETURN_IF_ERROR(Delete(kTreeTransfers, IdKey(transfer.id).view()));
  for (size_t i = 0; i < kTransferIndexCount; i++) {
    if (!e.present[i]) continue;
    const IndexEntry& entry = e.entries[i];
    if (TakeBackDeferred(entry.index, entry.value, transfer.timestamp, transfer.id)) continue;
    ZQ_RETURN_IF_ERROR(WriteIndex(entry.index, entry.value, transfer.timestamp, transfer.id, false));
  }
  return Status::Ok();
}

bool KvLedgerStore::TakeBackDeferred(IndexId index, u128 value, uint64_t timestamp, u128 id) {
  const int slot = DeferredSlot(index);
  if (deferred_ == nullptr || slot < 0) return false;
  // A rolled-back transfer is of this batch: its entry, if deferred still,
  // is among those this store added to `incoming` (FinishBatch, which moves
  // them on, runs after the batch).
  std::vector<IndexWrite>& entries = deferred_->index[slot].incoming.entries;
  for (size_t k = entries.size(); k-- > deferred_start_[slot];) {
    IndexWrite& w = entries[k];
    if (w.timestamp == timestamp && w.value == value && w.id == id) {
      w.id = 0;  // stays in its sorted run, skipped when written
      return true;
    }
  }
  return false;
}

Status KvLedgerStore::RemoveTransfer(const Transfer& transfer) {
  ZQ_ASSERT(transfer.id != 0);
  if (txn_ == nullptr) return Status::InvalidArgument("ledger store is read-only");
  const size_t* slot = maps_->transfer_slots.Find(transfer.id);
  if (slot == nullptr) return DeleteTransferWritten(transfer);
  maps_->new_transfers[*slot].id = 0;  // created and removed between two flushes
  maps_->transfer_slots.Erase(transfer.id);
  return Status::Ok();
}

// Writes of keys scattered over a large tree spend most of their time
// waiting for memory; one overlapped walk of a group's paths first
// (WriteTxn::Prefetch) makes the writes find them in the CPU cache.
template <typename KeyAt>
Status KvLedgerStore::PrefetchGroup(storage::TreeId tree, size_t remaining, const KeyAt& key_at) {
  const size_t n = std::min(remaining, kPrefetchGroup);
  std::array<Key, kPrefetchGroup> keys;
  std::array<std::string_view, kPrefetchGroup> views;
  for (size_t k = 0; k < n; k++) {
    keys[k] = key_at(k);
    views[k] = keys[k].view();
  }
  return txn_->Prefetch(tree, std::span(views.data(), n));
}

namespace {
template <typename Entries>
void AddIndexWrites(const Entries& e, uint64_t timestamp, u128 id,
                    KvLedgerStore::IndexWrites* out) {
  for (size_t i = 0; i < e.entries.size(); i++) {
    if (e.present[i]) {
      (*out)[static_cast<size_t>(e.entries[i].index)].push_back(
          {e.entries[i].value, timestamp, id});
    }
  }
}
}  // namespace

Status KvLedgerStore::FlushAccounts(IndexWrites* index_writes) {
  // Updates wait in the account cache as dirty records (new records are
  // written: they are few, and their index entries point at them).
  const bool defer = deferred_ != nullptr && wrote_;
  ZQ_ASSERT(deferred_ == nullptr || account_cache_ != nullptr);
  std::vector<CachedAccount*>& dirty = maps_->dirty_accounts;
  dirty.clear();
  for (CachedAccount& cached : maps_->accounts) {
    if (cached.dirty) dirty.push_back(&cached);
  }
  // Tree writes go in key order; with updates deferred, only new accounts
  // reach the tree, so they alone need sorting (at the end).
  const auto by_id = [](const CachedAccount* a, const CachedAccount* b) {
    return a->account.id < b->account.id;
  };
  if (defer) {
    const auto first_new = std::partition(dirty.begin(), dirty.end(),
                                          [](const CachedAccount* c) { return !c->inserted; });
    std::sort(first_new, dirty.end(), by_id);
  } else {
    std::sort(dirty.begin(), dirty.end(), by_id);
  }
  // After sorting, the records and their cache sets lie scattered: each is
  // asked for a few accounts ahead of its write.
  constexpr size_t kAhead = 8;
  const auto prefetch_cached = [&](size_t k) {
    PrefetchLines(dirty[k], sizeof(CachedAccount));
    if (account_cache_ != nullptr) account_cache_->PrefetchSet(dirty[k]->account.id);
  };
  IntHashMap<u128, Account, U128Hash>* displaced =
      deferred_ != nullptr ? &deferred_->displaced_accounts : nullptr;
  for (size_t k = 0; k < std::min(kAhead, dirty.size()); k++) prefetch_cached(k);
  for (size_t j = 0; j < dirty.size(); j++) {
    const CachedAccount* c = dirty[j];
    ZQ_ASSERT(c->present);
    if (j + kAhead < dirty.size()) prefetch_cached(j + kAhead);
    if (account_cache_ != nullptr && j + kAhead / 2 < dirty.size()) {
      account_cache_->PrefetchAccount(dirty[j + kAhead / 2]->account.id);
    }
    if (defer && !c->inserted) {
      // A displaced copy of this account is older: this one replaces it.
      if (!displaced->empty()) displaced->Erase(c->account.id);
      Account out;
      if (account_cache_->PutDirty(c->account, &out)) (*displaced)[out.id] = out;
      continue;
    }
    if (!defer && j % kPrefetchGroup == 0) {
      ZQ_RETURN_IF_ERROR(PrefetchGroup(kTreeAccounts, dirty.size() - j,
                                       [&](size_t k) { return IdKey(dirty[j + k]->account.id); }));
    }
    // A copy waiting from an earlier batch would overwrite this one (in the
    // cache, the clean Put below replaces it).
    if (displaced != nullptr && !displaced->empty()) displaced->Erase(c->account.id);
    ZQ_RETURN_IF_ERROR(
        Put(kTreeAccounts, IdKey(c->account.id).view(), Encode(c->account, &encoded_)));
    if (account_cache_ != nullptr) account_cache_->Put(c->account);
    if (c->inserted) {
      AddIndexWrites(IndexEntriesOf(c->account), c->account.timestamp, c->account.id,
                     index_writes);
    }
  }
  for (CachedAccount* c : dirty) c->dirty = c->inserted = false;
  return Status::Ok();
}

Status KvLedgerStore::WriteDeferredAccounts() {
  IntHashMap<u128, Account, U128Hash>& displaced = deferred_->displaced_accounts;
  if (deferring_->deferred_accounts() == 0) return Status::Ok();
  std::vector<const Account*> sorted;
  sorted.reserve(deferring_->deferred_accounts());
  displaced.ForEach([&](u128, const Account& a) { sorted.push_back(&a); });
  account_cache_->ForEachDirty([&](const Account& a) { sorted.push_back(&a); });
  std::sort(sorted.begin(), sorted.end(),
            [](const Account* a, const Account* b) { return a->id < b->id; });
  for (size_t j = 0; j < sorted.size(); j++) {
    if (j % kPrefetchGroup == 0) {
      ZQ_RETURN_IF_ERROR(PrefetchGroup(kTreeAccounts, sorted.size() - j,
                                       [&](size_t k) { return IdKey(sorted[j + k]->id); }));
    }
    ZQ_RETURN_IF_ERROR(
        Put(kTreeAccounts, IdKey(sorted[j]->id).view(), Encode(*sorted[j], &encoded_)));
  }
  displaced.Clear();
  account_cache_->ClearDirty();
  return Status::Ok();
}

Status KvLedgerStore::FlushTransfers(IndexWrites* index_writes) {
  std::vector<const Transfer*>& created = maps_->created_transfers;
  created.clear();
  for (const Transfer& t : maps_->new_transfers) {
    if (t.id != 0) created.push_back(&t);
  }
  ZQ_ASSERT(created.size() == maps_->transfer_slots.size());
  std::sort(created.begin(), created.end(),
            [](const Transfer* a, const Transfer* b) { return a->id < b->id; });
  for (const Transfer* t : created) {
    ZQ_RETURN_IF_ERROR(Put(kTreeTransfers, IdKey(t->id).view(), Encode(*t, &encoded_)));
    AddIndexWrites(IndexEntriesOf(*t), t->timestamp, t->id, index_writes);
  }
  // Deletes (chain rollbacks of flushed transfers) may leave it above the true
  // maximum: still a bound.
  if (stored_transfer_id_bound_ && !created.empty()) {
    stored_transfer_id_bound_ = std::max(*stored_transfer_id_bound_, created.back()->id);
  }
  maps_->new_transfers.clear();
  maps_->transfer_slots.Clear();
  return Status::Ok();
}

// Indexes whose value is the same for most records (ledger, code, the
// timestamps) usually arrive in order already. The others hold a batch's few
// thousand entries whose values and timestamps each span a narrow range:
// offset by their minimums, the two fit one 64-bit key, and a radix sort on
// it beats comparisons of 128-bit values whose outcome the branch predictor
// cannot guess (a comparison sort when they do not fit, or for a handful of
// entries).
void KvLedgerStore::SortIndexWrites(const KeyBounds& bounds, std::vector<IndexWrite>* writes) {
  const KeyOrder order;
  if (std::is_sorted(writes->begin(), writes->end(), order)) return;
  constexpr size_t kRadixMin = 64;
  const size_t n = writes->size();
  const int key_bits = bounds.key_bits();
  if (n < kRadixMin || key_bits > 64 || n > UINT32_MAX) {
    std::sort(writes->begin(), writes->end(), order);
    return;
  }
  const PackedKey key_of(bounds);
  std::vector<KeyedPosition>& keys = maps_->sort_keys;
  keys.resize(n);
  for (size_t i = 0; i < n; i++) keys[i] = {key_of((*writes)[i]), static_cast<uint32_t>(i)};
  RadixSortKeys(&keys, &maps_->sort_scratch, key_bits);
  std::vector<IndexWrite>& sorted = maps_->sorted_writes;
  sorted.resize(n);
  for (size_t i = 0; i < n; i++) sorted[i] = (*writes)[keys[i].position];
  writes->swap(sorted);  // both are working lists of the batch maps
}

// Entries of one value (an account's, in the deferred indexes; all of them
// in the ledger and code indexes) mostly share a leaf: the path of the first
// of each run is the one to prefetch.
Status KvLedgerStore::WriteSortedIndexEntries(IndexId index, std::span<const IndexWrite> w) {
  std::array<size_t, kPrefetchGroup> run_starts;
  for (size_t j = 0; j < w.size(); j++) {
    if (j % kPrefetchGroup == 0) {
      size_t n = 0;
      for (size_t k = j; k < std::min(w.size(), j + kPrefetchGroup); k++) {
        if (k == j || w[k].value != w[k - 1].value) run_starts[n++] = k;
      }
      ZQ_RETURN_IF_ERROR(PrefetchGroup(IndexTree(index), n, [&](size_t k) {
        return IndexKey(index, w[run_starts[k]].value, w[run_starts[k]].timestamp);
      }));
    }
    if (w[j].id == 0) continue;  // taken back
    ZQ_RETURN_IF_ERROR(WriteIndex(index, w[j].value, w[j].timestamp, w[j].id, true));
  }
  return Status::Ok();
}

// Every tree's writes go out together and in key order: the transaction's
// buffer then appends instead of searching, and the commit applies them to the
// B+tree in order.
Status KvLedgerStore::Flush() {
  if (txn_ == nullptr) return Status::Ok();
  IndexWrites& index_writes = maps_->index_writes;
  for (std::vector<IndexWrite>& writes : index_writes) writes.clear();
  ZQ_RETURN_IF_ERROR(FlushAccounts(&index_writes));
  ZQ_RETURN_IF_ERROR(FlushTransfers(&index_writes));
  for (size_t i = 0; i < kIndexCount; i++) {
    const auto index = static_cast<IndexId>(i);
    std::vector<IndexWrite>& writes = index_writes[i];
    const int slot = DeferredSlot(index);
    const bool defer = deferred_ != nullptr && slot >= 0;
    // The bounds serve the sort and the deferred runs' merge: most indexes'
    // entries arrive in key order (timestamps ascending) and need neither.
    KeyBounds bounds;
    if (defer || !std::is_sorted(writes.begin(), writes.end(), KeyOrder())) {
      for (const IndexWrite& w : writes) bounds.Add(w);
      SortIndexWrites(bounds, &writes);
    }
    if (defer) {
      if (writes.empty()) continue;
      DeferredRuns& incoming = deferred_->index[slot].incoming;
      // Each index takes half the limit (an entry in each per transfer) and
      // may go past it by one batch before it starts settling. Growing by
      // doubling would copy tens of megabytes inside one batch, and the
      // fresh mapping slows later batches too (docs/ledger.md).
      if (incoming.entries.capacity() == 0) {
        incoming.entries.reserve(deferred_entries_max_ / 2 + kBatchEventsMax);
      }
      incoming.entries.insert(incoming.entries.end(), writes.begin(), writes.end());
      incoming.run_ends.push_back(incoming.entries.size());
      incoming.bounds.Add(bounds);
      deferred_added_[slot] += writes.size();
      continue;
    }
    ZQ_RETURN_IF_ERROR(WriteSortedIndexEntries(index, writes));
  }
  ZQ_ASSERT(maps_->new_transfers.empty());
  return Status::Ok();
}

// The settling runs are merged a slice at a time, the merge kept from one
// batch to the next.
Status KvLedgerStore::WriteSettling(size_t slot, size_t count) {
  DeferredIndex& d = deferred_->index[slot];
  std::vector<IndexWrite>& slice = maps_->slice;
  slice.clear();
  const size_t n = std::min(count, d.merge.left());
  for (size_t i = 0; i < n; i++) slice.push_back(d.merge.Take());
  ZQ_RETURN_IF_ERROR(WriteSortedIndexEntries(kDeferredIndexes[slot], slice));
  if (d.merge.left() == 0) {
    d.settling.Clear();
    d.merge.Clear();
  }
  return Status::Ok();
}

// A slice a little larger than what the batch deferred (1/16 more, and 64):
// the settling entries are all written a few batches before `incoming`
// fills up again, so nearly every batch does the same share of the merging.
// (With a quarter more, the last fifth of the batches merged nothing and the
// others a quarter more than needed: the slowest ordinary batches, which set
// the p99, were that much slower.)
Status KvLedgerStore::FinishBatch() {
  if (txn_ == nullptr) return Status::InvalidArgument("ledger store is read-only");
  if (deferred_ == nullptr) return Status::Ok();
  for (size_t slot = 0; slot < kDeferredIndexes.size(); slot++) {
    DeferredIndex& d = deferred_->index[slot];
    const size_t added = deferred_added_[slot];
    if (d.merge.left() > 0) ZQ_RETURN_IF_ERROR(WriteSettling(slot, added + added / 16 + 64));
  }
  const size_t accounts_max = std::max<size_t>(1, deferred_entries_max_ / kDeferredAccountsDivisor);
  if (deferring_->deferred_accounts() >= accounts_max) ZQ_RETURN_IF_ERROR(WriteDeferredAccounts());
  size_t incoming = 0;
  for (const DeferredIndex& d : deferred_->index) incoming += d.incoming.entries.size();
  if (incoming < deferred_entries_max_) return Status::Ok();
  for (size_t slot = 0; slot < kDeferredIndexes.size(); slot++) {
    DeferredIndex& d = deferred_->index[slot];
    // Batches larger than the usual outran the slices: catch up first.
    if (d.merge.left() > 0) ZQ_RETURN_IF_ERROR(WriteSettling(slot, d.merge.left()));
    d.BeginSettling();
    deferred_start_[slot] = 0;
  }
  return Status::Ok();
}

Status KvLedgerStore::Settle() {
  if (txn_ == nullptr) return Status::InvalidArgument("ledger store is read-only");
  if (deferred_ == nullptr) return Status::Ok();
  ZQ_RETURN_IF_ERROR(WriteDeferredAccounts());
  for (size_t slot = 0; slot < kDeferredIndexes.size(); slot++) {
    DeferredIndex& d = deferred_->index[slot];
    while (d.merge.left() > 0) ZQ_RETURN_IF_ERROR(WriteSettling(slot, kSettleSliceMax));
    // `incoming` is sorted runs too: merged like `settling` rather than sorted
    // whole (up to a million entries each), in slices that keep the working
    // list small.
    if (!d.incoming.entries.empty()) {
      d.BeginSettling();
      while (d.merge.left() > 0) ZQ_RETURN_IF_ERROR(WriteSettling(slot, kSettleSliceMax));
    }
    d.settling.Clear();
    d.incoming.Clear();
    deferred_start_[slot] = 0;
  }
  return Status::Ok();
}

Result<bool> KvLedgerStore::IsFailedTransferId(u128 id) {
  ZQ_ASSERT(id != 0);
  std::string value;
  return Get(kTreeFailedTransferIds, IdKey(id).view(), &value);
}

Status KvLedgerStore::AddFailedTransferId(u128 id) {
  ZQ_ASSERT(id != 0);
  return Put(kTreeFailedTransferIds, IdKey(id).view(), std::string_view());
}

Result<std::optional<PendingStatus>> KvLedgerStore::GetPendingStatus(uint64_t timestamp) {
  ZQ_ASSERT(timestamp != 0);
  std::string value;
  ZQ_ASSIGN_OR_RETURN(bool found, Get(kTreePendingStatus, TimestampKey(timestamp).view(), &value));
  if (!found) return std::optional<PendingStatus>();
  if (value.size() != 1 || value[0] < 1 || value[0] > 4) {
    return Corrupt("ledger: bad pending status");
  }
  return std::optional<PendingStatus>(static_cast<PendingStatus>(value[0]));
}

Status KvLedgerStore::PutPendingStatus(uint64_t timestamp, PendingStatus status) {
  ZQ_ASSERT(timestamp != 0);
  const char byte = static_cast<char>(status);
  ZQ_ASSERT(byte >= 1 && byte <= 4);
  return Put(kTreePendingStatus, TimestampKey(timestamp).view(), std::string_view(&byte, 1));
}

Status KvLedgerStore::RemovePendingStatus(uint64_t timestamp) {
  ZQ_ASSERT(timestamp != 0);
  return Delete(kTreePendingStatus, TimestampKey(timestamp).view());
}

Status KvLedgerStore::AddExpiry(const ExpiryEntry& entry) {
  ZQ_ASSERT(entry.expires_at > entry.timestamp);
  ZQ_ASSERT(entry.transfer_id != 0);
  return Put(kTreeExpiries, ExpiryKey(entry.expires_at, entry.timestamp).view(),
             Encode(entry.transfer_id, &encoded_));
}

Status KvLedgerStore::RemoveExpiry(const ExpiryEntry& entry) {
  ZQ_ASSERT(entry.expires_at > entry.timestamp);
  ZQ_ASSERT(entry.transfer_id != 0);
  return Delete(kTreeExpiries, ExpiryKey(entry.expires_at, entry.timestamp).view());
}

Status KvLedgerStore::ScanExpiries(uint64_t expires_at_max, size_t count_max,
                                   std::vector<ExpiryEntry>* out) {
  ZQ_ASSERT(out != nullptr);
  out->clear();
  ZQ_ASSIGN_OR_RETURN(auto cursor, NewCursor(kTreeExpiries));
  ZQ_RETURN_IF_ERROR(cursor->SeekFirst());
  while (cursor->Valid() && out->size() < count_max) {
    if (cursor->key().size() != 16) return Corrupt("ledger: bad expiry key");
    ExpiryEntry e;
    e.expires_at = GetBigEndian64(Bytes(cursor->key()));
    e.timestamp = GetBigEndian64(Bytes(cursor->key()) + 8);
    if (e.expires_at > expires_at_max) break;
    if (!Decode(cursor->value(), &e.transfer_id)) return Corrupt("ledger: bad expiry value");
    out->push_back(e);
    ZQ_RETURN_IF_ERROR(cursor->Next());
  }
  ZQ_ASSERT(out->size() <= count_max);
  return Status::Ok();
}

Status KvLedgerStore::PutBalance(u128 account_id, const AccountBalance& balance) {
  ZQ_ASSERT(account_id != 0);
  ZQ_ASSERT(balance.timestamp != 0);
  return Put(kTreeBalances, IdTimestampKey(account_id, balance.timestamp).view(),
             Encode(balance, &encoded_));
}

Status KvLedgerStore::RemoveBalance(u128 account_id, uint64_t timestamp) {
  ZQ_ASSERT(account_id != 0);
  ZQ_ASSERT(timestamp != 0);
  return Delete(kTreeBalances, IdTimestampKey(account_id, timestamp).view());
}

Result<bool> KvLedgerStore::GetBalance(u128 account_id, uint64_t timestamp, AccountBalance* out) {
  ZQ_ASSERT(out != nullptr);
  std::string value;
  ZQ_ASSIGN_OR_RETURN(bool found,
                      Get(kTreeBalances, IdTimestampKey(account_id, timestamp).view(), &value));
  if (!found) return false;
  if (!Decode(value, out) || out->timestamp != timestamp) {
    return Corrupt("ledger: bad balance record");
  }
  return true;
}

Result<uint64_t> KvLedgerStore::GetCommitTimestamp() {
  std::string value;
  ZQ_ASSIGN_OR_RETURN(bool found, Get(kTreeMeta, kCommitTimestampKey, &value));
  if (!found) return uint64_t{0};
  uint64_t ts = 0;
  if (!DecodeRaw(value, &ts) || ts > kTimestampMax) return Corrupt("ledger: bad commit timestamp");
  return ts;
}

Status KvLedgerStore::SetCommitTimestamp(uint64_t timestamp) {
  ZQ_ASSERT(timestamp != 0);
  ZQ_ASSERT(timestamp <= kTimestampMax);
  return Put(kTreeMeta, kCommitTimestampKey, RawBytes(timestamp));
}

Status KvLedgerStore::ScanIndex(IndexId index, u128 value, uint64_t timestamp_min,
                                uint64_t timestamp_max, bool reversed, const IndexVisitor& visit) {
  ZQ_ASSERT(timestamp_min <= timestamp_max);
  ZQ_RETURN_IF_ERROR(Flush());
  if (DeferredSlot(index) >= 0 && HasDeferred()) ZQ_RETURN_IF_ERROR(Settle());
  ZQ_ASSERT(!IsTimestampIndex(index) || value == 0);
  if (!FitsIndexValue(index, value)) return Status::Ok();  // no field holds such a value
  const Key lo_key = IndexKey(index, value, timestamp_min);
  const Key hi_key = IndexKey(index, value, timestamp_max);
  const std::string_view lo = lo_key.view();
  const std::string_view hi = hi_key.view();
  const size_t key_bytes = lo.size();  // every key of this value: same prefix
  ZQ_ASSIGN_OR_RETURN(auto cursor, NewCursor(IndexTree(index)));
  if (reversed) {
    ZQ_RETURN_IF_ERROR(cursor->SeekForPrev(hi));
  } else {
    ZQ_RETURN_IF_ERROR(cursor->Seek(lo));
  }
  while (cursor->Valid()) {
    const std::string_view key = cursor->key();
    // Out of range first: keys of other values may have another length.
    if (reversed ? key < lo : key > hi) break;
    if (key.size() != key_bytes) return Corrupt("ledger: bad index key");
    u128 id = 0;
    if (!Decode(cursor->value(), &id)) return Corrupt("ledger: bad index value");
    const uint64_t ts = GetBigEndian64(Bytes(key) + key_bytes - kTimestampKeyBytes);
    ZQ_ASSIGN_OR_RETURN(bool more, visit(ts, id));
    if (!more) break;
    ZQ_RETURN_IF_ERROR(reversed ? cursor->Prev() : cursor->Next());
  }
  return Status::Ok();
}

template <typename Record, typename Visit>
Status KvLedgerStore::ForEachRecord(storage::TreeId tree, const Visit& visit) {
  ZQ_RETURN_IF_ERROR(Flush());
  ZQ_ASSIGN_OR_RETURN(auto cursor, NewCursor(tree));
  ZQ_RETURN_IF_ERROR(cursor->SeekFirst());
  while (cursor->Valid()) {
    Record r;
    if (!Decode(cursor->value(), &r)) return Corrupt("ledger: bad record");
    if (!visit(cursor->key(), r)) break;
    ZQ_RETURN_IF_ERROR(cursor->Next());
  }
  return Status::Ok();
}

Status KvLedgerStore::ForEachAccount(const AccountVisitor& visit) {
  if (txn_ != nullptr && deferred_ != nullptr) {
    ZQ_RETURN_IF_ERROR(Flush());
    ZQ_RETURN_IF_ERROR(WriteDeferredAccounts());
  }
  return ForEachRecord<Account>(kTreeAccounts,
                                [&](std::string_view, const Account& a) { return visit(a); });
}

Status KvLedgerStore::ForEachTransfer(const TransferVisitor& visit) {
  return ForEachRecord<Transfer>(kTreeTransfers,
                                 [&](std::string_view, const Transfer& t) { return visit(t); });
}

Status KvLedgerStore::ForEachPendingStatus(const PendingVisitor& visit) {
  ZQ_ASSIGN_OR_RETURN(auto cursor, NewCursor(kTreePendingStatus));
  ZQ_RETURN_IF_ERROR(cursor->SeekFirst());
  while (cursor->Valid()) {
    const std::string_view v = cursor->value();
    if (cursor->key().size() != 8 || v.size() != 1 || v[0] < 1 || v[0] > 4) {
      return Corrupt("ledger: bad pending status");
    }
    if (!visit(GetBigEndian64(Bytes(cursor->key())), static_cast<PendingStatus>(v[0]))) break;
    ZQ_RETURN_IF_ERROR(cursor->Next());
  }
  return Status::Ok();
}

Status KvLedgerStore::ForEachFailedTransferId(const IdVisitor& visit) {
  ZQ_ASSIGN_OR_RETURN(auto cursor, NewCursor(kTreeFailedTransferIds));
  ZQ_RETURN_IF_ERROR(cursor->SeekFirst());
  while (cursor->Valid()) {
    const std::optional<u128> id = IdOfKey(cursor->key());
    if (!id) return Corrupt("ledger: bad failed id key");
    if (!visit(*id)) break;
    ZQ_RETURN_IF_ERROR(cursor->Next());
  }
  return Status::Ok();
}

Status KvLedgerStore::ForEachBalance(const BalanceVisitor& visit) {
  bool bad_key = false;
  ZQ_RETURN_IF_ERROR(ForEachRecord<AccountBalance>(
      kTreeBalances, [&](std::string_view key, const AccountBalance& b) {
        // account id ‖ the record's own timestamp
        u128 id = 0;
        bad_key = !GetOrderedUint(&key, &id) || key.size() != 8 ||
                  GetBigEndian64(Bytes(key)) != b.timestamp;
        return !bad_key && visit(id, b);
      }));
  return bad_key ? Corrupt("ledger: bad balance key") : Status::Ok();
}

}  // namespace zq::ledger

// KvLedgerStore: the LedgerStore contract over the storage engine's B+trees
// (storage/store/store.hpp). Layout 2, one fixed tree id each (docs/ledger.md):
//
//   tree  key (memcmp order = numeric order)                 value
//   100   account id#                                          Account*
//   101   transfer id#                                         Transfer*
//   102   failed transfer id#                                  empty
//   103   pending transfer timestamp                           PendingStatus (1 B)
//   104   expires_at ‖ pending timestamp                       transfer id*
//   105   account id# ‖ transfer timestamp                     AccountBalance*
//   106   "commit_timestamp" / "layout"                        u64 LE
//   110+i index IndexId i: field value# ‖ object timestamp;  object id*
//         the timestamp indexes: the timestamp alone
//
//   # an ordered varying-length unsigned (util/ordered_uint.hpp): a length
//     byte and the significant bytes, big-endian (id 1,000,000: 4 bytes)
//   timestamps: u64 big-endian
//   * sparse-coded (util/sparse_record.hpp): the 128-byte record or the
//     16-byte id, little-endian, without the zero high bytes of each word.
//     A transfer of the benchmark takes 32 bytes instead of 128, an id 4.
// A database whose ledger has another layout is refused with NotSupported.
//
// Reads and writes go through one WriteTxn (reads see its own writes), or reads
// only through one Snapshot. The caller commits the WriteTxn: one create batch
// per transaction is one durable, atomic batch. Bytes that do not decode are
// Corruption, never an assert.
//
// Batch buffer (write mode): a store lives for one batch (one WriteTxn), and
// accounts and transfers are the bulk of its traffic, so it keeps them in hash
// maps instead of going to the transaction per event. Each account is read
// from the transaction at most once and written at most once per Flush(),
// however many transfers touch it; created transfers and their index entries
// are written at Flush(), grouped by tree. Rolling back a linked chain drops
// buffered objects without any write. Scans (ScanIndex, ForEach*) flush first,
// so they see everything. Pending statuses, expiries, balance rows, failed ids
// and the commit timestamp are few and write through. The resulting
// transaction content is exactly that of writing through, so the layout, the
// state hash and recovery by re-execution do not change.
//
// Deferred writes (write mode, a Reusable that allows them): the debit and
// credit account indexes are keyed by account id, so a batch's entries land
// one per leaf all over two large trees, each insert a wait for memory.
// Batches leave them in Reusable::deferred instead, and Settle() writes them
// out merged many batches at a time: once a million transfers' worth have
// come in, the batches of the next million transfers each merge a slice of
// them, in key order (so each leaf gets several at once), and all that are
// left when the storage engine asks (BatchExecutor::SettleInput: before it
// publishes a state to readers, before a checkpoint), so no reader and no
// checkpoint ever sees a state without them. The batch's own scans of those
// indexes settle first. Updated account records wait too: a batch of 8,189
// transfers rewrites ~16,000 of them, mostly the same ones batch after batch,
// so writing only the latest of each at a settle (or when too many wait)
// saves most of those writes. They wait as dirty records in the account cache
// (the few a full cache set displaces, in a map beside it), which account
// reads look at before the tree anyway.
#pragma once

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ledger/account_cache.hpp"
#include "ledger/ledger_store.hpp"
#include "storage/store/store.hpp"
#include "util/assert.hpp"
#include "util/int_hash_map.hpp"
#include "util/radix_sort.hpp"
#include "util/run_merge.hpp"

namespace zq::ledger {

inline constexpr storage::TreeId kTreeAccounts = 100;
inline constexpr storage::TreeId kTreeTransfers = 101;
inline constexpr storage::TreeId kTreeFailedTransferIds = 102;
inline constexpr storage::TreeId kTreePendingStatus = 103;
inline constexpr storage::TreeId kTreeExpiries = 104;
inline constexpr storage::TreeId kTreeBalances = 105;
inline constexpr storage::TreeId kTreeMeta = 106;
inline constexpr storage::TreeId kTreeIndexFirst = 110;
inline constexpr storage::TreeId kTreeIndexLast = kTreeIndexFirst + kIndexCount - 1;
static_assert(kTreeIndexLast < 128, "ledger trees stay in 100..127");
static_assert(kTreeIndexLast < storage::kFirstDynamicTreeId);

class KvLedgerStore final : public LedgerStore {
 public:
  // An index entry due at Flush() or Settle(), kept with the others of its index.
  struct IndexWrite {
    u128 value;
    uint64_t timestamp;
    u128 id;
  };
  using IndexWrites = std::array<std::vector<IndexWrite>, kIndexCount>;
  // Within an index, (value, timestamp) orders like the key: value ‖ ts,
  // both big-endian, the value of one fixed width per index.
  struct KeyOrder {
    bool operator()(const IndexWrite& a, const IndexWrite& b) const {
      return a.value != b.value ? a.value < b.value : a.timestamp < b.timestamp;
    }
  };
  // The range of (value, timestamp) over a set of entries. Offset by its
  // minimums, an entry's pair fits key_bits() bits, and packed into one
  // integer (PackedKey) orders like KeyOrder: a batch's entries, or a
  // million of an account index's, usually need 40-50 bits.
  struct KeyBounds {
    u128 value_min = ~u128{0};
    u128 value_max = 0;
    uint64_t ts_min = ~uint64_t{0};
    uint64_t ts_max = 0;
    bool empty() const { return value_min > value_max; }
    void Add(const IndexWrite& w) {
      value_min = std::min(value_min, w.value);
      value_max = std::max(value_max, w.value);
      ts_min = std::min(ts_min, w.timestamp);
      ts_max = std::max(ts_max, w.timestamp);
    }
    void Add(const KeyBounds& other) {
      if (other.empty()) return;
      value_min = std::min(value_min, other.value_min);
      value_max = std::max(value_max, other.value_max);
      ts_min = std::min(ts_min, other.ts_min);
      ts_max = std::max(ts_max, other.ts_max);
    }
    int ts_bits() const { return empty() ? 0 : BitWidth(ts_max - ts_min); }
    int key_bits() const { return empty() ? 0 : BitWidth(value_max - value_min) + ts_bits(); }
  };
  // An entry's (value, timestamp) as one integer, for entries within
  // `bounds` whose key_bits() is at most 64.
  struct PackedKey {
    PackedKey() = default;
    explicit PackedKey(const KeyBounds& bounds)
        : value_min(bounds.value_min), ts_min(bounds.ts_min), ts_bits(bounds.ts_bits()) {}
    uint64_t operator()(const IndexWrite& w) const {
      const auto value = static_cast<uint64_t>(w.value - value_min);
      return (ts_bits == 64 ? 0 : value << ts_bits) | (w.timestamp - ts_min);
    }
    u128 value_min = 0;
    uint64_t ts_min = 0;
    int ts_bits = 0;
  };
  // Entries of one index not yet in its tree: sorted runs, one per Flush,
  // back to back. `incoming` fills; once it holds deferred_entries_max
  // entries (both indexes together), it becomes `settling`, which the
  // following batches merge into the tree a slice at a time, in key order.
  struct DeferredRuns {
    std::vector<IndexWrite> entries;  // id 0: taken back (chain rollback)
    std::vector<size_t> run_ends;
    KeyBounds bounds;  // of `entries`
    void Clear() {
      entries.clear();
      run_ends.clear();
      bounds = KeyBounds();
    }
  };
  struct DeferredIndex {
    DeferredRuns incoming;
    DeferredRuns settling;
    // Over `settling` while it has entries not yet written.
    RunMerge<IndexWrite, KeyOrder, PackedKey> merge;
    // `incoming` becomes `settling` (which must be empty) and its merge starts.
    void BeginSettling() {
      ZQ_ASSERT(settling.entries.empty());
      std::swap(settling, incoming);
      merge.Start(settling.entries.data(), settling.run_ends, PackedKey(settling.bounds),
                  settling.bounds.key_bits());
    }
  };
  // What batches left for Settle(): the two account indexes' entries, and
  // the deferred account records the account cache had no room for (the
  // others are its dirty records).
  struct DeferredWrites {
    std::array<DeferredIndex, 2> index;  // debit, credit
    IntHashMap<u128, Account, U128Hash> displaced_accounts;
    size_t index_entries() const {
      size_t n = 0;
      for (const DeferredIndex& d : index) n += d.incoming.entries.size() + d.merge.left();
      return n;
    }
  };
  // The batch executor's default for Reusable::deferred_entries_max: two
  // entries per transfer, so about a million transfers (~80 MiB, twice that
  // while the previous million settle).
  static constexpr size_t kDeferredEntriesDefault = size_t{1} << 21;
  // Deferred account records are written out at the end of the batch that
  // brings them to deferred_entries_max / kDeferredAccountsDivisor (by
  // default 131,072 accounts, half of the default account cache).
  static constexpr size_t kDeferredAccountsDivisor = 16;

  // An account as this batch sees it. `present` false caches "no such account".
  struct CachedAccount {
    Account account;
    bool present = false;
    bool inserted = false;  // created since the last Flush: its index entries are due
    bool dirty = false;     // the record is due
  };
  // The maps and lists a writing store fills during its batch (emptied when
  // it starts). Kept in a Reusable, their memory serves every batch: lists
  // this large allocated afresh were a tenth of a batch's time in page
  // faults.
  struct BatchMaps {
    // The accounts this batch has asked for or written, in first-touch
    // order, and an id -> position map over them: the map's slots stay small
    // (its arrays mostly fit the CPU cache) and the records go into memory
    // one after the other instead of into scattered map slots.
    std::vector<CachedAccount> accounts;
    IntHashMap<u128, uint32_t, U128Hash> account_slots;
    CachedAccount* FindAccount(u128 id) {
      const uint32_t* slot = account_slots.Find(id);
      return slot != nullptr ? &accounts[*slot] : nullptr;
    }
    // The entry of `id`, a new one ("no such account") when it has none.
    CachedAccount& AccountEntry(u128 id) {
      bool inserted = false;
      uint32_t& slot = account_slots.Insert(id, &inserted);
      if (inserted) {
        slot = static_cast<uint32_t>(accounts.size());
        accounts.emplace_back();
      }
      return accounts[slot];
    }
    // Transfers created since the last Flush: id -> slot in new_transfers.
    IntHashMap<u128, size_t, U128Hash> transfer_slots;
    // Transfers created since the last Flush, in creation (timestamp) order;
    // a rolled-back one keeps its slot with id 0.
    std::vector<Transfer> new_transfers;
    // Working lists of Flush and WriteSettling.
    IndexWrites index_writes;
    std::vector<CachedAccount*> dirty_accounts;
    std::vector<const Transfer*> created_transfers;
    std::vector<IndexWrite> slice;
    std::vector<KeyedPosition> sort_keys, sort_scratch;  // SortIndexWrites
    std::vector<IndexWrite> sorted_writes;
    void Clear();
  };
  // What a writing store may keep from one batch to the next of one storage
  // store (the batch executor's context): an AccountCache kept equal to the
  // account records (with the deferred ones), which serves account reads, and
  // the batch maps.
  struct Reusable {
    explicit Reusable(size_t cached_accounts = AccountCache::kDefaultCapacity)
        : accounts(cached_accounts) {}
    AccountCache accounts;
    BatchMaps maps;
    // Deferring writes is for the batch executor alone: the storage engine
    // then settles them before anyone reads. 0: write at Flush(). Otherwise
    // the deferred index entries start settling once this many have come
    // in, and the account records are written once this many /
    // kDeferredAccountsDivisor wait.
    size_t deferred_entries_max = 0;
    DeferredWrites deferred;
    // Deferred account records: the cache's dirty ones and those it displaced.
    size_t deferred_accounts() const {
      return accounts.dirty_count() + deferred.displaced_accounts.size();
    }
    // Deferred entries and records, all told.
    size_t deferred_size() const { return deferred.index_entries() + deferred_accounts(); }
  };
  explicit KvLedgerStore(storage::WriteTxn* txn, Reusable* reusable = nullptr);
  explicit KvLedgerStore(storage::Snapshot* snapshot);  // read-only

  // Creates the ledger's trees that do not exist yet.
  static Status CreateTrees(storage::WriteTxn* txn);
  // Whether every tree of the ledger exists.
  static Result<bool> TreesExist(storage::Snapshot* snapshot);

  Result<bool> GetAccount(u128 id, Account* out) override;
  void PrefetchAccount(u128 id, bool near) override;
  Status InsertAccount(const Account& account) override;
  Status UpdateAccount(const Account& account) override;
  Status RemoveAccount(const Account& account) override;

  Result<bool> GetTransfer(u128 id, Transfer* out) override;
  Status InsertTransfer(const Transfer& transfer) override;
  Status RemoveTransfer(const Transfer& transfer) override;

  Result<bool> IsFailedTransferId(u128 id) override;
  Status AddFailedTransferId(u128 id) override;

  Result<std::optional<PendingStatus>> GetPendingStatus(uint64_t timestamp) override;
  Status PutPendingStatus(uint64_t timestamp, PendingStatus status) override;
  Status RemovePendingStatus(uint64_t timestamp) override;

  Status AddExpiry(const ExpiryEntry& entry) override;
  Status RemoveExpiry(const ExpiryEntry& entry) override;
  Status ScanExpiries(uint64_t expires_at_max, size_t count_max,
                      std::vector<ExpiryEntry>* out) override;

  Status PutBalance(u128 account_id, const AccountBalance& balance) override;
  Status RemoveBalance(u128 account_id, uint64_t timestamp) override;
  Result<bool> GetBalance(u128 account_id, uint64_t timestamp, AccountBalance* out) override;

  Result<uint64_t> GetCommitTimestamp() override;
  Status SetCommitTimestamp(uint64_t timestamp) override;

  Status ScanIndex(IndexId index, u128 value, uint64_t timestamp_min, uint64_t timestamp_max,
                   bool reversed, const IndexVisitor& visit) override;

  Status Flush() override;
  // Writes every deferred index entry and account record into its tree
  // (write mode).
  Status Settle();
  // The end of a batch (write mode): writes the next slice of the settling
  // entries, and turns a full `incoming` into `settling`.
  Status FinishBatch();
  bool HasDeferred() const { return deferring_ != nullptr && deferring_->deferred_size() > 0; }

  Status ForEachAccount(const AccountVisitor& visit) override;
  Status ForEachTransfer(const TransferVisitor& visit) override;
  Status ForEachPendingStatus(const PendingVisitor& visit) override;
  Status ForEachFailedTransferId(const IdVisitor& visit) override;
  Status ForEachBalance(const BalanceVisitor& visit) override;

 private:
  Result<bool> Get(storage::TreeId tree, std::string_view key, std::string* value);
  Result<std::unique_ptr<storage::Cursor>> NewCursor(storage::TreeId tree);
  Status Put(storage::TreeId tree, std::string_view key, std::string_view value);
  Status Delete(storage::TreeId tree, std::string_view key);
  Status WriteIndex(IndexId index, u128 value, uint64_t timestamp, u128 id, bool insert);
  template <typename Record, typename Visit>
  Status ForEachRecord(storage::TreeId tree, const Visit& visit);
  Result<bool> ReadAccount(u128 id, Account* out);
  Status DeleteAccountWritten(const Account& account);
  Status DeleteTransferWritten(const Transfer& transfer);

  static constexpr size_t kPrefetchGroup = 64;
  template <typename KeyAt>
  Status PrefetchGroup(storage::TreeId tree, size_t remaining, const KeyAt& key_at);
  Status FlushAccounts(IndexWrites* index_writes);
  Status FlushTransfers(IndexWrites* index_writes);
  // One batch's entries of an index (a working list of the batch maps,
  // whose buffer it may trade for another of theirs), in key order;
  // `bounds` are those of `writes`.
  void SortIndexWrites(const KeyBounds& bounds, std::vector<IndexWrite>* writes);
  // Writes entries sorted in key order into the index's tree, skipping
  // taken-back ones.
  Status WriteSortedIndexEntries(IndexId index, std::span<const IndexWrite> writes);
  // Settle() writes the deferred entries in slices of at most this many.
  static constexpr size_t kSettleSliceMax = size_t{1} << 16;
  // Writes up to `count` of the settling entries of deferred slot `slot`.
  Status WriteSettling(size_t slot, size_t count);
  // Writes the deferred account records, in id order.
  Status WriteDeferredAccounts();
  // Takes a deferred entry of the current batch back (chain rollback);
  // false when it was not deferred or is written already.
  bool TakeBackDeferred(IndexId index, u128 value, uint64_t timestamp, u128 id);
  // An upper bound of the transfer ids in the transfers tree, as this store's
  // transaction sees it (read once per store, then kept up to date).
  Result<u128> StoredTransferIdBound();

  storage::WriteTxn* txn_ = nullptr;
  storage::Snapshot* snapshot_ = nullptr;
  AccountCache* account_cache_ = nullptr;
  std::string value_;    // reused by point reads
  std::string encoded_;  // reused by writes: a record or id, sparse-coded
  BatchMaps own_maps_;  // when no Reusable was given
  BatchMaps* maps_ = &own_maps_;
  Reusable* deferring_ = nullptr;       // the Reusable, when it allows deferring
  DeferredWrites* deferred_ = nullptr;  // its deferred writes
  size_t deferred_entries_max_ = 0;
  std::array<size_t, 2> deferred_start_{};   // the first of this batch's incoming entries
  std::array<size_t, 2> deferred_added_{};   // entries this batch deferred
  // Whether a write of this store reached the transaction: only then may a
  // Flush defer account records (the storage engine keeps the context of a
  // failed batch that wrote nothing, so it must hold nothing of that batch).
  bool wrote_ = false;
  std::optional<u128> stored_transfer_id_bound_;
};

}  // namespace zq::ledger

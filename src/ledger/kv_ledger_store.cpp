// KvLedgerStore (kv_ledger_store.hpp): key encodings and tree access.
#include "ledger/kv_ledger_store.hpp"

#include <cstring>

#include "util/assert.hpp"
#include "util/coding.hpp"

namespace zq::ledger {

namespace {

constexpr size_t kIdKeyBytes = 16;
constexpr size_t kTimestampKeyBytes = 8;
constexpr std::string_view kCommitTimestampKey = "commit_timestamp";

void PutBigEndian128(uint8_t* p, u128 v) {
  PutBigEndian64(p, static_cast<uint64_t>(v >> 64));
  PutBigEndian64(p + 8, static_cast<uint64_t>(v));
}
u128 GetBigEndian128(const uint8_t* p) {
  return MakeU128(GetBigEndian64(p), GetBigEndian64(p + 8));
}
const uint8_t* Bytes(std::string_view s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

// Fixed-size keys on the stack.
template <size_t N>
struct Key {
  uint8_t bytes[N];
  std::string_view view() const { return {reinterpret_cast<const char*>(bytes), N}; }
};
Key<16> IdKey(u128 id) {
  Key<16> k;
  PutBigEndian128(k.bytes, id);
  return k;
}
Key<8> TimestampKey(uint64_t ts) {
  Key<8> k;
  PutBigEndian64(k.bytes, ts);
  return k;
}
Key<24> IdTimestampKey(u128 id, uint64_t ts) {
  Key<24> k;
  PutBigEndian128(k.bytes, id);
  PutBigEndian64(k.bytes + 16, ts);
  return k;
}
Key<16> ExpiryKey(uint64_t expires_at, uint64_t ts) {
  Key<16> k;
  PutBigEndian64(k.bytes, expires_at);
  PutBigEndian64(k.bytes + 8, ts);
  return k;
}
bool IsTimestampIndex(IndexId index) {
  return index == IndexId::kAccountTimestamp || index == IndexId::kTransferTimestamp;
}
storage::TreeId IndexTree(IndexId index) {
  ZQ_ASSERT(static_cast<size_t>(index) < kIndexCount);
  return kTreeIndexFirst + static_cast<storage::TreeId>(index);
}
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
Status Corrupt(std::string_view what) {
  return Status::Corruption(what);
}

}  // namespace

KvLedgerStore::KvLedgerStore(storage::WriteTxn* txn) : txn_(txn) {
  ZQ_ASSERT(txn_ != nullptr);
  ZQ_ASSERT(snapshot_ == nullptr);
}

KvLedgerStore::KvLedgerStore(storage::Snapshot* snapshot) : snapshot_(snapshot) {
  ZQ_ASSERT(snapshot_ != nullptr);
  ZQ_ASSERT(txn_ == nullptr);
}

Status KvLedgerStore::CreateTrees(storage::WriteTxn* txn) {
  ZQ_ASSERT(txn != nullptr);
  std::vector<storage::TreeId> trees = {kTreeAccounts,      kTreeTransfers, kTreeFailedTransferIds,
                                        kTreePendingStatus, kTreeExpiries,  kTreeBalances,
                                        kTreeMeta};
  for (storage::TreeId t = kTreeIndexFirst; t <= kTreeIndexLast; t++) trees.push_back(t);
  ZQ_ASSERT(trees.size() == 7 + kIndexCount);
  for (storage::TreeId tree : trees) {
    ZQ_ASSIGN_OR_RETURN(bool exists, txn->TreeExists(tree));
    if (!exists) ZQ_RETURN_IF_ERROR(txn->CreateTreeWithId(tree));
  }
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
  return txn_->Put(tree, key, value);
}

Status KvLedgerStore::Delete(storage::TreeId tree, std::string_view key) {
  if (txn_ == nullptr) return Status::InvalidArgument("ledger store is read-only");
  ZQ_ASSERT(!key.empty());
  return txn_->Delete(tree, key);
}

Status KvLedgerStore::WriteIndex(IndexId index, u128 value, uint64_t timestamp, u128 id,
                                 bool insert) {
  ZQ_ASSERT(id != 0);
  ZQ_ASSERT(IsTimestampIndex(index) ? value == 0 : value != 0);
  const storage::TreeId tree = IndexTree(index);
  const Key<24> full = IdTimestampKey(value, timestamp);
  const Key<8> ts_only = TimestampKey(timestamp);
  const std::string_view key = IsTimestampIndex(index) ? ts_only.view() : full.view();
  if (!insert) return Delete(tree, key);
  return Put(tree, key, RawBytes(id));  // the id little-endian, as in the records
}

Result<bool> KvLedgerStore::GetAccount(u128 id, Account* out) {
  ZQ_ASSERT(out != nullptr);
  std::string value;
  ZQ_ASSIGN_OR_RETURN(bool found, Get(kTreeAccounts, IdKey(id).view(), &value));
  if (!found) return false;
  if (!DecodeRaw(value, out) || out->id != id) return Corrupt("ledger: bad account record");
  return true;
}

Status KvLedgerStore::InsertAccount(const Account& account) {
  const AccountIndexEntries e = IndexEntriesOf(account);
  ZQ_RETURN_IF_ERROR(Put(kTreeAccounts, IdKey(account.id).view(), RawBytes(account)));
  for (size_t i = 0; i < kAccountIndexCount; i++) {
    if (!e.present[i]) continue;
    ZQ_RETURN_IF_ERROR(
        WriteIndex(e.entries[i].index, e.entries[i].value, account.timestamp, account.id, true));
  }
  return Status::Ok();
}

Status KvLedgerStore::UpdateAccount(const Account& account) {
  ZQ_ASSERT(account.id != 0);
  ZQ_ASSERT(account.timestamp != 0);
  return Put(kTreeAccounts, IdKey(account.id).view(), RawBytes(account));
}

Status KvLedgerStore::RemoveAccount(const Account& account) {
  const AccountIndexEntries e = IndexEntriesOf(account);
  ZQ_RETURN_IF_ERROR(Delete(kTreeAccounts, IdKey(account.id).view()));
  for (size_t i = 0; i < kAccountIndexCount; i++) {
    if (!e.present[i]) continue;
    ZQ_RETURN_IF_ERROR(
        WriteIndex(e.entries[i].index, e.entries[i].value, account.timestamp, account.id, false));
  }
  return Status::Ok();
}

Result<bool> KvLedgerStore::GetTransfer(u128 id, Transfer* out) {
  ZQ_ASSERT(out != nullptr);
  std::string value;
  ZQ_ASSIGN_OR_RETURN(bool found, Get(kTreeTransfers, IdKey(id).view(), &value));
  if (!found) return false;
  if (!DecodeRaw(value, out) || out->id != id) return Corrupt("ledger: bad transfer record");
  return true;
}

Status KvLedgerStore::InsertTransfer(const Transfer& transfer) {
  const TransferIndexEntries e = IndexEntriesOf(transfer);
  ZQ_RETURN_IF_ERROR(Put(kTreeTransfers, IdKey(transfer.id).view(), RawBytes(transfer)));
  for (size_t i = 0; i < kTransferIndexCount; i++) {
    if (!e.present[i]) continue;
    ZQ_RETURN_IF_ERROR(
        WriteIndex(e.entries[i].index, e.entries[i].value, transfer.timestamp, transfer.id, true));
  }
  return Status::Ok();
}

Status KvLedgerStore::RemoveTransfer(const Transfer& transfer) {
  const TransferIndexEntries e = IndexEntriesOf(transfer);
  ZQ_RETURN_IF_ERROR(Delete(kTreeTransfers, IdKey(transfer.id).view()));
  for (size_t i = 0; i < kTransferIndexCount; i++) {
    if (!e.present[i]) continue;
    ZQ_RETURN_IF_ERROR(
        WriteIndex(e.entries[i].index, e.entries[i].value, transfer.timestamp, transfer.id, false));
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
             RawBytes(entry.transfer_id));
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
    if (!DecodeRaw(cursor->value(), &e.transfer_id)) return Corrupt("ledger: bad expiry value");
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
             RawBytes(balance));
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
  if (!DecodeRaw(value, out) || out->timestamp != timestamp) {
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
  const bool ts_only = IsTimestampIndex(index);
  ZQ_ASSERT(!ts_only || value == 0);
  const size_t key_bytes = ts_only ? kTimestampKeyBytes : kIdKeyBytes + kTimestampKeyBytes;
  const Key<24> lo_full = IdTimestampKey(value, timestamp_min);
  const Key<24> hi_full = IdTimestampKey(value, timestamp_max);
  // For a timestamp index the key is the last 8 bytes of these.
  const std::string_view lo = lo_full.view().substr(24 - key_bytes);
  const std::string_view hi = hi_full.view().substr(24 - key_bytes);
  ZQ_ASSIGN_OR_RETURN(auto cursor, NewCursor(IndexTree(index)));
  if (reversed) {
    ZQ_RETURN_IF_ERROR(cursor->SeekForPrev(hi));
  } else {
    ZQ_RETURN_IF_ERROR(cursor->Seek(lo));
  }
  while (cursor->Valid()) {
    const std::string_view key = cursor->key();
    if (key.size() != key_bytes) return Corrupt("ledger: bad index key");
    if (reversed ? key < lo : key > hi) break;
    u128 id = 0;
    if (!DecodeRaw(cursor->value(), &id)) return Corrupt("ledger: bad index value");
    const uint64_t ts = GetBigEndian64(Bytes(key) + key_bytes - kTimestampKeyBytes);
    ZQ_ASSIGN_OR_RETURN(bool more, visit(ts, id));
    if (!more) break;
    ZQ_RETURN_IF_ERROR(reversed ? cursor->Prev() : cursor->Next());
  }
  return Status::Ok();
}

template <typename Record, typename Visit>
Status KvLedgerStore::ForEachRecord(storage::TreeId tree, const Visit& visit) {
  ZQ_ASSIGN_OR_RETURN(auto cursor, NewCursor(tree));
  ZQ_RETURN_IF_ERROR(cursor->SeekFirst());
  while (cursor->Valid()) {
    Record r;
    if (!DecodeRaw(cursor->value(), &r)) return Corrupt("ledger: bad record");
    if (!visit(cursor->key(), r)) break;
    ZQ_RETURN_IF_ERROR(cursor->Next());
  }
  return Status::Ok();
}

Status KvLedgerStore::ForEachAccount(const AccountVisitor& visit) {
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
    if (cursor->key().size() != 16) return Corrupt("ledger: bad failed id key");
    if (!visit(GetBigEndian128(Bytes(cursor->key())))) break;
    ZQ_RETURN_IF_ERROR(cursor->Next());
  }
  return Status::Ok();
}

Status KvLedgerStore::ForEachBalance(const BalanceVisitor& visit) {
  bool bad_key = false;
  ZQ_RETURN_IF_ERROR(ForEachRecord<AccountBalance>(
      kTreeBalances, [&](std::string_view key, const AccountBalance& b) {
        bad_key = key.size() != 24;
        return !bad_key && visit(GetBigEndian128(Bytes(key)), b);
      }));
  return bad_key ? Corrupt("ledger: bad balance key") : Status::Ok();
}

}  // namespace zq::ledger

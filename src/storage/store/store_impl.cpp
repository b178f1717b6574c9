// StoreImpl: opening, recovery, checkpoints, snapshots registry, close.
#include "storage/store/store_impl.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "crypto/random.hpp"
#include "storage/btree/btree.hpp"
#include "storage/store/store_txn.hpp"
#include "util/assert.hpp"
#include "util/coding.hpp"

namespace zq::storage {

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, const StoreOptions& options) {
  uint32_t ps = options.page_size_bytes;
  if (ps < limits::kPageSizeMin || ps > limits::kPageSizeMax || (ps & (ps - 1)) != 0) {
    return Status::InvalidArgument("page size must be a power of two from 4096 to 65536");
  }
  if (path.empty()) return Status::InvalidArgument("database path is empty");
  auto store = std::make_unique<StoreImpl>(path, options);
  ZQ_RETURN_IF_ERROR(store->OpenFiles().WithContext("open " + path));
  return std::unique_ptr<Store>(std::move(store));
}

StoreImpl::StoreImpl(const std::string& path, const StoreOptions& options)
    : path_(path), options_(options), vfs_(options.vfs ? options.vfs : DefaultVfs()) {}

StoreImpl::~StoreImpl() {
  if (LiveSnapshots() > 0) {
    // Continuing would let them read freed pages: a bug in the caller.
    std::fprintf(stderr, "zqlite: a Store was destroyed while snapshots or write "
                         "transactions of it were still alive\n");
    std::abort();
  }
  Close().IgnoreError();
}

Status StoreImpl::OpenFiles() {
  bool exists = vfs_->Exists(path_);
  if (!exists && (!options_.create_if_missing || options_.read_only)) {
    return Status::NotFound("database file does not exist");
  }
  OpenFlags flags = options_.read_only ? OpenFlags::kReadOnly
                                       : (OpenFlags::kReadWrite | OpenFlags::kCreate);
  ZQ_ASSIGN_OR_RETURN(data_file_, vfs_->Open(path_, flags));
  // One read-write process per database (ARCHITECTURE.md §1). A read-only
  // open takes no lock: it must not run while another process writes.
  if (!options_.read_only) {
    ZQ_ASSIGN_OR_RETURN(lock_, vfs_->LockExclusive(path_));
  }
  if (!exists) ZQ_RETURN_IF_ERROR(vfs_->SyncDirectoryOf(path_));
  PagerOptions popts;
  popts.page_size_bytes = options_.page_size_bytes;
  popts.encryption_key = options_.encryption_key;
  popts.use_mmap = options_.use_mmap;
  popts.read_only = options_.read_only;
  popts.cache_bytes = options_.cache_bytes;
  Superblock sb;
  ZQ_ASSIGN_OR_RETURN(pager_, Pager::Open(data_file_.get(), popts, &sb));
  pager_->set_page_validator(&ValidateTreePage);
  next_tree_id_ = std::max<uint64_t>(sb.next_tree_id, kFirstDynamicTreeId);
  working_root_ = sb.root_of_roots;
  working_seq_ = sb.commit_seq;
  last_timestamp_ = sb.commit_timestamp;
  std::string wal_path = path_ + "-wal";
  bool wal_exists = vfs_->Exists(wal_path);
  if (options_.read_only && !wal_exists) {
    wal_file_.reset();
  } else {
    ZQ_ASSIGN_OR_RETURN(wal_file_, vfs_->Open(wal_path, flags));
  }
  ZQ_RETURN_IF_ERROR(Recover(sb));
  opened_ = true;
  return Status::Ok();
}

Status StoreImpl::Recover(const Superblock& sb) {
  uint64_t wal_bytes = 0;
  if (wal_file_) {
    ZQ_ASSIGN_OR_RETURN(wal_bytes, wal_file_->Size());
  }
  bool clean = false;
  bool header_current = false;  // a valid header of the expected generation
  uint64_t replayed = 0;
  WalHeader header;
  uint8_t raw[kWalHeaderBytes];
  if (wal_bytes >= kWalHeaderBytes) {
    ZQ_RETURN_IF_ERROR(wal_file_->ReadExact(0, kWalHeaderBytes, raw, "wal header"));
    // The header is advisory: records are verified with the salt from the
    // superblock. A header that verifies must still name this database.
    if (DecodeWalHeader(raw, &header).ok()) {
      if (header.uuid != pager_->uuid()) {
        return Status::Corruption("the WAL file belongs to another database");
      }
      // A WAL generation newer than the checkpoint means the newest
      // superblock was lost and an older one was picked.
      if (header.first_lsn > sb.wal_lsn + 1) {
        return Status::Corruption("the WAL starts after the checkpoint: a checkpoint is lost");
      }
      header_current = header.salt == sb.wal_salt && header.first_lsn == sb.wal_lsn + 1;
    }
  }
  header.uuid = pager_->uuid();
  header.salt = sb.wal_salt;
  header.first_lsn = sb.wal_lsn + 1;
  if (wal_bytes >= kWalHeaderBytes) {
    WalReader reader(wal_file_.get(), pager_->codec(), header, wal_bytes);
    WalRecord record;
    while (true) {
      ZQ_ASSIGN_OR_RETURN(bool more, reader.Next(&record));
      if (!more) break;
      uint64_t commit_timestamp = 0;
      if (record.kind == WalRecordKind::kBatch) {
        if (record.payload.size() < 8) return Status::Corruption("wal: short batch record");
        commit_timestamp = GetFixed64(reinterpret_cast<const uint8_t*>(record.payload.data()));
        std::string_view input = std::string_view(record.payload).substr(8);
        std::vector<TreeId> written;
        ZQ_RETURN_IF_ERROR(ExecuteBatchLocked(input, commit_timestamp, record.lsn, nullptr, &written)
                               .WithContext("wal replay of batch " + std::to_string(record.lsn)));
      } else {
        ChangeSet changes;
        ZQ_RETURN_IF_ERROR(ChangeSet::Decode(record.payload, &changes));
        ZQ_RETURN_IF_ERROR(Apply(record.lsn, changes).WithContext("wal replay"));
        commit_timestamp = changes.commit_timestamp;
      }
      working_seq_ = record.lsn;
      last_timestamp_ = std::max(last_timestamp_, commit_timestamp);
      replayed++;
    }
    clean = header_current && replayed == 0 && reader.valid_end() == wal_bytes;
    wal_end_ = reader.valid_end();
    wal_salt_ = header.salt;
  }
  // A read-only store cannot log a settle (BatchExecutor::SettleInput); it
  // settles what it replayed in memory, before anyone reads.
  if (options_.read_only) ZQ_RETURN_IF_ERROR(SettleLocked().WithContext("wal replay"));
  pager_->set_claimed_seq(working_seq_);
  published_ = {working_root_, working_seq_};
  published_seq_ = working_seq_;
  durable_seq_ = working_seq_;
  pending_seq_ = working_seq_;
  pending_root_ = working_root_;
  if (options_.read_only || clean) return Status::Ok();
  // Fold the replayed tail into a checkpoint; it also starts a fresh WAL
  // generation, so no stale bytes past the torn point can ever be replayed.
  std::lock_guard<std::mutex> lock(commit_mu_);
  return CheckpointLocked();
}

Status StoreImpl::ResetWal(uint64_t first_lsn, uint64_t salt) {
  WalHeader header;
  header.uuid = pager_->uuid();
  header.salt = salt;
  header.first_lsn = first_lsn;
  uint8_t raw[kWalHeaderBytes];
  EncodeWalHeader(header, raw);
  ZQ_RETURN_IF_ERROR(wal_file_->Truncate(0));
  ZQ_RETURN_IF_ERROR(wal_file_->Write(0, raw, sizeof(raw)));
  ZQ_RETURN_IF_ERROR(wal_file_->Sync());
  wal_salt_ = header.salt;
  wal_end_ = kWalHeaderBytes;
  wal_bytes_ = 0;
  return Status::Ok();
}

// Caller holds flush rights (or is recovering) and commit_mu_.
Status StoreImpl::CheckpointLocked(const CheckpointProgress* progress) {
  // The file holds settled states only: recovery starts from an empty context.
  Status settled = SettleLocked();
  Result<uint64_t> flushed = settled.ok() ? FlushPending(true) : Result<uint64_t>(settled);
  if (!flushed.ok()) {
    Poison(flushed.status());
    return flushed.status();
  }
  CheckpointState state;
  state.wal_lsn = working_seq_;
  state.commit_seq = working_seq_;
  state.root_of_roots = working_root_;
  state.next_tree_id = next_tree_id_.load();
  state.commit_timestamp = last_timestamp_;
  state.wal_salt = crypto::RandomU64();
  Status s = pager_->WriteCheckpoint(state, ReclaimBound(), progress);
  if (s.ok()) s = ResetWal(working_seq_ + 1, state.wal_salt);
  if (!s.ok()) {
    Poison(s);
    return s;
  }
  // Everything is durable: publish, so retired pages can be reclaimed even
  // when no reader came (publication is what lets the reclaim bound advance).
  PublishWorkingLocked();
  // Checked after the evictions swapped the slots: a reader registering
  // later loads the new slot contents.
  if (LiveSnapshots() == 0) pager_->ReleaseEvictedBuffers();
  checkpoints_++;
  return Status::Ok();
}

Status StoreImpl::Checkpoint() { return CheckpointWithProgress(nullptr); }

Status StoreImpl::CheckpointWithProgress(const CheckpointProgress& progress) {
  if (options_.read_only) return Status::InvalidArgument("database is open read-only");
  AcquireFlushRights();
  Status s;
  uint64_t durable = 0;
  {
    std::lock_guard<std::mutex> lock(commit_mu_);
    s = poisoned_flag_ ? Status::Poisoned("database is poisoned")
                       : CheckpointLocked(progress ? &progress : nullptr);
    if (s.ok()) durable = working_seq_;  // read under the lock: later commits are not flushed
  }
  ReleaseFlushRights(durable);
  return s;
}

void StoreImpl::MaybeCheckpoint() {
  if (wal_bytes_.load() < options_.checkpoint_wal_bytes &&
      pager_->dirty_bytes() < options_.checkpoint_dirty_bytes) {
    return;
  }
  bool expected = false;
  if (!checkpoint_running_.compare_exchange_strong(expected, true)) return;
  Checkpoint().IgnoreError();  // a failure poisons the store; commits report it
  checkpoint_running_ = false;
}

Status StoreImpl::Close() {
  if (closed_) return Status::Ok();
  if (LiveSnapshots() > 0) {
    return Status::InvalidArgument("cannot close: snapshots or write transactions are still alive");
  }
  closed_ = true;
  Status s;
  // A store whose open failed (say, recovery stopped halfway) holds a partial
  // state: it must never be checkpointed over the files.
  if (opened_ && !options_.read_only && !poisoned_flag_) s = Checkpoint();
  batch_context_.reset();
  pager_.reset();
  wal_file_.reset();
  data_file_.reset();
  lock_.reset();
  return s;
}

int StoreImpl::LiveSnapshots() {
  std::lock_guard<std::mutex> lock(snap_mu_);
  int live = 0;
  for (auto* registry : {&snapshots_, &writer_snaps_}) {
    for (const auto& [seq, count] : *registry) live += count;
  }
  return live;
}

StoreImpl::Published StoreImpl::Register(bool writer,
                                          std::vector<std::pair<TreeId, PageNo>>* roots) {
  // First tell flushes that someone reads, then catch up with an acknowledged
  // commit that a flush did not publish (nobody was reading then).
  if (!readers_since_publish_.load(std::memory_order_relaxed)) readers_since_publish_ = true;
  if (durable_seq_.load() > published_seq_.load() && !options_.read_only) PublishWorking();
  std::lock_guard<std::mutex> lock(snap_mu_);
  (writer ? writer_snaps_ : snapshots_)[published_.seq]++;
  if (roots != nullptr) {
    for (const CachedRoot& c : root_cache_) {
      if (c.seq == published_.seq) roots->emplace_back(c.tree, c.root);
    }
  }
  return published_;
}

void StoreImpl::RememberRoot(uint64_t seq, TreeId tree, PageNo root) {
  std::lock_guard<std::mutex> lock(snap_mu_);
  if (seq != published_.seq) return;  // only the newest state is worth sharing
  root_cache_[root_cache_next_] = {seq, tree, root};
  root_cache_next_ = (root_cache_next_ + 1) % kRootCacheSize;
}

void StoreImpl::ReleaseSnapshot(uint64_t seq, bool writer) {
  std::lock_guard<std::mutex> lock(snap_mu_);
  auto& registry = writer ? writer_snaps_ : snapshots_;
  auto it = registry.find(seq);
  ZQ_ASSERT(it != registry.end() && it->second > 0);
  // The entry of the published sequence stays (at zero) so that the common
  // snapshot-per-read pattern does not allocate; older entries go.
  if (--it->second == 0 && seq != published_.seq) registry.erase(it);
}

uint64_t StoreImpl::ReclaimBound() {
  std::lock_guard<std::mutex> lock(snap_mu_);
  uint64_t bound = published_.seq;
  for (auto* registry : {&snapshots_, &writer_snaps_}) {
    for (auto it = registry->begin(); it != registry->end();) {
      if (it->second > 0) {
        bound = std::min(bound, it->first);
        break;
      }
      it = it->first == published_.seq ? std::next(it) : registry->erase(it);
    }
  }
  return bound;
}

std::unique_ptr<Snapshot> StoreImpl::GetSnapshot() {
  std::vector<std::pair<TreeId, PageNo>> roots;
  roots.reserve(kRootCacheSize);
  Published p = Register(false, &roots);
  auto snap = std::make_unique<SnapshotImpl>(this, p.root, p.seq, Registration::kReader);
  snap->SeedRoots(std::move(roots));
  return snap;
}

std::unique_ptr<WriteTxn> StoreImpl::BeginWrite() {
  Published p = Register(true);
  return std::make_unique<WriteTxnImpl>(this, p.root, p.seq);
}

Status StoreImpl::Verify(uint64_t* pages) {
  std::lock_guard<std::mutex> lock(commit_mu_);
  std::vector<PageNo> reachable;
  ZQ_RETURN_IF_ERROR(CollectTreePages(pager_.get(), working_root_, &reachable));
  TreeCursor trees(pager_.get(), working_root_);
  Status s = trees.SeekFirst();
  for (; s.ok() && trees.Valid(); s = trees.Next()) {
    if (trees.value().size() != 8) return Status::Corruption("tree of trees: bad root entry");
    PageNo root = GetFixed64(reinterpret_cast<const uint8_t*>(trees.value().data()));
    ZQ_RETURN_IF_ERROR(CollectTreePages(pager_.get(), root, &reachable));
  }
  ZQ_RETURN_IF_ERROR(s);
  ZQ_RETURN_IF_ERROR(pager_->CheckAccounting(reachable));
  *pages = reachable.size();
  return Status::Ok();
}

StoreStats StoreImpl::Stats() {
  StoreStats s;
  {
    std::lock_guard<std::mutex> lock(commit_mu_);
    PagerStats ps = pager_->Stats();
    s.checkpoint_seq = ps.checkpoint_seq;
    s.page_count = ps.page_count;
    s.free_page_count = ps.free_page_count;
    s.dirty_page_count = ps.dirty_page_count;
    s.cached_page_count = ps.heap_page_count;
    s.evicted_waiting_count = ps.evicted_waiting_count;
  }
  {
    std::lock_guard<std::mutex> lock(snap_mu_);
    s.commit_seq = published_.seq;
  }
  s.wal_bytes = wal_bytes_;
  s.wal_flushes = wal_flushes_;
  s.commits = commits_;
  s.checkpoints = checkpoints_;
  return s;
}

}  // namespace zq::storage

// Pager: the page table shared by readers and the writer, page allocation with
// copy-on-write, epoch-based reclamation, the freelist and checkpoints.
//
// Page lifecycle (writer side; every transition happens under the store's
// commit lock):
//   free  --Allocate-->  live (dirty, in memory only)
//   live  --Retire(seq)-->  retired: still visible to snapshots older than seq
//   retired --Reclaim(bound >= seq)--> free
// A page is "in_ckpt" while the last durable checkpoint references it. Such a
// page is never overwritten (copy-on-write): when freed it waits in
// free_after_ckpt_ until the next checkpoint is durable.
// A live page whose birth commit has not been claimed by a WAL flush is
// invisible to every reader, so later commits may modify it in place.
//
// Readers (any thread) only call Read(): page numbers reachable from a
// snapshot stay valid until the snapshot is released, because reclamation
// waits for the oldest snapshot (the store passes that bound to Reclaim).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "storage/codec/page_codec.hpp"
#include "storage/pager/page_buffers.hpp"
#include "storage/pager/superblock.hpp"
#include "storage/vfs/vfs.hpp"
#include "util/chunked_array.hpp"
#include "util/result.hpp"

namespace zq::storage {

using PageNo = uint64_t;
// Pages 0 and 1 are superblocks, so 0 can mean "no page".
inline constexpr PageNo kNullPage = 0;
inline constexpr PageNo kFirstDataPage = 2;

struct PagerOptions {
  uint32_t page_size_bytes = 4096;  // for a new database
  std::optional<crypto::AeadKey> encryption_key;
  bool use_mmap = true;
  bool read_only = false;
  // Clean pages kept in heap buffers; beyond it a checkpoint evicts some.
  uint64_t cache_bytes = uint64_t{256} << 20;
};

// What a checkpoint records besides the pages themselves.
struct CheckpointState {
  uint64_t wal_lsn = 0;
  uint64_t commit_seq = 0;
  PageNo root_of_roots = kNullPage;
  uint64_t next_tree_id = 0;
  uint64_t commit_timestamp = 0;
  uint64_t wal_salt = 0;  // of the WAL generation that starts after this checkpoint
};

struct PagerStats {
  uint64_t page_count = 0;
  uint64_t free_page_count = 0;
  uint64_t dirty_page_count = 0;
  uint64_t retired_page_count = 0;
  uint64_t heap_page_count = 0;  // pages held in heap buffers (dirty or cached)
  uint64_t evicted_waiting_count = 0;  // evicted heap copies a reader may still hold
  uint64_t checkpoint_seq = 0;
};

class Pager {
 public:
  // Opens the data file: an empty file becomes a new database (two
  // superblocks, no trees); otherwise the newest valid superblock is loaded
  // into *loaded. The file must outlive the pager.
  static Result<std::unique_ptr<Pager>> Open(File* file, const PagerOptions& options,
                                             Superblock* loaded);
  ~Pager();
  Pager(const Pager&) = delete;
  Pager& operator=(const Pager&) = delete;

  uint32_t page_size() const { return codec_->page_size(); }
  uint32_t usable_bytes() const { return codec_->usable_bytes(); }
  PageCodec* codec() { return codec_.get(); }
  const DbUuid& uuid() const { return uuid_; }

  // Structure check run on every page read from disk before first use.
  using PageValidator = Status (*)(const uint8_t* body, uint32_t usable, uint64_t pgno);
  void set_page_validator(PageValidator v) { validator_ = v; }

  // Readers: the verified plaintext body (usable_bytes) of a page.
  Result<const uint8_t*> Read(PageNo pgno);

  // --- writer only ---------------------------------------------------------
  // Commits with seq <= claimed are (being) published: their pages are shared.
  void set_claimed_seq(uint64_t seq) { claimed_seq_ = seq; }
  // A writable page whose body starts with `kind`; the rest of the body is
  // left as the buffer had it (the caller lays the page out: zeroing every
  // new page of a split cost ~8% of a ledger batch in cache misses on bytes
  // never read). Bytes a page does not use are not promised to be zero.
  Result<uint8_t*> Allocate(PageKind kind, uint64_t seq, PageNo* pgno);
  // A writable body for `pgno` in commit `seq`: the page itself if no reader
  // can see it, else a copy at a new page number (the old one is retired).
  Result<uint8_t*> MakeWritable(PageNo pgno, uint64_t seq, PageNo* new_pgno);
  // The body of `pgno` when it is live and no reader can see it (so it may be
  // changed in place), else nullptr.
  uint8_t* PrivateBody(PageNo pgno);
  // `pgno` is no longer part of the working trees as of commit `seq`.
  // Corruption when the page is not live (damaged trees sharing a page).
  Status Retire(PageNo pgno, uint64_t seq);
  // Frees every page retired at a commit <= bound (no snapshot older remains).
  void Reclaim(uint64_t bound);
  // The caller saw no snapshot open after the last checkpoint's evictions, so
  // no reader holds an evicted buffer: they are reused now rather than after
  // the next publication (which a lone writer only reaches at a checkpoint).
  void ReleaseEvictedBuffers();
  // Writes every dirty page, the freelist and the next superblock; durable on OK.
  // Callers ensure every commit up to state.commit_seq is claimed.
  // `progress` (may be null) hears (pages written, pages to write).
  Status WriteCheckpoint(const CheckpointState& state, uint64_t reclaim_bound,
                         const std::function<void(uint64_t, uint64_t)>* progress = nullptr);
  PagerStats Stats() const;
  // Checks that the pages in use are exactly `reachable` (from the working
  // trees) plus retired and freelist pages: no leak, no page both free and used.
  Status CheckAccounting(const std::vector<PageNo>& reachable) const;
  uint64_t dirty_bytes() const { return dirty_count_ * page_size(); }

 private:
  struct PageMeta {
    uint64_t birth_seq = 0;
    uint8_t state = 0;  // PageState
    bool dirty = false;
    bool in_ckpt = false;
  };
  enum PageState : uint8_t { kStateFree = 0, kStateLive, kStateRetired, kStateFreelist };
  // Freelist page body: kind u8 | pad[3] | count u32 | next u64 | entries u64[].
  static constexpr uint32_t kFreelistHeaderBytes = 16;
  uint32_t FreelistCapacity() const { return (usable_bytes() - kFreelistHeaderBytes) / 8; }
  static constexpr uint32_t kChunkBits = 16;
  static constexpr uint64_t kChunkPages = uint64_t{1} << kChunkBits;
  static constexpr uint64_t kChunkCount = (uint64_t{1} << 32) >> kChunkBits;

  Pager(File* file, std::unique_ptr<PageCodec> codec, const DbUuid& uuid,
        const PagerOptions& options);
  Status CreateNew();
  Status LoadExisting(const Superblock& sb);
  Status LoadFreelist(PageNo head);

  std::atomic<uint8_t*>& Slot(PageNo pgno);
  uint8_t* NewBuffer();
  void ReleaseBuffer(PageNo pgno);
  void RecycleBuffer(uint8_t* p);
  // Recycles the evicted buffers whose free-at sequence is <= bound.
  void RecycleDeferredBuffers(uint64_t bound);
  // The pool's warm limit: `held` buffers, but never below the cache budget.
  void SetWarmBuffersMax(uint64_t held);
  bool IsMapped(const uint8_t* p) const;
  PageMeta& Meta(PageNo pgno);
  // Created by a commit no WAL flush has claimed yet: invisible to readers.
  bool IsPrivate(const PageMeta& m) const {
    return m.dirty && !m.in_ckpt && m.birth_seq > claimed_seq_;
  }
  void FreePage(PageNo pgno);
  Result<PageNo> TakeFreePage();
  Status WriteDirtyPages(const std::vector<PageNo>& pages,
                         const std::function<void(uint64_t, uint64_t)>* progress);
  Status WriteFreelist(std::vector<PageNo>* chain, PageNo* head);
  Status WriteSuperblock(const CheckpointState& state, PageNo freelist_head);
  void FinishCheckpoint(const std::vector<PageNo>& written, const std::vector<PageNo>& chain,
                        uint64_t commit_seq);
  // Beyond the cache budget, drops heap copies of clean pages (plaintext ones
  // switch to the mapping). Readers of snapshots up to `published_seq` may
  // still hold them: they are freed by Reclaim once those are gone.
  void EvictCleanPages(uint64_t published_seq);
  void DeferFree(uint8_t* buf, uint64_t seq);

  File* file_;
  std::unique_ptr<PageCodec> codec_;
  DbUuid uuid_;
  PageValidator validator_ = nullptr;
  const uint8_t* map_ = nullptr;
  uint64_t map_bytes_ = 0;

  std::mutex chunk_mu_;
  std::unique_ptr<std::atomic<std::atomic<uint8_t*>*>[]> chunks_;

  // Writer state.
  ChunkedArray<PageMeta> meta_;  // grows without copying (a batch's latency)
  uint64_t page_count_ = kFirstDataPage;
  std::atomic<uint64_t> page_count_limit_{kFirstDataPage};  // page_count_, for readers
  std::vector<PageNo> free_now_;
  std::vector<PageNo> free_after_ckpt_;
  std::deque<std::pair<uint64_t, PageNo>> retired_;  // (seq, page), seq ascending
  ChunkedArray<PageNo> dirty_list_;                  // may hold stale entries
  std::vector<PageNo> freelist_chain_;                // pages of the on-disk freelist
  std::atomic<uint64_t> dirty_count_{0};  // read by MaybeCheckpoint without the lock
  uint64_t claimed_seq_ = 0;
  uint64_t checkpoint_seq_ = 0;
  PageBuffers buffers_;  // the writer's: dirty pages, and freed ones kept for reuse
  std::deque<std::pair<uint64_t, uint8_t*>> deferred_buffers_;  // (free at seq, buffer)
  std::atomic<uint64_t> heap_pages_{0};
  uint64_t cache_pages_max_;
  PageNo evict_cursor_ = kFirstDataPage;
};

}  // namespace zq::storage

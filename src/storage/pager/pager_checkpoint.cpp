// Pager checkpoints: copy-on-write page writes, the freelist, the superblock.
//
// Order (each step durable before the next is visible):
//   1. every dirty live page is written to its own page number, which the
//      previous checkpoint does not reference (free_now_ never holds in_ckpt pages);
//   2. the new freelist chain is written to pages the previous checkpoint does
//      not reference; fsync;
//   3. the superblock slot not holding the previous checkpoint is written; fsync.
// A crash before 3 completes leaves the previous checkpoint intact and whole.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "storage/pager/pager.hpp"
#include "util/assert.hpp"
#include "util/coding.hpp"

namespace zq::storage {

namespace {
// Checkpoints coalesce adjacent dirty pages into writes of at most this size.
constexpr size_t kCheckpointWriteBytesMax = 1 << 20;

struct FreeBuffer {
  void operator()(uint8_t* p) const { std::free(p); }
};
}  // namespace

Status Pager::WriteCheckpoint(const CheckpointState& state, uint64_t reclaim_bound,
                              const std::function<void(uint64_t, uint64_t)>* progress) {
  // The buffers held now (dirty and cached pages, and copies retired during
  // the cycle) are this cycle's peak; the next cycle will likely need as
  // many. Keeping that many warm (the ones the reclaim and the evictions
  // below free) spares it a page fault per buffer, and spares this checkpoint
  // a system call per buffer handed back; a smaller cycle lowers the limit.
  SetWarmBuffersMax(heap_pages_.load());
  Reclaim(reclaim_bound);
  std::vector<PageNo> pages;
  pages.reserve(dirty_list_.size());
  for (size_t i = 0; i < dirty_list_.size(); i++) {
    const PageNo p = dirty_list_[i];
    if (Meta(p).state == kStateLive && Meta(p).dirty) pages.push_back(p);
  }
  std::sort(pages.begin(), pages.end());
  pages.erase(std::unique(pages.begin(), pages.end()), pages.end());
  ZQ_RETURN_IF_ERROR(WriteDirtyPages(pages, progress));
  std::vector<PageNo> chain;
  PageNo head = kNullPage;
  ZQ_RETURN_IF_ERROR(WriteFreelist(&chain, &head));
  // Free pages at the end may never have been written: extend the file so
  // it always covers page_count (open relies on it to bound the count).
  ZQ_ASSIGN_OR_RETURN(uint64_t file_bytes, file_->Size());
  if (file_bytes < page_count_ * page_size()) {
    ZQ_RETURN_IF_ERROR(file_->Truncate(page_count_ * page_size()));
  }
  ZQ_RETURN_IF_ERROR(file_->Sync());
  ZQ_RETURN_IF_ERROR(WriteSuperblock(state, head));
  ZQ_RETURN_IF_ERROR(file_->Sync());
  FinishCheckpoint(pages, chain, state.commit_seq);
  return Status::Ok();
}

Status Pager::WriteDirtyPages(const std::vector<PageNo>& pages,
                              const std::function<void(uint64_t, uint64_t)>* progress) {
  const uint32_t ps = page_size();
  const size_t run_pages_max = std::max<size_t>(1, kCheckpointWriteBytesMax / ps);
  std::unique_ptr<uint8_t, FreeBuffer> scratch(
      static_cast<uint8_t*>(std::aligned_alloc(64, run_pages_max * ps)));
  ZQ_ASSERT(scratch != nullptr);
  size_t i = 0;
  while (i < pages.size()) {
    size_t run = 1;
    while (i + run < pages.size() && run < run_pages_max && pages[i + run] == pages[i] + run) run++;
    for (size_t j = 0; j < run; j++) {
      PageNo p = pages[i + j];
      uint8_t* dst = scratch.get() + j * ps;
      const uint8_t* body = Slot(p).load(std::memory_order_relaxed);
      ZQ_ASSERT(body != nullptr);
      std::memcpy(dst, body, usable_bytes());
      ZQ_RETURN_IF_ERROR(codec_->Encode(p, static_cast<PageKind>(body[0]), dst));
    }
    ZQ_RETURN_IF_ERROR(file_->Write(pages[i] * ps, scratch.get(), run * ps));
    i += run;
    if (progress != nullptr) (*progress)(i, pages.size());
  }
  if (progress != nullptr && pages.empty()) (*progress)(0, 0);
  return Status::Ok();
}

Status Pager::WriteFreelist(std::vector<PageNo>* chain, PageNo* head) {
  const uint32_t cap = FreelistCapacity();
  // Everything the new checkpoint does not reference is free in it.
  size_t total = free_now_.size() + free_after_ckpt_.size() + retired_.size() +
                 freelist_chain_.size();
  size_t chain_pages = (total + cap - 1) / cap;
  for (size_t i = 0; i < chain_pages; i++) {
    ZQ_ASSIGN_OR_RETURN(PageNo p, TakeFreePage());
    Meta(p).state = kStateFreelist;
    chain->push_back(p);
  }
  std::vector<PageNo> entries;
  entries.reserve(total);
  entries.insert(entries.end(), free_now_.begin(), free_now_.end());
  entries.insert(entries.end(), free_after_ckpt_.begin(), free_after_ckpt_.end());
  for (const auto& r : retired_) entries.push_back(r.second);
  entries.insert(entries.end(), freelist_chain_.begin(), freelist_chain_.end());
  ZQ_ASSERT(entries.size() <= chain->size() * cap);

  std::unique_ptr<uint8_t, FreeBuffer> buf(static_cast<uint8_t*>(std::aligned_alloc(64, page_size())));
  ZQ_ASSERT(buf != nullptr);
  size_t next_entry = 0;
  for (size_t i = 0; i < chain->size(); i++) {
    uint8_t* b = buf.get();
    std::memset(b, 0, page_size());
    b[0] = static_cast<uint8_t>(PageKind::kFreelist);
    uint32_t count = static_cast<uint32_t>(std::min<size_t>(cap, entries.size() - next_entry));
    PutFixed32(b + 4, count);
    PutFixed64(b + 8, i + 1 < chain->size() ? (*chain)[i + 1] : kNullPage);
    for (uint32_t k = 0; k < count; k++) {
      PutFixed64(b + kFreelistHeaderBytes + 8 * k, entries[next_entry++]);
    }
    ZQ_RETURN_IF_ERROR(codec_->Encode((*chain)[i], PageKind::kFreelist, b));
    ZQ_RETURN_IF_ERROR(file_->Write((*chain)[i] * page_size(), b, page_size()));
  }
  ZQ_ASSERT(next_entry == entries.size());
  *head = chain->empty() ? kNullPage : chain->front();
  return Status::Ok();
}

Status Pager::WriteSuperblock(const CheckpointState& state, PageNo freelist_head) {
  Superblock sb;
  sb.page_size = page_size();
  sb.uuid = uuid_;
  sb.flags = codec_->encrypted() ? kSuperblockFlagEncrypted : 0;
  sb.checkpoint_seq = checkpoint_seq_ + 1;
  sb.wal_lsn = state.wal_lsn;
  sb.commit_seq = state.commit_seq;
  sb.root_of_roots = state.root_of_roots;
  sb.freelist_head = freelist_head;
  sb.page_count = page_count_;
  sb.next_tree_id = state.next_tree_id;
  sb.commit_timestamp = state.commit_timestamp;
  sb.wal_salt = state.wal_salt;
  uint8_t raw[kSuperblockBytes];
  EncodeSuperblock(sb, codec_.get(), raw);
  uint64_t slot = sb.checkpoint_seq % 2;
  return file_->Write(slot * page_size(), raw, sizeof(raw));
}

void Pager::FinishCheckpoint(const std::vector<PageNo>& written,
                             const std::vector<PageNo>& chain, uint64_t commit_seq) {
  for (PageNo p : written) {
    PageMeta& m = Meta(p);
    m.dirty = false;
    m.in_ckpt = true;
    dirty_count_--;
  }
  dirty_list_.clear();
  for (PageNo p : free_after_ckpt_) {
    Meta(p).in_ckpt = false;
    free_now_.push_back(p);
  }
  free_after_ckpt_.clear();
  for (const auto& r : retired_) Meta(r.second).in_ckpt = false;
  for (PageNo p : freelist_chain_) {
    PageMeta& m = Meta(p);
    m.state = kStateFree;
    m.in_ckpt = false;
    free_now_.push_back(p);
  }
  for (PageNo p : chain) Meta(p).in_ckpt = true;
  freelist_chain_ = chain;
  checkpoint_seq_++;
  EvictCleanPages(commit_seq);
}

void Pager::EvictCleanPages(uint64_t published_seq) {
  const uint64_t free_at = published_seq + 1;  // after every snapshot of now is gone
  // Over budget: drop heap copies of clean pages, round robin. A plaintext
  // page then reads through the mapping; an encrypted one is re-read when needed.
  for (uint64_t scanned = 0; heap_pages_.load() > cache_pages_max_ && scanned < page_count_;
       scanned++) {
    if (evict_cursor_ >= page_count_) evict_cursor_ = kFirstDataPage;
    PageNo p = evict_cursor_++;
    const PageMeta& m = Meta(p);
    if (m.state != kStateLive || m.dirty) continue;
    uint8_t* buf = Slot(p).load(std::memory_order_relaxed);
    if (buf == nullptr || IsMapped(buf)) continue;
    uint64_t offset = p * page_size();
    uint8_t* replacement = nullptr;
    if (map_ != nullptr && offset + page_size() <= map_bytes_) {
      replacement = const_cast<uint8_t*>(map_ + offset);  // written and synced: valid
    }
    Slot(p).store(replacement, std::memory_order_release);
    DeferFree(buf, free_at);
  }
}

}  // namespace zq::storage

#include "storage/pager/pager.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "crypto/random.hpp"
#include "util/assert.hpp"
#include "util/coding.hpp"
#include "util/limits.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define ZQ_POISON_NEW_PAGES 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ZQ_POISON_NEW_PAGES 1
#endif
#endif

namespace zq::storage {

namespace {
// Address space reserved for the read-only mapping of the data file: virtual
// only, so it can be far larger than the file. Pages beyond it use pread.
constexpr uint64_t kMapReserveBytes = uint64_t{1} << 40;
}  // namespace

Pager::Pager(File* file, std::unique_ptr<PageCodec> codec, const DbUuid& uuid,
             const PagerOptions& options)
    : file_(file),
      codec_(std::move(codec)),
      uuid_(uuid),
      chunks_(new std::atomic<std::atomic<uint8_t*>*>[kChunkCount]),
      buffers_(codec_->page_size()),
      cache_pages_max_(options.cache_bytes / codec_->page_size()) {
  SetWarmBuffersMax(0);
  const bool use_mmap = options.use_mmap;
  for (uint64_t i = 0; i < kChunkCount; i++) chunks_[i].store(nullptr);
  meta_.assign(kFirstDataPage, PageMeta{});
  if (use_mmap && !codec_->encrypted()) {
    map_ = file_->Map(kMapReserveBytes);
    if (map_ != nullptr) map_bytes_ = kMapReserveBytes;
  }
}

Pager::~Pager() {
  for (uint64_t c = 0; c < kChunkCount; c++) {
    std::atomic<uint8_t*>* chunk = chunks_[c].load();
    if (chunk == nullptr) continue;
    for (uint64_t i = 0; i < kChunkPages; i++) {
      uint8_t* p = chunk[i].load();
      if (p != nullptr && !IsMapped(p)) buffers_.Discard(p);
    }
    delete[] chunk;
  }
  for (auto& d : deferred_buffers_) buffers_.Discard(d.second);
}

Result<std::unique_ptr<Pager>> Pager::Open(File* file, const PagerOptions& options,
                                           Superblock* loaded) {
  ZQ_ASSIGN_OR_RETURN(uint64_t size, file->Size());
  if (size == 0) {
    if (options.read_only) return Status::InvalidArgument("cannot create a read-only database");
    DbUuid uuid;
    ZQ_RETURN_IF_ERROR(crypto::RandomBytes(uuid.data(), uuid.size()));
    auto codec = std::make_unique<PageCodec>(options.page_size_bytes, uuid,
                                             options.encryption_key);
    std::unique_ptr<Pager> pager(new Pager(file, std::move(codec), uuid, options));
    ZQ_RETURN_IF_ERROR(pager->CreateNew());
    *loaded = Superblock{};
    loaded->page_size = options.page_size_bytes;
    loaded->uuid = uuid;
    loaded->page_count = kFirstDataPage;
    return pager;
  }
  // Read both superblock slots; the page size is in the header.
  uint8_t raw[2][kSuperblockBytes] = {};
  SuperblockHeader header[2];
  Status header_status[2];
  for (int i = 0; i < 2; i++) {
    size_t got = 0;
    uint64_t offset = i == 0 ? 0 : limits::kPageSizeMin;
    ZQ_RETURN_IF_ERROR(file->Read(offset, kSuperblockBytes, raw[i], &got));
    if (got < kSuperblockBytes) std::memset(raw[i] + got, 0, kSuperblockBytes - got);
    header_status[i] = DecodeSuperblockHeader(raw[i], &header[i]);
  }
  // Slot 1 lives at offset page_size; re-read it when pages are larger than 4 KiB.
  const SuperblockHeader* good = header_status[0].ok()   ? &header[0]
                                 : header_status[1].ok() ? &header[1]
                                                         : nullptr;
  if (good == nullptr) return header_status[0].WithContext("open database");
  if (good->page_size != limits::kPageSizeMin) {
    size_t got = 0;
    ZQ_RETURN_IF_ERROR(file->Read(good->page_size, kSuperblockBytes, raw[1], &got));
    if (got < kSuperblockBytes) std::memset(raw[1] + got, 0, kSuperblockBytes - got);
  }
  bool encrypted = (good->flags & kSuperblockFlagEncrypted) != 0;
  if (encrypted && !options.encryption_key) {
    return Status::InvalidArgument("database is encrypted: an encryption key is required");
  }
  if (!encrypted && options.encryption_key) {
    return Status::InvalidArgument("database is not encrypted, but a key was given");
  }
  auto codec = std::make_unique<PageCodec>(good->page_size, good->uuid, options.encryption_key);
  Superblock sb[2];
  Status st[2];
  for (int i = 0; i < 2; i++) st[i] = DecodeSuperblock(raw[i], codec.get(), &sb[i]);
  int pick = -1;
  for (int i = 0; i < 2; i++) {
    if (st[i].ok() && sb[i].uuid == good->uuid && sb[i].page_size == good->page_size &&
        (pick < 0 || sb[i].checkpoint_seq > sb[pick].checkpoint_seq)) {
      pick = i;
    }
  }
  if (pick < 0) return (st[0].IsAuthFailed() ? st[0] : st[1]).WithContext("open database");
  std::unique_ptr<Pager> pager(new Pager(file, std::move(codec), good->uuid, options));
  ZQ_RETURN_IF_ERROR(pager->LoadExisting(sb[pick]));
  *loaded = sb[pick];
  return pager;
}

Status Pager::CreateNew() {
  // Both slots get a valid superblock so that a later torn write of either
  // one still leaves a database to open. (meta_ already covers pages 0-1.)
  CheckpointState state;
  for (int i = 0; i < 2; i++) {
    ZQ_RETURN_IF_ERROR(WriteSuperblock(state, kNullPage));
    checkpoint_seq_++;
  }
  ZQ_RETURN_IF_ERROR(file_->Truncate(uint64_t{kFirstDataPage} * page_size()));
  return file_->Sync();
}

Status Pager::LoadExisting(const Superblock& sb) {
  // Checkpoints extend the file to cover every page, so a larger count is damage
  // (and must not make us allocate metadata for billions of pages).
  ZQ_ASSIGN_OR_RETURN(uint64_t file_bytes, file_->Size());
  if (sb.page_count > file_bytes / page_size()) {
    return Status::Corruption("superblock: page count beyond the end of the file");
  }
  checkpoint_seq_ = sb.checkpoint_seq;
  page_count_ = sb.page_count;
  page_count_limit_.store(page_count_, std::memory_order_relaxed);
  meta_.assign(page_count_, PageMeta{});
  for (PageNo p = kFirstDataPage; p < page_count_; p++) {
    meta_[p].state = kStateLive;
    meta_[p].in_ckpt = true;
  }
  return LoadFreelist(sb.freelist_head);
}

Status Pager::LoadFreelist(PageNo head) {
  const uint32_t cap = FreelistCapacity();
  uint64_t guard = 0;
  for (PageNo p = head; p != kNullPage;) {
    if (p < kFirstDataPage || p >= page_count_ || ++guard > page_count_) {
      return Status::Corruption("freelist: bad page reference");
    }
    ZQ_ASSIGN_OR_RETURN(const uint8_t* body, Read(p));
    if (body[0] != static_cast<uint8_t>(PageKind::kFreelist)) {
      return Status::Corruption("freelist: page " + std::to_string(p) + " has the wrong kind");
    }
    uint32_t count = GetFixed32(body + 4);
    if (count > cap) return Status::Corruption("freelist: bad entry count");
    meta_[p].state = kStateFreelist;
    freelist_chain_.push_back(p);
    for (uint32_t i = 0; i < count; i++) {
      PageNo f = GetFixed64(body + kFreelistHeaderBytes + 8 * i);
      if (f < kFirstDataPage || f >= page_count_ || meta_[f].state != kStateLive) {
        return Status::Corruption("freelist: bad or duplicate free page");
      }
      meta_[f].state = kStateFree;
      meta_[f].in_ckpt = false;
      free_now_.push_back(f);
    }
    p = GetFixed64(body + 8);
  }
  // Freelist pages are not cached: they are rewritten at every checkpoint.
  for (PageNo p : freelist_chain_) ReleaseBuffer(p);
  std::reverse(free_now_.begin(), free_now_.end());  // LIFO: low pages first
  return Status::Ok();
}

std::atomic<uint8_t*>& Pager::Slot(PageNo pgno) {
  ZQ_ASSERT(pgno < limits::kPageCountMax);
  uint64_t c = pgno >> kChunkBits;
  std::atomic<uint8_t*>* chunk = chunks_[c].load(std::memory_order_acquire);
  if (chunk == nullptr) {
    std::lock_guard<std::mutex> lock(chunk_mu_);
    chunk = chunks_[c].load(std::memory_order_acquire);
    if (chunk == nullptr) {
      chunk = new std::atomic<uint8_t*>[kChunkPages];
      for (uint64_t i = 0; i < kChunkPages; i++) chunk[i].store(nullptr);
      chunks_[c].store(chunk, std::memory_order_release);
    }
  }
  return chunk[pgno & (kChunkPages - 1)];
}

uint8_t* Pager::NewBuffer() {
  return buffers_.Take();
}

bool Pager::IsMapped(const uint8_t* p) const {
  return map_ != nullptr && p >= map_ && p < map_ + map_bytes_;
}

void Pager::SetWarmBuffersMax(uint64_t held) {
  buffers_.SetWarmMax(std::max<uint64_t>({cache_pages_max_, 1024, held}));
}

// Buffers freed by one checkpoint cycle serve the dirty pages of the next:
// memory the process has touched already, where fresh memory costs a page
// fault per page (a tenth of a ledger batch's time before).
void Pager::RecycleBuffer(uint8_t* p) {
  buffers_.Give(p);
}

void Pager::ReleaseBuffer(PageNo pgno) {
  uint8_t* p = Slot(pgno).exchange(nullptr, std::memory_order_acq_rel);
  if (p == nullptr || IsMapped(p)) return;
  heap_pages_--;
  RecycleBuffer(p);
}

Result<const uint8_t*> Pager::Read(PageNo pgno) {
  if (pgno < kFirstDataPage) return Status::Corruption("reference to a superblock page");
  if (pgno >= page_count_limit_.load(std::memory_order_relaxed)) {
    return Status::Corruption("reference to page " + std::to_string(pgno) +
                              " beyond the end of the database");
  }
  std::atomic<uint8_t*>& slot = Slot(pgno);
  uint8_t* p = slot.load(std::memory_order_acquire);
  if (p != nullptr) return static_cast<const uint8_t*>(p);
  PageKind kind;
  uint64_t offset = pgno * page_size();
  if (map_ != nullptr && offset + page_size() <= map_bytes_) {
    ZQ_ASSIGN_OR_RETURN(uint64_t size, file_->Size());
    if (offset + page_size() > size) {
      return Status::Corruption("page " + std::to_string(pgno) + " is beyond the end of file");
    }
    uint8_t* mapped = const_cast<uint8_t*>(map_ + offset);
    ZQ_RETURN_IF_ERROR(codec_->Decode(pgno, mapped, mapped, &kind));
    p = mapped;
  } else {
    uint8_t* buf = static_cast<uint8_t*>(std::aligned_alloc(64, page_size()));
    ZQ_ASSERT(buf != nullptr);
    Status s = file_->ReadExact(offset, page_size(), buf, "page");
    if (s.ok()) s = codec_->Decode(pgno, buf, buf, &kind);
    if (!s.ok()) {
      std::free(buf);
      return s;
    }
    p = buf;
  }
  Status valid = p[0] == static_cast<uint8_t>(kind)
                     ? Status::Ok()
                     : Status::Corruption("page " + std::to_string(pgno) + ": kind mismatch");
  if (valid.ok() && validator_ != nullptr) valid = validator_(p, usable_bytes(), pgno);
  if (!valid.ok()) {
    if (!IsMapped(p)) std::free(p);
    return valid;
  }
  uint8_t* expected = nullptr;
  if (!slot.compare_exchange_strong(expected, p, std::memory_order_acq_rel)) {
    if (!IsMapped(p)) std::free(p);  // another thread installed it first
    p = expected;
  } else if (!IsMapped(p)) {
    heap_pages_++;
  }
  return static_cast<const uint8_t*>(p);
}

Pager::PageMeta& Pager::Meta(PageNo pgno) {
  ZQ_ASSERT(pgno < meta_.size());
  return meta_[pgno];
}

Result<PageNo> Pager::TakeFreePage() {
  if (!free_now_.empty()) {
    PageNo p = free_now_.back();
    free_now_.pop_back();
    ZQ_ASSERT(Meta(p).state == kStateFree && !Meta(p).in_ckpt);
    return p;
  }
  if (page_count_ >= limits::kPageCountMax) {
    return Status::LimitExceeded("database reached the maximum page count");
  }
  PageNo p = page_count_++;
  meta_.resize(page_count_);
  page_count_limit_.store(page_count_, std::memory_order_relaxed);
  return p;
}

Result<uint8_t*> Pager::Allocate(PageKind kind, uint64_t seq, PageNo* pgno) {
  ZQ_ASSIGN_OR_RETURN(PageNo p, TakeFreePage());
  uint8_t* buf = NewBuffer();
#ifdef ZQ_POISON_NEW_PAGES
  // Sanitizer builds: a new page is garbage, not the zeros a fresh mapping
  // happens to hold, so a layout that reads bytes it never wrote shows up in
  // every test instead of only once buffers get reused.
  std::memset(buf, 0xA5, page_size());
#endif
  buf[0] = static_cast<uint8_t>(kind);
  PageMeta& m = Meta(p);
  m.state = kStateLive;
  m.birth_seq = seq;
  m.dirty = true;
  m.in_ckpt = false;
  dirty_count_++;
  dirty_list_.push_back(p);
  heap_pages_++;
  uint8_t* old = Slot(p).exchange(buf, std::memory_order_acq_rel);
  ZQ_ASSERT(old == nullptr || IsMapped(old));
  *pgno = p;
  return buf;
}

Result<uint8_t*> Pager::MakeWritable(PageNo pgno, uint64_t seq, PageNo* new_pgno) {
  if (pgno >= page_count_ || Meta(pgno).state != kStateLive) {
    return Status::Corruption("page " + std::to_string(pgno) + " is referenced but not in use");
  }
  if (IsPrivate(Meta(pgno))) {
    *new_pgno = pgno;  // no reader can see it: modify in place
    return Slot(pgno).load(std::memory_order_relaxed);
  }
  ZQ_ASSIGN_OR_RETURN(const uint8_t* src, Read(pgno));
  uint8_t* dst = nullptr;
  ZQ_ASSIGN_OR_RETURN(dst, Allocate(static_cast<PageKind>(src[0]), seq, new_pgno));
  std::memcpy(dst, src, usable_bytes());
  ZQ_RETURN_IF_ERROR(Retire(pgno, seq));
  return dst;
}

uint8_t* Pager::PrivateBody(PageNo pgno) {
  if (pgno >= page_count_ || Meta(pgno).state != kStateLive || !IsPrivate(Meta(pgno))) {
    return nullptr;
  }
  return Slot(pgno).load(std::memory_order_relaxed);
}

Status Pager::Retire(PageNo pgno, uint64_t seq) {
  if (pgno >= page_count_ || Meta(pgno).state != kStateLive) {
    // Only damaged bytes can make the trees reference a page twice or
    // reference a free one.
    return Status::Corruption("page " + std::to_string(pgno) +
                              " is referenced twice or is not in use");
  }
  PageMeta& m = Meta(pgno);
  if (IsPrivate(m)) {
    FreePage(pgno);  // never visible to a reader
    return Status::Ok();
  }
  ZQ_ASSERT(retired_.empty() || retired_.back().first <= seq);
  m.state = kStateRetired;
  retired_.emplace_back(seq, pgno);
  return Status::Ok();
}

void Pager::FreePage(PageNo pgno) {
  PageMeta& m = Meta(pgno);
  if (m.dirty) {
    m.dirty = false;
    dirty_count_--;
  }
  ReleaseBuffer(pgno);
  m.state = kStateFree;
  m.birth_seq = 0;
  if (m.in_ckpt) {
    free_after_ckpt_.push_back(pgno);  // the durable checkpoint still needs it
  } else {
    free_now_.push_back(pgno);
  }
}

void Pager::DeferFree(uint8_t* buf, uint64_t seq) {
  ZQ_ASSERT(deferred_buffers_.empty() || deferred_buffers_.back().first <= seq);
  heap_pages_--;
  deferred_buffers_.emplace_back(seq, buf);
}

void Pager::RecycleDeferredBuffers(uint64_t bound) {
  while (!deferred_buffers_.empty() && deferred_buffers_.front().first <= bound) {
    RecycleBuffer(deferred_buffers_.front().second);
    deferred_buffers_.pop_front();
  }
}

void Pager::ReleaseEvictedBuffers() {
  RecycleDeferredBuffers(UINT64_MAX);
}

void Pager::Reclaim(uint64_t bound) {
  RecycleDeferredBuffers(bound);
  while (!retired_.empty() && retired_.front().first <= bound) {
    PageNo p = retired_.front().second;
    retired_.pop_front();
    ZQ_ASSERT(Meta(p).state == kStateRetired);
    FreePage(p);
  }
}

Status Pager::CheckAccounting(const std::vector<PageNo>& reachable) const {
  std::vector<bool> used(page_count_, false);
  for (PageNo p : reachable) {
    if (p < kFirstDataPage || p >= page_count_ || used[p]) {
      return Status::Corruption("page " + std::to_string(p) + " is out of range or shared");
    }
    if (meta_[p].state != kStateLive) {
      return Status::Corruption("page " + std::to_string(p) + " is reachable but not in use");
    }
    used[p] = true;
  }
  for (PageNo p = kFirstDataPage; p < page_count_; p++) {
    if (meta_[p].state == kStateLive && !used[p]) {
      return Status::Corruption("page " + std::to_string(p) + " is in use but unreachable (leak)");
    }
  }
  return Status::Ok();
}

PagerStats Pager::Stats() const {
  PagerStats s;
  s.page_count = page_count_;
  s.free_page_count = free_now_.size() + free_after_ckpt_.size();
  s.dirty_page_count = dirty_count_;
  s.retired_page_count = retired_.size();
  s.heap_page_count = heap_pages_.load();
  s.evicted_waiting_count = deferred_buffers_.size();
  s.checkpoint_seq = checkpoint_seq_;
  return s;
}

}  // namespace zq::storage

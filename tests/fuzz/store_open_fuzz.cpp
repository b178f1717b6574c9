// Fuzzes whole-database recovery with damage that checksums cannot catch:
// the input is cut into pages, the harness gives every page a valid trailer
// and every superblock a valid checksum, then the store is opened, scanned,
// written and checkpointed. Bad structure must be an error, never a crash,
// a hang or a leak.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "storage/pager/superblock.hpp"
#include "storage/store/store.hpp"
#include "storage/vfs/fault_vfs.hpp"
#include "util/coding.hpp"

using namespace zq;
using namespace zq::storage;

namespace {
constexpr uint32_t kPage = 4096;
constexpr size_t kPagesMax = 24;

std::string BuildImage(const uint8_t* data, size_t size, PageCodec* codec) {
  size_t pages = std::min(kPagesMax, std::max<size_t>(2, (size + kPage - 1) / kPage));
  std::string image(pages * kPage, '\0');
  std::memcpy(image.data(), data, std::min(size, image.size()));
  auto* p = reinterpret_cast<uint8_t*>(image.data());
  for (int slot = 0; slot < 2; slot++) {
    uint8_t* raw = p + slot * kPage;
    Superblock sb;
    sb.page_size = kPage;
    sb.uuid = DbUuid{};
    sb.checkpoint_seq = GetFixed64(raw + 40) % 8;
    sb.wal_lsn = GetFixed64(raw + 48) % 64;
    sb.commit_seq = sb.wal_lsn;
    sb.root_of_roots = GetFixed64(raw + 64) % (pages + 2);
    sb.freelist_head = GetFixed64(raw + 72) % (pages + 2);
    sb.page_count = 2 + GetFixed64(raw + 80) % (pages + 1);
    sb.next_tree_id = GetFixed64(raw + 88);
    EncodeSuperblock(sb, codec, raw);
  }
  for (size_t pg = 2; pg < pages; pg++) {
    uint8_t* raw = p + pg * kPage;
    uint8_t kind = 1 + raw[0] % 5;
    raw[0] = kind;
    codec->Encode(pg, static_cast<PageKind>(kind), raw).IgnoreError();
  }
  return image;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  PageCodec codec(kPage, DbUuid{}, std::nullopt);
  FaultVfs vfs(2);
  if (!vfs.WriteFileBytes("f.zq", BuildImage(data, size, &codec)).ok()) return 0;
  StoreOptions o;
  o.vfs = &vfs;
  auto store = Store::Open("f.zq", o);
  if (!store.ok()) return 0;
  {
    auto snap = (*store)->GetSnapshot();
    auto trees = snap->ListTrees();
    if (trees.ok()) {
      for (TreeId t : *trees) {
        auto c = snap->NewCursor(t);
        if (!c.ok()) continue;
        Status s = (*c)->SeekFirst();
        for (int i = 0; s.ok() && (*c)->Valid() && i < 100000; i++) s = (*c)->Next();
        s = (*c)->SeekLast();
        for (int i = 0; s.ok() && (*c)->Valid() && i < 100000; i++) s = (*c)->Prev();
      }
    }
    auto txn = (*store)->BeginWrite();
    if (trees.ok() && !trees->empty()) {
      txn->Put(trees->front(), "fuzz", "value").IgnoreError();
      txn->Delete(trees->back(), std::string(reinterpret_cast<const char*>(data),
                                             std::min<size_t>(size, 16)))
          .IgnoreError();
      if (trees->size() > 1) txn->DropTree(trees->at(1)).IgnoreError();
    }
    txn->Commit().IgnoreError();
  }
  (*store)->Close().IgnoreError();
  return 0;
}

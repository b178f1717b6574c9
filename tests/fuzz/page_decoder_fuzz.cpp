// Fuzzes the page decoder: raw bytes as an on-disk page through the codec
// (checksum and AEAD paths), and as a decoded page body through the B+tree
// structure check and every accessor a reader uses on a checked page.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "storage/btree/btree.hpp"
#include "storage/btree/node.hpp"
#include "storage/codec/page_codec.hpp"

using namespace zq::storage;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static PageCodec plain(4096, DbUuid{}, std::nullopt);
  static PageCodec sealed(4096, DbUuid{}, zq::crypto::AeadKey{});
  std::vector<uint8_t> page(4096, 0);
  std::memcpy(page.data(), data, std::min<size_t>(size, page.size()));
  std::vector<uint8_t> body(4096);
  PageKind kind;
  plain.Decode(7, page.data(), body.data(), &kind).IgnoreError();
  sealed.Decode(7, page.data(), body.data(), &kind).IgnoreError();

  // As a decoded body: readers only touch cells of pages that passed Check.
  const uint32_t usable = plain.usable_bytes();
  if (page[0] != static_cast<uint8_t>(PageKind::kLeaf) &&
      page[0] != static_cast<uint8_t>(PageKind::kInternal)) {
    return 0;  // readers check the kind before treating a page as a node
  }
  if (!ValidateTreePage(page.data(), usable, 7).ok()) return 0;
  const uint8_t* n = page.data();
  int count = node::Count(n);
  std::string probe(data, data + std::min<size_t>(size, 8));
  bool exact = false;
  node::LowerBound(n, probe, &exact);
  for (int i = 0; i < count; i++) {
    (void)node::CellKey(n, i);
    (void)node::CellBytes(n, i);
    if (node::IsLeaf(n)) {
      (void)node::LeafAt(n, i);
    } else {
      (void)node::Child(n, i + 1);
    }
  }
  if (!node::IsLeaf(n)) (void)node::ChildIndexFor(n, probe);
  return 0;
}

// Helpers shared by the storage model, crash and fault tests.
#pragma once

#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>

#include "storage/store/store.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq::testing {

using Model = std::map<std::string, std::string>;

// Scales loop counts: ZQ_TEST_SCALE=small (sanitizer runs) or =large (soaks).
inline int Scaled(int n) {
  const char* s = std::getenv("ZQ_TEST_SCALE");
  if (s == nullptr) return n;
  std::string v(s);
  if (v == "small") return std::max(1, n / 8);
  if (v == "large") return n * 20;
  return n;
}

// The step of a loop over every bit of a file: 7 under ZQ_TEST_SCALE=small,
// which still flips a bit in every byte (7 and 8 are coprime), 1 otherwise.
inline size_t BitStride() { return Scaled(8) < 8 ? 7 : 1; }

// Reads a whole tree through a fresh snapshot; error text on failure.
inline std::string ReadTree(storage::Store* store, storage::TreeId tree, Model* out) {
  out->clear();
  auto snap = store->GetSnapshot();
  auto cursor = snap->NewCursor(tree);
  if (!cursor.ok()) return cursor.status().ToString();
  Status s = (*cursor)->SeekFirst();
  std::string prev;
  bool first = true;
  while (s.ok() && (*cursor)->Valid()) {
    std::string k((*cursor)->key());
    if (!first && !(prev < k)) return "keys out of order";
    first = false;
    prev = k;
    (*out)[k] = std::string((*cursor)->value());
    s = (*cursor)->Next();
  }
  if (!s.ok()) return s.ToString();
  return "";
}

// Random key/value shapes that hit small cells, splits and overflow chains.
inline std::string RandomKey(std::mt19937_64& rng, int key_space) {
  return "k" + std::to_string(rng() % static_cast<uint64_t>(key_space));
}
inline std::string RandomValue(std::mt19937_64& rng) {
  size_t n = rng() % 16 == 0 ? 1000 + rng() % 9000 : rng() % 120;
  std::string v(n, '\0');
  for (auto& c : v) c = static_cast<char>('a' + rng() % 26);
  return v;
}

inline storage::StoreOptions FaultOptions(storage::FaultVfs* vfs) {
  storage::StoreOptions o;
  o.vfs = vfs;
  o.checkpoint_wal_bytes = 24 << 10;  // checkpoint often: exercise the COW paths
  o.checkpoint_dirty_bytes = 256 << 10;
  return o;
}

}  // namespace zq::testing

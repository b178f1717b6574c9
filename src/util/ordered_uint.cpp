#include "util/ordered_uint.hpp"

namespace zq {

size_t PutOrderedUint(uint8_t* p, unsigned __int128 v) {
  size_t n = 0;
  for (unsigned __int128 rest = v; rest != 0; rest >>= 8) n++;
  p[0] = static_cast<uint8_t>(n);
  for (size_t i = 0; i < n; i++) p[1 + i] = static_cast<uint8_t>(v >> (8 * (n - 1 - i)));
  return 1 + n;
}

void AppendOrderedUint(unsigned __int128 v, std::string* out) {
  uint8_t buf[kOrderedUintBytesMax];
  const size_t size = PutOrderedUint(buf, v);
  out->append(reinterpret_cast<const char*>(buf), size);
}

bool GetOrderedUint(std::string_view* in, unsigned __int128* out) {
  if (in->empty()) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(in->data());
  const size_t n = p[0];
  if (n > 16 || in->size() < 1 + n) return false;
  if (n > 0 && p[1] == 0) return false;  // not the shortest encoding
  unsigned __int128 v = 0;
  for (size_t i = 0; i < n; i++) v = (v << 8) | p[1 + i];
  *out = v;
  in->remove_prefix(1 + n);
  return true;
}

}  // namespace zq

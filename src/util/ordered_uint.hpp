// Ordered unsigned integers of varying length: a key part that compares with
// memcmp like the number it holds, in as few bytes as the number needs.
//
//   n u8 (0..16)   how many bytes follow; the least n with v < 2^(8n)
//   v              n bytes, big-endian (none for zero)
//
// A longer encoding always holds a larger number, so memcmp orders first by n
// and then by the bytes, which is numeric order, also when more key parts
// follow. The ledger's ids (u128, small in practice) take 4 bytes instead of
// 16. Canonical: a decoder accepts only the shortest encoding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace zq {

inline constexpr size_t kOrderedUintBytesMax = 17;

// Writes v at p (kOrderedUintBytesMax bytes available); returns the size.
size_t PutOrderedUint(uint8_t* p, unsigned __int128 v);
void AppendOrderedUint(unsigned __int128 v, std::string* out);
// Reads one from the front of *in and drops it from *in. False, *in and *out
// unspecified, when *in does not start with a canonical encoding.
bool GetOrderedUint(std::string_view* in, unsigned __int128* out);

}  // namespace zq

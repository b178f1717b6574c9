// Byte coding: fixed-width little-endian (internal formats), big-endian
// (order-preserving keys: memcmp order == numeric order), and LEB128 varints.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace zq {

inline void PutFixed16(uint8_t* p, uint16_t v) { std::memcpy(p, &v, 2); }
inline void PutFixed32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }
inline void PutFixed64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, 8); }
inline uint16_t GetFixed16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}
inline uint32_t GetFixed32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint64_t GetFixed64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "on-disk formats assume little-endian");

inline void PutBigEndian64(uint8_t* p, uint64_t v) {
  v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
}
inline uint64_t GetBigEndian64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}
inline void PutBigEndian32(uint8_t* p, uint32_t v) {
  v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}
inline uint32_t GetBigEndian32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}

// Signed integers in memcmp order: flip the sign bit, then big-endian.
inline void PutOrderedInt64(uint8_t* p, int64_t v) {
  PutBigEndian64(p, static_cast<uint64_t>(v) ^ (uint64_t{1} << 63));
}
inline int64_t GetOrderedInt64(const uint8_t* p) {
  return static_cast<int64_t>(GetBigEndian64(p) ^ (uint64_t{1} << 63));
}

inline constexpr int kVarint64BytesMax = 10;

// Writes v as LEB128; returns the number of bytes written (1..10).
inline int PutVarint64(uint8_t* p, uint64_t v) {
  int n = 0;
  while (v >= 0x80) {
    p[n++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  p[n++] = static_cast<uint8_t>(v);
  return n;
}
inline int VarintLength(uint64_t v) {
  int n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}

// Reads a varint from [p, end). Returns bytes consumed, or 0 when the input is
// truncated or longer than 10 bytes (callers treat 0 as corruption).
inline int GetVarint64(const uint8_t* p, const uint8_t* end, uint64_t* v) {
  if (p < end && *p < 0x80) {  // the common one-byte case
    *v = *p;
    return 1;
  }
  uint64_t result = 0;
  for (int shift = 0, n = 0; shift <= 63 && p + n < end; shift += 7) {
    uint64_t byte = p[n++];
    if (shift == 63 && byte > 1) return 0;
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return n;
    }
  }
  return 0;
}

void AppendVarint64(std::string* out, uint64_t v);
void AppendFixed32(std::string* out, uint32_t v);
void AppendFixed64(std::string* out, uint64_t v);
// Appends a varint length then the bytes.
void AppendLengthPrefixed(std::string* out, std::string_view bytes);

// A forward reader over a byte span that records the first decoding failure.
class ByteReader {
 public:
  ByteReader(const uint8_t* p, size_t n) : p_(p), end_(p + n) {}
  explicit ByteReader(std::string_view s)
      : ByteReader(reinterpret_cast<const uint8_t*>(s.data()), s.size()) {}

  // Inline: row and record decoders call these once per field.
  bool ReadVarint(uint64_t* v) {
    if (failed_) return false;
    if (p_ < end_ && *p_ < 0x80) {  // one byte: most lengths, tags, small integers
      *v = *p_++;
      return true;
    }
    const int n = GetVarint64(p_, end_, v);
    if (n == 0) return Fail();
    p_ += n;
    return true;
  }
  bool ReadFixed8(uint8_t* v) {
    if (failed_ || remaining() < 1) return Fail();
    *v = *p_++;
    return true;
  }
  bool ReadFixed32(uint32_t* v);
  bool ReadFixed64(uint64_t* v) {
    if (failed_ || remaining() < 8) return Fail();
    *v = GetFixed64(p_);
    p_ += 8;
    return true;
  }
  bool ReadBytes(size_t n, std::string_view* out);
  bool ReadLengthPrefixed(std::string_view* out, size_t max_bytes);

  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  bool failed() const { return failed_; }

 private:
  bool Fail() {
    failed_ = true;
    return false;
  }
  const uint8_t* p_;
  const uint8_t* end_;
  bool failed_ = false;
};

std::string ToHex(std::string_view bytes);

}  // namespace zq

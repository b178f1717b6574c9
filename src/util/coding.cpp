#include "util/coding.hpp"

namespace zq {

void AppendVarint64(std::string* out, uint64_t v) {
  uint8_t buf[kVarint64BytesMax];
  int n = PutVarint64(buf, v);
  out->append(reinterpret_cast<const char*>(buf), n);
}

void AppendFixed32(std::string* out, uint32_t v) {
  uint8_t buf[4];
  PutFixed32(buf, v);
  out->append(reinterpret_cast<const char*>(buf), 4);
}

void AppendFixed64(std::string* out, uint64_t v) {
  uint8_t buf[8];
  PutFixed64(buf, v);
  out->append(reinterpret_cast<const char*>(buf), 8);
}

void AppendLengthPrefixed(std::string* out, std::string_view bytes) {
  AppendVarint64(out, bytes.size());
  out->append(bytes);
}

bool ByteReader::ReadFixed32(uint32_t* v) {
  if (failed_ || remaining() < 4) return Fail();
  *v = GetFixed32(p_);
  p_ += 4;
  return true;
}

bool ByteReader::ReadBytes(size_t n, std::string_view* out) {
  if (failed_ || remaining() < n) return Fail();
  *out = std::string_view(reinterpret_cast<const char*>(p_), n);
  p_ += n;
  return true;
}

bool ByteReader::ReadLengthPrefixed(std::string_view* out, size_t max_bytes) {
  uint64_t n = 0;
  if (!ReadVarint(&n)) return false;
  if (n > max_bytes) return Fail();
  return ReadBytes(static_cast<size_t>(n), out);
}

std::string ToHex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

}  // namespace zq

#include "util/sparse_record.hpp"

#include <cstring>

#include "util/assert.hpp"

namespace zq {

namespace {

size_t HeaderBytes(size_t words) {
  return (words + 1) / 2;
}

// Header entry i: how many bytes of word i follow (0..15 as stored).
unsigned KeptBytes(const uint8_t* header, size_t i) {
  return (header[i / 2] >> (4 * (i % 2))) & 0xf;
}

// Bytes of `word` up to and including its highest non-zero byte.
unsigned SignificantBytes(uint64_t word) {
  return word == 0 ? 0 : 8 - static_cast<unsigned>(__builtin_clzll(word)) / 8;
}

}  // namespace

void EncodeSparseRecord(const void* record, size_t bytes, std::string* out) {
  out->clear();
  AppendSparseRecord(record, bytes, out);
}

void AppendSparseRecord(const void* record, size_t bytes, std::string* out) {
  ZQ_ASSERT(bytes > 0 && bytes % kSparseWordBytes == 0);
  const size_t words = bytes / kSparseWordBytes;
  const auto* in = static_cast<const uint8_t*>(record);
  const size_t start = out->size();
  out->resize(start + SparseRecordBytesMax(bytes));
  auto* header = reinterpret_cast<uint8_t*>(out->data()) + start;
  std::memset(header, 0, HeaderBytes(words));
  uint8_t* body = header + HeaderBytes(words);
  for (size_t i = 0; i < words; i++) {
    uint64_t word;
    std::memcpy(&word, in + i * kSparseWordBytes, kSparseWordBytes);
    const unsigned kept = SignificantBytes(word);
    header[i / 2] |= static_cast<uint8_t>(kept << (4 * (i % 2)));
    // Little-endian: the low bytes come first. All eight are stored (a fixed
    // size copies faster than `kept` bytes); the next word or the final
    // resize drops the extra ones, and body + 8 stays within the maximum size.
    std::memcpy(body, &word, kSparseWordBytes);
    body += kept;
  }
  out->resize(start + static_cast<size_t>(body - header));
}

size_t SparseRecordSize(std::string_view in, size_t bytes) {
  ZQ_ASSERT(bytes > 0 && bytes % kSparseWordBytes == 0);
  const size_t words = bytes / kSparseWordBytes;
  if (in.size() < HeaderBytes(words)) return 0;
  size_t size = HeaderBytes(words);
  for (size_t i = 0; i < words; i++) {
    const unsigned kept = KeptBytes(reinterpret_cast<const uint8_t*>(in.data()), i);
    if (kept > kSparseWordBytes) return 0;
    size += kept;
  }
  return size;
}

bool DecodeSparseRecord(std::string_view in, void* record, size_t bytes) {
  ZQ_ASSERT(bytes > 0 && bytes % kSparseWordBytes == 0);
  const size_t words = bytes / kSparseWordBytes;
  if (in.size() < HeaderBytes(words)) return false;
  const auto* header = reinterpret_cast<const uint8_t*>(in.data());
  const uint8_t* body = header + HeaderBytes(words);
  const uint8_t* end = header + in.size();
  // An odd word count leaves the last header byte's high nibble unused: zero.
  if (words % 2 == 1 && (header[words / 2] >> 4) != 0) return false;
  auto* out = static_cast<uint8_t*>(record);
  for (size_t i = 0; i < words; i++) {
    const unsigned kept = KeptBytes(header, i);
    if (kept > kSparseWordBytes || static_cast<size_t>(end - body) < kept) return false;
    if (kept > 0 && body[kept - 1] == 0) return false;  // not canonical
    uint64_t word = 0;
    if (end - body >= static_cast<ptrdiff_t>(kSparseWordBytes)) {  // a fixed-size load, masked
      std::memcpy(&word, body, kSparseWordBytes);
      if (kept < kSparseWordBytes) word &= (uint64_t{1} << (8 * kept)) - 1;
    } else {
      std::memcpy(&word, body, kept);
    }
    std::memcpy(out + i * kSparseWordBytes, &word, kSparseWordBytes);
    body += kept;
  }
  return body == end;
}

}  // namespace zq

// Sparse record coding: a fixed-size little-endian record (a whole number of
// 8-byte words) stored without the zero high bytes of each word.
//
//   header  one nibble per word, word i in byte i/2 (even i: low nibble):
//           how many low bytes of the word follow (0..8; 0 = the word is zero)
//   body    those bytes, word after word, each word's low bytes in order
//
// Records whose fields are mostly zero or small numbers (the ledger's 128-byte
// accounts and transfers: unused user data, ids and amounts far below 2^64)
// shrink to a quarter of their size, and a 16-byte id to a handful of bytes.
// The coding is canonical: every kept word's top kept byte is non-zero, so one
// record has exactly one encoding (state hashes and equality checks on stored
// bytes stay meaningful), and a decoder accepts nothing else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace zq {

inline constexpr size_t kSparseWordBytes = 8;
// Encoded size bound of a record of `bytes` bytes.
constexpr size_t SparseRecordBytesMax(size_t bytes) {
  return (bytes / kSparseWordBytes + 1) / 2 + bytes;
}

// Replaces *out with the encoding of record[0, bytes); bytes a non-zero
// multiple of 8.
void EncodeSparseRecord(const void* record, size_t bytes, std::string* out);
// Appends the encoding to *out instead: records one after another form a
// stream that SparseRecordSize splits again.
void AppendSparseRecord(const void* record, size_t bytes, std::string* out);
// The size of the encoding of a `bytes`-byte record that starts `in`, read
// from its header; 0 when `in` is too short to hold the header, or an entry
// of the header is above 8. The body is not checked (DecodeSparseRecord does).
size_t SparseRecordSize(std::string_view in, size_t bytes);
// Decodes `in` into record[0, bytes). False (record unspecified) unless `in`
// is the canonical encoding of a record of exactly `bytes` bytes.
bool DecodeSparseRecord(std::string_view in, void* record, size_t bytes);

}  // namespace zq

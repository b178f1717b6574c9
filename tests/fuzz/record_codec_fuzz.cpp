// Fuzzes the decoders of the ledger's stored bytes (util/sparse_record.hpp,
// util/ordered_uint.hpp): any input either fails or re-encodes to exactly
// itself (both codings are canonical), and nothing is read out of bounds.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "util/ordered_uint.hpp"
#include "util/sparse_record.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string again;
  for (size_t bytes : {8u, 16u, 128u}) {
    uint8_t record[128];
    if (!zq::DecodeSparseRecord(in, record, bytes)) continue;
    zq::EncodeSparseRecord(record, bytes, &again);
    if (again != in) std::abort();
  }
  std::string_view rest = in;
  again.clear();
  unsigned __int128 v = 0;
  while (zq::GetOrderedUint(&rest, &v)) zq::AppendOrderedUint(v, &again);
  if (in.substr(0, in.size() - rest.size()) != again) std::abort();
  return 0;
}

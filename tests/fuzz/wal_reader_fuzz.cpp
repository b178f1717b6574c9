// Fuzzes WAL recovery input: the bytes become a WAL file that WalReader
// scans (frame heads, lengths, checksums, the damage check past a broken
// record), and the same bytes are parsed as a changes payload.
#include <cstdint>
#include <string>

#include "storage/store/change_set.hpp"
#include "storage/vfs/fault_vfs.hpp"
#include "storage/wal/wal_format.hpp"

using namespace zq::storage;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  ChangeSet cs;
  ChangeSet::Decode(bytes, &cs).IgnoreError();

  static PageCodec codec(4096, DbUuid{}, std::nullopt);
  FaultVfs vfs(1);
  if (!vfs.WriteFileBytes("f-wal", bytes).ok()) return 0;
  auto file = vfs.Open("f-wal", OpenFlags::kReadOnly);
  if (!file.ok()) return 0;
  WalHeader header;
  header.salt = 0;
  header.first_lsn = size > 0 ? data[0] : 1;
  WalReader reader(file->get(), &codec, header, size);
  WalRecord record;
  for (int i = 0; i < 1000; i++) {
    auto more = reader.Next(&record);
    if (!more.ok() || !*more) break;
    ChangeSet rc;
    ChangeSet::Decode(record.payload, &rc).IgnoreError();
  }
  return 0;
}

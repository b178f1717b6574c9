// The parts of the VFS interface shared by every implementation.
#include "storage/vfs/vfs.hpp"

#include <string>

#include "util/assert.hpp"

namespace zq::storage {

// Read() may legitimately return fewer bytes at end of file; callers that need
// a whole structure (a page, a header) come here so that a short file is
// reported as damage to the database rather than as garbage in a buffer.
Status File::ReadExact(uint64_t offset, size_t n, uint8_t* out, const char* what) {
  ZQ_ASSERT(out != nullptr || n == 0);
  ZQ_ASSERT(what != nullptr);
  size_t bytes_read = 0;
  ZQ_RETURN_IF_ERROR(Read(offset, n, out, &bytes_read));
  ZQ_ASSERT(bytes_read <= n);
  if (bytes_read == n) return Status::Ok();
  return Status::Corruption("short read of " + std::string(what) + " at offset " +
                            std::to_string(offset) + ": got " + std::to_string(bytes_read) +
                            " of " + std::to_string(n) + " bytes");
}

}  // namespace zq::storage

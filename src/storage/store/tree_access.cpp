#include "storage/store/tree_access.hpp"

#include "util/coding.hpp"
#include "util/limits.hpp"

namespace zq::storage {

std::string TreeOfTreesKey(TreeId tree) {
  std::string key(8, '\0');
  PutBigEndian64(reinterpret_cast<uint8_t*>(key.data()), tree);
  return key;
}

Result<bool> LookupTreeRoot(Pager* pager, PageNo roots, TreeId tree, PageNo* root) {
  std::string value;
  ZQ_ASSIGN_OR_RETURN(bool found, TreeGet(pager, roots, TreeOfTreesKey(tree), &value));
  if (!found) return false;
  if (value.size() != 8) return Status::Corruption("tree of trees: bad root entry");
  *root = GetFixed64(reinterpret_cast<const uint8_t*>(value.data()));
  return true;
}

Status StoreTreeRoot(TreeWriter* writer, PageNo* roots, TreeId tree, PageNo root) {
  uint8_t raw[8];
  PutFixed64(raw, root);
  bool inserted = false;
  return writer->Put(roots, TreeOfTreesKey(tree),
                     std::string_view(reinterpret_cast<char*>(raw), 8), &inserted);
}

Status CheckKeyValue(std::string_view key, std::string_view value) {
  if (key.size() > limits::kKeyBytesMax) {
    return Status::LimitExceeded("key of " + std::to_string(key.size()) +
                                 " bytes exceeds the limit of " +
                                 std::to_string(limits::kKeyBytesMax));
  }
  if (value.size() > limits::kValueBytesMax) {
    return Status::LimitExceeded("value of " + std::to_string(value.size()) +
                                 " bytes exceeds the limit of " +
                                 std::to_string(limits::kValueBytesMax));
  }
  return Status::Ok();
}

Status TreeMissing(TreeId tree) {
  return Status::NotFound("tree " + std::to_string(tree) + " does not exist");
}

}  // namespace zq::storage

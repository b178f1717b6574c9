#include "storage/store/change_set.hpp"

#include "util/coding.hpp"
#include "util/limits.hpp"

namespace zq::storage {

namespace {
constexpr uint8_t kFlagDropped = 1;
constexpr uint8_t kFlagCreated = 2;
constexpr uint8_t kOpPut = 1;
constexpr uint8_t kOpDelete = 2;
}  // namespace

std::string ChangeSet::Encode() const {
  std::string out;
  AppendFixed64(&out, commit_timestamp);
  AppendVarint64(&out, trees.size());
  for (const auto& [tree, changes] : trees) {
    AppendVarint64(&out, tree);
    out.push_back(static_cast<char>((changes.dropped ? kFlagDropped : 0) |
                                    (changes.created ? kFlagCreated : 0)));
    AppendVarint64(&out, changes.ops.size());
    for (const auto& [key, value] : changes.ops) {
      out.push_back(static_cast<char>(value ? kOpPut : kOpDelete));
      AppendLengthPrefixed(&out, key);
      if (value) AppendLengthPrefixed(&out, *value);
    }
  }
  return out;
}

Status ChangeSet::Decode(std::string_view payload, ChangeSet* out) {
  auto bad = [] { return Status::Corruption("wal: malformed changes record"); };
  ByteReader r(payload);
  uint64_t tree_count = 0;
  if (!r.ReadFixed64(&out->commit_timestamp) || !r.ReadVarint(&tree_count)) return bad();
  for (uint64_t t = 0; t < tree_count; t++) {
    uint64_t tree = 0, op_count = 0;
    uint8_t flags = 0;
    if (!r.ReadVarint(&tree) || !r.ReadFixed8(&flags) || !r.ReadVarint(&op_count)) return bad();
    if ((flags & ~(kFlagDropped | kFlagCreated)) != 0 || out->trees.count(tree) != 0) {
      return bad();
    }
    TreeChanges& tc = out->trees[tree];
    tc.dropped = (flags & kFlagDropped) != 0;
    tc.created = (flags & kFlagCreated) != 0;
    for (uint64_t i = 0; i < op_count; i++) {
      uint8_t op = 0;
      std::string_view key, value;
      if (!r.ReadFixed8(&op) || !r.ReadLengthPrefixed(&key, limits::kKeyBytesMax)) return bad();
      if (op == kOpPut) {
        if (!r.ReadLengthPrefixed(&value, limits::kValueBytesMax)) return bad();
        tc.ops.emplace(std::string(key), std::string(value));
      } else if (op == kOpDelete) {
        tc.ops.emplace(std::string(key), std::nullopt);
      } else {
        return bad();
      }
    }
  }
  if (r.remaining() != 0) return bad();
  return Status::Ok();
}

}  // namespace zq::storage

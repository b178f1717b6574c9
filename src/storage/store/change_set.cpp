#include "storage/store/change_set.hpp"

#include <cstring>
#include <iterator>
#include <tuple>

#include "util/coding.hpp"
#include "util/limits.hpp"

namespace zq::storage {

namespace {
constexpr uint8_t kFlagDropped = 1;
constexpr uint8_t kFlagCreated = 2;
constexpr uint8_t kOpPut = 1;
constexpr uint8_t kOpDelete = 2;
constexpr size_t kArenaFirstBlockBytes = 16 * 1024;
std::shared_ptr<std::pmr::monotonic_buffer_resource> NewArena() {
  return std::make_shared<std::pmr::monotonic_buffer_resource>(kArenaFirstBlockBytes);
}
}  // namespace

ChangeSet::ChangeSet() : arena_(NewArena()) {}

ChangeSet::ChangeSet(const ChangeSet& other)
    : commit_timestamp(other.commit_timestamp), arena_(other.arena_) {
  for (const auto& [id, tc] : other.trees_) {
    trees_.emplace(std::piecewise_construct, std::forward_as_tuple(id),
                   std::forward_as_tuple(tc, arena_.get()));
  }
}

ChangeSet& ChangeSet::operator=(const ChangeSet& other) {
  if (this != &other) *this = ChangeSet(other);
  return *this;
}

ChangeSet& ChangeSet::operator=(ChangeSet&& other) noexcept {
  if (this == &other) return *this;
  trees_.clear();  // while the arena its nodes live in is still ours
  commit_timestamp = other.commit_timestamp;
  arena_ = std::move(other.arena_);
  trees_ = std::move(other.trees_);  // moves whole nodes: the maps keep their arena
  other.arena_ = NewArena();
  other.trees_.clear();
  return *this;
}

TreeChanges* ChangeSet::Tree(uint64_t tree) {
  auto it = trees_.find(tree);
  if (it == trees_.end()) {
    if (!arena_) arena_ = NewArena();  // a moved-from set being reused
    it = trees_.emplace(std::piecewise_construct, std::forward_as_tuple(tree),
                        std::forward_as_tuple(arena_.get()))
             .first;
  }
  return &it->second;
}

TreeChanges* ChangeSet::FindTree(uint64_t tree) {
  auto it = trees_.find(tree);
  return it == trees_.end() ? nullptr : &it->second;
}

std::string_view ChangeSet::Keep(std::string_view bytes) {
  if (bytes.empty()) return {};
  if (!arena_) arena_ = NewArena();
  auto* p = static_cast<char*>(arena_->allocate(bytes.size(), 1));
  std::memcpy(p, bytes.data(), bytes.size());
  return {p, bytes.size()};
}

void ChangeSet::Put(TreeChanges* tree, std::string_view key,
                    std::optional<std::string_view> value) {
  if (value) value = Keep(*value);
  OpMap& ops = tree->ops;
  // Keys put in increasing order (bulk loads, the ledger's sorted batch flush)
  // append without searching; the others search once.
  if (ops.empty() || std::prev(ops.end())->first < key) {
    ops.emplace_hint(ops.end(), Keep(key), value);
    return;
  }
  auto hint = ops.lower_bound(key);
  if (hint != ops.end() && hint->first == key) {
    hint->second = value;
  } else {
    ops.emplace_hint(hint, Keep(key), value);
  }
}

std::string ChangeSet::Encode() const {
  std::string out;
  AppendFixed64(&out, commit_timestamp);
  AppendVarint64(&out, trees_.size());
  for (const auto& [tree, changes] : trees_) {
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
    if ((flags & ~(kFlagDropped | kFlagCreated)) != 0 || out->FindTree(tree) != nullptr) {
      return bad();
    }
    TreeChanges& tc = *out->Tree(tree);
    tc.dropped = (flags & kFlagDropped) != 0;
    tc.created = (flags & kFlagCreated) != 0;
    for (uint64_t i = 0; i < op_count; i++) {
      uint8_t op = 0;
      std::string_view key, value;
      if (!r.ReadFixed8(&op) || !r.ReadLengthPrefixed(&key, limits::kKeyBytesMax)) return bad();
      // Encode writes each tree's ops in strictly increasing key order.
      if (!tc.ops.empty() && !(std::prev(tc.ops.end())->first < key)) return bad();
      if (op == kOpPut) {
        if (!r.ReadLengthPrefixed(&value, limits::kValueBytesMax)) return bad();
        out->Put(&tc, key, value);
      } else if (op == kOpDelete) {
        out->Put(&tc, key, std::nullopt);
      } else {
        return bad();
      }
    }
  }
  if (r.remaining() != 0) return bad();
  return Status::Ok();
}

}  // namespace zq::storage

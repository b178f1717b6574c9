// ChangeSet: the buffered writes of one transaction, and their WAL encoding.
//
// Payload of a kChanges WAL record:
//   commit_timestamp u64 | tree_count varint | per tree, in tree id order:
//     tree_id varint | flags u8 (bit0 dropped first, bit1 created) |
//     op_count varint | per op, in key order:
//       op u8 (1 put, 2 delete) | key (varint length + bytes) | [value, put only]
// Applying the record to the state before it yields the state after it, so
// recovery and the live commit path share one Apply function.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <memory_resource>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace zq::storage {

// key -> value, or nullopt for a delete. Nodes, keys and values live in the
// owning ChangeSet's arena (a monotonic buffer): a transaction's writes cost
// no malloc/free each, and die together.
using OpMap = std::pmr::map<std::string_view, std::optional<std::string_view>>;

struct TreeChanges {
  explicit TreeChanges(std::pmr::memory_resource* arena) : ops(arena) {}
  TreeChanges(const TreeChanges& other, std::pmr::memory_resource* arena)
      : dropped(other.dropped), created(other.created), ops(other.ops, arena) {}

  bool dropped = false;  // the tree (as of the snapshot) is dropped first
  bool created = false;  // then (re)created empty
  OpMap ops;
};

// Copies (savepoints) share the arena: it only grows, so every view in every
// copy stays valid while any copy lives. Memory of overwritten values and of
// savepoint copies comes back when the transaction's last copy dies.
class ChangeSet {
 public:
  ChangeSet();
  ChangeSet(const ChangeSet& other);
  ChangeSet& operator=(const ChangeSet& other);
  ChangeSet(ChangeSet&& other) noexcept = default;
  ChangeSet& operator=(ChangeSet&& other) noexcept;
  ~ChangeSet() = default;

  uint64_t commit_timestamp = 0;

  bool empty() const { return trees_.empty(); }
  const std::map<uint64_t, TreeChanges>& trees() const { return trees_; }
  // The changes of `tree`, created empty on first use.
  TreeChanges* Tree(uint64_t tree);
  TreeChanges* FindTree(uint64_t tree);
  void EraseTree(uint64_t tree) { trees_.erase(tree); }
  // Buffers a put (value) or a delete (nullopt) of `key` in `tree`.
  void Put(TreeChanges* tree, std::string_view key, std::optional<std::string_view> value);

  std::string Encode() const;
  static Status Decode(std::string_view payload, ChangeSet* out);

 private:
  std::string_view Keep(std::string_view bytes);

  // Declared before trees_: destroyed after the nodes that live in it.
  std::shared_ptr<std::pmr::monotonic_buffer_resource> arena_;
  std::map<uint64_t, TreeChanges> trees_;
};

}  // namespace zq::storage

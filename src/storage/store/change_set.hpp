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
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace zq::storage {

struct TreeChanges {
  bool dropped = false;  // the tree (as of the snapshot) is dropped first
  bool created = false;  // then (re)created empty
  // key -> value, or nullopt for a delete.
  std::map<std::string, std::optional<std::string>, std::less<>> ops;
};

struct ChangeSet {
  uint64_t commit_timestamp = 0;
  std::map<uint64_t, TreeChanges> trees;

  bool empty() const { return trees.empty(); }
  std::string Encode() const;
  static Status Decode(std::string_view payload, ChangeSet* out);
};

}  // namespace zq::storage

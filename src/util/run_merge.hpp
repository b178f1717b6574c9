// RunMerge: the entries of several sorted runs, laid back to back in one
// array, taken one at a time in merged order — for merging a large set of
// runs piecemeal, a slice per call, as the ledger settles its deferred index
// entries over many batches.
//
// A tournament ("loser") tree over the runs: each inner node holds the run
// that lost the match played there, the root slot the overall winner.
// Taking an entry replays only the winner's path from its leaf: log2(runs)
// comparisons, where a binary heap's pop and push take about twice as many
// and move its elements as well. The entries must stay where they are (and
// unchanged) while the merge runs.
//
// Packed keys: when the caller can map every entry to an unsigned integer
// that orders like `Less` (KeyOf) and the keys are narrow enough to share 64
// bits with the run number, each node holds (key, run) as one integer. A
// match is then one compare of two integers the node array keeps in the L1
// cache, done with conditional moves, instead of two end-of-run checks and a
// comparison of entries read through pointers — a branch that mispredicts
// about every other time when runs interleave.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "util/assert.hpp"

namespace zq {

// KeyOf of a merge without packed keys.
struct NoPackedKey {
  template <typename T>
  uint64_t operator()(const T&) const {
    return 0;
  }
};

template <typename T, typename Less, typename KeyOf = NoPackedKey>
class RunMerge {
 public:
  RunMerge() = default;
  // A copy would point into the original's entries.
  RunMerge(const RunMerge&) = delete;
  RunMerge& operator=(const RunMerge&) = delete;
  RunMerge(RunMerge&&) = default;
  RunMerge& operator=(RunMerge&&) = default;

  // Run i is entries[run_ends[i - 1] .. run_ends[i]) (from 0 for the first);
  // empty runs are allowed.
  void Start(const T* entries, std::span<const size_t> run_ends) {
    packed_ = false;
    StartRuns(entries, run_ends);
    losers_.assign(leaves_, 0);
    std::vector<uint32_t> winners(2 * leaves_);
    for (size_t r = 0; r < leaves_; r++) winners[leaves_ + r] = static_cast<uint32_t>(r);
    for (size_t n = leaves_ - 1; n >= 1; n--) {
      uint32_t a = winners[2 * n];
      uint32_t b = winners[2 * n + 1];
      if (Before(b, a)) std::swap(a, b);
      winners[n] = a;
      losers_[n] = b;
    }
    losers_[0] = leaves_ == 1 ? 0 : winners[1];
  }

  // The same merge with packed keys when every entry's key_of(entry) is
  // below 2^key_bits and they fit beside the run number; otherwise as
  // above. key_of must order like Less: key_of(a) < key_of(b) exactly when
  // Less(a, b), equal keys for equivalent entries.
  void Start(const T* entries, std::span<const size_t> run_ends, KeyOf key_of, int key_bits) {
    size_t run_bits = 0;
    while ((size_t{1} << run_bits) < run_ends.size()) run_bits++;
    // Below 2^63: kExhausted stays above every real node.
    if (key_bits < 0 || static_cast<size_t>(key_bits) + run_bits > 63) {
      Start(entries, run_ends);
      return;
    }
    packed_ = true;
    key_of_ = key_of;
    run_bits_ = static_cast<int>(run_bits);
    key_bits_ = key_bits;
    StartRuns(entries, run_ends);
    nodes_.assign(leaves_, kExhausted);
    std::vector<uint64_t> winners(2 * leaves_);
    for (size_t r = 0; r < leaves_; r++) winners[leaves_ + r] = HeadNode(r);
    for (size_t n = leaves_ - 1; n >= 1; n--) {
      const uint64_t a = winners[2 * n];
      const uint64_t b = winners[2 * n + 1];
      winners[n] = std::min(a, b);
      nodes_[n] = std::max(a, b);
    }
    nodes_[0] = leaves_ == 1 ? HeadNode(0) : winners[1];
  }

  // Entries not yet taken.
  size_t left() const { return left_; }
  // Whether the running merge uses packed keys.
  bool packed() const { return packed_; }

  // The smallest entry not yet taken (ties: the earlier run first). left() > 0.
  const T& Take() {
    ZQ_ASSERT(left_ > 0);
    left_--;
    if (packed_) return TakePacked();
    uint32_t w = losers_[0];
    const T& taken = Advance(w);
    for (size_t n = (leaves_ + w) / 2; n >= 1; n /= 2) {
      if (Before(losers_[n], w)) std::swap(losers_[n], w);
    }
    losers_[0] = w;
    return taken;
  }

  void Clear() {
    cur_.clear();
    end_.clear();
    losers_.clear();
    nodes_.clear();
    leaves_ = 0;
    left_ = 0;
    packed_ = false;
  }

 private:
  static constexpr size_t kReadAhead = 2;  // entries: about the run's next cache line
  static constexpr uint64_t kExhausted = ~uint64_t{0};

  // The runs' bounds, the leaf count a power of two; padding leaves are
  // empty runs (cur_ == end_ == nullptr).
  void StartRuns(const T* entries, std::span<const size_t> run_ends) {
    size_t leaves = 1;
    while (leaves < run_ends.size()) leaves *= 2;
    leaves_ = leaves;
    cur_.assign(leaves, nullptr);
    end_.assign(leaves, nullptr);
    left_ = 0;
    size_t begin = 0;
    for (size_t r = 0; r < run_ends.size(); r++) {
      ZQ_ASSERT(run_ends[r] >= begin);
      cur_[r] = entries + begin;
      end_[r] = entries + run_ends[r];
      left_ += run_ends[r] - begin;
      begin = run_ends[r];
    }
  }

  // Run r's next entry, which it then moves past.
  const T& Advance(size_t r) {
    const T& taken = *cur_[r]++;
    // Many runs are read side by side, more streams than the hardware
    // follows: each run's next line is asked for as it advances.
    if (end_[r] - cur_[r] > static_cast<std::ptrdiff_t>(kReadAhead)) {
      __builtin_prefetch(cur_[r] + kReadAhead);
    }
    return taken;
  }

  // Run r's next entry as a node: (key, run), or kExhausted.
  uint64_t HeadNode(size_t r) const {
    if (cur_[r] == end_[r]) return kExhausted;
    const uint64_t key = key_of_(*cur_[r]);
    ZQ_ASSERT((key >> key_bits_) == 0);
    return (key << run_bits_) | r;
  }

  const T& TakePacked() {
    const size_t w = nodes_[0] & ((uint64_t{1} << run_bits_) - 1);
    const T& taken = Advance(w);
    uint64_t node = HeadNode(w);
    for (size_t n = (leaves_ + w) / 2; n >= 1; n /= 2) {
      const uint64_t loser = nodes_[n];
      const bool swap = loser < node;  // a select, not a branch: the outcome is a coin toss
      nodes_[n] = swap ? node : loser;
      node = swap ? loser : node;
    }
    nodes_[0] = node;
    return taken;
  }

  // Whether run a's next entry comes before run b's (of equal ones, the
  // earlier run's); an exhausted run comes last.
  bool Before(uint32_t a, uint32_t b) const {
    if (cur_[a] == end_[a]) return false;
    if (cur_[b] == end_[b]) return true;
    return a < b ? !Less()(*cur_[b], *cur_[a]) : Less()(*cur_[a], *cur_[b]);
  }

  size_t leaves_ = 0;
  size_t left_ = 0;
  bool packed_ = false;
  int run_bits_ = 0;
  int key_bits_ = 0;
  KeyOf key_of_{};
  std::vector<const T*> cur_;  // per run: its next entry
  std::vector<const T*> end_;
  std::vector<uint32_t> losers_;  // [0]: the winner; [n], n >= 1: the loser at node n
  std::vector<uint64_t> nodes_;   // the same, packed: (key << run_bits_) | run
};

}  // namespace zq

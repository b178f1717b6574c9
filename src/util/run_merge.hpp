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
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "util/assert.hpp"

namespace zq {

template <typename T, typename Less>
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
    // Padding leaves are empty runs (cur_ == end_ == nullptr).
    losers_.assign(leaves, 0);
    std::vector<uint32_t> winners(2 * leaves);
    for (size_t r = 0; r < leaves; r++) winners[leaves + r] = static_cast<uint32_t>(r);
    for (size_t n = leaves - 1; n >= 1; n--) {
      uint32_t a = winners[2 * n];
      uint32_t b = winners[2 * n + 1];
      if (Before(b, a)) std::swap(a, b);
      winners[n] = a;
      losers_[n] = b;
    }
    losers_[0] = leaves == 1 ? 0 : winners[1];
  }

  // Entries not yet taken.
  size_t left() const { return left_; }

  // The smallest entry not yet taken (ties: the earlier run first). left() > 0.
  const T& Take() {
    ZQ_ASSERT(left_ > 0);
    uint32_t w = losers_[0];
    const T& taken = *cur_[w]++;
    left_--;
    // Many runs are read side by side, more streams than the hardware
    // follows: each run's next line is asked for as it advances.
    if (end_[w] - cur_[w] > static_cast<std::ptrdiff_t>(kReadAhead)) {
      __builtin_prefetch(cur_[w] + kReadAhead);
    }
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
    leaves_ = 0;
    left_ = 0;
  }

 private:
  static constexpr size_t kReadAhead = 2;  // entries: about the run's next cache line

  // Whether run a's next entry comes before run b's (of equal ones, the
  // earlier run's); an exhausted run comes last.
  bool Before(uint32_t a, uint32_t b) const {
    if (cur_[a] == end_[a]) return false;
    if (cur_[b] == end_[b]) return true;
    return a < b ? !Less()(*cur_[b], *cur_[a]) : Less()(*cur_[a], *cur_[b]);
  }

  size_t leaves_ = 0;
  size_t left_ = 0;
  std::vector<const T*> cur_;  // per run: its next entry
  std::vector<const T*> end_;
  std::vector<uint32_t> losers_;  // [0]: the winner; [n], n >= 1: the loser at node n
};

}  // namespace zq

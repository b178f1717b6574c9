// The vectorized operators: table scan, filter, projection, hash join and
// hash aggregation over batches of column vectors (column_batch.hpp). A plan
// whose root is an aggregation or an equi-join runs here; the subtrees these
// operators have no form for run as row operators under an adapter, so every
// plan works. Columns no operator above reads are pruned at the scan: never
// decoded, never copied.
#include <algorithm>
#include <cstdint>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "sql/executor/aggregate_state.hpp"
#include "sql/executor/int_key_table.hpp"
#include "sql/executor/operator.hpp"
#include "sql/executor/scan_batches.hpp"
#include "sql/executor/table_access.hpp"
#include "sql/executor/table_cursor.hpp"
#include "sql/executor/vector_eval.hpp"
#include "sql/lexer/sql_error.hpp"

namespace zq::sql {

namespace {

class VectorOp {
 public:
  virtual ~VectorOp() = default;
  // Fills `out` with the next rows; false (and out->size 0) when done.
  virtual bool Next(Batch* out) = 0;
};
using VectorOpPtr = std::unique_ptr<VectorOp>;

// Which output columns of an operator someone above reads.
using Needed = std::vector<bool>;

VectorOpPtr BuildVector(const PlanNode& plan, const Needed& needed, ExecContext& ctx);

// Keeps the rows of `batch` where `predicate` (may be null: all) is TRUE;
// returns how many remain.
size_t FilterBatch(const BoundExpr* predicate, VectorEvaluator& eval, std::vector<uint8_t>* keep,
                   Batch* batch) {
  if (predicate == nullptr) return batch->size;
  eval.Begin(*batch);
  eval.Predicate(*predicate, keep);
  return Compact(*keep, batch);
}

// Integer equi-joins on one key, inner or LEFT without a residual condition
// (the others keep the row join).
bool VectorizableJoin(const PlanNode& plan) {
  if (plan.lookup || plan.merge) return false;
  if (plan.left_keys.size() != 1 || !plan.left_key_exprs.empty()) return false;
  if (plan.join != JoinType::kInner && !(plan.join == JoinType::kLeft && !plan.predicate)) {
    return false;
  }
  const TypeId left = plan.children[0]->columns[static_cast<size_t>(plan.left_keys[0])].type.id;
  const TypeId right = plan.children[1]->columns[static_cast<size_t>(plan.right_keys[0])].type.id;
  return KindOf(left) == VectorKind::kInt && KindOf(right) == VectorKind::kInt;
}

// ---- scan -----------------------------------------------------------------------

// A full scan of a table whose B-tree has at least this many nodes on some
// level (so at least that many leaves) reads its second half on a thread of
// its own.
constexpr size_t kParallelScanMinNodes = 32;
// At most this much of the second half waits, decoded, for the first half
// to be consumed (and never more than a quarter of the memory left).
constexpr uint64_t kParallelScanBufferBytes = uint64_t{64} << 20;

// The conjuncts of a scan's condition the decoder can check on its own:
// `integer column OP integer value` (either way round; the column maybe
// widened by a cast), the value a constant or a parameter.
std::vector<DecodeFilter> DecodeFilters(const PlanNode& scan, ExecContext& ctx) {
  std::vector<DecodeFilter> out;
  if (!scan.predicate || scan.table.read_only()) return out;
  std::vector<const BoundExpr*> pending = {scan.predicate.get()};
  // A column under a widening cast at most: a narrowing one can fail, which
  // a filter must not hide.
  auto column_of = [](const BoundExpr& e) -> const BoundExpr* {
    const BoundExpr* c = KeyColumn(e);
    return c != nullptr && IsIntegerType(c->type.id) ? c : nullptr;
  };
  auto value_of = [&](const BoundExpr& e) -> std::optional<int64_t> {
    const Value* v = nullptr;
    if (e.kind == ExprKind::kConstant) v = &e.constant;
    if (e.kind == ExprKind::kParam && ctx.params != nullptr && e.index >= 1 &&
        static_cast<size_t>(e.index) <= ctx.params->size()) {
      v = &(*ctx.params)[static_cast<size_t>(e.index - 1)];
    }
    if (v == nullptr || v->null || !IsIntegerType(v->type) || !IsIntegerType(e.type.id)) {
      return std::nullopt;
    }
    return v->i;
  };
  while (!pending.empty()) {
    const BoundExpr& e = *pending.back();
    pending.pop_back();
    if (e.kind == ExprKind::kAnd) {
      for (const BoundPtr& c : e.children) pending.push_back(c.get());
      continue;
    }
    if (e.kind != ExprKind::kCompare) continue;
    BinaryOp op = e.op;
    const BoundExpr* column = column_of(*e.children[0]);
    std::optional<int64_t> value = value_of(*e.children[1]);
    if (column == nullptr || !value) {
      // value OP column: the mirror image.
      column = column_of(*e.children[1]);
      value = value_of(*e.children[0]);
      if (column == nullptr || !value) continue;
      op = FlipCompare(op);
    }
    out.push_back({static_cast<uint32_t>(column->index), op, *value});
  }
  return out;
}

class ScanVOp final : public VectorOp {
 public:
  ScanVOp(const PlanNode& plan, const Needed& needed, ExecContext& ctx)
      : plan_(plan),
        ctx_(ctx),
        cursor_(plan, ctx),
        eval_(ctx),
        budget_(ctx),
        decode_(ColumnsToDecode(plan, needed)),
        filters_(DecodeFilters(plan, ctx)),
        decoder_(plan.table, decode_, filters_) {}

  bool Next(Batch* out) override {
    if (!started_) Start();
    for (;;) {
      const bool filled = parallel_ ? parallel_->Next(out) : decoder_.Fill(source_, out);
      if (!filled) {
        out->size = 0;
        return false;
      }
      if (FilterBatch(plan_.predicate.get(), eval_, &keep_, out) > 0) return true;
    }
  }

 private:
  // The table columns read above the scan or by its own condition.
  static std::vector<uint8_t> ColumnsToDecode(const PlanNode& plan, const Needed& needed) {
    Needed decode = needed;
    if (plan.predicate) MarkColumnReads(*plan.predicate, &decode);
    return std::vector<uint8_t>(decode.begin(), decode.end());
  }

  // Picks the serial scan (through TableCursor: ranges, indexes, the
  // transaction's own writes) or, for a full scan of a large table the
  // transaction has not written, a ParallelScan over its parts.
  void Start() {
    started_ = true;
    source_ = [this](StoredEntry* out, size_t max) { return cursor_.NextRun(out, max); };
    if (plan_.range.Used() || plan_.table.read_only() || std::thread::hardware_concurrency() < 2) {
      return;
    }
    const uint64_t left = ctx_.memory_limit > ctx_.memory_used ? ctx_.memory_limit - ctx_.memory_used : 0;
    const uint64_t cap = std::min(kParallelScanBufferBytes, left / 4);
    if (cap < (uint64_t{1} << 20)) return;
    Result<std::vector<std::string>> split = ctx_.txn->SplitPoints(plan_.table.tree, kParallelScanMinNodes);
    ThrowIfError(split.status());
    // kParallelScanMinNodes parts or none.
    if (split->size() + 1 < kParallelScanMinNodes) return;
    Result<std::unique_ptr<storage::Cursor>> own = ctx_.txn->NewSnapshotCursor(plan_.table.tree);
    ThrowIfError(own.status());
    Result<std::unique_ptr<storage::Cursor>> worker = ctx_.txn->NewSnapshotCursor(plan_.table.tree);
    ThrowIfError(worker.status());
    budget_.Add(cap);
    // The condition runs on this thread (running it on the worker as well
    // measured slower on the 2-vCPU machine of docs/benchmarks.md); only the
    // DecodeFilters, which need nothing of the ExecContext, run on both.
    try {
      parallel_ = std::make_unique<ParallelScan>(plan_.table, decode_, filters_,
                                                 std::move(split).value(),
                                                 std::move(own).value(), std::move(worker).value(), cap);
    } catch (const std::system_error&) {
      // No thread to be had: scan serially.
    }
  }

  const PlanNode& plan_;
  ExecContext& ctx_;
  TableCursor cursor_;
  VectorEvaluator eval_;
  Reservation budget_;
  std::vector<uint8_t> decode_;  // per table column: 1 when read
  std::vector<DecodeFilter> filters_;
  BatchDecoder decoder_;
  EntrySource source_;
  std::unique_ptr<ParallelScan> parallel_;  // destroyed first: its worker stops before the rest goes
  std::vector<uint8_t> keep_;
  bool started_ = false;
};

// ---- filter and projection -----------------------------------------------------

class FilterVOp final : public VectorOp {
 public:
  FilterVOp(const PlanNode& plan, const Needed& needed, ExecContext& ctx) : plan_(plan), eval_(ctx) {
    Needed child = needed;
    MarkColumnReads(*plan.predicate, &child);
    input_ = BuildVector(*plan.children[0], child, ctx);
  }

  bool Next(Batch* out) override {
    while (input_->Next(out)) {
      if (FilterBatch(plan_.predicate.get(), eval_, &keep_, out) > 0) return true;
    }
    return false;
  }

 private:
  const PlanNode& plan_;
  VectorEvaluator eval_;
  VectorOpPtr input_;
  std::vector<uint8_t> keep_;
};

class ProjectVOp final : public VectorOp {
 public:
  ProjectVOp(const PlanNode& plan, const Needed& needed, ExecContext& ctx)
      : plan_(plan), eval_(ctx), needed_(needed) {
    Needed child(plan.children[0]->columns.size(), false);
    for (size_t i = 0; i < plan.exprs.size(); i++) {
      if (needed[i]) MarkColumnReads(*plan.exprs[i], &child);
    }
    input_ = BuildVector(*plan.children[0], child, ctx);
  }

  bool Next(Batch* out) override {
    if (!input_->Next(&in_)) {
      out->size = 0;
      return false;
    }
    eval_.Begin(in_);
    out->columns.resize(plan_.exprs.size());
    for (size_t i = 0; i < plan_.exprs.size(); i++) {
      if (needed_[i]) {
        out->columns[i] = eval_.Evaluate(*plan_.exprs[i]);
      } else {
        out->columns[i].ResetAbsent(plan_.columns[i].type.id, in_.size);
      }
    }
    out->size = in_.size;
    return true;
  }

 private:
  const PlanNode& plan_;
  VectorEvaluator eval_;
  Needed needed_;
  VectorOpPtr input_;
  Batch in_;
};

// Rows of a row operator as batches (for the subtrees with no vectorized form).
class RowsVOp final : public VectorOp {
 public:
  RowsVOp(const PlanNode& plan, const Needed& needed, ExecContext& ctx)
      : plan_(plan), needed_(needed), input_(BuildOperator(plan, ctx, &needed_)) {}

  bool Next(Batch* out) override {
    if (!input_->Next(&chunk_)) {
      out->size = 0;
      return false;
    }
    const size_t rows = chunk_.size();
    out->columns.resize(plan_.columns.size());
    for (size_t c = 0; c < plan_.columns.size(); c++) {
      ColumnVector& column = out->columns[c];
      if (!needed_[c]) {
        column.ResetAbsent(plan_.columns[c].type.id, rows);
        continue;
      }
      // Values as the row operator made them, types included.
      column.Reset(plan_.columns[c].type.id, rows, true);
      for (size_t r = 0; r < rows; r++) column.Set(r, chunk_[r][c]);
    }
    out->size = rows;
    return true;
  }

 private:
  const PlanNode& plan_;
  Needed needed_;
  OpPtr input_;
  Chunk chunk_;
};

// ---- hash join -----------------------------------------------------------------

// The key of row i as an integer (the join only takes integer keys).
int64_t IntKey(const ColumnVector& v, size_t i) {
  if (v.kind == VectorKind::kInt) return v.ints[i];
  const Value& x = v.values[i];
  if (!IsIntegerType(x.type) && x.type != TypeId::kBool) {
    ThrowSqlError(kSqlStateInternalError, 0, "hash join key is not an integer");
  }
  return x.i;
}

constexpr uint32_t kNoRow = UINT32_MAX;

// to = from's rows `rows` (kNoRow: NULL).
void Gather(const ColumnVector& from, const std::vector<uint32_t>& rows, bool needed,
            ColumnVector* to) {
  if (!needed || from.absent) {
    to->ResetAbsent(from.type, rows.size());
    return;
  }
  to->Reset(from.type, rows.size(), from.kind == VectorKind::kValue);
  for (size_t i = 0; i < rows.size(); i++) {
    const uint32_t r = rows[i];
    if (r == kNoRow || from.nulls[r]) {
      to->SetNull(i);
      continue;
    }
    to->nulls[i] = 0;
    switch (from.kind) {
      case VectorKind::kInt: to->ints[i] = from.ints[r]; break;
      case VectorKind::kFloat: to->floats[i] = from.floats[r]; break;
      case VectorKind::kValue: to->values[i] = from.values[r]; break;
    }
  }
}

class JoinVOp final : public VectorOp {
 public:
  JoinVOp(const PlanNode& plan, const Needed& needed, ExecContext& ctx)
      : plan_(plan), eval_(ctx), budget_(ctx) {
    left_width_ = plan.children[0]->columns.size();
    const size_t right_width = plan.children[1]->columns.size();
    Needed all = needed;
    if (plan.predicate) MarkColumnReads(*plan.predicate, &all);
    left_needed_.assign(all.begin(), all.begin() + static_cast<ptrdiff_t>(left_width_));
    right_needed_.assign(all.begin() + static_cast<ptrdiff_t>(left_width_), all.end());
    right_needed_.resize(right_width);
    left_needed_[static_cast<size_t>(plan.left_keys[0])] = true;
    right_needed_[static_cast<size_t>(plan.right_keys[0])] = true;
    left_ = BuildVector(*plan.children[0], left_needed_, ctx);
    Build(*BuildVector(*plan.children[1], right_needed_, ctx), *plan.children[1]);
  }

  bool Next(Batch* out) override {
    for (;;) {
      left_rows_.clear();
      right_rows_.clear();
      Pair();
      if (left_rows_.empty()) {
        out->size = 0;
        return false;
      }
      out->columns.resize(left_width_ + build_.size());
      for (size_t c = 0; c < left_width_; c++) {
        Gather(probe_.columns[c], left_rows_, left_needed_[c], &out->columns[c]);
      }
      for (size_t c = 0; c < build_.size(); c++) {
        Gather(build_[c], right_rows_, right_needed_[c], &out->columns[left_width_ + c]);
      }
      out->size = left_rows_.size();
      if (FilterBatch(plan_.predicate.get(), eval_, &keep_, out) > 0) return true;
    }
  }

 private:
  // Drains the build side (the right input) and indexes it by key; the rows
  // of one key chain in arrival order, as the row join emits them.
  void Build(VectorOp& input, const PlanNode& right) {
    build_.resize(right.columns.size());
    for (size_t c = 0; c < build_.size(); c++) {
      if (right_needed_[c]) {
        build_[c].Reset(right.columns[c].type.id, 0);
      } else {
        build_[c].ResetAbsent(right.columns[c].type.id, 0);
      }
    }
    const size_t key_column = static_cast<size_t>(plan_.right_keys[0]);
    Batch batch;
    while (input.Next(&batch)) {
      for (size_t c = 0; c < build_.size(); c++) {
        // The first batch decides a column's layout (row adapters keep Values).
        if (build_[c].size() == 0 && !build_[c].absent) {
          build_[c].Reset(batch.columns[c].type, 0, batch.columns[c].kind == VectorKind::kValue);
        }
      }
      for (size_t c = 0; c < build_.size(); c++) build_[c].AppendAll(batch.columns[c]);
      budget_.Add(BatchBytes(batch) + batch.size * sizeof(uint32_t));
      if (build_[key_column].size() >= kNoRow) {
        ThrowSqlError(kSqlStateProgramLimitExceeded, 0, "hash join build side has too many rows");
      }
    }
    Index(build_[key_column]);
  }

  // Chains the build rows by key, each chain in arrival order (built back to
  // front). Keys that fill most of their range (a primary key, a dense
  // foreign key) index an array directly: no hashing, and rows that arrive
  // in key order fill it front to back; other keys go through IntKeyTable.
  void Index(const ColumnVector& key) {
    const size_t rows = key.size();
    next_.assign(rows, kNoRow);
    int64_t min = INT64_MAX, max = INT64_MIN;
    size_t keyed = 0;
    for (size_t r = 0; r < rows; r++) {
      if (key.nulls[r]) continue;  // NULL keys never match
      const int64_t k = IntKey(key, r);
      min = std::min(min, k);
      max = std::max(max, k);
      keyed++;
    }
    const unsigned __int128 span =
        keyed == 0 ? 0 : static_cast<unsigned __int128>(static_cast<__int128>(max) - min) + 1;
    dense_ = keyed > 0 && span <= 8 * static_cast<unsigned __int128>(keyed) + 1024;
    dense_min_ = min;
    if (dense_) head_.assign(static_cast<size_t>(span), kNoRow);
    for (size_t r = rows; r-- > 0;) {
      if (key.nulls[r]) continue;
      const int64_t k = IntKey(key, r);
      uint32_t* head = nullptr;
      if (dense_) {
        head = &head_[static_cast<size_t>(static_cast<uint64_t>(k) - static_cast<uint64_t>(min))];
      } else {
        bool inserted = false;
        const uint32_t id = keys_.FindOrInsert(k, &inserted);
        if (inserted) head_.push_back(kNoRow);
        head = &head_[id];
      }
      next_[r] = *head;
      *head = static_cast<uint32_t>(r);
    }
    budget_.Add(keys_.bytes() + head_.size() * sizeof(uint32_t));
  }

  // The first build row with key `k`, or kNoRow.
  uint32_t FirstMatch(int64_t k) const {
    if (dense_) {
      const uint64_t i = static_cast<uint64_t>(k) - static_cast<uint64_t>(dense_min_);
      return i < head_.size() ? head_[i] : kNoRow;
    }
    const uint32_t id = keys_.Find(k);
    return id == IntKeyTable::kMissing ? kNoRow : head_[id];
  }

  // Fills left_rows_/right_rows_ with up to kChunkRows matching pairs from
  // one probe batch (so the left rows all refer to probe_).
  void Pair() {
    const bool left_join = plan_.join == JoinType::kLeft;
    const size_t key_column = static_cast<size_t>(plan_.left_keys[0]);
    while (left_rows_.size() < kChunkRows) {
      if (probe_row_ >= probe_.size) {
        if (!left_rows_.empty() || probe_done_) return;
        if (!left_->Next(&probe_)) {
          probe_done_ = true;
          return;
        }
        probe_row_ = 0;
        row_started_ = false;
      }
      if (!row_started_) {
        row_started_ = true;
        matched_ = false;
        chain_ = kNoRow;
        const ColumnVector& key = probe_.columns[key_column];
        if (!key.nulls[probe_row_]) chain_ = FirstMatch(IntKey(key, probe_row_));
      }
      while (chain_ != kNoRow && left_rows_.size() < kChunkRows) {
        left_rows_.push_back(static_cast<uint32_t>(probe_row_));
        right_rows_.push_back(chain_);
        matched_ = true;
        chain_ = next_[chain_];
      }
      if (chain_ != kNoRow) return;  // the batch is full mid-chain
      if (left_join && !matched_) {
        left_rows_.push_back(static_cast<uint32_t>(probe_row_));
        right_rows_.push_back(kNoRow);
      }
      probe_row_++;
      row_started_ = false;
    }
  }

  const PlanNode& plan_;
  VectorEvaluator eval_;
  Reservation budget_;
  size_t left_width_ = 0;
  Needed left_needed_, right_needed_;
  VectorOpPtr left_;
  std::vector<ColumnVector> build_;
  IntKeyTable keys_;                // unless dense_
  bool dense_ = false;              // head_ is indexed by key - dense_min_
  int64_t dense_min_ = 0;
  std::vector<uint32_t> head_;      // per key: its first build row
  std::vector<uint32_t> next_;      // per build row: the next with its key
  Batch probe_;
  size_t probe_row_ = 0;
  bool probe_done_ = false, row_started_ = false, matched_ = false;
  uint32_t chain_ = kNoRow;
  std::vector<uint32_t> left_rows_, right_rows_;
  std::vector<uint8_t> keep_;
};

// ---- hash aggregation -------------------------------------------------------------

class AggregateVOp final : public VectorOp {
 public:
  AggregateVOp(const PlanNode& plan, ExecContext& ctx) : plan_(plan), eval_(ctx), budget_(ctx) {
    Needed child(plan.children[0]->columns.size(), false);
    for (const BoundPtr& g : plan.groups) MarkColumnReads(*g, &child);
    for (const AggregateSpec& a : plan.aggregates) {
      for (const BoundPtr& arg : a.args) MarkColumnReads(*arg, &child);
      if (a.filter) MarkColumnReads(*a.filter, &child);
    }
    VectorOpPtr input = BuildVector(*plan.children[0], child, ctx);
    Batch batch;
    while (input->Next(&batch)) Accumulate(batch);
    if (group_keys_.empty() && plan.groups.empty()) NewGroup(Row{});
  }

  bool Next(Batch* out) override {
    const size_t rows = std::min(kChunkRows, group_keys_.size() - next_);
    out->columns.resize(plan_.columns.size());
    for (size_t c = 0; c < plan_.columns.size(); c++) {
      out->columns[c].Reset(plan_.columns[c].type.id, rows, true);
    }
    const size_t groups = plan_.groups.size(), aggregates = plan_.aggregates.size();
    for (size_t r = 0; r < rows; r++, next_++) {
      for (size_t g = 0; g < groups; g++) out->columns[g].Set(r, group_keys_[next_][g]);
      for (size_t a = 0; a < aggregates; a++) {
        out->columns[groups + a].Set(
            r, FinishAggregate(plan_.aggregates[a], states_[next_ * aggregates + a]));
      }
    }
    out->size = rows;
    return rows > 0;
  }

 private:
  uint32_t NewGroup(Row keys) {
    budget_.Add(RowBytes(keys) + plan_.aggregates.size() * sizeof(AggState));
    group_keys_.push_back(std::move(keys));
    states_.resize(states_.size() + plan_.aggregates.size());
    return static_cast<uint32_t>(group_keys_.size() - 1);
  }

  Row KeysAt(const std::vector<const ColumnVector*>& keys, size_t row) const {
    Row out;
    out.reserve(keys.size());
    for (const ColumnVector* k : keys) out.push_back(k->Get(row));
    return out;
  }

  // group_of_[i]: the group of row i of the batch.
  void AssignGroups(const Batch& batch) {
    group_of_.resize(batch.size);
    if (plan_.groups.empty()) {
      if (group_keys_.empty()) NewGroup(Row{});
      std::fill(group_of_.begin(), group_of_.end(), 0);
      return;
    }
    std::vector<const ColumnVector*> keys;
    for (const BoundPtr& g : plan_.groups) keys.push_back(&eval_.Evaluate(*g));
    if (keys.size() == 1 && keys[0]->kind == VectorKind::kInt) {
      const ColumnVector& k = *keys[0];
      for (size_t i = 0; i < batch.size; i++) {
        if (k.nulls[i]) {
          if (null_group_ == IntKeyTable::kMissing) null_group_ = NewGroup(KeysAt(keys, i));
          group_of_[i] = null_group_;
          continue;
        }
        bool inserted = false;
        const uint32_t id = int_groups_.FindOrInsert(k.ints[i], &inserted);
        if (inserted) group_by_id_.push_back(NewGroup(KeysAt(keys, i)));
        group_of_[i] = group_by_id_[id];
      }
      return;
    }
    std::string key;
    for (size_t i = 0; i < batch.size; i++) {
      key.clear();
      for (const ColumnVector* k : keys) AppendOrderedKey(k->Get(i), &key);
      auto it = encoded_groups_.find(key);
      if (it == encoded_groups_.end()) {
        const uint32_t g = NewGroup(KeysAt(keys, i));
        budget_.Add(key.size() + 32);
        it = encoded_groups_.emplace(key, g).first;
      }
      group_of_[i] = it->second;
    }
  }

  void Accumulate(const Batch& batch) {
    eval_.Begin(batch);
    AssignGroups(batch);
    const size_t aggregates = plan_.aggregates.size();
    std::vector<uint8_t> all(batch.size, 1), mask;
    for (size_t a = 0; a < aggregates; a++) {
      const AggregateSpec& spec = plan_.aggregates[a];
      const std::vector<uint8_t>* rows = &all;
      if (spec.filter) {
        eval_.Predicate(*spec.filter, &mask);
        rows = &mask;
      }
      AggState* states = states_.data() + a;
      auto state = [&](size_t i) -> AggState& { return states[group_of_[i] * aggregates]; };
      if (spec.star) {
        for (size_t i = 0; i < batch.size; i++) state(i).count += (*rows)[i];
        continue;
      }
      const ColumnVector& v = eval_.EvaluateWhere(*spec.args[0], *rows);
      if (!spec.distinct && v.kind != VectorKind::kValue && FastPath(spec, v, *rows, state)) {
        continue;
      }
      const ColumnVector* separator = nullptr;
      if (spec.args.size() > 1) {
        std::vector<uint8_t> valued(batch.size);
        for (size_t i = 0; i < batch.size; i++) valued[i] = (*rows)[i] && !v.nulls[i];
        separator = &eval_.EvaluateWhere(*spec.args[1], valued);
      }
      for (size_t i = 0; i < batch.size; i++) {
        if (!(*rows)[i] || v.nulls[i]) continue;
        AggState& s = state(i);
        Value x = v.Get(i);
        if (spec.distinct) {
          const uint64_t bytes = RememberDistinct(s, x);
          if (bytes == 0) continue;
          budget_.Add(bytes);
        }
        AggregateValue(spec, s, std::move(x), separator ? separator->Get(i) : Value());
      }
    }
  }

  // count, sum, avg, min and max of integers and doubles, straight on the
  // state's fields (the same ones AggregateValue keeps); false for the rest.
  template <typename StateOf>
  static bool FastPath(const AggregateSpec& spec, const ColumnVector& v,
                       const std::vector<uint8_t>& rows, StateOf state) {
    const std::string& name = spec.name;
    const bool is_int = v.kind == VectorKind::kInt;
    const size_t n = v.size();
    if (name == "count") {
      for (size_t i = 0; i < n; i++) state(i).count += rows[i] && !v.nulls[i];
      return true;
    }
    if (name == "sum" || name == "avg") {
      for (size_t i = 0; i < n; i++) {
        if (!rows[i] || v.nulls[i]) continue;
        AggState& s = state(i);
        s.count++;
        if (is_int) {
          s.int_sum += v.ints[i];
        } else {
          s.float_sum += v.floats[i];
        }
        s.best.type = v.type;
      }
      return true;
    }
    if (name == "min" || name == "max") {
      const bool min = name == "min";
      for (size_t i = 0; i < n; i++) {
        if (!rows[i] || v.nulls[i]) continue;
        AggState& s = state(i);
        s.count++;
        bool better = !s.any;
        if (!better) {
          const int c = is_int ? (v.ints[i] < s.best.i ? -1 : (v.ints[i] > s.best.i ? 1 : 0))
                               : CompareDoubles(v.floats[i], s.best.f);
          better = min ? c < 0 : c > 0;
        }
        if (better) {
          s.best.null = false;
          s.best.type = v.type;
          if (is_int) {
            s.best.i = v.ints[i];
          } else {
            s.best.f = v.floats[i];
          }
        }
        s.any = true;
      }
      return true;
    }
    return false;
  }

  const PlanNode& plan_;
  VectorEvaluator eval_;
  Reservation budget_;
  std::vector<Row> group_keys_;
  std::vector<AggState> states_;  // group * aggregates + aggregate
  IntKeyTable int_groups_;        // single integer key: key -> id ...
  std::vector<uint32_t> group_by_id_;  // ... -> group
  uint32_t null_group_ = IntKeyTable::kMissing;
  std::unordered_map<std::string, uint32_t> encoded_groups_;
  std::vector<uint32_t> group_of_;
  size_t next_ = 0;
};

// Whether BuildVector has a vectorized operator for the node.
bool HasVectorForm(const PlanNode& plan) {
  switch (plan.kind) {
    case PlanKind::kTableScan:
    case PlanKind::kFilter:
    case PlanKind::kProject:
    case PlanKind::kAggregate:
      return true;
    case PlanKind::kJoin:
      return VectorizableJoin(plan);
    default:
      return false;
  }
}

VectorOpPtr BuildVector(const PlanNode& plan, const Needed& needed, ExecContext& ctx) {
  if (!HasVectorForm(plan)) return std::make_unique<RowsVOp>(plan, needed, ctx);
  switch (plan.kind) {
    case PlanKind::kTableScan: return std::make_unique<ScanVOp>(plan, needed, ctx);
    case PlanKind::kFilter: return std::make_unique<FilterVOp>(plan, needed, ctx);
    case PlanKind::kProject: return std::make_unique<ProjectVOp>(plan, needed, ctx);
    case PlanKind::kAggregate: return std::make_unique<AggregateVOp>(plan, ctx);
    default: return std::make_unique<JoinVOp>(plan, needed, ctx);
  }
}

// Vectorized roots: aggregations and joins gain from batches. A lone scan,
// filter or projection does not: each row becomes a Row for the consumer
// anyway (measured: no gain on the range_scan benchmark), and a LIMIT over
// it would have a full batch, or a parallel scan, decoded for a few rows.
bool VectorizedRoot(const PlanNode& plan) {
  return plan.kind == PlanKind::kAggregate || (plan.kind == PlanKind::kJoin && VectorizableJoin(plan));
}

// VectorizedNodes under a node BuildVector builds or one a row operator
// runs (whose inputs may root vectorized subtrees again).
void CollectVectorized(const PlanNode& plan, bool in_vector, std::vector<const PlanNode*>* out) {
  const bool vector = in_vector ? HasVectorForm(plan) : VectorizedRoot(plan);
  if (vector) out->push_back(&plan);
  for (const PlanPtr& child : plan.children) CollectVectorized(*child, vector, out);
}

// The row interface over a vectorized subtree.
class VectorSourceOp final : public Operator {
 public:
  explicit VectorSourceOp(VectorOpPtr root) : root_(std::move(root)) {}

  bool Next(Chunk* out) override {
    out->clear();
    if (!root_->Next(&batch_)) return false;
    out->reserve(batch_.size);
    for (size_t i = 0; i < batch_.size; i++) out->push_back(batch_.RowAt(i));
    return true;
  }

 private:
  VectorOpPtr root_;
  Batch batch_;
};

}  // namespace

OpPtr BuildVectorized(const PlanNode& plan, ExecContext& ctx, const std::vector<bool>* needed) {
  if (!ctx.vectorize || !VectorizedRoot(plan)) return nullptr;
  return std::make_unique<VectorSourceOp>(
      BuildVector(plan, needed != nullptr ? *needed : Needed(plan.columns.size(), true), ctx));
}

std::vector<const PlanNode*> VectorizedNodes(const PlanNode& plan) {
  std::vector<const PlanNode*> out;
  CollectVectorized(plan, false, &out);
  return out;
}

}  // namespace zq::sql

// Physical operators. Each pulls chunks of up to kChunkRows rows from its
// inputs; blocking ones (sort, aggregate, hash join build, set operations)
// hold their rows in memory under the statement's memory budget.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "sql/executor/aggregate_state.hpp"
#include "sql/executor/evaluator.hpp"
#include "sql/executor/operator.hpp"
#include "sql/executor/table_access.hpp"
#include "sql/executor/table_cursor.hpp"
#include "sql/lexer/sql_error.hpp"

namespace zq::sql {

namespace {

std::string RowKey(const Row& row, size_t count) {
  std::string key;
  for (size_t i = 0; i < count; i++) AppendOrderedKey(row[i], &key);
  return key;
}

// Drains an operator into a vector (budgeted).
std::vector<Row> Drain(Operator& op, Reservation& budget) {
  std::vector<Row> rows;
  Chunk chunk;
  while (op.Next(&chunk)) {
    for (Row& r : chunk) {
      budget.Add(RowBytes(r));
      rows.push_back(std::move(r));
    }
  }
  return rows;
}

// ---- scans --------------------------------------------------------------------

class ScanOp final : public Operator {
 public:
  ScanOp(const PlanNode& plan, ExecContext& ctx) : plan_(plan), ctx_(ctx), cursor_(plan, ctx) {}

  bool Next(Chunk* out) override {
    out->clear();
    std::string_view key, value;
    while (out->size() < kChunkRows && cursor_.Next(&key, &value)) {
      Row row = DecodeStoredRow(plan_.table, key, value);
      if (plan_.predicate && !EvaluatePredicate(*plan_.predicate, row, ctx_)) continue;
      out->push_back(std::move(row));
    }
    return !out->empty();
  }

 private:
  const PlanNode& plan_;
  ExecContext& ctx_;
  TableCursor cursor_;
};

class ValuesOp final : public Operator {
 public:
  ValuesOp(const PlanNode& plan, ExecContext& ctx) : plan_(plan), ctx_(ctx) {}
  bool Next(Chunk* out) override {
    out->clear();
    const Row empty;
    while (next_ < plan_.rows.size() && out->size() < kChunkRows) {
      Row row;
      for (const BoundPtr& e : plan_.rows[next_]) row.push_back(Evaluate(*e, empty, ctx_));
      out->push_back(std::move(row));
      next_++;
    }
    return !out->empty();
  }

 private:
  const PlanNode& plan_;
  ExecContext& ctx_;
  size_t next_ = 0;
};

class FilterOp final : public Operator {
 public:
  FilterOp(const PlanNode& plan, ExecContext& ctx) : plan_(plan), ctx_(ctx), input_(BuildOperator(*plan.children[0], ctx)) {}
  bool Next(Chunk* out) override {
    out->clear();
    Chunk in;
    while (out->empty() && input_->Next(&in)) {
      for (Row& r : in) {
        if (EvaluatePredicate(*plan_.predicate, r, ctx_)) out->push_back(std::move(r));
      }
    }
    return !out->empty();
  }

 private:
  const PlanNode& plan_;
  ExecContext& ctx_;
  OpPtr input_;
};

class ProjectOp final : public Operator {
 public:
  ProjectOp(const PlanNode& plan, ExecContext& ctx) : plan_(plan), ctx_(ctx) {
    std::vector<int> reads(plan.children[0]->columns.size(), 0);
    bool countable = true;
    for (const BoundPtr& e : plan.exprs) countable = CountColumnReads(*e, &reads) && countable;
    // A vectorized input leaves out the columns no expression reads.
    std::vector<bool> read(reads.size(), true);
    for (size_t c = 0; countable && c < reads.size(); c++) read[c] = reads[c] > 0;
    input_ = BuildOperator(*plan.children[0], ctx, &read);
    // An output that is an input column read nowhere else takes the value
    // over instead of copying it (the input chunk is discarded anyway).
    for (const BoundPtr& e : plan.exprs) {
      moved_.push_back(countable && e->kind == ExprKind::kColumn && e->depth == 0 &&
                       reads[static_cast<size_t>(e->index)] == 1);
    }
    // Every input column once, in order (SELECT * and the like): the input
    // rows are the output rows.
    identity_ = plan.exprs.size() == reads.size();
    for (size_t i = 0; identity_ && i < plan.exprs.size(); i++) {
      identity_ = moved_[i] && plan.exprs[i]->index == static_cast<int>(i);
    }
  }
  bool Next(Chunk* out) override {
    if (identity_) return input_->Next(out);
    out->clear();
    if (!input_->Next(&in_)) return false;
    out->reserve(in_.size());
    for (Row& r : in_) {
      Row row;
      row.reserve(plan_.exprs.size());
      for (size_t i = 0; i < plan_.exprs.size(); i++) {
        const BoundExpr& e = *plan_.exprs[i];
        row.push_back(moved_[i] ? std::move(r[static_cast<size_t>(e.index)]) : Evaluate(e, r, ctx_));
      }
      out->push_back(std::move(row));
    }
    return true;
  }

 private:
  const PlanNode& plan_;
  ExecContext& ctx_;
  OpPtr input_;
  std::vector<bool> moved_;
  bool identity_ = false;
  Chunk in_;
};

// ---- joins --------------------------------------------------------------------

// A join's output row: `left` then `right`, or NULLs of the right input's
// types when there is no right row (an unmatched row of a LEFT join).
Row JoinedRow(const PlanNode& join, const Row& left, const Row* right) {
  const std::vector<OutputColumn>& right_columns = join.children[1]->columns;
  Row row;
  row.reserve(left.size() + right_columns.size());
  row.insert(row.end(), left.begin(), left.end());
  if (right != nullptr) {
    row.insert(row.end(), right->begin(), right->end());
  } else {
    for (const OutputColumn& c : right_columns) row.push_back(Value::Null(c.type.id));
  }
  return row;
}

class JoinOp final : public Operator {
 public:
  JoinOp(const PlanNode& plan, ExecContext& ctx)
      : plan_(plan), ctx_(ctx), budget_(ctx), left_(BuildOperator(*plan.children[0], ctx)) {
    left_width_ = plan.children[0]->columns.size();
    if (plan.lookup) return;  // the right side runs per left row
    OpPtr right = BuildOperator(*plan.children[1], ctx);
    right_rows_ = Drain(*right, budget_);
    matched_.assign(right_rows_.size(), false);
  }

  bool Next(Chunk* out) override {
    out->clear();
    while (out->size() < kChunkRows) {
      if (pending_.empty()) {
        if (!FillPending()) break;
      }
      for (Row& r : pending_) out->push_back(std::move(r));
      pending_.clear();
    }
    return !out->empty();
  }

 private:
  // The hash key of a row of one input; false when a part is NULL (it can
  // never be equal).
  bool KeyOf(const Row& row, const std::vector<int>& cols, const std::vector<BoundPtr>& exprs,
             std::string* key) {
    for (int c : cols) {
      if (row[static_cast<size_t>(c)].null) return false;
      AppendOrderedKey(row[static_cast<size_t>(c)], key);
    }
    for (const BoundPtr& e : exprs) {
      const Value v = Evaluate(*e, row, ctx_);
      if (v.null) return false;
      AppendOrderedKey(v, key);
    }
    return true;
  }

  // Built at the first left row: with no left rows, the right side's key
  // expressions are never evaluated (nor would a nested loop evaluate them).
  void BuildTable() {
    table_built_ = true;
    for (size_t i = 0; i < right_rows_.size(); i++) {
      std::string key;
      if (!KeyOf(right_rows_[i], plan_.right_keys, plan_.right_key_exprs, &key)) continue;
      table_[key].push_back(i);
    }
  }

  Row Combine(const Row& left, const Row* right) const { return JoinedRow(plan_, left, right); }

  // Joins the next left chunk; at the end emits unmatched right rows (RIGHT/FULL).
  bool FillPending() {
    Chunk in;
    if (!left_done_ && left_->Next(&in)) {
      for (const Row& l : in) JoinOne(l);
      return true;
    }
    left_done_ = true;
    if ((plan_.join == JoinType::kRight || plan_.join == JoinType::kFull) && !tail_done_) {
      tail_done_ = true;
      for (size_t i = 0; i < right_rows_.size(); i++) {
        if (matched_[i]) continue;
        Row row;
        for (size_t c = 0; c < left_width_; c++) {
          row.push_back(Value::Null(plan_.children[0]->columns[c].type.id));
        }
        row.insert(row.end(), right_rows_[i].begin(), right_rows_[i].end());
        pending_.push_back(std::move(row));
      }
      return !pending_.empty();
    }
    return false;
  }

  // An index nested-loop join: the right side's key range reads `left` as
  // its enclosing row.
  void LookUpOne(const Row& left) {
    std::string left_key;
    const bool has_key = KeyOf(left, plan_.left_keys, plan_.left_key_exprs, &left_key);
    bool any = false;
    if (has_key) {
      // Only the right side runs under the pushed row: the join's own
      // expressions see the enclosing rows as they are.
      std::vector<Row> partners;
      Reservation held(ctx_);
      {
        ctx_.outer.push_back(&left);
        struct PopOuter {
          ExecContext& ctx;
          ~PopOuter() { ctx.outer.pop_back(); }
        } pop{ctx_};
        OpPtr right = BuildOperator(*plan_.children[1], ctx_);
        Chunk found;
        while (right->Next(&found)) {
          for (Row& r : found) {
            held.Add(RowBytes(r));
            partners.push_back(std::move(r));
          }
        }
      }
      for (const Row& r : partners) {
        // The range covers some key columns; every key pair must match.
        std::string right_key;
        if (!KeyOf(r, plan_.right_keys, plan_.right_key_exprs, &right_key) || right_key != left_key) {
          continue;
        }
        Row row = Combine(left, &r);
        if (plan_.predicate && !EvaluatePredicate(*plan_.predicate, row, ctx_)) continue;
        any = true;
        pending_.push_back(std::move(row));
      }
    }
    if (!any && plan_.join == JoinType::kLeft) pending_.push_back(Combine(left, nullptr));
  }

  void JoinOne(const Row& left) {
    if (plan_.lookup) {
      LookUpOne(left);
      return;
    }
    bool any = false;
    auto consider = [&](size_t i) {
      Row row = Combine(left, &right_rows_[i]);
      if (plan_.predicate && !EvaluatePredicate(*plan_.predicate, row, ctx_)) return;
      any = true;
      matched_[i] = true;
      pending_.push_back(std::move(row));
    };
    if (plan_.HashJoin()) {
      if (!table_built_) BuildTable();
      std::string key;
      if (!right_rows_.empty() && KeyOf(left, plan_.left_keys, plan_.left_key_exprs, &key)) {
        auto it = table_.find(key);
        if (it != table_.end()) {
          for (size_t i : it->second) consider(i);
        }
      }
    } else {
      for (size_t i = 0; i < right_rows_.size(); i++) consider(i);
    }
    if (!any && (plan_.join == JoinType::kLeft || plan_.join == JoinType::kFull)) {
      pending_.push_back(Combine(left, nullptr));
    }
  }

  const PlanNode& plan_;
  ExecContext& ctx_;
  Reservation budget_;
  OpPtr left_;
  std::vector<Row> right_rows_;
  std::vector<bool> matched_;
  std::unordered_map<std::string, std::vector<size_t>> table_;
  bool table_built_ = false;
  size_t left_width_ = 0;
  std::vector<Row> pending_;
  bool left_done_ = false, tail_done_ = false;
};

// Both inputs in ascending order of the first key pair (PlanNode::merge):
// each left row meets the run of right rows with its key, which is all the
// operator holds.
class MergeJoinOp final : public Operator {
 public:
  MergeJoinOp(const PlanNode& plan, ExecContext& ctx)
      : plan_(plan),
        ctx_(ctx),
        left_(BuildOperator(*plan.children[0], ctx)),
        right_(BuildOperator(*plan.children[1], ctx)),
        run_budget_(ctx) {}

  bool Next(Chunk* out) override {
    out->clear();
    Chunk in;
    while (out->empty() && left_->Next(&in)) {
      for (const Row& l : in) JoinOne(l, out);
    }
    return !out->empty();
  }

 private:
  const Value& LeftKey(const Row& l) const { return l[static_cast<size_t>(plan_.left_keys[0])]; }
  const Value& RightKey(const Row& r) const { return r[static_cast<size_t>(plan_.right_keys[0])]; }

  // The next right row, or null at the end.
  const Row* PeekRight() {
    while (right_next_ == right_chunk_.size()) {
      right_next_ = 0;
      if (right_done_ || !right_->Next(&right_chunk_)) {
        right_done_ = true;
        right_chunk_.clear();
        return nullptr;
      }
    }
    return &right_chunk_[right_next_];
  }

  // Makes run_ the right rows whose key equals `key` (the left side's keys
  // only grow, so rows below it are never needed again).
  void SeekRun(const Value& key) {
    if (run_valid_ && CompareValues(run_key_, key) == 0) return;
    run_.clear();
    run_budget_.Clear();
    run_key_ = key;
    run_valid_ = true;
    for (const Row* r = PeekRight(); r != nullptr; r = PeekRight()) {
      const Value& k = RightKey(*r);
      const int c = k.null ? -1 : CompareValues(k, key);
      if (c > 0) break;
      if (c == 0) {
        run_budget_.Add(RowBytes(*r));
        run_.push_back(std::move(right_chunk_[right_next_]));
      }
      right_next_++;
    }
  }

  bool OtherKeysEqual(const Row& l, const Row& r) const {
    for (size_t k = 1; k < plan_.left_keys.size(); k++) {
      const Value& a = l[static_cast<size_t>(plan_.left_keys[k])];
      const Value& b = r[static_cast<size_t>(plan_.right_keys[k])];
      if (a.null || b.null || CompareValues(a, b) != 0) return false;
    }
    return true;
  }

  void JoinOne(const Row& l, Chunk* out) {
    bool any = false;
    if (!LeftKey(l).null) {
      SeekRun(LeftKey(l));
      for (const Row& r : run_) {
        if (!OtherKeysEqual(l, r)) continue;
        Row row = JoinedRow(plan_, l, &r);
        if (plan_.predicate && !EvaluatePredicate(*plan_.predicate, row, ctx_)) continue;
        any = true;
        out->push_back(std::move(row));
      }
    }
    if (!any && plan_.join == JoinType::kLeft) out->push_back(JoinedRow(plan_, l, nullptr));
  }

  const PlanNode& plan_;
  ExecContext& ctx_;
  OpPtr left_, right_;
  Chunk right_chunk_;
  size_t right_next_ = 0;
  bool right_done_ = false;
  std::vector<Row> run_;
  Value run_key_;
  bool run_valid_ = false;
  Reservation run_budget_;  // run_'s rows
};

// ---- aggregation ----------------------------------------------------------------

class AggregateOp final : public Operator {
 public:
  AggregateOp(const PlanNode& plan, ExecContext& ctx) : plan_(plan), ctx_(ctx), budget_(ctx) {
    OpPtr input = BuildOperator(*plan.children[0], ctx);
    Chunk chunk;
    while (input->Next(&chunk)) {
      for (const Row& r : chunk) Accumulate(r);
    }
    if (groups_.empty() && plan.groups.empty()) NewGroup(Row{});
  }

  bool Next(Chunk* out) override {
    out->clear();
    while (next_ < groups_.size() && out->size() < kChunkRows) {
      Group& g = groups_[next_++];
      Row row = std::move(g.keys);
      for (size_t a = 0; a < plan_.aggregates.size(); a++) {
        row.push_back(FinishAggregate(plan_.aggregates[a], g.states[a]));
      }
      out->push_back(std::move(row));
    }
    return !out->empty();
  }

 private:
  struct Group {
    Row keys;
    std::vector<AggState> states;
  };

  size_t NewGroup(Row keys) {
    budget_.Add(RowBytes(keys) + plan_.aggregates.size() * sizeof(AggState));
    groups_.push_back({std::move(keys), std::vector<AggState>(plan_.aggregates.size())});
    return groups_.size() - 1;
  }

  void Accumulate(const Row& r) {
    Row keys;
    keys.reserve(plan_.groups.size());
    for (const BoundPtr& g : plan_.groups) keys.push_back(Evaluate(*g, r, ctx_));
    std::string key = RowKey(keys, keys.size());
    size_t gi;
    auto it = index_.find(key);
    if (it == index_.end()) {
      gi = NewGroup(std::move(keys));
      index_.emplace(std::move(key), gi);
    } else {
      gi = it->second;
    }
    for (size_t a = 0; a < plan_.aggregates.size(); a++) {
      Update(plan_.aggregates[a], groups_[gi].states[a], r);
    }
  }

  void Update(const AggregateSpec& spec, AggState& s, const Row& r) {
    if (spec.filter && !EvaluatePredicate(*spec.filter, r, ctx_)) return;
    if (spec.star) {
      s.count++;
      return;
    }
    Value v = Evaluate(*spec.args[0], r, ctx_);
    if (v.null) return;
    Value sep;
    if (spec.name == "string_agg") sep = Evaluate(*spec.args[1], r, ctx_);
    if (spec.distinct) {
      const uint64_t bytes = RememberDistinct(s, v);
      if (bytes == 0) return;
      budget_.Add(bytes);
    }
    AggregateValue(spec, s, std::move(v), sep);
  }

  const PlanNode& plan_;
  ExecContext& ctx_;
  Reservation budget_;
  std::vector<Group> groups_;
  std::unordered_map<std::string, size_t> index_;
  size_t next_ = 0;
};

// An operator that computes all its rows first, then hands them out in
// chunks (sort, set operations, materialized and recursive CTEs).
class BufferedOp : public Operator {
 public:
  bool Next(Chunk* out) override {
    out->clear();
    while (next_ < rows_.size() && out->size() < kChunkRows) out->push_back(std::move(rows_[next_++]));
    return !out->empty();
  }

 protected:
  std::vector<Row> rows_;

 private:
  size_t next_ = 0;
};

// ---- sort, limit, distinct, set operations ----------------------------------------

class SortOp final : public BufferedOp {
 public:
  SortOp(const PlanNode& plan, ExecContext& ctx) : budget_(ctx) {
    OpPtr input = BuildOperator(*plan.children[0], ctx);
    rows_ = Drain(*input, budget_);
    const std::vector<SortKey>& keys = plan.sort;
    std::stable_sort(rows_.begin(), rows_.end(), [&](const Row& a, const Row& b) {
      for (const SortKey& k : keys) {
        const Value& x = a[static_cast<size_t>(k.column)];
        const Value& y = b[static_cast<size_t>(k.column)];
        if (x.null || y.null) {
          if (x.null && y.null) continue;
          return x.null ? k.nulls_first : !k.nulls_first;
        }
        const int c = CompareValues(x, y);
        if (c != 0) return k.descending ? c > 0 : c < 0;
      }
      return false;
    });
  }

 private:
  Reservation budget_;
};

class LimitOp final : public Operator {
 public:
  LimitOp(const PlanNode& plan, ExecContext& ctx) : input_(BuildOperator(*plan.children[0], ctx)) {
    const Row empty;
    if (plan.limit) {
      const Value v = Evaluate(*plan.limit, empty, ctx);
      if (!v.null) {
        if (v.i < 0) ThrowSqlError("2201W", plan.limit->position, "LIMIT must not be negative");
        remaining_ = v.i;
      }
    }
    if (plan.offset) {
      const Value v = Evaluate(*plan.offset, empty, ctx);
      if (!v.null) {
        if (v.i < 0) ThrowSqlError("2201X", plan.offset->position, "OFFSET must not be negative");
        skip_ = v.i;
      }
    }
  }
  bool Next(Chunk* out) override {
    out->clear();
    Chunk in;
    while (out->empty() && remaining_ != 0 && input_->Next(&in)) {
      for (Row& r : in) {
        if (skip_ > 0) {
          skip_--;
          continue;
        }
        if (remaining_ == 0) break;
        if (remaining_ > 0) remaining_--;
        out->push_back(std::move(r));
      }
    }
    return !out->empty();
  }

 private:
  OpPtr input_;
  int64_t remaining_ = -1;  // -1: no limit
  int64_t skip_ = 0;
};

class DistinctOp final : public Operator {
 public:
  DistinctOp(const PlanNode& plan, ExecContext& ctx)
      : input_(BuildOperator(*plan.children[0], ctx)), budget_(ctx), width_(plan.columns.size()) {}
  bool Next(Chunk* out) override {
    out->clear();
    Chunk in;
    while (out->empty() && input_->Next(&in)) {
      for (Row& r : in) {
        std::string key = RowKey(r, width_);
        if (!seen_.insert(key).second) continue;
        budget_.Add(key.size() + 32);
        out->push_back(std::move(r));
      }
    }
    return !out->empty();
  }

 private:
  OpPtr input_;
  Reservation budget_;
  size_t width_;
  std::unordered_set<std::string> seen_;
};

class SetOpOp final : public BufferedOp {
 public:
  SetOpOp(const PlanNode& plan, ExecContext& ctx) : budget_(ctx) {
    const size_t width = plan.columns.size();
    OpPtr left = BuildOperator(*plan.children[0], ctx);
    std::vector<Row> l = Drain(*left, budget_);
    OpPtr right = BuildOperator(*plan.children[1], ctx);
    std::vector<Row> r = Drain(*right, budget_);
    if (plan.set_op == SetOpKind::kUnion) {
      std::unordered_set<std::string> seen;
      for (std::vector<Row>* side : {&l, &r}) {
        for (Row& row : *side) {
          if (!plan.all && !seen.insert(RowKey(row, width)).second) continue;
          rows_.push_back(std::move(row));
        }
      }
      return;
    }
    std::unordered_map<std::string, int64_t> right_count;
    for (const Row& row : r) right_count[RowKey(row, width)]++;
    std::unordered_set<std::string> emitted;
    for (Row& row : l) {
      std::string key = RowKey(row, width);
      auto it = right_count.find(key);
      const bool in_right = it != right_count.end() && it->second > 0;
      if (plan.set_op == SetOpKind::kIntersect) {
        if (!in_right) continue;
        if (plan.all) {
          it->second--;
        } else if (!emitted.insert(key).second) {
          continue;
        }
      } else {  // EXCEPT
        if (plan.all) {
          if (in_right) {
            it->second--;
            continue;
          }
        } else if (in_right || !emitted.insert(key).second) {
          continue;
        }
      }
      rows_.push_back(std::move(row));
    }
  }

 private:
  Reservation budget_;
};

class MaterializedOp final : public BufferedOp {
 public:
  MaterializedOp(const PlanNode& plan, ExecContext& ctx) : budget_(ctx) {
    OpPtr input = BuildOperator(*plan.children[0], ctx);
    rows_ = Drain(*input, budget_);
  }

 private:
  Reservation budget_;
};

// WITH RECURSIVE: the base rows, then the recursive term over the previous
// iteration's rows until it yields nothing new. UNION (not ALL) drops rows
// already produced. A query that never ends runs into the memory budget.
class RecursiveOp final : public BufferedOp {
 public:
  RecursiveOp(const PlanNode& plan, ExecContext& ctx) : budget_(ctx) {
    const size_t width = plan.columns.size();
    std::unordered_set<std::string> seen;
    auto keep = [&](std::vector<Row>* fresh) {
      std::vector<Row> kept;
      for (Row& r : *fresh) {
        if (!plan.all && !seen.insert(RowKey(r, width)).second) continue;
        budget_.Add(RowBytes(r) + (plan.all ? 0 : 32));
        kept.push_back(std::move(r));
      }
      *fresh = std::move(kept);
    };
    OpPtr base = BuildOperator(*plan.children[0], ctx);
    std::vector<Row> working;
    Chunk chunk;
    while (base->Next(&chunk)) {
      for (Row& r : chunk) working.push_back(std::move(r));
    }
    keep(&working);
    const PlanNode* work_table = FindWorkTable(*plan.children[1]);
    while (!working.empty()) {
      rows_.insert(rows_.end(), working.begin(), working.end());
      if (work_table != nullptr) ctx.work_tables[work_table] = &working;
      std::vector<Row> next;
      OpPtr step = BuildOperator(*plan.children[1], ctx);
      while (step->Next(&chunk)) {
        for (Row& r : chunk) next.push_back(std::move(r));
      }
      keep(&next);
      working = std::move(next);
    }
    if (work_table != nullptr) ctx.work_tables.erase(work_table);
  }

 private:
  static const PlanNode* FindWorkTable(const PlanNode& p) {
    if (p.kind == PlanKind::kWorkTable) return &p;
    for (const PlanPtr& c : p.children) {
      if (const PlanNode* found = FindWorkTable(*c)) return found;
    }
    return nullptr;
  }

  Reservation budget_;
};

class WorkTableOp final : public Operator {
 public:
  WorkTableOp(const PlanNode& plan, ExecContext& ctx) {
    auto it = ctx.work_tables.find(&plan);
    rows_ = it == ctx.work_tables.end() ? nullptr : it->second;
  }
  bool Next(Chunk* out) override {
    out->clear();
    while (rows_ != nullptr && next_ < rows_->size() && out->size() < kChunkRows) {
      out->push_back((*rows_)[next_++]);
    }
    return !out->empty();
  }

 private:
  const std::vector<Row>* rows_ = nullptr;
  size_t next_ = 0;
};

}  // namespace

OpPtr BuildOperator(const PlanNode& plan, ExecContext& ctx, const std::vector<bool>* needed) {
  if (OpPtr vectorized = BuildVectorized(plan, ctx, needed)) return vectorized;
  switch (plan.kind) {
    case PlanKind::kRecursive: return std::make_unique<RecursiveOp>(plan, ctx);
    case PlanKind::kWorkTable: return std::make_unique<WorkTableOp>(plan, ctx);
    case PlanKind::kTableScan: return std::make_unique<ScanOp>(plan, ctx);
    case PlanKind::kValues: return std::make_unique<ValuesOp>(plan, ctx);
    case PlanKind::kFilter: return std::make_unique<FilterOp>(plan, ctx);
    case PlanKind::kProject: return std::make_unique<ProjectOp>(plan, ctx);
    case PlanKind::kJoin:
      if (plan.merge) return std::make_unique<MergeJoinOp>(plan, ctx);
      return std::make_unique<JoinOp>(plan, ctx);
    case PlanKind::kAggregate: return std::make_unique<AggregateOp>(plan, ctx);
    case PlanKind::kSort: return std::make_unique<SortOp>(plan, ctx);
    case PlanKind::kLimit: return std::make_unique<LimitOp>(plan, ctx);
    case PlanKind::kDistinct: return std::make_unique<DistinctOp>(plan, ctx);
    case PlanKind::kSetOp: return std::make_unique<SetOpOp>(plan, ctx);
    case PlanKind::kMaterialized: return std::make_unique<MaterializedOp>(plan, ctx);
  }
  ThrowSqlError(kSqlStateInternalError, 0, "unknown plan node");
}

std::vector<Row> RunPlan(const PlanNode& plan, ExecContext& ctx) {
  OpPtr op = BuildOperator(plan, ctx);
  std::vector<Row> rows;
  Chunk chunk;
  while (op->Next(&chunk)) {
    for (Row& r : chunk) rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace zq::sql

#include "sql/executor/vector_eval.hpp"

#include <cmath>

#include "sql/executor/evaluator.hpp"
#include "sql/lexer/sql_error.hpp"

namespace zq::sql {

bool CannotFail(const BoundExpr& e) {
  switch (e.kind) {
    case ExprKind::kConstant:
    case ExprKind::kColumn:
      return true;
    case ExprKind::kCompare:
    case ExprKind::kAnd:
    case ExprKind::kOr:
    case ExprKind::kNot:
    case ExprKind::kIsNull:
    case ExprKind::kIsBool:
    case ExprKind::kDistinctFrom:
      for (const BoundPtr& c : e.children) {
        if (!CannotFail(*c)) return false;
      }
      return true;
    default:
      return false;  // parameters may need a cast, which may fail
  }
}

void VectorEvaluator::Begin(const Batch& batch) {
  batch_ = &batch;
  temps_used_ = 0;
  rows_built_ = false;
}

ColumnVector& VectorEvaluator::Temp(TypeId type, bool as_values) {
  if (temps_used_ == temps_.size()) temps_.emplace_back();
  ColumnVector& v = temps_[temps_used_++];
  v.Reset(type, batch_->size, as_values);
  return v;
}

const std::vector<Row>& VectorEvaluator::Rows() {
  if (!rows_built_) {
    rows_.resize(batch_->size);
    for (size_t i = 0; i < batch_->size; i++) rows_[i] = batch_->RowAt(i);
    rows_built_ = true;
  }
  return rows_;
}

const ColumnVector& VectorEvaluator::EvaluateRows(const BoundExpr& e,
                                                  const std::vector<uint8_t>* mask) {
  const std::vector<Row>& rows = Rows();
  // Values as the row evaluator returns them, types included.
  ColumnVector& out = Temp(e.type.id, true);
  for (size_t i = 0; i < rows.size(); i++) {
    if (mask != nullptr && !(*mask)[i]) {
      out.SetNull(i);
      continue;
    }
    out.Set(i, sql::Evaluate(e, rows[i], ctx_));
  }
  return out;
}

const ColumnVector& VectorEvaluator::EvaluateWhere(const BoundExpr& e, const std::vector<uint8_t>& mask) {
  if (CannotFail(e)) return Evaluate(e);
  return EvaluateRows(e, &mask);
}

const ColumnVector& VectorEvaluator::Broadcast(const BoundExpr& e, const Value& v) {
  ColumnVector& out = Temp(e.type.id, KindOf(v.type) != KindOf(e.type.id) && !v.null);
  out.Fill(v);
  return out;
}

const ColumnVector& VectorEvaluator::Evaluate(const BoundExpr& e) {
  switch (e.kind) {
    case ExprKind::kColumn: {
      if (e.depth != 0) break;
      const ColumnVector& column = batch_->columns[static_cast<size_t>(e.index)];
      if (column.absent) {
        ThrowSqlError(kSqlStateInternalError, e.position, "vectorized plan read a column it pruned");
      }
      return column;
    }
    case ExprKind::kConstant:
      return Broadcast(e, e.constant);
    case ExprKind::kParam:
      if (batch_->size == 0) return Temp(e.type.id);
      return Broadcast(e, sql::Evaluate(e, Row{}, ctx_));
    case ExprKind::kCompare:
      return Compare(e);
    case ExprKind::kAnd:
    case ExprKind::kOr:
    case ExprKind::kNot:
    case ExprKind::kIsNull:
      return Logic(e);
    case ExprKind::kArith:
      return Arith(e);
    default:
      break;
  }
  return EvaluateRows(e, nullptr);
}

namespace {

// A boolean vector's value at row i: -1 NULL, 0 false, 1 true.
int Truth(const ColumnVector& v, size_t i) {
  if (v.nulls[i]) return -1;
  if (v.kind == VectorKind::kInt) return v.ints[i] != 0;
  return v.values[i].i != 0;
}

}  // namespace

void VectorEvaluator::Predicate(const BoundExpr& e, std::vector<uint8_t>* keep) {
  const ColumnVector& v = Evaluate(e);
  keep->resize(batch_->size);
  for (size_t i = 0; i < batch_->size; i++) (*keep)[i] = Truth(v, i) == 1;
}

namespace {

std::vector<uint8_t> NotNullMask(const ColumnVector& v) {
  std::vector<uint8_t> mask(v.size());
  for (size_t i = 0; i < mask.size(); i++) mask[i] = !v.nulls[i];
  return mask;
}

template <typename T, typename Cmp>
void CompareLoop(BinaryOp op, const T* a, const T* b, const ColumnVector& x, const ColumnVector& y,
                 ColumnVector* out, Cmp cmp) {
  const size_t n = out->size();
  for (size_t i = 0; i < n; i++) {
    out->nulls[i] = x.nulls[i] | y.nulls[i];
    out->ints[i] = out->nulls[i] ? 0 : CompareHolds(op, cmp(a[i], b[i]));
  }
}

double AsDouble(const ColumnVector& v, size_t i) {
  return v.kind == VectorKind::kInt ? static_cast<double>(v.ints[i]) : v.floats[i];
}

}  // namespace

const ColumnVector& VectorEvaluator::Compare(const BoundExpr& e) {
  const ColumnVector& a = Evaluate(*e.children[0]);
  const ColumnVector& b = EvaluateWhere(*e.children[1], NotNullMask(a));
  ColumnVector& out = Temp(TypeId::kBool);
  const size_t n = batch_->size;
  if (a.kind == VectorKind::kInt && b.kind == VectorKind::kInt) {
    CompareLoop(e.op, a.ints.data(), b.ints.data(), a, b, &out,
                [](int64_t x, int64_t y) { return x < y ? -1 : (x > y ? 1 : 0); });
  } else if (a.kind == VectorKind::kFloat && b.kind == VectorKind::kFloat) {
    CompareLoop(e.op, a.floats.data(), b.floats.data(), a, b, &out, CompareDoubles);
  } else if (a.kind != VectorKind::kValue && b.kind != VectorKind::kValue) {
    for (size_t i = 0; i < n; i++) {
      out.nulls[i] = a.nulls[i] | b.nulls[i];
      out.ints[i] = !out.nulls[i] && CompareHolds(e.op, CompareDoubles(AsDouble(a, i), AsDouble(b, i)));
    }
  } else {
    for (size_t i = 0; i < n; i++) {
      out.nulls[i] = a.nulls[i] | b.nulls[i];
      out.ints[i] = !out.nulls[i] && CompareHolds(e.op, CompareValues(a.Get(i), b.Get(i)));
    }
  }
  return out;
}


const ColumnVector& VectorEvaluator::Logic(const BoundExpr& e) {
  const size_t n = batch_->size;
  const ColumnVector& a = Evaluate(*e.children[0]);
  if (e.kind == ExprKind::kIsNull) {
    ColumnVector& out = Temp(TypeId::kBool);
    for (size_t i = 0; i < n; i++) {
      out.nulls[i] = 0;
      out.ints[i] = (a.nulls[i] != 0) != e.negated;
    }
    return out;
  }
  if (e.kind == ExprKind::kNot) {
    ColumnVector& out = Temp(TypeId::kBool);
    for (size_t i = 0; i < n; i++) {
      const int t = Truth(a, i);
      out.nulls[i] = t < 0;
      out.ints[i] = t == 0;
    }
    return out;
  }
  // AND: the right side only where the left is not FALSE; OR: not TRUE.
  const bool is_and = e.kind == ExprKind::kAnd;
  const int decisive = is_and ? 0 : 1;
  std::vector<uint8_t> mask(n);
  for (size_t i = 0; i < n; i++) mask[i] = Truth(a, i) != decisive;
  const ColumnVector& b = EvaluateWhere(*e.children[1], mask);
  ColumnVector& out = Temp(TypeId::kBool);
  for (size_t i = 0; i < n; i++) {
    const int x = Truth(a, i);
    const int y = mask[i] ? Truth(b, i) : -1;
    if (x == decisive || y == decisive) {
      out.nulls[i] = 0;
      out.ints[i] = decisive;
    } else if (x < 0 || y < 0) {
      out.nulls[i] = 1;
      out.ints[i] = 0;
    } else {
      out.nulls[i] = 0;
      out.ints[i] = !decisive;
    }
  }
  return out;
}

const ColumnVector& VectorEvaluator::Arith(const BoundExpr& e) {
  const TypeId t = e.type.id;
  const bool ints = IsIntegerType(t) &&
                    (e.op == BinaryOp::kAdd || e.op == BinaryOp::kSub || e.op == BinaryOp::kMul);
  const bool doubles = t == TypeId::kFloat8 && (e.op == BinaryOp::kAdd || e.op == BinaryOp::kSub ||
                                                e.op == BinaryOp::kMul || e.op == BinaryOp::kDiv);
  if (!ints && !doubles) return EvaluateRows(e, nullptr);
  const ColumnVector& a = Evaluate(*e.children[0]);
  const ColumnVector& b = EvaluateWhere(*e.children[1], NotNullMask(a));
  if (a.kind == VectorKind::kValue || b.kind == VectorKind::kValue ||
      (ints && (a.kind != VectorKind::kInt || b.kind != VectorKind::kInt))) {
    return EvaluateRows(e, nullptr);
  }
  const size_t n = batch_->size;
  ColumnVector& out = Temp(t);
  for (size_t i = 0; i < n; i++) {
    out.nulls[i] = a.nulls[i] | b.nulls[i];
    if (out.nulls[i]) continue;
    if (ints) {
      const int128 x = a.ints[i], y = b.ints[i];
      const int128 r = e.op == BinaryOp::kAdd ? x + y : (e.op == BinaryOp::kSub ? x - y : x * y);
      out.ints[i] = CheckIntRange(t, r, e.position);  // the row evaluator's check and error
      continue;
    }
    const double x = AsDouble(a, i), y = AsDouble(b, i);
    double r = 0;
    switch (e.op) {
      case BinaryOp::kAdd: r = x + y; break;
      case BinaryOp::kSub: r = x - y; break;
      case BinaryOp::kMul: r = x * y; break;
      default: r = x / y; break;
    }
    // Overflow, division by zero (x / 0 is never finite) and non-finite
    // inputs: the row evaluator decides, with its errors.
    if (!std::isfinite(r)) {
      r = Arithmetic(e.op, a.Get(i), b.Get(i), e.type, e.position).f;
    }
    out.floats[i] = r;
  }
  return out;
}

}  // namespace zq::sql

#include "sql/executor/evaluator.hpp"

#include <algorithm>
#include <cmath>

#include "sql/executor/datetime_functions.hpp"
#include "sql/lexer/sql_error.hpp"

namespace zq::sql {

void ExecContext::Reserve(uint64_t bytes) {
  memory_used += bytes;
  if (memory_used > memory_limit) {
    ThrowSqlError(kSqlStateOutOfMemory, 0,
                  "statement needs more than its memory limit of " +
                      std::to_string(memory_limit >> 20) +
                      " MiB (sorts, hash tables and materialized results do not spill yet)");
  }
}

void ThrowIfError(const Status& status) {
  if (status.ok()) return;
  std::string_view state = kSqlStateInternalError;
  switch (status.code()) {
    case StatusCode::kConflict: state = kSqlStateSerializationFailure; break;
    case StatusCode::kIOError: state = "58030"; break;
    case StatusCode::kCorruption:
    case StatusCode::kAuthFailed: state = "XX001"; break;
    case StatusCode::kLimitExceeded: state = kSqlStateProgramLimitExceeded; break;
    case StatusCode::kPoisoned: state = "58030"; break;
    default: break;
  }
  ThrowSqlError(state, 0, status.ToString());
}

uint64_t RowBytes(const Row& row) {
  uint64_t bytes = sizeof(Row) + row.size() * sizeof(Value);
  for (const Value& v : row) bytes += v.s.capacity() > 15 ? v.s.capacity() : 0;
  return bytes;
}

namespace {

[[noreturn]] void DivisionByZero(uint32_t position) {
  ThrowSqlError(kSqlStateDivisionByZero, position, "division by zero");
}

[[noreturn]] void OutOfRange(const ColumnType& type, uint32_t position) {
  ThrowSqlError(kSqlStateNumericValueOutOfRange, position,
                catalog::TypeName(ColumnType{type.id}) + " out of range");
}

Value IntArith(BinaryOp op, int64_t a, int64_t b, TypeId t, uint32_t pos) {
  int128 r = 0;
  switch (op) {
    case BinaryOp::kAdd: r = int128{a} + b; break;
    case BinaryOp::kSub: r = int128{a} - b; break;
    case BinaryOp::kMul: r = int128{a} * b; break;
    case BinaryOp::kDiv:
      if (b == 0) DivisionByZero(pos);
      r = int128{a} / b;  // truncates toward zero, as C and PostgreSQL
      break;
    case BinaryOp::kMod:
      if (b == 0) DivisionByZero(pos);
      r = int128{a} % b;
      break;
    case BinaryOp::kBitAnd: r = a & b; break;
    case BinaryOp::kBitOr: r = a | b; break;
    case BinaryOp::kBitXor: r = a ^ b; break;
    case BinaryOp::kShiftLeft: {
      const int bits = t == TypeId::kInt8 ? 64 : (t == TypeId::kInt4 ? 32 : 16);
      const int64_t s = ((b % bits) + bits) % bits;
      const uint64_t mask = bits == 64 ? ~uint64_t{0} : ((uint64_t{1} << bits) - 1);
      uint64_t u = (static_cast<uint64_t>(a) << s) & mask;
      if (bits < 64 && (u >> (bits - 1)) != 0) u |= ~mask;  // sign-extend
      return Value::Int(t, static_cast<int64_t>(u));
    }
    case BinaryOp::kShiftRight: {
      const int bits = t == TypeId::kInt8 ? 64 : (t == TypeId::kInt4 ? 32 : 16);
      const int64_t s = ((b % bits) + bits) % bits;
      return Value::Int(t, a >> s);
    }
    default:
      ThrowSqlError(kSqlStateInternalError, pos, "bad integer operator");
  }
  return Value::Int(t, CheckIntRange(t, r, pos));
}

Value FloatResult(TypeId t, double d, uint32_t pos, bool inputs_finite) {
  if (inputs_finite && std::isinf(d)) {
    ThrowSqlError(kSqlStateNumericValueOutOfRange, pos, "value out of range: overflow");
  }
  if (t == TypeId::kFloat4) {
    const float f = static_cast<float>(d);
    if (inputs_finite && std::isinf(f)) {
      ThrowSqlError(kSqlStateNumericValueOutOfRange, pos, "value out of range: overflow");
    }
    return Value::Float(t, f);
  }
  return Value::Float(t, d);
}

}  // namespace

bool CompareHolds(BinaryOp op, int c) {
  switch (op) {
    case BinaryOp::kEq: return c == 0;
    case BinaryOp::kNe: return c != 0;
    case BinaryOp::kLt: return c < 0;
    case BinaryOp::kLe: return c <= 0;
    case BinaryOp::kGt: return c > 0;
    default: return c >= 0;
  }
}

Value Arithmetic(BinaryOp op, const Value& a, const Value& b, const ColumnType& type,
                 uint32_t pos) {
  const TypeId t = type.id;
  if (IsIntegerType(t)) return IntArith(op, a.i, b.i, t, pos);  // date - date: days
  if (t == TypeId::kDate) {  // date ± integer, integer + date
    const int128 r = op == BinaryOp::kSub ? int128{a.i} - b.i : int128{a.i} + b.i;
    if (r < kDateMin || r > kDateMax) ThrowSqlError(kSqlStateDatetimeFieldOverflow, pos, "date out of range");
    return Value::Int(TypeId::kDate, static_cast<int64_t>(r));
  }
  if (IsFloatType(t)) {
    const double x = ToDouble(a), y = ToDouble(b);
    const bool finite = std::isfinite(x) && std::isfinite(y);
    switch (op) {
      case BinaryOp::kAdd: return FloatResult(t, x + y, pos, finite);
      case BinaryOp::kSub: return FloatResult(t, x - y, pos, finite);
      case BinaryOp::kMul: return FloatResult(t, x * y, pos, finite);
      case BinaryOp::kDiv:
        if (y == 0) DivisionByZero(pos);
        return FloatResult(t, x / y, pos, finite);
      case BinaryOp::kPow:
        if (x == 0 && y < 0) {
          ThrowSqlError("2201F", pos, "zero raised to a negative power is undefined");
        }
        if (x < 0 && std::floor(y) != y) {
          ThrowSqlError("2201F", pos,
                        "a negative number raised to a non-integer power yields a complex result");
        }
        return FloatResult(t, std::pow(x, y), pos, finite);
      case BinaryOp::kMod:
        if (y == 0) DivisionByZero(pos);
        return FloatResult(t, std::fmod(x, y), pos, finite);
      default:
        break;
    }
    ThrowSqlError(kSqlStateUndefinedFunction, pos, "operator does not exist for double precision");
  }
  if (t == TypeId::kNumeric) {
    const Decimal x = ToDecimal(a), y = ToDecimal(b);
    std::optional<Decimal> r;
    switch (op) {
      case BinaryOp::kAdd: r = DecimalAdd(x, y); break;
      case BinaryOp::kSub: r = DecimalSub(x, y); break;
      case BinaryOp::kMul: r = DecimalMul(x, y); break;
      case BinaryOp::kDiv:
        if (y.coefficient == 0) DivisionByZero(pos);
        r = DecimalDiv(x, y);
        break;
      case BinaryOp::kMod:
        if (y.coefficient == 0) DivisionByZero(pos);
        r = DecimalMod(x, y);
        break;
      case BinaryOp::kPow: {
        const double d = std::pow(x.ToDouble(), y.ToDouble());
        r = Decimal::FromDouble(d);
        break;
      }
      default:
        ThrowSqlError(kSqlStateUndefinedFunction, pos, "operator does not exist for numeric");
    }
    if (!r) OutOfRange(type, pos);
    return Value::Numeric(*r);
  }
  ThrowSqlError(kSqlStateInternalError, pos, "arithmetic on a non-numeric type");
}

bool LikeMatch(std::string_view text, std::string_view pattern, int escape, bool fold_case) {
  auto fold = [&](char c) {
    return fold_case ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
  };
  // Iterative matcher with backtracking to the last %.
  size_t t = 0, p = 0, star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      char pc = pattern[p];
      if (escape >= 0 && pc == static_cast<char>(escape) && p + 1 < pattern.size()) {
        if (fold(pattern[p + 1]) == fold(text[t])) {
          p += 2;
          t++;
          continue;
        }
      } else if (pc == '%') {
        star_p = p++;
        star_t = t;
        continue;
      } else if (pc == '_' || fold(pc) == fold(text[t])) {
        p++;
        t++;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p + 1;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '%') p++;
  return p == pattern.size();
}

namespace {

Value Bool3(bool known, bool value) { return known ? Value::Bool(value) : Value::Null(TypeId::kBool); }

std::shared_ptr<SubqueryResult> SubqueryRows(const BoundExpr& e, const Row& row, ExecContext& ctx,
                                             size_t limit) {
  if (!e.correlated) {
    auto it = ctx.subquery_cache.find(&e);
    if (it != ctx.subquery_cache.end()) return it->second;
  }
  ctx.outer.push_back(&row);
  auto result = std::make_shared<SubqueryResult>();
  try {
    result->rows = RunPlan(*e.subquery, ctx);
  } catch (...) {
    ctx.outer.pop_back();
    throw;
  }
  ctx.outer.pop_back();
  (void)limit;
  if (!e.correlated) ctx.subquery_cache[&e] = result;
  return result;
}

Value InResult(const Value& x, const std::vector<const Value*>& items) {
  if (x.null) return items.empty() ? Value::Bool(false) : Value::Null(TypeId::kBool);
  bool saw_null = false;
  for (const Value* v : items) {
    if (v->null) {
      saw_null = true;
    } else if (CompareValues(x, *v) == 0) {
      return Value::Bool(true);
    }
  }
  return saw_null ? Value::Null(TypeId::kBool) : Value::Bool(false);
}

std::string TrimChars(std::string_view s, std::string_view chars, bool left, bool right) {
  size_t b = 0, e = s.size();
  if (left) {
    while (b < e && chars.find(s[b]) != std::string_view::npos) b++;
  }
  if (right) {
    while (e > b && chars.find(s[e - 1]) != std::string_view::npos) e--;
  }
  return std::string(s.substr(b, e - b));
}

// Characters of UTF-8 text (PostgreSQL counts characters, not bytes).
std::vector<size_t> CharStarts(std::string_view s) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < s.size(); i++) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  return starts;
}

std::string CharSlice(std::string_view s, int64_t from, int64_t count) {
  const std::vector<size_t> starts = CharStarts(s);
  const int64_t n = static_cast<int64_t>(starts.size());
  int64_t begin = std::max<int64_t>(from, 0);
  int64_t end = count < 0 ? n : std::min<int64_t>(n, from + count);
  if (begin >= end || begin >= n) return "";
  const size_t b = starts[static_cast<size_t>(begin)];
  const size_t e = end >= n ? s.size() : starts[static_cast<size_t>(end)];
  return std::string(s.substr(b, e - b));
}

Value RoundValue(const Value& v, std::optional<int64_t> digits, ScalarFn fn, uint32_t pos) {
  if (v.type == TypeId::kNumeric) {
    const int scale = static_cast<int>(std::clamp<int64_t>(digits.value_or(0), -kDecimalDigitsMax,
                                                           kDecimalScaleMax));
    std::optional<Decimal> r;
    switch (fn) {
      case ScalarFn::kRound: r = DecimalRound(v.dec, scale); break;
      case ScalarFn::kTrunc: r = DecimalTrunc(v.dec, std::max(scale, 0)); break;
      case ScalarFn::kCeil:
      case ScalarFn::kFloor: {
        Decimal t = DecimalTrunc(v.dec, 0);
        const bool exact = DecimalCompare(t, v.dec) == 0;
        if (!exact && fn == ScalarFn::kCeil && v.dec.Sign() > 0) t.coefficient += 1;
        if (!exact && fn == ScalarFn::kFloor && v.dec.Sign() < 0) t.coefficient -= 1;
        r = t;
        break;
      }
      default: break;
    }
    if (!r) OutOfRange(ColumnType{TypeId::kNumeric}, pos);
    return Value::Numeric(*r);
  }
  double d = v.f;
  switch (fn) {
    case ScalarFn::kRound: d = std::nearbyint(d); break;  // half to even, as rint()
    case ScalarFn::kTrunc: d = std::trunc(d); break;
    case ScalarFn::kCeil: d = std::ceil(d); break;
    case ScalarFn::kFloor: d = std::floor(d); break;
    default: break;
  }
  return Value::Float(v.type, d);
}

Value CallFunction(const BoundExpr& e, const Row& row, ExecContext& ctx) {
  const auto fn = static_cast<ScalarFn>(e.index);
  const uint32_t pos = e.position;
  // COALESCE evaluates lazily; the rest are strict (NULL in, NULL out) except
  // GREATEST/LEAST/CONCAT, which skip NULLs.
  if (fn == ScalarFn::kCoalesce) {
    for (const BoundPtr& c : e.children) {
      Value v = Evaluate(*c, row, ctx);
      if (!v.null) return v;
    }
    return Value::Null(e.type.id);
  }
  std::vector<Value> args;
  args.reserve(e.children.size());
  for (const BoundPtr& c : e.children) args.push_back(Evaluate(*c, row, ctx));
  if (fn == ScalarFn::kGreatest || fn == ScalarFn::kLeast) {
    const Value* best = nullptr;
    for (const Value& v : args) {
      if (v.null) continue;
      if (best == nullptr) {
        best = &v;
        continue;
      }
      const int c = CompareValues(v, *best);
      if (fn == ScalarFn::kGreatest ? c > 0 : c < 0) best = &v;
    }
    return best == nullptr ? Value::Null(e.type.id) : *best;
  }
  if (fn == ScalarFn::kConcat) {
    std::string out;
    for (const Value& v : args) {
      if (!v.null) out += v.s;
    }
    return Value::Text(std::move(out));
  }
  if (fn == ScalarFn::kNullIf) {
    if (!args[0].null && !args[1].null && CompareValues(args[0], args[1]) == 0) {
      return Value::Null(e.type.id);
    }
    return args[0];
  }
  if (fn == ScalarFn::kRandom) {
    return Value::Float(TypeId::kFloat8, std::uniform_real_distribution<double>(0, 1)(ctx.Random()));
  }
  for (const Value& v : args) {
    if (v.null) return Value::Null(e.type.id);
  }
  switch (fn) {
    case ScalarFn::kAbs: {
      const Value& v = args[0];
      if (IsIntegerType(v.type)) {
        return Value::Int(v.type, CheckIntRange(v.type, v.i < 0 ? -int128{v.i} : int128{v.i}, pos));
      }
      if (v.type == TypeId::kNumeric) {
        return Value::Numeric(Decimal{v.dec.coefficient < 0 ? -v.dec.coefficient : v.dec.coefficient,
                                      v.dec.scale});
      }
      return Value::Float(v.type, std::fabs(v.f));
    }
    case ScalarFn::kSign: {
      const Value& v = args[0];
      if (v.type == TypeId::kNumeric) return Value::Numeric(Decimal::FromInt(v.dec.Sign()));
      return Value::Float(v.type, v.f > 0 ? 1.0 : (v.f < 0 ? -1.0 : 0.0));
    }
    case ScalarFn::kRound:
    case ScalarFn::kTrunc:
    case ScalarFn::kCeil:
    case ScalarFn::kFloor:
      return RoundValue(args[0], args.size() > 1 ? std::optional<int64_t>(args[1].i) : std::nullopt,
                        fn, pos);
    case ScalarFn::kSqrt:
      if (ToDouble(args[0]) < 0) {
        ThrowSqlError("2201F", pos, "cannot take square root of a negative number");
      }
      if (args[0].type == TypeId::kNumeric) {
        std::optional<Decimal> d = Decimal::FromDouble(std::sqrt(args[0].dec.ToDouble()));
        if (!d) OutOfRange(e.type, pos);
        return Value::Numeric(*d);
      }
      return Value::Float(TypeId::kFloat8, std::sqrt(args[0].f));
    case ScalarFn::kPower:
      return Arithmetic(BinaryOp::kPow, args[0], args[1], e.type, pos);
    case ScalarFn::kMod:
      return Arithmetic(BinaryOp::kMod, args[0], args[1], e.type, pos);
    case ScalarFn::kLength:
      return Value::Int(TypeId::kInt4, static_cast<int64_t>(CharStarts(args[0].s).size()));
    case ScalarFn::kPosition: {
      const size_t at = args[0].s.find(args[1].s);
      if (at == std::string::npos) return Value::Int(TypeId::kInt4, 0);
      return Value::Int(TypeId::kInt4,
                        static_cast<int64_t>(CharStarts(args[0].s.substr(0, at)).size()) + 1);
    }
    case ScalarFn::kLower:
    case ScalarFn::kUpper: {
      std::string s = args[0].s;
      for (char& c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x80) c = static_cast<char>(fn == ScalarFn::kLower ? std::tolower(u) : std::toupper(u));
      }
      return Value::Text(std::move(s));
    }
    case ScalarFn::kReverse: {
      const std::vector<size_t> starts = CharStarts(args[0].s);
      std::string out;
      for (size_t i = starts.size(); i-- > 0;) {
        const size_t end = i + 1 < starts.size() ? starts[i + 1] : args[0].s.size();
        out += args[0].s.substr(starts[i], end - starts[i]);
      }
      return Value::Text(std::move(out));
    }
    case ScalarFn::kTrim:
    case ScalarFn::kLtrim:
    case ScalarFn::kRtrim: {
      const std::string chars = args.size() > 1 ? args[1].s : " ";
      return Value::Text(TrimChars(args[0].s, chars, fn != ScalarFn::kRtrim, fn != ScalarFn::kLtrim));
    }
    case ScalarFn::kReplace: {
      if (args[1].s.empty()) return args[0];
      std::string out;
      size_t from = 0;
      for (size_t at; (at = args[0].s.find(args[1].s, from)) != std::string::npos;) {
        out += args[0].s.substr(from, at - from);
        out += args[2].s;
        from = at + args[1].s.size();
      }
      out += args[0].s.substr(from);
      return Value::Text(std::move(out));
    }
    case ScalarFn::kSubstr: {
      // substr(s, from [, count]): 1-based; positions before 1 eat into count.
      const int64_t from = args[1].i;
      if (args.size() > 2) {
        if (args[2].i < 0) {
          ThrowSqlError("22011", pos, "negative substring length not allowed");
        }
        const int64_t end = from + args[2].i;
        return Value::Text(CharSlice(args[0].s, std::max<int64_t>(from, 1) - 1,
                                     std::max<int64_t>(end - std::max<int64_t>(from, 1), 0)));
      }
      return Value::Text(CharSlice(args[0].s, std::max<int64_t>(from, 1) - 1, -1));
    }
    case ScalarFn::kLeft:
    case ScalarFn::kRight: {
      const int64_t n = static_cast<int64_t>(CharStarts(args[0].s).size());
      int64_t k = args[1].i;
      if (k < 0) k = std::max<int64_t>(n + k, 0);
      k = std::min(k, n);
      return Value::Text(fn == ScalarFn::kLeft ? CharSlice(args[0].s, 0, k)
                                               : CharSlice(args[0].s, n - k, k));
    }
    case ScalarFn::kRepeat: {
      std::string out;
      if (args[1].i > 0 && args[0].s.size() * static_cast<size_t>(args[1].i) > (size_t{1} << 28)) {
        ThrowSqlError(kSqlStateProgramLimitExceeded, pos, "requested length too large");
      }
      for (int64_t i = 0; i < args[1].i; i++) out += args[0].s;
      return Value::Text(std::move(out));
    }
    case ScalarFn::kLpad:
    case ScalarFn::kRpad: {
      const std::string fill = args.size() > 2 ? args[2].s : " ";
      const int64_t want = args[1].i;
      const int64_t have = static_cast<int64_t>(CharStarts(args[0].s).size());
      if (want > (int64_t{1} << 28)) ThrowSqlError(kSqlStateProgramLimitExceeded, pos, "requested length too large");
      if (want <= have) return Value::Text(CharSlice(args[0].s, 0, std::max<int64_t>(want, 0)));
      if (fill.empty()) return args[0];
      std::string pad;
      const std::vector<size_t> fill_starts = CharStarts(fill);
      for (int64_t i = 0; i < want - have; i++) {
        const size_t k = static_cast<size_t>(i) % fill_starts.size();
        const size_t end = k + 1 < fill_starts.size() ? fill_starts[k + 1] : fill.size();
        pad += fill.substr(fill_starts[k], end - fill_starts[k]);
      }
      return Value::Text(fn == ScalarFn::kLpad ? pad + args[0].s : args[0].s + pad);
    }
    default:
      if (IsDatetimeFunction(fn)) return CallDatetimeFunction(fn, args, e.type, pos, ctx);
      break;
  }
  ThrowSqlError(kSqlStateInternalError, pos, "unknown function");
}

}  // namespace

Value Evaluate(const BoundExpr& e, const Row& row, ExecContext& ctx) {
  switch (e.kind) {
    case ExprKind::kConstant:
      return e.constant;
    case ExprKind::kColumn: {
      if (e.depth == 0) return row[static_cast<size_t>(e.index)];
      const Row& outer = *ctx.outer[ctx.outer.size() - static_cast<size_t>(e.depth)];
      return outer[static_cast<size_t>(e.index)];
    }
    case ExprKind::kParam: {
      const size_t i = static_cast<size_t>(e.index - 1);
      if (ctx.params == nullptr || i >= ctx.params->size()) {
        ThrowSqlError("08P01", e.position, "no value supplied for parameter $" + std::to_string(e.index));
      }
      const Value& v = (*ctx.params)[i];
      if (v.null || v.type == e.type.id || e.flag) return v;
      return CastValue(v, e.type, e.position);
    }
    case ExprKind::kNot: {
      const Value v = Evaluate(*e.children[0], row, ctx);
      return v.null ? v : Value::Bool(!v.i);
    }
    case ExprKind::kNegate: {
      const Value v = Evaluate(*e.children[0], row, ctx);
      if (v.null) return v;
      if (IsIntegerType(v.type)) return Value::Int(v.type, CheckIntRange(v.type, -int128{v.i}, e.position));
      if (v.type == TypeId::kNumeric) return Value::Numeric(Decimal{-v.dec.coefficient, v.dec.scale});
      return Value::Float(v.type, -v.f);
    }
    case ExprKind::kBitNot: {
      const Value v = Evaluate(*e.children[0], row, ctx);
      return v.null ? v : Value::Int(v.type, ~v.i);
    }
    case ExprKind::kArith: {
      const Value a = Evaluate(*e.children[0], row, ctx);
      if (a.null) return Value::Null(e.type.id);
      const Value b = Evaluate(*e.children[1], row, ctx);
      if (b.null) return Value::Null(e.type.id);
      return Arithmetic(e.op, a, b, e.type, e.position);
    }
    case ExprKind::kCompare: {
      const Value a = Evaluate(*e.children[0], row, ctx);
      if (a.null) return Value::Null(TypeId::kBool);
      const Value b = Evaluate(*e.children[1], row, ctx);
      if (b.null) return Value::Null(TypeId::kBool);
      return Value::Bool(CompareHolds(e.op, CompareValues(a, b)));
    }
    case ExprKind::kConcat: {
      const Value a = Evaluate(*e.children[0], row, ctx);
      const Value b = Evaluate(*e.children[1], row, ctx);
      if (a.null || b.null) return Value::Null(e.type.id);
      return Value::Text(a.s + b.s, e.type.id);
    }
    case ExprKind::kAnd: {
      const Value a = Evaluate(*e.children[0], row, ctx);
      if (!a.null && !a.i) return Value::Bool(false);
      const Value b = Evaluate(*e.children[1], row, ctx);
      if (!b.null && !b.i) return Value::Bool(false);
      return Bool3(!a.null && !b.null, true);
    }
    case ExprKind::kOr: {
      const Value a = Evaluate(*e.children[0], row, ctx);
      if (!a.null && a.i) return Value::Bool(true);
      const Value b = Evaluate(*e.children[1], row, ctx);
      if (!b.null && b.i) return Value::Bool(true);
      return Bool3(!a.null && !b.null, false);
    }
    case ExprKind::kIsNull: {
      const Value v = Evaluate(*e.children[0], row, ctx);
      return Value::Bool(v.null != e.negated);
    }
    case ExprKind::kIsBool: {
      const Value v = Evaluate(*e.children[0], row, ctx);
      bool r = false;
      switch (static_cast<IsTest>(e.index)) {
        case IsTest::kTrue: r = !v.null && v.i; break;
        case IsTest::kFalse: r = !v.null && !v.i; break;
        default: r = v.null; break;
      }
      return Value::Bool(r != e.negated);
    }
    case ExprKind::kDistinctFrom: {
      const Value a = Evaluate(*e.children[0], row, ctx);
      const Value b = Evaluate(*e.children[1], row, ctx);
      const bool distinct = !GroupEqual(a, b);
      return Value::Bool(distinct != e.negated);
    }
    case ExprKind::kCast:
      return CastValue(Evaluate(*e.children[0], row, ctx), e.type, e.position);
    case ExprKind::kCase: {
      const size_t pairs = (e.children.size() - (e.has_else ? 1 : 0)) / 2;
      for (size_t i = 0; i < pairs; i++) {
        if (EvaluatePredicate(*e.children[2 * i], row, ctx)) {
          return Evaluate(*e.children[2 * i + 1], row, ctx);
        }
      }
      return e.has_else ? Evaluate(*e.children.back(), row, ctx) : Value::Null(e.type.id);
    }
    case ExprKind::kInList: {
      const Value x = Evaluate(*e.children[0], row, ctx);
      std::vector<Value> values;
      values.reserve(e.children.size() - 1);
      for (size_t i = 1; i < e.children.size(); i++) values.push_back(Evaluate(*e.children[i], row, ctx));
      std::vector<const Value*> items;
      for (const Value& v : values) items.push_back(&v);
      Value r = InResult(x, items);
      if (e.negated && !r.null) r.i = !r.i;
      return r;
    }
    case ExprKind::kLike: {
      const Value text = Evaluate(*e.children[0], row, ctx);
      const Value pattern = Evaluate(*e.children[1], row, ctx);
      int escape = '\\';
      if (e.children.size() > 2) {
        const Value esc = Evaluate(*e.children[2], row, ctx);
        if (esc.null) return Value::Null(TypeId::kBool);
        if (esc.s.size() > 1) {
          ThrowSqlError("22025", e.position, "invalid escape string");
        }
        escape = esc.s.empty() ? -1 : static_cast<unsigned char>(esc.s[0]);
      }
      if (text.null || pattern.null) return Value::Null(TypeId::kBool);
      return Value::Bool(LikeMatch(text.s, pattern.s, escape, e.flag) != e.negated);
    }
    case ExprKind::kFunction:
      return CallFunction(e, row, ctx);
    case ExprKind::kAggregate:
      ThrowSqlError(kSqlStateInternalError, e.position, "aggregate evaluated outside aggregation");
    case ExprKind::kScalarSubquery: {
      std::shared_ptr<SubqueryResult> r = SubqueryRows(e, row, ctx, 2);
      if (r->rows.empty()) return Value::Null(e.type.id);
      if (r->rows.size() > 1) {
        ThrowSqlError(kSqlStateCardinalityViolation, e.position,
                      "more than one row returned by a subquery used as an expression");
      }
      return r->rows[0][0];
    }
    case ExprKind::kExists:
      return Value::Bool(!SubqueryRows(e, row, ctx, 1)->rows.empty());
    case ExprKind::kInSubquery: {
      const Value x = Evaluate(*e.children[0], row, ctx);
      std::shared_ptr<SubqueryResult> r = SubqueryRows(e, row, ctx, 0);
      std::vector<const Value*> items;
      items.reserve(r->rows.size());
      for (const Row& sub : r->rows) items.push_back(&sub[0]);
      Value result = InResult(x, items);
      if (e.negated && !result.null) result.i = !result.i;
      return result;
    }
  }
  ThrowSqlError(kSqlStateInternalError, e.position, "unknown expression");
}

bool EvaluatePredicate(const BoundExpr& e, const Row& row, ExecContext& ctx) {
  const Value v = Evaluate(e, row, ctx);
  return !v.null && v.i != 0;
}

Value EvaluateConstant(const BoundExpr& e) {
  ExecContext ctx;
  const Row empty;
  return Evaluate(e, empty, ctx);
}

}  // namespace zq::sql

// Function calls: scalar functions and aggregates, with PostgreSQL's
// argument and result types.
#include <algorithm>
#include <map>

#include "sql/lexer/sql_error.hpp"
#include "sql/planner/expr_binder.hpp"

namespace zq::sql {

namespace {

ColumnType T(TypeId id) { return ColumnType{id}; }

struct FnInfo {
  ScalarFn fn;
  int min_args, max_args;
};

const std::map<std::string, FnInfo, std::less<>>& ScalarFunctions() {
  static const std::map<std::string, FnInfo, std::less<>> fns = {
      {"abs", {ScalarFn::kAbs, 1, 1}},         {"round", {ScalarFn::kRound, 1, 2}},
      {"trunc", {ScalarFn::kTrunc, 1, 2}},     {"ceil", {ScalarFn::kCeil, 1, 1}},
      {"ceiling", {ScalarFn::kCeil, 1, 1}},    {"floor", {ScalarFn::kFloor, 1, 1}},
      {"sign", {ScalarFn::kSign, 1, 1}},       {"sqrt", {ScalarFn::kSqrt, 1, 1}},
      {"power", {ScalarFn::kPower, 2, 2}},     {"pow", {ScalarFn::kPower, 2, 2}},
      {"mod", {ScalarFn::kMod, 2, 2}},         {"length", {ScalarFn::kLength, 1, 1}},
      {"char_length", {ScalarFn::kLength, 1, 1}},
      {"character_length", {ScalarFn::kLength, 1, 1}},
      {"lower", {ScalarFn::kLower, 1, 1}},     {"upper", {ScalarFn::kUpper, 1, 1}},
      {"substr", {ScalarFn::kSubstr, 2, 3}},   {"substring", {ScalarFn::kSubstr, 2, 3}},
      {"btrim", {ScalarFn::kTrim, 1, 2}},      {"trim", {ScalarFn::kTrim, 1, 2}},
      {"ltrim", {ScalarFn::kLtrim, 1, 2}},     {"rtrim", {ScalarFn::kRtrim, 1, 2}},
      {"replace", {ScalarFn::kReplace, 3, 3}}, {"strpos", {ScalarFn::kPosition, 2, 2}},
      {"coalesce", {ScalarFn::kCoalesce, 1, 100}},
      {"nullif", {ScalarFn::kNullIf, 2, 2}},   {"greatest", {ScalarFn::kGreatest, 1, 100}},
      {"least", {ScalarFn::kLeast, 1, 100}},   {"random", {ScalarFn::kRandom, 0, 0}},
      {"concat", {ScalarFn::kConcat, 1, 100}}, {"left", {ScalarFn::kLeft, 2, 2}},
      {"right", {ScalarFn::kRight, 2, 2}},     {"repeat", {ScalarFn::kRepeat, 2, 2}},
      {"reverse", {ScalarFn::kReverse, 1, 1}}, {"lpad", {ScalarFn::kLpad, 2, 3}},
      {"rpad", {ScalarFn::kRpad, 2, 3}},
      {"now", {ScalarFn::kNow, 0, 0}},
      {"transaction_timestamp", {ScalarFn::kNow, 0, 0}},
      {"statement_timestamp", {ScalarFn::kStatementTimestamp, 0, 0}},
      {"date_part", {ScalarFn::kDatePart, 2, 2}},
      {"extract", {ScalarFn::kExtract, 2, 2}},
      {"date_trunc", {ScalarFn::kDateTrunc, 2, 2}},
      {"make_date", {ScalarFn::kMakeDate, 3, 3}},
      {"make_timestamp", {ScalarFn::kMakeTimestamp, 6, 6}},
      {"to_timestamp", {ScalarFn::kToTimestamp, 1, 1}},
  };
  return fns;
}

bool IsAggregateName(std::string_view name) {
  for (const char* a : {"count", "sum", "avg", "min", "max", "string_agg", "bool_and", "bool_or",
                        "every"}) {
    if (name == a) return true;
  }
  return false;
}

bool IsUnknown(const BoundExpr& e) {
  return e.type.id == TypeId::kNull || (e.kind == ExprKind::kConstant && e.flag) ||
         (e.kind == ExprKind::kParam && e.flag);
}

[[noreturn]] void NoFunction(const std::string& name, const std::vector<BoundPtr>& args,
                             uint32_t position) {
  std::string sig = name + "(";
  for (size_t i = 0; i < args.size(); i++) {
    if (i > 0) sig += ", ";
    sig += catalog::TypeName(ColumnType{args[i]->type.id});
  }
  sig += ")";
  ThrowSqlError(kSqlStateUndefinedFunction, position, "function " + sig + " does not exist");
}

}  // namespace

BoundPtr ExprBinder::BindAggregate(const FunctionExpr& fn, uint32_t position) {
  const std::string& name = fn.name.back();
  if (!allow_aggregates_) {
    ThrowSqlError(kSqlStateGroupingError, position,
                  "aggregate functions are not allowed " +
                      std::string(in_aggregate_ ? "inside another aggregate" : "here"));
  }
  auto e = std::make_unique<BoundExpr>();
  e->kind = ExprKind::kAggregate;
  e->position = position;
  e->name = name == "every" ? "bool_and" : name;
  e->flag = fn.distinct;
  allow_aggregates_ = false;
  in_aggregate_ = true;
  std::vector<BoundPtr> args;
  for (const ExprPtr& a : fn.args) args.push_back(Bind(*a));
  BoundPtr filter;
  if (fn.filter) filter = BindBoolean(*fn.filter, "FILTER");
  allow_aggregates_ = true;
  in_aggregate_ = false;
  const size_t want = fn.star ? 0 : (e->name == "string_agg" ? 2 : 1);
  if (fn.star && e->name != "count") NoFunction(name + "(*)", {}, position);
  if (args.size() != want) NoFunction(name, args, position);
  for (BoundPtr& a : args) {
    if (IsUnknown(*a)) a = Planner::CastTo(std::move(a), T(TypeId::kText), position);
  }
  const TypeId t = want > 0 ? args[0]->type.id : TypeId::kNull;
  if (e->name == "count") {
    e->type = T(TypeId::kInt8);
  } else if (e->name == "sum") {
    if (t == TypeId::kInt2 || t == TypeId::kInt4) {
      e->type = T(TypeId::kInt8);
    } else if (t == TypeId::kInt8 || t == TypeId::kNumeric) {
      e->type = T(TypeId::kNumeric);
    } else if (IsFloatType(t)) {
      e->type = T(t);
    } else {
      NoFunction(name, args, position);
    }
  } else if (e->name == "avg") {
    if (IsIntegerType(t) || t == TypeId::kNumeric) {
      e->type = T(TypeId::kNumeric);
    } else if (IsFloatType(t)) {
      e->type = T(TypeId::kFloat8);
    } else {
      NoFunction(name, args, position);
    }
  } else if (e->name == "min" || e->name == "max") {
    e->type = T(t);
  } else if (e->name == "string_agg") {
    if (t != TypeId::kText && t != TypeId::kBytea) NoFunction(name, args, position);
    args[1] = Planner::CastTo(std::move(args[1]), T(t), position);
    e->type = T(t);
  } else {  // bool_and, bool_or
    if (t != TypeId::kBool) NoFunction(name, args, position);
    e->type = T(TypeId::kBool);
  }
  e->index = static_cast<int>(args.size());
  for (BoundPtr& a : args) e->children.push_back(std::move(a));
  if (filter) e->children.push_back(std::move(filter));
  return e;
}

BoundPtr ExprBinder::BindFunction(const FunctionExpr& fn, uint32_t position) {
  if (fn.name.size() > 1 && !(fn.name.size() == 2 && fn.name[0] == "pg_catalog")) {
    ThrowSqlError(kSqlStateUndefinedFunction, position,
                  "function " + fn.name[0] + "." + fn.name.back() + " does not exist");
  }
  const std::string& name = fn.name.back();
  if (IsAggregateName(name)) return BindAggregate(fn, position);
  if (fn.star || fn.distinct || fn.filter) {
    ThrowSqlError(kSqlStateWrongObjectType, position,
                  name + " is not an aggregate function");
  }
  auto it = ScalarFunctions().find(name);
  std::vector<BoundPtr> args;
  for (const ExprPtr& a : fn.args) args.push_back(Bind(*a));
  if (it == ScalarFunctions().end()) NoFunction(name, args, position);
  const FnInfo info = it->second;
  if (static_cast<int>(args.size()) < info.min_args ||
      static_cast<int>(args.size()) > info.max_args) {
    NoFunction(name, args, position);
  }
  auto e = std::make_unique<BoundExpr>();
  e->kind = ExprKind::kFunction;
  e->position = position;
  e->name = name;
  e->index = static_cast<int>(info.fn);
  auto as = [&](size_t i, TypeId t) {
    args[i] = Planner::CastTo(std::move(args[i]), T(t), position);
  };
  auto numeric_arg = [&](size_t i) {
    if (IsUnknown(*args[i])) as(i, args[i]->type.id == TypeId::kNull ? TypeId::kInt4 : TypeId::kFloat8);
    if (!IsNumericCategory(args[i]->type.id)) NoFunction(name, args, position);
    return args[i]->type.id;
  };
  auto text_arg = [&](size_t i) {
    if (IsUnknown(*args[i])) as(i, TypeId::kText);
    if (args[i]->type.id != TypeId::kText) NoFunction(name, args, position);
  };
  switch (info.fn) {
    case ScalarFn::kAbs:
    case ScalarFn::kSign:
      e->type = T(numeric_arg(0));
      if (info.fn == ScalarFn::kSign && IsIntegerType(e->type.id)) {
        as(0, TypeId::kFloat8);
        e->type = T(TypeId::kFloat8);
      }
      break;
    case ScalarFn::kRound:
    case ScalarFn::kTrunc:
    case ScalarFn::kCeil:
    case ScalarFn::kFloor: {
      TypeId t = numeric_arg(0);
      if (args.size() == 2) {
        as(0, TypeId::kNumeric);
        if (!IsIntegerType(numeric_arg(1))) NoFunction(name, args, position);
        as(1, TypeId::kInt4);
        t = TypeId::kNumeric;
      } else if (IsIntegerType(t)) {
        as(0, TypeId::kFloat8);  // round(int) resolves to round(double precision)
        t = TypeId::kFloat8;
      } else if (t == TypeId::kFloat4) {
        as(0, TypeId::kFloat8);
        t = TypeId::kFloat8;
      }
      e->type = T(t);
      break;
    }
    case ScalarFn::kSqrt:
    case ScalarFn::kPower: {
      TypeId t = TypeId::kFloat8;
      for (size_t i = 0; i < args.size(); i++) {
        if (numeric_arg(i) == TypeId::kNumeric) t = TypeId::kNumeric;
      }
      for (size_t i = 0; i < args.size(); i++) as(i, t);
      e->type = T(t);
      break;
    }
    case ScalarFn::kMod: {
      const TypeId t = PromoteNumeric(numeric_arg(0), numeric_arg(1));
      if (IsFloatType(t)) NoFunction(name, args, position);
      as(0, t);
      as(1, t);
      e->type = T(t);
      break;
    }
    case ScalarFn::kLength:
      text_arg(0);
      e->type = T(TypeId::kInt4);
      break;
    case ScalarFn::kPosition:
      text_arg(0);
      text_arg(1);
      e->type = T(TypeId::kInt4);
      break;
    case ScalarFn::kLower:
    case ScalarFn::kUpper:
    case ScalarFn::kReverse:
    case ScalarFn::kTrim:
    case ScalarFn::kLtrim:
    case ScalarFn::kRtrim:
    case ScalarFn::kReplace:
      for (size_t i = 0; i < args.size(); i++) text_arg(i);
      e->type = T(TypeId::kText);
      break;
    case ScalarFn::kSubstr:
    case ScalarFn::kLeft:
    case ScalarFn::kRight:
    case ScalarFn::kRepeat:
    case ScalarFn::kLpad:
    case ScalarFn::kRpad:
      text_arg(0);
      for (size_t i = 1; i < args.size(); i++) {
        if (info.fn == ScalarFn::kLpad || info.fn == ScalarFn::kRpad) {
          if (i == 2) {
            text_arg(i);
            continue;
          }
        }
        if (!IsIntegerType(numeric_arg(i))) NoFunction(name, args, position);
        as(i, TypeId::kInt4);
      }
      e->type = T(TypeId::kText);
      break;
    case ScalarFn::kConcat:
      for (size_t i = 0; i < args.size(); i++) as(i, TypeId::kText);
      e->type = T(TypeId::kText);
      break;
    case ScalarFn::kCoalesce:
    case ScalarFn::kGreatest:
    case ScalarFn::kLeast: {
      std::vector<const BoundExpr*> views;
      for (const BoundPtr& a : args) views.push_back(a.get());
      ColumnType t = CommonType(views, position, name == "coalesce" ? "COALESCE" : "GREATEST/LEAST");
      if (t.id == TypeId::kNull) t = T(TypeId::kText);
      for (size_t i = 0; i < args.size(); i++) as(i, t.id);
      e->type = t;
      break;
    }
    case ScalarFn::kNullIf: {
      // The result has the first argument's type; the comparison promotes.
      std::vector<const BoundExpr*> views{args[0].get(), args[1].get()};
      ColumnType t = CommonType(views, position, "NULLIF");
      if (t.id == TypeId::kNull) t = T(TypeId::kText);
      if (IsUnknown(*args[0])) as(0, t.id);
      if (IsUnknown(*args[1])) as(1, t.id);
      e->type = ColumnType{args[0]->type.id};
      break;
    }
    case ScalarFn::kRandom:
      e->type = T(TypeId::kFloat8);
      break;
    case ScalarFn::kNow:
    case ScalarFn::kStatementTimestamp:
    case ScalarFn::kCurrentDate:
    case ScalarFn::kLocalTimestamp:
      e->type = T(ClockType(info.fn));
      break;
    case ScalarFn::kDatePart:
    case ScalarFn::kExtract:
    case ScalarFn::kDateTrunc: {
      text_arg(0);
      if (IsUnknown(*args[1])) as(1, TypeId::kTimestampTz);
      const TypeId t = args[1]->type.id;
      if (!IsDatetimeType(t)) NoFunction(name, args, position);
      if (info.fn == ScalarFn::kDateTrunc) {
        // date_trunc(field, date) works on the date's midnight, as timestamptz.
        if (t == TypeId::kDate) as(1, TypeId::kTimestampTz);
        e->type = T(args[1]->type.id);
      } else {
        e->type = T(info.fn == ScalarFn::kExtract ? TypeId::kNumeric : TypeId::kFloat8);
      }
      break;
    }
    case ScalarFn::kMakeDate:
    case ScalarFn::kMakeTimestamp:
      for (size_t i = 0; i < args.size(); i++) {
        const bool seconds = info.fn == ScalarFn::kMakeTimestamp && i == 5;
        const TypeId t = numeric_arg(i);
        if (!seconds && !IsIntegerType(t)) NoFunction(name, args, position);
        as(i, seconds ? TypeId::kFloat8 : TypeId::kInt4);
      }
      e->type = T(info.fn == ScalarFn::kMakeDate ? TypeId::kDate : TypeId::kTimestamp);
      break;
    case ScalarFn::kToTimestamp:
      numeric_arg(0);
      as(0, TypeId::kFloat8);
      e->type = T(TypeId::kTimestampTz);
      break;
  }
  for (BoundPtr& a : args) e->children.push_back(std::move(a));
  return e;
}

}  // namespace zq::sql

#include "sql/executor/aggregate_state.hpp"

#include <optional>

#include "sql/lexer/sql_error.hpp"

namespace zq::sql {

uint64_t RememberDistinct(AggState& s, const Value& v) {
  std::string key;
  AppendOrderedKey(v, &key);
  const uint64_t bytes = key.size() + 32;
  return s.seen.insert(std::move(key)).second ? bytes : 0;
}

void AggregateValue(const AggregateSpec& spec, AggState& s, Value v, const Value& separator) {
  s.count++;
  const std::string& name = spec.name;
  if (name == "count") return;
  if (name == "sum" || name == "avg") {
    if (IsIntegerType(v.type)) {
      s.int_sum += v.i;
    } else if (v.type == TypeId::kNumeric) {
      std::optional<Decimal> d = DecimalAdd(s.dec_sum, v.dec);
      if (!d) {
        ThrowSqlError(kSqlStateNumericValueOutOfRange, spec.args[0]->position,
                      "numeric sum out of range");
      }
      s.dec_sum = *d;
    } else {
      s.float_sum += v.f;
    }
    s.best.type = v.type;
    return;
  }
  if (name == "min" || name == "max") {
    if (!s.any || (name == "min" ? CompareValues(v, s.best) < 0 : CompareValues(v, s.best) > 0)) {
      s.best = std::move(v);
    }
    s.any = true;
    return;
  }
  if (name == "string_agg") {
    if (s.any && !separator.null) s.text += separator.s;
    s.text += v.s;
    s.any = true;
    return;
  }
  if (name == "bool_and") {
    s.bool_value = s.any ? (s.bool_value && v.i) : v.i != 0;
  } else {  // bool_or
    s.bool_value = s.any ? (s.bool_value || v.i) : v.i != 0;
  }
  s.any = true;
}

Value FinishAggregate(const AggregateSpec& spec, const AggState& s) {
  const std::string& name = spec.name;
  const uint32_t pos = spec.args.empty() ? 0 : spec.args[0]->position;
  if (name == "count") return Value::Int(TypeId::kInt8, s.count);
  if (s.count == 0 && name != "string_agg") return Value::Null(spec.type.id);
  if (name == "sum" || name == "avg") {
    const TypeId in = s.best.type;
    Value total;
    if (IsIntegerType(in)) {
      if (spec.type.id == TypeId::kInt8 && name == "sum") {
        return Value::Int(TypeId::kInt8, CheckIntRange(TypeId::kInt8, s.int_sum, pos));
      }
      total = Value::Numeric(Decimal{s.int_sum, 0});
    } else if (in == TypeId::kNumeric) {
      total = Value::Numeric(s.dec_sum);
    } else {
      total = Value::Float(spec.type.id, s.float_sum);
    }
    if (name == "sum") return total;
    if (total.type == TypeId::kNumeric) {
      std::optional<Decimal> avg = DecimalDiv(total.dec, Decimal::FromInt(s.count));
      if (!avg) ThrowSqlError(kSqlStateNumericValueOutOfRange, pos, "numeric avg out of range");
      return Value::Numeric(*avg);
    }
    return Value::Float(TypeId::kFloat8, total.f / static_cast<double>(s.count));
  }
  if (name == "min" || name == "max") return s.best;
  if (name == "string_agg") return s.any ? Value::Text(s.text, spec.type.id) : Value::Null(spec.type.id);
  return Value::Bool(s.bool_value);
}

}  // namespace zq::sql

#include "storage/store/merged_cursor.hpp"

namespace zq::storage {

void MergedCursor::Take(std::string_view key, std::string_view value) {
  key_.assign(key);
  value_.assign(value);
  on_base_ = false;
  valid_ = true;
}

Status MergedCursor::Forward(std::string_view from, bool inclusive, bool base_positioned) {
  std::string target(from);
  valid_ = false;
  while (true) {
    if (!inclusive) target.push_back('\0');  // the smallest key after `from`
    bool have_base = false;
    if (base_) {
      if (!base_positioned) ZQ_RETURN_IF_ERROR(base_->Seek(target));
      base_positioned = false;
      have_base = base_->Valid();
    }
    auto op = ops_->lower_bound(target);
    bool have_op = op != ops_->end();
    if (!have_base && !have_op) return Status::Ok();
    bool use_op = have_op && (!have_base || op->first <= base_->key());
    if (!use_op) {
      TakeBase();
      return Status::Ok();
    }
    if (op->second) {
      Take(op->first, *op->second);
      return Status::Ok();
    }
    target = op->first;  // a buffered delete: skip past it
    inclusive = false;
  }
}

Status MergedCursor::Backward(std::string_view from, bool inclusive) {
  std::string target(from);
  valid_ = false;
  while (true) {
    bool have_base = false;
    if (base_) {
      ZQ_RETURN_IF_ERROR(base_->SeekForPrev(target));
      if (!inclusive && base_->Valid() && base_->key() == target) {
        ZQ_RETURN_IF_ERROR(base_->Prev());
      }
      have_base = base_->Valid();
    }
    auto op = inclusive ? ops_->upper_bound(target) : ops_->lower_bound(target);
    bool have_op = op != ops_->begin();
    if (have_op) --op;
    if (!have_base && !have_op) return Status::Ok();
    bool use_op = have_op && (!have_base || op->first >= base_->key());
    if (!use_op) {
      TakeBase();
      return Status::Ok();
    }
    if (op->second) {
      Take(op->first, *op->second);
      return Status::Ok();
    }
    target = op->first;
    inclusive = false;
  }
}

Status MergedCursor::SeekLast() {
  valid_ = false;
  bool have_base = false;
  if (base_) {
    ZQ_RETURN_IF_ERROR(base_->SeekLast());
    have_base = base_->Valid();
  }
  bool have_op = !ops_->empty();
  if (!have_base && !have_op) return Status::Ok();
  std::string last = have_base ? std::string(base_->key()) : std::string();
  if (have_op && (!have_base || ops_->rbegin()->first > last)) last = ops_->rbegin()->first;
  return Backward(last, true);
}

Status MergedCursor::Next() {
  if (!valid_) return Status::InvalidArgument("cursor is not positioned");
  // A scan with no buffered writes in the tree (the common read) only
  // steps the snapshot cursor.
  if (on_base_ && ops_->empty()) {
    ZQ_RETURN_IF_ERROR(base_->Next());
    valid_ = base_->Valid();
    return Status::Ok();
  }
  // When the snapshot cursor sits on the current key, its next entry is the
  // first snapshot key after it: step instead of seeking from the root (the
  // snapshot never changes; only the op map may have).
  std::string current(key());
  bool positioned = false;
  if (base_ && base_->Valid() && base_->key() == current) {
    ZQ_RETURN_IF_ERROR(base_->Next());
    positioned = true;
  }
  return Forward(current, false, positioned);
}

Status MergedCursor::Prev() {
  if (!valid_) return Status::InvalidArgument("cursor is not positioned");
  return Backward(std::string(key()), false);
}

}  // namespace zq::storage

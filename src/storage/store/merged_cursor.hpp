// MergedCursor: a write transaction's view of one tree — its buffered ops
// laid over the snapshot's tree. Buffered puts win; buffered deletes hide.
// Each step finds the next op by key, so the cursor stays correct while the
// transaction keeps writing (the op map only grows or changes values); the
// snapshot side steps its cursor when it is still on the current key.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "storage/btree/btree.hpp"
#include "storage/store/change_set.hpp"
#include "storage/store/store.hpp"

namespace zq::storage {

class MergedCursor : public Cursor {
 public:
  MergedCursor(std::unique_ptr<TreeCursor> base, const OpMap* ops) : base_(std::move(base)), ops_(ops) {}

  Status SeekFirst() override { return Forward("", true); }
  Status SeekLast() override;
  Status Seek(std::string_view key) override { return Forward(key, true); }
  Status SeekForPrev(std::string_view key) override { return Backward(key, true); }
  Status Next() override;
  Status Prev() override;
  bool Valid() const override { return valid_; }
  std::string_view key() const override { return on_base_ ? base_->key() : std::string_view(key_); }
  std::string_view value() const override {
    return on_base_ ? base_->value() : std::string_view(value_);
  }
  // A run of the snapshot's entries when no buffered write is in the tree.
  size_t ReadRun(std::pair<std::string_view, std::string_view>* out, size_t max) override {
    if (on_base_ && valid_ && ops_->empty()) return base_->ReadRun(out, max);
    return Cursor::ReadRun(out, max);
  }

 private:
  // `base_positioned`: base_ already sits on the first snapshot key after
  // `from` (so the first round skips the seek).
  Status Forward(std::string_view from, bool inclusive, bool base_positioned = false);
  Status Backward(std::string_view from, bool inclusive);
  Status BackwardFromEnd();
  void Take(std::string_view key, std::string_view value);
  // The current entry is the snapshot cursor's own (no copy).
  void TakeBase() {
    on_base_ = true;
    valid_ = true;
  }

  std::unique_ptr<TreeCursor> base_;
  const OpMap* ops_;
  bool valid_ = false;
  bool on_base_ = false;  // key()/value() read base_; otherwise key_/value_
  std::string key_;
  std::string value_;
};

}  // namespace zq::storage

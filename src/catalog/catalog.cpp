#include "catalog/catalog.hpp"

#include <atomic>

namespace zq::catalog {

namespace {
std::atomic<uint64_t> next_generation{1};
}  // namespace

Result<Catalog> Catalog::Load(storage::WriteTxn* txn) {
  Catalog catalog;
  catalog.generation_ = next_generation++;
  ZQ_ASSIGN_OR_RETURN(bool exists, txn->TreeExists(kCatalogTree));
  if (!exists) return catalog;
  ZQ_ASSIGN_OR_RETURN(std::unique_ptr<storage::Cursor> cursor, txn->NewCursor(kCatalogTree));
  ZQ_RETURN_IF_ERROR(cursor->SeekFirst());
  while (cursor->Valid()) {
    ZQ_ASSIGN_OR_RETURN(RecordKind kind, PeekRecordKind(cursor->value()));
    if (kind == RecordKind::kTable) {
      ZQ_ASSIGN_OR_RETURN(TableDef table, DecodeTable(cursor->value()));
      if (table.name != cursor->key()) return Status::Corruption("catalog: key/name mismatch");
      catalog.tables_.emplace(table.name, std::move(table));
    } else {
      ZQ_ASSIGN_OR_RETURN(ViewDef view, DecodeView(cursor->value()));
      if (view.name != cursor->key()) return Status::Corruption("catalog: key/name mismatch");
      catalog.views_.emplace(view.name, std::move(view));
    }
    ZQ_RETURN_IF_ERROR(cursor->Next());
  }
  return catalog;
}

const TableDef* Catalog::FindTable(std::string_view name) const {
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : &it->second;
}

const ViewDef* Catalog::FindView(std::string_view name) const {
  auto it = views_.find(name);
  return it == views_.end() ? nullptr : &it->second;
}

const TableDef* Catalog::FindIndexOwner(std::string_view name) const {
  for (const auto& [table_name, table] : tables_) {
    if (table.FindIndex(name) != nullptr) return &table;
  }
  return nullptr;
}

bool Catalog::NameInUse(std::string_view name) const {
  return FindTable(name) != nullptr || FindView(name) != nullptr ||
         FindIndexOwner(name) != nullptr;
}

Status Catalog::EnsureTree(storage::WriteTxn* txn) {
  ZQ_ASSIGN_OR_RETURN(bool exists, txn->TreeExists(kCatalogTree));
  if (exists) return Status::Ok();
  return txn->CreateTreeWithId(kCatalogTree);
}

Status Catalog::PutTable(storage::WriteTxn* txn, TableDef table) {
  generation_ = next_generation++;
  ZQ_RETURN_IF_ERROR(EnsureTree(txn));
  ZQ_RETURN_IF_ERROR(txn->Put(kCatalogTree, table.name, EncodeTable(table)));
  std::string name = table.name;
  tables_.insert_or_assign(std::move(name), std::move(table));
  return Status::Ok();
}

Status Catalog::PutView(storage::WriteTxn* txn, ViewDef view) {
  generation_ = next_generation++;
  ZQ_RETURN_IF_ERROR(EnsureTree(txn));
  ZQ_RETURN_IF_ERROR(txn->Put(kCatalogTree, view.name, EncodeView(view)));
  std::string name = view.name;
  views_.insert_or_assign(std::move(name), std::move(view));
  return Status::Ok();
}

Status Catalog::DropRelation(storage::WriteTxn* txn, std::string_view name) {
  generation_ = next_generation++;
  ZQ_RETURN_IF_ERROR(EnsureTree(txn));
  ZQ_RETURN_IF_ERROR(txn->Delete(kCatalogTree, name));
  if (auto it = tables_.find(name); it != tables_.end()) tables_.erase(it);
  if (auto it = views_.find(name); it != views_.end()) views_.erase(it);
  return Status::Ok();
}

bool Catalog::AddSystemTable(TableDef table) {
  if (NameInUse(table.name)) return false;
  generation_ = next_generation++;
  std::string name = table.name;
  tables_.emplace(std::move(name), std::move(table));
  return true;
}

}  // namespace zq::catalog

// Catalog: the SQL schema of one database, stored in its own tree (one record
// per table or view, keyed by the relation name), so it survives reopen and
// DDL is transactional: a transaction edits its own copy, writes the records
// through its WriteTxn, and the copy becomes current when the transaction
// commits (a rollback simply drops the copy).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "catalog/schema.hpp"
#include "storage/store/store.hpp"
#include "util/result.hpp"

namespace zq::catalog {

// Reserved tree ids (storage::kFirstDynamicTreeId bounds them; the ledger
// uses 100..123).
inline constexpr storage::TreeId kCatalogTree = 10;

class Catalog {
 public:
  // Reads every record of the catalog tree; an empty catalog when the tree
  // does not exist yet.
  static Result<Catalog> Load(storage::WriteTxn* txn);

  const TableDef* FindTable(std::string_view name) const;
  const ViewDef* FindView(std::string_view name) const;
  // True when a table, view or index already uses the name (one namespace,
  // as PostgreSQL's relations).
  bool NameInUse(std::string_view name) const;
  // The table that owns index `name`, or null.
  const TableDef* FindIndexOwner(std::string_view name) const;

  const std::map<std::string, TableDef, std::less<>>& tables() const { return tables_; }
  // Changes whenever this schema changes, and is unique in the process: two
  // catalogs with the same generation hold the same schema (plan caching).
  uint64_t generation() const { return generation_; }
  const std::map<std::string, ViewDef, std::less<>>& views() const { return views_; }

  // Writes (creates or replaces) the record and updates this copy.
  Status PutTable(storage::WriteTxn* txn, TableDef table);
  Status PutView(storage::WriteTxn* txn, ViewDef view);
  // Deletes the record of a table or view (not its data trees).
  Status DropRelation(storage::WriteTxn* txn, std::string_view name);
  // Adds a table to this copy only (never written): the engine's packed
  // tables. False when the name is taken.
  bool AddSystemTable(TableDef table);

 private:
  Status EnsureTree(storage::WriteTxn* txn);

  std::map<std::string, TableDef, std::less<>> tables_;
  std::map<std::string, ViewDef, std::less<>> views_;
  uint64_t generation_ = 0;  // 0: as loaded from the store
};

}  // namespace zq::catalog

#include "engine/ledger_tables.hpp"

#include <cstddef>

#include "ledger/kv_ledger_store.hpp"
#include "ledger/types.hpp"

namespace zq::engine {

namespace {

using catalog::ColumnDef;
using catalog::ColumnType;
using catalog::IndexDef;
using catalog::PackedField;
using catalog::TableDef;
using catalog::TypeId;

ColumnType TypeFor(size_t bytes) {
  switch (bytes) {
    case 16: return ColumnType{TypeId::kNumeric, 38, 0, -1};
    case 8: return ColumnType{TypeId::kInt8};  // timestamps (< 2^63)
    case 4: return ColumnType{TypeId::kInt8};  // u32 does not fit integer
    default: return ColumnType{TypeId::kInt4};  // u16
  }
}

class Builder {
 public:
  Builder(std::string name, storage::TreeId tree, uint32_t record_bytes) {
    table_.name = std::move(name);
    table_.tree = tree;
    table_.packed_bytes = record_bytes;
  }
  // A column stored in the record (little-endian) ...
  Builder& Value(const char* name, size_t offset, size_t bytes) {
    return Add(name, false, offset, bytes, TypeFor(bytes));
  }
  // ... one of 64 unsigned bits that may use all of them ...
  Builder& Value64(const char* name, size_t offset) {
    return Add(name, false, offset, 8, ColumnType{TypeId::kNumeric, 20, 0, -1});
  }
  // ... or in the key (big-endian), part of the primary key.
  Builder& Key(const char* name, size_t offset, size_t bytes) {
    table_.primary_key.push_back(static_cast<uint32_t>(table_.columns.size()));
    return Add(name, true, offset, bytes, TypeFor(bytes));
  }
  // An index of the ledger: tree `index` keyed by (column, timestamp).
  Builder& Index(const char* column, ledger::IndexId index) {
    IndexDef def;
    def.name = table_.name + "_" + column + "_idx";
    def.tree = ledger::kTreeIndexFirst + static_cast<storage::TreeId>(index);
    if (std::string_view(column) != "timestamp") def.columns.push_back(Column(column));
    def.columns.push_back(Column("timestamp"));
    def.descending.assign(def.columns.size(), false);
    table_.indexes.push_back(std::move(def));
    return *this;
  }
  TableDef Build() { return std::move(table_); }

 private:
  Builder& Add(const char* name, bool in_key, size_t offset, size_t bytes, ColumnType type) {
    ColumnDef c;
    c.name = name;
    c.type = type;
    c.not_null = true;
    table_.columns.push_back(std::move(c));
    // In keys the ledger writes ids and field values with their length
    // (ledger/kv_ledger_store.hpp), timestamps at full width.
    const bool varying = std::string_view(name) != "timestamp";
    table_.packed.push_back(PackedField{in_key, static_cast<uint16_t>(offset),
                                        static_cast<uint8_t>(bytes), varying});
    return *this;
  }
  uint32_t Column(std::string_view name) const {
    for (size_t i = 0; i < table_.columns.size(); i++) {
      if (table_.columns[i].name == name) return static_cast<uint32_t>(i);
    }
    return 0;  // unreachable: the names below are the table's own
  }
  TableDef table_;
};

#define ZQ_FIELD(Record, field) offsetof(ledger::Record, field), sizeof(ledger::Record::field)

TableDef Accounts() {
  return Builder("ledger_accounts", ledger::kTreeAccounts, sizeof(ledger::Account))
      .Key("id", 0, 16)
      .Value("debits_pending", ZQ_FIELD(Account, debits_pending))
      .Value("debits_posted", ZQ_FIELD(Account, debits_posted))
      .Value("credits_pending", ZQ_FIELD(Account, credits_pending))
      .Value("credits_posted", ZQ_FIELD(Account, credits_posted))
      .Value("user_data_128", ZQ_FIELD(Account, user_data_128))
      .Value64("user_data_64", offsetof(ledger::Account, user_data_64))
      .Value("user_data_32", ZQ_FIELD(Account, user_data_32))
      .Value("ledger", ZQ_FIELD(Account, ledger))
      .Value("code", ZQ_FIELD(Account, code))
      .Value("flags", ZQ_FIELD(Account, flags))
      .Value("timestamp", ZQ_FIELD(Account, timestamp))
      // Only indexes of fields that are never zero: the ledger leaves zero
      // values out of its indexes, so `= 0` through one would miss rows.
      .Index("ledger", ledger::IndexId::kAccountLedger)
      .Index("code", ledger::IndexId::kAccountCode)
      .Index("timestamp", ledger::IndexId::kAccountTimestamp)
      .Build();
}

TableDef Transfers() {
  return Builder("ledger_transfers", ledger::kTreeTransfers, sizeof(ledger::Transfer))
      .Key("id", 0, 16)
      .Value("debit_account_id", ZQ_FIELD(Transfer, debit_account_id))
      .Value("credit_account_id", ZQ_FIELD(Transfer, credit_account_id))
      .Value("amount", ZQ_FIELD(Transfer, amount))
      .Value("pending_id", ZQ_FIELD(Transfer, pending_id))
      .Value("user_data_128", ZQ_FIELD(Transfer, user_data_128))
      .Value64("user_data_64", offsetof(ledger::Transfer, user_data_64))
      .Value("user_data_32", ZQ_FIELD(Transfer, user_data_32))
      .Value("timeout", ZQ_FIELD(Transfer, timeout))
      .Value("ledger", ZQ_FIELD(Transfer, ledger))
      .Value("code", ZQ_FIELD(Transfer, code))
      .Value("flags", ZQ_FIELD(Transfer, flags))
      .Value("timestamp", ZQ_FIELD(Transfer, timestamp))
      // Stored transfers (posts and voids too) always carry both accounts,
      // a ledger and a code.
      .Index("debit_account_id", ledger::IndexId::kTransferDebitAccountId)
      .Index("credit_account_id", ledger::IndexId::kTransferCreditAccountId)
      .Index("ledger", ledger::IndexId::kTransferLedger)
      .Index("code", ledger::IndexId::kTransferCode)
      .Index("timestamp", ledger::IndexId::kTransferTimestamp)
      .Build();
}

TableDef Balances() {
  return Builder("ledger_account_balances", ledger::kTreeBalances, sizeof(ledger::AccountBalance))
      .Key("account_id", 0, 16)
      .Key("timestamp", 16, 8)
      .Value("debits_pending", ZQ_FIELD(AccountBalance, debits_pending))
      .Value("debits_posted", ZQ_FIELD(AccountBalance, debits_posted))
      .Value("credits_pending", ZQ_FIELD(AccountBalance, credits_pending))
      .Value("credits_posted", ZQ_FIELD(AccountBalance, credits_posted))
      .Build();
}

#undef ZQ_FIELD

}  // namespace

Status AddLedgerTables(storage::WriteTxn* txn, catalog::Catalog* catalog) {
  ZQ_ASSIGN_OR_RETURN(bool has_ledger, txn->TreeExists(ledger::kTreeMeta));
  if (!has_ledger) return Status::Ok();
  // A user table that took a name first keeps it; the ledger's is not shown.
  catalog->AddSystemTable(Accounts());
  catalog->AddSystemTable(Transfers());
  catalog->AddSystemTable(Balances());
  return Status::Ok();
}

}  // namespace zq::engine

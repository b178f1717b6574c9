// The ledger's trees as read-only SQL tables (docs/ledger.md, "SQL"):
//   ledger_accounts          one row per account, keyed by id
//   ledger_transfers         one row per transfer, keyed by id, with indexes
//                            on debit_account_id, credit_account_id, ledger,
//                            code and timestamp
//   ledger_account_balances  balance history (accounts with `history`), keyed
//                            by (account_id, timestamp)
// They read the ledger's own records (catalog::TableDef::packed), so they are
// always current and cost nothing to keep. 128-bit values are numeric(38,0):
// reading a value of 10^38 or more is an error (22003); u64 user data is
// numeric(20,0), u32 and timestamps bigint, u16 integer.
#pragma once

#include "catalog/catalog.hpp"
#include "storage/store/store.hpp"
#include "util/result.hpp"

namespace zq::engine {

// Adds the tables to `catalog` when the database holds a ledger (and no user
// table has taken a name). `txn` tells whether the ledger's trees exist.
Status AddLedgerTables(storage::WriteTxn* txn, catalog::Catalog* catalog);

}  // namespace zq::engine

// Index entries of accounts and transfers (ledger_store.hpp).
#include "ledger/ledger_store.hpp"

#include "util/assert.hpp"

namespace zq::ledger {

AccountIndexEntries IndexEntriesOf(const Account& a) {
  ZQ_ASSERT(a.id != 0);
  ZQ_ASSERT(a.timestamp != 0);
  AccountIndexEntries out{};
  out.entries = {{
      {IndexId::kAccountTimestamp, 0},
      {IndexId::kAccountUserData128, a.user_data_128},
      {IndexId::kAccountUserData64, a.user_data_64},
      {IndexId::kAccountUserData32, a.user_data_32},
      {IndexId::kAccountLedger, a.ledger},
      {IndexId::kAccountCode, a.code},
  }};
  out.present[0] = true;
  for (size_t i = 1; i < kAccountIndexCount; i++) out.present[i] = out.entries[i].value != 0;
  return out;
}

TransferIndexEntries IndexEntriesOf(const Transfer& t) {
  ZQ_ASSERT(t.id != 0);
  ZQ_ASSERT(t.timestamp != 0);
  TransferIndexEntries out{};
  out.entries = {{
      {IndexId::kTransferTimestamp, 0},
      {IndexId::kTransferDebitAccountId, t.debit_account_id},
      {IndexId::kTransferCreditAccountId, t.credit_account_id},
      {IndexId::kTransferUserData128, t.user_data_128},
      {IndexId::kTransferUserData64, t.user_data_64},
      {IndexId::kTransferUserData32, t.user_data_32},
      {IndexId::kTransferLedger, t.ledger},
      {IndexId::kTransferCode, t.code},
  }};
  out.present[0] = true;
  for (size_t i = 1; i < kTransferIndexCount; i++) out.present[i] = out.entries[i].value != 0;
  return out;
}

}  // namespace zq::ledger

// The ledger part of the C API (include/zqlite/zqlite_ledger.h) over
// engine::Database::Ledger(). The C records are byte-for-byte the engine's
// (checked below), so events and results are copied, never converted.
#include <cstddef>
#include <cstring>
#include <span>
#include <type_traits>
#include <vector>

#include "bindings/c/capi_internal.hpp"
#include "ledger/ledger.hpp"
#include "ledger/state_machine.hpp"

namespace {

namespace ledger = zq::ledger;
using zq::capi::Call;
using zq::capi::ClearError;
using zq::capi::Guarded;
using zq::capi::Misuse;
using zq::capi::SetError;
using zq::capi::SetStatus;

// Same size and field offsets as the engine's records (the u128 fields are
// two little-endian halves in C; this is a little-endian-only build).
template <typename C, typename Cpp>
constexpr bool kSameSize = sizeof(C) == sizeof(Cpp) && std::is_trivially_copyable_v<C> &&
                           std::is_trivially_copyable_v<Cpp>;
static_assert(kSameSize<zq_account, ledger::Account> && sizeof(zq_account) == 128);
static_assert(kSameSize<zq_transfer, ledger::Transfer> && sizeof(zq_transfer) == 128);
static_assert(kSameSize<zq_account_balance, ledger::AccountBalance>);
static_assert(kSameSize<zq_account_filter, ledger::AccountFilter>);
static_assert(kSameSize<zq_query_filter, ledger::QueryFilter> && sizeof(zq_query_filter) == 64);
static_assert(kSameSize<zq_create_result, ledger::CreateAccountsResult>);
static_assert(kSameSize<zq_create_result, ledger::CreateTransfersResult>);
static_assert(sizeof(zq_u128) == sizeof(ledger::u128));
#define ZQ_SAME_OFFSET(c, cpp, field) \
  static_assert(offsetof(c, field) == offsetof(cpp, field), #c "." #field)
ZQ_SAME_OFFSET(zq_account, ledger::Account, user_data_128);
ZQ_SAME_OFFSET(zq_account, ledger::Account, user_data_64);
ZQ_SAME_OFFSET(zq_account, ledger::Account, ledger);
ZQ_SAME_OFFSET(zq_account, ledger::Account, code);
ZQ_SAME_OFFSET(zq_account, ledger::Account, flags);
ZQ_SAME_OFFSET(zq_account, ledger::Account, timestamp);
ZQ_SAME_OFFSET(zq_transfer, ledger::Transfer, amount);
ZQ_SAME_OFFSET(zq_transfer, ledger::Transfer, pending_id);
ZQ_SAME_OFFSET(zq_transfer, ledger::Transfer, user_data_64);
ZQ_SAME_OFFSET(zq_transfer, ledger::Transfer, timeout);
ZQ_SAME_OFFSET(zq_transfer, ledger::Transfer, ledger);
ZQ_SAME_OFFSET(zq_transfer, ledger::Transfer, flags);
ZQ_SAME_OFFSET(zq_transfer, ledger::Transfer, timestamp);
ZQ_SAME_OFFSET(zq_account_balance, ledger::AccountBalance, timestamp);
ZQ_SAME_OFFSET(zq_account_filter, ledger::AccountFilter, code);
ZQ_SAME_OFFSET(zq_account_filter, ledger::AccountFilter, timestamp_min);
ZQ_SAME_OFFSET(zq_account_filter, ledger::AccountFilter, limit);
ZQ_SAME_OFFSET(zq_account_filter, ledger::AccountFilter, flags);
ZQ_SAME_OFFSET(zq_query_filter, ledger::QueryFilter, ledger);
ZQ_SAME_OFFSET(zq_query_filter, ledger::QueryFilter, timestamp_min);
ZQ_SAME_OFFSET(zq_query_filter, ledger::QueryFilter, limit);
ZQ_SAME_OFFSET(zq_create_result, ledger::CreateTransfersResult, status);
#undef ZQ_SAME_OFFSET
static_assert(ZQ_LEDGER_BATCH_DEFAULT == ledger::kBatchEventsMaxDefault);
static_assert(ZQ_LEDGER_BATCH_MAX == ledger::kBatchEventsMax);
static_assert(ZQ_LEDGER_RESULTS_MAX == ledger::kQueryResultsMax);
static_assert(ZQ_LEDGER_CREATED == static_cast<uint32_t>(ledger::CreateTransferResult::kCreated));
static_assert(ZQ_TRANSFER_IMPORTED == ledger::transfer_flags::kImported);
static_assert(ZQ_ACCOUNT_CLOSED == ledger::account_flags::kClosed);
static_assert(ZQ_ACCOUNT_FILTER_REVERSED == ledger::account_filter_flags::kReversed);
static_assert(ZQ_QUERY_FILTER_REVERSED == ledger::query_filter_flags::kReversed);

template <typename To, typename From>
std::span<const To> Reinterpret(const From* p, size_t n) {
  static_assert(sizeof(To) == sizeof(From));
  return {reinterpret_cast<const To*>(p), n};
}

// Runs fn(ledger) for a live database with a usable ledger.
template <typename Fn>
int WithLedger(zq_db* db, Fn fn) {
  Call call(db);
  if (!call.ok()) return ZQ_MISUSE;
  if (!db->db) return Misuse(db, "database failed to open");
  return Guarded(db, [&]() -> int {
    zq::Result<ledger::Ledger*> l = db->db->Ledger();
    if (!l.ok()) return SetStatus(db, l.status());
    return fn(*l);
  });
}

template <typename CEvent, typename Event, typename ResultRecord>
int Create(zq_db* db, const CEvent* events, size_t count, zq_create_result* results,
           zq::Status (ledger::Ledger::*create)(std::span<const Event>,
                                                std::vector<ResultRecord>*)) {
  if (count > 0 && (events == nullptr || results == nullptr)) {
    return Misuse(db, "NULL events or results");
  }
  return WithLedger(db, [&](ledger::Ledger* l) -> int {
    std::vector<ResultRecord> out;
    zq::Status s = (l->*create)(Reinterpret<Event>(events, count), &out);
    if (!s.ok()) return SetStatus(db, s);
    if (out.size() != count) {
      return SetError(db, ZQ_INTERNAL, "ledger returned a result count that differs from the batch",
                      "XX000", -1);
    }
    if (count > 0) std::memcpy(static_cast<void*>(results), out.data(), count * sizeof(out[0]));
    ClearError(db);
    return ZQ_OK;
  });
}

// Copies found objects out; ZQ_RANGE (nothing copied) when they do not fit.
template <typename C, typename Record>
int CopyOut(zq_db* db, const std::vector<Record>& found, C* out, size_t capacity, size_t* count) {
  static_assert(sizeof(C) == sizeof(Record));
  *count = found.size();
  if (found.size() > capacity) {
    return SetError(db, ZQ_RANGE,
                    "the output array has room for " + std::to_string(capacity) + " of " +
                        std::to_string(found.size()) + " results",
                    "22023", -1);
  }
  if (!found.empty()) std::memcpy(static_cast<void*>(out), found.data(), found.size() * sizeof(C));
  ClearError(db);
  return ZQ_OK;
}

// Lookups (Arg: the ids) and filtered reads (Arg: the filter).
template <typename C, typename Record, typename Arg, typename ArgParam>
int Read(zq_db* db, const Arg& arg, C* out, size_t capacity, size_t* count,
         zq::Status (ledger::Ledger::*read)(ArgParam, std::vector<Record>*)) {
  return WithLedger(db, [&](ledger::Ledger* l) -> int {
    std::vector<Record> found;
    zq::Status s = (l->*read)(arg, &found);
    if (!s.ok()) return SetStatus(db, s);
    return CopyOut(db, found, out, capacity, count);
  });
}

}  // namespace

extern "C" {

int zq_ledger_create_accounts(zq_db* db, const zq_account* events, size_t count,
                              zq_create_result* results) {
  return Create<zq_account, ledger::Account, ledger::CreateAccountsResult>(
      db, events, count, results, &ledger::Ledger::CreateAccounts);
}

int zq_ledger_create_transfers(zq_db* db, const zq_transfer* events, size_t count,
                               zq_create_result* results) {
  return Create<zq_transfer, ledger::Transfer, ledger::CreateTransfersResult>(
      db, events, count, results, &ledger::Ledger::CreateTransfers);
}

int zq_ledger_lookup_accounts(zq_db* db, const zq_u128* ids, size_t count, zq_account* out,
                              size_t* found) {
  if (found == nullptr || (count > 0 && (ids == nullptr || out == nullptr))) {
    return Misuse(db, "NULL argument to zq_ledger_lookup_accounts");
  }
  return Read(db, Reinterpret<ledger::u128>(ids, count), out, count, found,
              &ledger::Ledger::LookupAccounts);
}

int zq_ledger_lookup_transfers(zq_db* db, const zq_u128* ids, size_t count, zq_transfer* out,
                               size_t* found) {
  if (found == nullptr || (count > 0 && (ids == nullptr || out == nullptr))) {
    return Misuse(db, "NULL argument to zq_ledger_lookup_transfers");
  }
  return Read(db, Reinterpret<ledger::u128>(ids, count), out, count, found,
              &ledger::Ledger::LookupTransfers);
}

#define ZQ_FILTERED_READ(name, CFilter, Filter, COut, Record, method)                         \
  int name(zq_db* db, const CFilter* filter, COut* out, size_t capacity, size_t* count) {      \
    if (filter == nullptr || count == nullptr || (capacity > 0 && out == nullptr)) {           \
      return Misuse(db, "NULL argument to " #name);                                            \
    }                                                                                          \
    Filter f;                                                                                  \
    std::memcpy(static_cast<void*>(&f), filter, sizeof f);                                     \
    return Read(db, f, out, capacity, count, &ledger::Ledger::method);                         \
  }
ZQ_FILTERED_READ(zq_ledger_get_account_transfers, zq_account_filter, ledger::AccountFilter,
                 zq_transfer, ledger::Transfer, GetAccountTransfers)
ZQ_FILTERED_READ(zq_ledger_get_account_balances, zq_account_filter, ledger::AccountFilter,
                 zq_account_balance, ledger::AccountBalance, GetAccountBalances)
ZQ_FILTERED_READ(zq_ledger_query_accounts, zq_query_filter, ledger::QueryFilter, zq_account,
                 ledger::Account, QueryAccounts)
ZQ_FILTERED_READ(zq_ledger_query_transfers, zq_query_filter, ledger::QueryFilter, zq_transfer,
                 ledger::Transfer, QueryTransfers)
#undef ZQ_FILTERED_READ

int zq_ledger_expire_pending(zq_db* db, size_t* expired) {
  return WithLedger(db, [&](ledger::Ledger* l) -> int {
    zq::Result<size_t> n = l->ExpirePending();
    if (!n.ok()) return SetStatus(db, n.status());
    if (expired != nullptr) *expired = *n;
    ClearError(db);
    return ZQ_OK;
  });
}

int zq_ledger_hash(zq_db* db, char* hex) {
  if (hex == nullptr) return Misuse(db, "NULL argument to zq_ledger_hash");
  return WithLedger(db, [&](ledger::Ledger* l) -> int {
    zq::Result<ledger::StateHash> h = l->Hash();
    if (!h.ok()) return SetStatus(db, h.status());
    const std::string text = h->ToHex();
    if (text.size() != 32) return SetError(db, ZQ_INTERNAL, "bad hash length", "XX000", -1);
    std::memcpy(hex, text.c_str(), text.size() + 1);
    ClearError(db);
    return ZQ_OK;
  });
}

const char* zq_ledger_account_result_name(uint32_t status) {
  const std::string_view name = ledger::ResultName(static_cast<ledger::CreateAccountResult>(status));
  return name == "unknown" ? nullptr : name.data();
}

const char* zq_ledger_transfer_result_name(uint32_t status) {
  const std::string_view name =
      ledger::ResultName(static_cast<ledger::CreateTransferResult>(status));
  return name == "unknown" ? nullptr : name.data();
}

}  // extern "C"

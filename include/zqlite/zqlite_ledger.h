/*
 * zqlite_ledger.h — the ledger part of the C API (included by zqlite.h).
 *
 * TigerBeetle's double-entry model (docs/ledger.md): accounts and transfers
 * are 128-byte records, created in batches; every event gets a result. A
 * batch is one atomic, durable commit of its own (it is not part of a SQL
 * transaction opened with BEGIN). The records below have exactly the layout
 * of the engine's records and of TigerBeetle's; 128-bit values are two
 * little-endian 64-bit halves.
 */
#ifndef ZQLITE_LEDGER_H
#define ZQLITE_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "zqlite.h" /* zq_db, result codes */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct zq_u128 {
  uint64_t lo;
  uint64_t hi;
} zq_u128;

typedef struct zq_account {
  zq_u128 id;
  zq_u128 debits_pending;
  zq_u128 debits_posted;
  zq_u128 credits_pending;
  zq_u128 credits_posted;
  zq_u128 user_data_128;
  uint64_t user_data_64;
  uint32_t user_data_32;
  uint32_t reserved;
  uint32_t ledger;
  uint16_t code;
  uint16_t flags;
  uint64_t timestamp;
} zq_account; /* 128 bytes */

typedef struct zq_transfer {
  zq_u128 id;
  zq_u128 debit_account_id;
  zq_u128 credit_account_id;
  zq_u128 amount;
  zq_u128 pending_id;
  zq_u128 user_data_128;
  uint64_t user_data_64;
  uint32_t user_data_32;
  uint32_t timeout; /* seconds */
  uint32_t ledger;
  uint16_t code;
  uint16_t flags;
  uint64_t timestamp;
} zq_transfer; /* 128 bytes */

typedef struct zq_account_balance {
  zq_u128 debits_pending;
  zq_u128 debits_posted;
  zq_u128 credits_pending;
  zq_u128 credits_posted;
  uint64_t timestamp;
  uint8_t reserved[56];
} zq_account_balance; /* 128 bytes */

typedef struct zq_account_filter {
  zq_u128 account_id;
  zq_u128 user_data_128;
  uint64_t user_data_64;
  uint32_t user_data_32;
  uint16_t code;
  uint8_t reserved[58];
  uint64_t timestamp_min;
  uint64_t timestamp_max;
  uint32_t limit;
  uint32_t flags; /* ZQ_ACCOUNT_FILTER_* */
} zq_account_filter; /* 128 bytes */

typedef struct zq_query_filter {
  zq_u128 user_data_128;
  uint64_t user_data_64;
  uint32_t user_data_32;
  uint32_t ledger;
  uint16_t code;
  uint8_t reserved[6];
  uint64_t timestamp_min;
  uint64_t timestamp_max;
  uint32_t limit;
  uint32_t flags; /* ZQ_QUERY_FILTER_* */
} zq_query_filter; /* 64 bytes */

/* The result of one event: status ZQ_LEDGER_CREATED, or the spec's code
 * (zq_ledger_account_result_name / zq_ledger_transfer_result_name). */
typedef struct zq_create_result {
  uint64_t timestamp;
  uint32_t status;
  uint32_t reserved;
} zq_create_result;
#define ZQ_LEDGER_CREATED 0xFFFFFFFFu

/* Account flags. */
#define ZQ_ACCOUNT_LINKED 0x0001
#define ZQ_ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS 0x0002
#define ZQ_ACCOUNT_CREDITS_MUST_NOT_EXCEED_DEBITS 0x0004
#define ZQ_ACCOUNT_HISTORY 0x0008
#define ZQ_ACCOUNT_IMPORTED 0x0010
#define ZQ_ACCOUNT_CLOSED 0x0020
/* Transfer flags. */
#define ZQ_TRANSFER_LINKED 0x0001
#define ZQ_TRANSFER_PENDING 0x0002
#define ZQ_TRANSFER_POST_PENDING_TRANSFER 0x0004
#define ZQ_TRANSFER_VOID_PENDING_TRANSFER 0x0008
#define ZQ_TRANSFER_BALANCING_DEBIT 0x0010
#define ZQ_TRANSFER_BALANCING_CREDIT 0x0020
#define ZQ_TRANSFER_CLOSING_DEBIT 0x0040
#define ZQ_TRANSFER_CLOSING_CREDIT 0x0080
#define ZQ_TRANSFER_IMPORTED 0x0100
/* Filter flags. */
#define ZQ_ACCOUNT_FILTER_DEBITS 0x1
#define ZQ_ACCOUNT_FILTER_CREDITS 0x2
#define ZQ_ACCOUNT_FILTER_REVERSED 0x4
#define ZQ_QUERY_FILTER_REVERSED 0x1

/* Events per batch: 8189 by default (one 1 MiB message, as TigerBeetle);
 * the engine takes up to ZQ_LEDGER_BATCH_MAX. */
#define ZQ_LEDGER_BATCH_DEFAULT 8189
#define ZQ_LEDGER_BATCH_MAX 131072
/* Most objects one read returns. */
#define ZQ_LEDGER_RESULTS_MAX 8189

/* Creates `count` accounts (or transfers) as one batch; results[i] is the
 * result of events[i] (`results` holds `count` entries). ZQ_OK when the
 * batch ran (each event's outcome is in its result), an error code when it
 * did not (nothing was changed). */
int zq_ledger_create_accounts(zq_db* db, const zq_account* events, size_t count,
                              zq_create_result* results);
int zq_ledger_create_transfers(zq_db* db, const zq_transfer* events, size_t count,
                               zq_create_result* results);

/* Lookups write the objects found, in request order, to `out` (room for
 * `count`) and their number to *found. */
int zq_ledger_lookup_accounts(zq_db* db, const zq_u128* ids, size_t count, zq_account* out,
                              size_t* found);
int zq_ledger_lookup_transfers(zq_db* db, const zq_u128* ids, size_t count, zq_transfer* out,
                               size_t* found);

/* Filtered reads: at most filter->limit objects (and ZQ_LEDGER_RESULTS_MAX)
 * go to `out`, which has room for `capacity`; *count is how many there are.
 * When they do not fit, nothing is written, *count says how many there
 * would be, and the call returns ZQ_RANGE. An invalid filter gives none. */
int zq_ledger_get_account_transfers(zq_db* db, const zq_account_filter* filter, zq_transfer* out,
                                    size_t capacity, size_t* count);
int zq_ledger_get_account_balances(zq_db* db, const zq_account_filter* filter,
                                   zq_account_balance* out, size_t capacity, size_t* count);
int zq_ledger_query_accounts(zq_db* db, const zq_query_filter* filter, zq_account* out,
                             size_t capacity, size_t* count);
int zq_ledger_query_transfers(zq_db* db, const zq_query_filter* filter, zq_transfer* out,
                              size_t capacity, size_t* count);

/* Expires the pending transfers whose timeout has passed (the engine's pulse);
 * *expired (may be NULL) is how many. */
int zq_ledger_expire_pending(zq_db* db, size_t* expired);
/* A hash of the whole ledger state as 32 hexadecimal digits and a NUL in
 * `hex` (33 bytes): equal states, equal hashes (determinism checks). */
int zq_ledger_hash(zq_db* db, char* hex);

/* The spec's snake_case name of a result status ("created", "exists",
 * "exceeds_credits", ...), or NULL for an unknown number. */
const char* zq_ledger_account_result_name(uint32_t status);
const char* zq_ledger_transfer_result_name(uint32_t status);

#ifdef __cplusplus
}
#endif

#endif /* ZQLITE_LEDGER_H */

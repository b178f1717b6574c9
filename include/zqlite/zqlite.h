/*
 * zqlite.h — the C API of ZQLite, an embedded SQL database (PostgreSQL
 * dialect) with authenticated encryption and a double-entry ledger.
 *
 * Shaped like SQLite's C API: open a database, prepare statements, bind
 * parameters, step through rows, read columns, finalize. C99; every function
 * is safe to call with NULL or with a handle that was already closed or
 * finalized (it returns ZQ_MISUSE instead of crashing). No C++ exception
 * crosses this interface.
 *
 * Threads: a zq_db and its statements may be used from any thread, but from
 * one thread at a time; a call that overlaps another call on the same
 * database returns ZQ_MISUSE.
 *
 * ABI: ZQLITE_ABI_VERSION changes only when a struct layout or a function
 * signature changes incompatibly; zq_open_options carries its own size so it
 * can grow without breaking callers.
 */
#ifndef ZQLITE_H
#define ZQLITE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ZQLITE_VERSION "0.1.0"
#define ZQLITE_VERSION_NUMBER 1000 /* major*1000000 + minor*1000 + patch */
#define ZQLITE_ABI_VERSION 1

typedef struct zq_db zq_db;
typedef struct zq_stmt zq_stmt;

/* Result codes (the numbers of SQLite's primary codes where they match). */
#define ZQ_OK 0
#define ZQ_ERROR 1      /* SQL error: syntax, unknown name, type, data */
#define ZQ_INTERNAL 2   /* a bug in ZQLite */
#define ZQ_ABORT 4      /* a zq_exec callback asked to stop */
#define ZQ_BUSY 5       /* locked by another process, or a write conflict */
#define ZQ_NOMEM 7      /* out of memory, or the statement memory limit */
#define ZQ_READONLY 8   /* write to a database opened read-only */
#define ZQ_IOERR 10     /* the operating system reported an I/O error */
#define ZQ_CORRUPT 11   /* the file fails its checksums or structure checks */
#define ZQ_NOTFOUND 12  /* file not found (without ZQ_OPEN_CREATE) */
#define ZQ_FULL 13      /* a size limit was reached */
#define ZQ_CONSTRAINT 19 /* NOT NULL, UNIQUE, PRIMARY KEY or CHECK violated */
#define ZQ_MISMATCH 20  /* a value does not fit the column type */
#define ZQ_MISUSE 21    /* the API was used wrongly */
#define ZQ_AUTH 23      /* wrong encryption key, or the file was altered */
#define ZQ_RANGE 25     /* parameter or column index out of range */
#define ZQ_ROW 100      /* zq_step has a row */
#define ZQ_DONE 101     /* zq_step has finished */

/* Extended result codes: primary | (detail << 8). */
#define ZQ_BUSY_CONFLICT (ZQ_BUSY | (2 << 8))      /* serialization failure: retry */
#define ZQ_CONSTRAINT_CHECK (ZQ_CONSTRAINT | (1 << 8))
#define ZQ_CONSTRAINT_NOTNULL (ZQ_CONSTRAINT | (5 << 8))
#define ZQ_CONSTRAINT_PRIMARYKEY (ZQ_CONSTRAINT | (6 << 8)) /* constraint "<table>_pkey" */
#define ZQ_CONSTRAINT_UNIQUE (ZQ_CONSTRAINT | (8 << 8))
#define ZQ_ERROR_DIVIDE_BY_ZERO (ZQ_ERROR | (10 << 8))
#define ZQ_ERROR_OUT_OF_RANGE (ZQ_ERROR | (11 << 8))

/* zq_open_v2 flags. */
#define ZQ_OPEN_READONLY 0x01
#define ZQ_OPEN_READWRITE 0x02
#define ZQ_OPEN_CREATE 0x04
#define ZQ_OPEN_MEMORY 0x80 /* a private in-memory database; the file name is ignored */

typedef struct zq_open_options {
  size_t struct_size;           /* sizeof(zq_open_options): set it */
  const uint8_t* key;           /* 32-byte AES-256 key, or NULL for a plaintext database */
  size_t key_bytes;             /* 32 when key is set */
  uint64_t memory_limit_bytes;  /* per statement; 0: the default (1 GiB) */
} zq_open_options;

/* Column storage classes (1..5 as SQLite's fundamental types). */
#define ZQ_INTEGER 1
#define ZQ_FLOAT 2
#define ZQ_TEXT 3
#define ZQ_BLOB 4
#define ZQ_NULL 5
#define ZQ_NUMERIC 6 /* exact decimal: read it with zq_column_text */
#define ZQ_BOOLEAN 7

/* ZQLite (PostgreSQL) types, from zq_column_zqtype. */
#define ZQ_TYPE_UNKNOWN 0
#define ZQ_TYPE_BOOLEAN 1
#define ZQ_TYPE_SMALLINT 2
#define ZQ_TYPE_INTEGER 3
#define ZQ_TYPE_BIGINT 4
#define ZQ_TYPE_REAL 5
#define ZQ_TYPE_DOUBLE 6
#define ZQ_TYPE_NUMERIC 7
#define ZQ_TYPE_TEXT 8
#define ZQ_TYPE_BYTEA 9
/* Dates and timestamps: zq_column_text gives ISO 8601 text ('2024-02-29',
 * '2024-02-29 13:45:07.5', with '+00' for TIMESTAMPTZ, always in UTC);
 * zq_column_int64 gives days (DATE) or microseconds (TIMESTAMP[TZ]) since
 * 1970-01-01. Bind them as text ('2024-02-29 13:45:07+02'). */
#define ZQ_TYPE_DATE 10
#define ZQ_TYPE_TIMESTAMP 11
#define ZQ_TYPE_TIMESTAMPTZ 12

/* Destructor arguments of zq_bind_text/zq_bind_blob (both copy the data). */
typedef void (*zq_destructor)(void*);
#define ZQ_STATIC ((zq_destructor)0)
#define ZQ_TRANSIENT ((zq_destructor)-1)

const char* zq_libversion(void);
int zq_libversion_number(void);
int zq_abi_version(void);

/* Opens `filename` (ZQ_OPEN_READWRITE | ZQ_OPEN_CREATE by default in zq_open).
 * *db is set even on failure (so zq_errmsg can explain); close it with zq_close. */
int zq_open(const char* filename, zq_db** db);
int zq_open_v2(const char* filename, zq_db** db, int flags, const zq_open_options* options);
/* Finalizes nothing: returns ZQ_BUSY while statements are open. */
int zq_close(zq_db* db);

/* Runs every statement of `sql`. The callback (may be NULL) gets each result
 * row as text; returning non-zero stops with ZQ_ABORT. On error *errmsg (when
 * not NULL) gets a message to release with zq_free. */
int zq_exec(zq_db* db, const char* sql, int (*callback)(void*, int, char**, char**), void* arg,
            char** errmsg);
void zq_free(void* p);

/* Compiles the first statement of sql (nbyte < 0: up to the NUL); *tail (when
 * not NULL) points after it. An empty statement gives *stmt == NULL and ZQ_OK. */
int zq_prepare_v2(zq_db* db, const char* sql, int nbyte, zq_stmt** stmt, const char** tail);
int zq_step(zq_stmt* stmt);
int zq_reset(zq_stmt* stmt);
int zq_clear_bindings(zq_stmt* stmt);
int zq_finalize(zq_stmt* stmt);
const char* zq_sql(zq_stmt* stmt);

/* Parameters are numbered from 1 ($1, or ? in order). */
int zq_bind_parameter_count(zq_stmt* stmt);
int zq_bind_null(zq_stmt* stmt, int index);
int zq_bind_int(zq_stmt* stmt, int index, int value);
int zq_bind_int64(zq_stmt* stmt, int index, int64_t value);
int zq_bind_double(zq_stmt* stmt, int index, double value);
int zq_bind_bool(zq_stmt* stmt, int index, int value);
int zq_bind_text(zq_stmt* stmt, int index, const char* text, int nbyte, zq_destructor destructor);
int zq_bind_blob(zq_stmt* stmt, int index, const void* data, int nbyte, zq_destructor destructor);
/* An exact decimal given as text, e.g. "12.50" (ZQ_MISMATCH when malformed). */
int zq_bind_numeric(zq_stmt* stmt, int index, const char* text);

int zq_column_count(zq_stmt* stmt);
const char* zq_column_name(zq_stmt* stmt, int column);
/* The declared type as PostgreSQL names it: "integer", "numeric(10,2)", "text"... */
const char* zq_column_decltype(zq_stmt* stmt, int column);
int zq_column_type(zq_stmt* stmt, int column);   /* storage class of this row's value */
int zq_column_zqtype(zq_stmt* stmt, int column); /* ZQ_TYPE_* of the column */
int64_t zq_column_int64(zq_stmt* stmt, int column);
int zq_column_int(zq_stmt* stmt, int column);
double zq_column_double(zq_stmt* stmt, int column);
/* Text of any value (numbers as PostgreSQL prints them); valid until the next
 * step, reset or finalize. NULL for a NULL value. */
const unsigned char* zq_column_text(zq_stmt* stmt, int column);
const void* zq_column_blob(zq_stmt* stmt, int column);
int zq_column_bytes(zq_stmt* stmt, int column);

/* Rows changed by the last INSERT, UPDATE or DELETE. */
int64_t zq_changes(zq_db* db);
int zq_errcode(zq_db* db);
int zq_extended_errcode(zq_db* db);
const char* zq_errmsg(zq_db* db);
/* The five-character SQLSTATE of the last error ("00000" after success). */
const char* zq_sqlstate(zq_db* db);
/* Byte offset in the SQL text of the last error, or -1. */
int zq_error_offset(zq_db* db);
const char* zq_errstr(int code);
/* Retries statements that fail with a write conflict (ZQ_BUSY_CONFLICT) for
 * up to `ms` milliseconds, outside explicit transactions. 0 turns it off. */
int zq_busy_timeout(zq_db* db, int ms);
/* 1 inside BEGIN ... COMMIT, else 0. */
int zq_in_transaction(zq_db* db);

#ifdef __cplusplus
}
#endif

#include "zqlite_ledger.h" /* the ledger: accounts, transfers, queries */

#endif /* ZQLITE_H */

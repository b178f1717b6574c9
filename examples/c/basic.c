/* A first ZQLite program in C: create a table, insert with parameters, query.
 * Build and run from the repository's root (after scripts/run or scripts/build):
 *   cc -std=c99 examples/c/basic.c -Iinclude -Lbuild/release -lzqlite \
 *      -Wl,-rpath,"$PWD/build/release" -o /tmp/basic && /tmp/basic */
#include <stdio.h>
#include <zqlite/zqlite.h>

static int check(zq_db* db, int rc, const char* what) {
  if (rc != ZQ_OK && rc != ZQ_ROW && rc != ZQ_DONE) {
    fprintf(stderr, "%s: %s (SQLSTATE %s)\n", what, zq_errmsg(db), zq_sqlstate(db));
    return 1;
  }
  return 0;
}

int main(int argc, char** argv) {
  zq_db* db = NULL;
  zq_stmt* stmt = NULL;
  const char* path = argc > 1 ? argv[1] : NULL;
  int failed = 0;
  if (check(db, zq_open_v2(path, &db, path ? ZQ_OPEN_READWRITE | ZQ_OPEN_CREATE : ZQ_OPEN_MEMORY,
                            NULL), "open")) {
    zq_close(db);
    return 1;
  }
  failed |= check(db, zq_exec(db,
                              "CREATE TABLE IF NOT EXISTS fruit (id integer PRIMARY KEY, "
                              "name text NOT NULL, price numeric(10,2))",
                              NULL, NULL, NULL),
                  "create");
  failed |= check(db, zq_prepare_v2(db, "INSERT INTO fruit VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                                    -1, &stmt, NULL),
                  "prepare insert");
  const char* names[] = {"apple", "pear", "plum"};
  const char* prices[] = {"1.20", "0.95", "2.05"};
  for (int i = 0; i < 3 && !failed; i++) {
    zq_reset(stmt);
    zq_bind_int(stmt, 1, i + 1);
    zq_bind_text(stmt, 2, names[i], -1, ZQ_TRANSIENT);
    zq_bind_numeric(stmt, 3, prices[i]);
    failed |= check(db, zq_step(stmt), "insert");
  }
  zq_finalize(stmt);
  failed |= check(db, zq_prepare_v2(db, "SELECT name, price, price * 3 AS three FROM fruit ORDER BY id",
                                    -1, &stmt, NULL),
                  "prepare select");
  int rc;
  while (!failed && (rc = zq_step(stmt)) == ZQ_ROW) {
    printf("%s costs %s (three for %s, %s)\n", zq_column_text(stmt, 0), zq_column_text(stmt, 1),
           zq_column_text(stmt, 2), zq_column_decltype(stmt, 1));
  }
  zq_finalize(stmt);
  /* Errors carry a SQLSTATE; the database is unchanged by a failed statement. */
  rc = zq_exec(db, "INSERT INTO fruit VALUES (1, 'again', 1)", NULL, NULL, NULL);
  printf("duplicate insert: %s, SQLSTATE %s\n", zq_errstr(rc), zq_sqlstate(db));
  if (rc != ZQ_CONSTRAINT) failed = 1;
  if (zq_close(db) != ZQ_OK) failed = 1;
  return failed;
}

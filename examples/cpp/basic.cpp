// A first ZQLite program in C++ with the RAII wrapper (zqlite.hpp).
#include <cstdio>
#include <zqlite/zqlite.hpp>

int main(int argc, char** argv) {
  try {
    zqlite::Database db(argc > 1 ? argv[1] : ":memory:");
    db.exec("CREATE TABLE IF NOT EXISTS account (id bigint PRIMARY KEY, owner text, "
            "balance numeric(20,2) NOT NULL DEFAULT 0 CHECK (balance >= 0))");
    auto insert = db.prepare("INSERT INTO account (id, owner) VALUES ($1, $2) ON CONFLICT DO NOTHING");
    insert.bind(1, int64_t{1}).bind(2, "ada").run();
    insert.reset();
    insert.bind(1, int64_t{2}).bind(2, "grace").run();
    db.exec("BEGIN; UPDATE account SET balance = balance + 100.10 WHERE id = 1; COMMIT");
    try {
      db.exec("UPDATE account SET balance = balance - 1 WHERE id = 2");  // would go negative
    } catch (const zqlite::Error& e) {
      std::printf("refused: %s (SQLSTATE %s)\n", e.what(), e.sqlstate().c_str());
    }
    for (auto q = db.prepare("SELECT owner, balance FROM account ORDER BY id"); q.step();) {
      std::printf("%s: %s\n", q.text(0).c_str(), q.text(1).c_str());
    }
    return 0;
  } catch (const zqlite::Error& e) {
    std::fprintf(stderr, "error: %s (SQLSTATE %s)\n", e.what(), e.sqlstate().c_str());
    return 1;
  }
}

// The ledger's read-only SQL tables (engine/ledger_tables.hpp): rows equal the
// ledger's own reads, id and account lookups use the ledger's trees (EXPLAIN),
// index scans agree with full scans on random data, they join with user
// tables, values that fit no stored key match nothing, and every write is
// refused with 42809.
#include "engine/ledger_tables.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "engine/database.hpp"
#include "engine/engine_test_util.hpp"
#include "sql/lexer/sql_error.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq::engine {
namespace {

using ledger::u128;

class LedgerTablesTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    DatabaseOptions o;
    o.store.vfs = &vfs_;
    Result<std::unique_ptr<Database>> db = Database::Open("db.zq", o);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }
  ledger::Ledger* L() {
    Result<ledger::Ledger*> l = db_->Ledger();
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    return *l;
  }
  std::vector<std::string> Rows(const std::string& sql) {
    Result<QueryResult> r = db_->Execute(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    return r.ok() ? RenderRows(*r) : std::vector<std::string>{};
  }
  std::string One(const std::string& sql) {
    std::vector<std::string> rows = Rows(sql);
    EXPECT_EQ(rows.size(), 1u) << sql;
    return rows.empty() ? "" : rows[0];
  }
  void CreateAccounts(std::vector<uint64_t> ids, uint16_t flags = 0) {
    std::vector<ledger::Account> accounts;
    for (uint64_t id : ids) {
      ledger::Account a;
      a.id = id;
      a.ledger = 700;
      a.code = 10;
      a.flags = flags;
      a.user_data_64 = ~uint64_t{0};  // needs all 64 bits: numeric(20,0)
      accounts.push_back(a);
    }
    std::vector<ledger::CreateAccountsResult> results;
    ASSERT_TRUE(L()->CreateAccounts(accounts, &results).ok());
    for (const auto& r : results) ASSERT_EQ(r.status, ledger::CreateAccountResult::kCreated);
  }
  void Transfer(uint64_t id, uint64_t debit, uint64_t credit, u128 amount, uint16_t code = 1) {
    ledger::Transfer t;
    t.id = id;
    t.debit_account_id = debit;
    t.credit_account_id = credit;
    t.amount = amount;
    t.ledger = 700;
    t.code = code;
    std::vector<ledger::CreateTransfersResult> results;
    ASSERT_TRUE(L()->CreateTransfers(std::span<const ledger::Transfer>(&t, 1), &results).ok());
    ASSERT_EQ(results.size(), 1u);
    ASSERT_EQ(results[0].status, ledger::CreateTransferResult::kCreated) << id;
  }

  storage::FaultVfs vfs_{1};
  std::unique_ptr<Database> db_;
};

TEST_F(LedgerTablesTest, NoLedgerNoTables) {
  EXPECT_EQ(StateOf(db_->Execute("SELECT * FROM ledger_accounts").status()), "42P01");
}

TEST_F(LedgerTablesTest, RowsAreTheLedgersRecords) {
  CreateAccounts({1, 2, 3});
  Transfer(10, 1, 2, 500);
  Transfer(11, 2, 3, 200, 7);
  EXPECT_EQ(One("SELECT count(*) FROM ledger_accounts"), "3");
  EXPECT_EQ(Rows("SELECT id, debits_posted, credits_posted, ledger, code, user_data_64 "
                 "FROM ledger_accounts ORDER BY id"),
            (std::vector<std::string>{"1|500|0|700|10|18446744073709551615",
                                      "2|200|500|700|10|18446744073709551615",
                                      "3|0|200|700|10|18446744073709551615"}));
  EXPECT_EQ(One("SELECT debit_account_id, credit_account_id, amount, code FROM ledger_transfers "
                "WHERE id = 11"),
            "2|3|200|7");
  std::vector<ledger::Transfer> found;
  const u128 ids[] = {11};
  ASSERT_TRUE(L()->LookupTransfers(ids, &found).ok());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(One("SELECT timestamp FROM ledger_transfers WHERE id = 11"),
            std::to_string(found[0].timestamp));
  // Types: 128-bit values numeric(38,0), u64 numeric(20,0), u32 bigint, u16 integer.
  Result<QueryResult> r = db_->Execute("SELECT id, user_data_64, ledger, code FROM ledger_accounts");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(catalog::TypeName(r->column_types[0]), "numeric(38,0)");
  EXPECT_EQ(catalog::TypeName(r->column_types[1]), "numeric(20,0)");
  EXPECT_EQ(catalog::TypeName(r->column_types[2]), "bigint");
  EXPECT_EQ(catalog::TypeName(r->column_types[3]), "integer");
}

TEST_F(LedgerTablesTest, LookupsUseTheLedgersTreesAndImpossibleKeysMatchNothing) {
  CreateAccounts({1, 2});
  for (uint64_t i = 0; i < 20; i++) Transfer(100 + i, 1 + i % 2, 2 - i % 2, 1 + i);
  auto plan = [&](const std::string& sql) {
    std::string text;
    for (const std::string& line : Rows("EXPLAIN " + sql)) text += line + "\n";
    return text;
  };
  EXPECT_NE(plan("SELECT * FROM ledger_transfers WHERE debit_account_id = 1")
                .find("ledger_transfers_debit_account_id_idx"),
            std::string::npos);
  EXPECT_NE(plan("SELECT * FROM ledger_transfers WHERE credit_account_id = 1")
                .find("ledger_transfers_credit_account_id_idx"),
            std::string::npos);
  EXPECT_EQ(One("SELECT count(*), sum(amount) FROM ledger_transfers WHERE debit_account_id = 1"),
            "10|100");
  EXPECT_EQ(One("SELECT count(*) FROM ledger_transfers WHERE id BETWEEN 105 AND 109"), "5");
  EXPECT_EQ(One("SELECT count(*) FROM ledger_transfers WHERE id > 117.5"), "2");
  EXPECT_EQ(One("SELECT count(*) FROM ledger_transfers WHERE id >= -4"), "20");
  EXPECT_TRUE(Rows("SELECT * FROM ledger_transfers WHERE id = -1").empty());
  EXPECT_TRUE(Rows("SELECT * FROM ledger_transfers WHERE id = 100.5").empty());
  EXPECT_TRUE(
      Rows("SELECT * FROM ledger_transfers WHERE id = 99999999999999999999999999999999999999")
          .empty());
  EXPECT_TRUE(Rows("SELECT * FROM ledger_transfers WHERE debit_account_id = 0").empty());
  EXPECT_EQ(One("SELECT id FROM ledger_transfers WHERE debit_account_id = 2 "
                "ORDER BY timestamp DESC LIMIT 1"),
            "119");
}

TEST_F(LedgerTablesTest, IndexScansAgreeWithFullScansOnRandomTransfers) {
  std::mt19937_64 rng(5);
  const uint64_t accounts = 30;
  std::vector<uint64_t> ids;
  for (uint64_t i = 1; i <= accounts; i++) ids.push_back(i);
  CreateAccounts(ids);
  std::map<uint64_t, u128> debits, credits;
  for (uint64_t id = 1; id <= 400; id++) {
    const uint64_t d = 1 + rng() % accounts;
    uint64_t c = 1 + rng() % (accounts - 1);
    if (c >= d) c++;
    const u128 amount = 1 + rng() % 1000;
    Transfer(id * 7919 % 100003, d, c, amount, static_cast<uint16_t>(1 + rng() % 4));
    debits[d] += amount;
    credits[c] += amount;
  }
  for (uint64_t a = 1; a <= accounts; a++) {
    const std::string s = std::to_string(a);
    // `+ 0` keeps the planner off the index: the same rows by a full scan.
    EXPECT_EQ(Rows("SELECT id, amount FROM ledger_transfers WHERE debit_account_id = " + s +
                   " ORDER BY id"),
              Rows("SELECT id, amount FROM ledger_transfers WHERE debit_account_id + 0 = " + s +
                   " ORDER BY id"));
    EXPECT_EQ(Rows("SELECT id FROM ledger_transfers WHERE credit_account_id = " + s +
                   " ORDER BY id"),
              Rows("SELECT id FROM ledger_transfers WHERE credit_account_id + 0 = " + s +
                   " ORDER BY id"));
    EXPECT_EQ(One("SELECT coalesce(sum(amount), 0) FROM ledger_transfers "
                  "WHERE debit_account_id = " + s),
              ledger::U128ToString(debits[a]));
    EXPECT_EQ(One("SELECT debits_posted, credits_posted FROM ledger_accounts WHERE id = " + s),
              ledger::U128ToString(debits[a]) + "|" + ledger::U128ToString(credits[a]));
  }
  // Ids of 1 to 3 bytes: key order is numeric order, and range scans of the
  // key agree with filtering, also across the lengths (255 | 256, 65535 | 65536).
  EXPECT_EQ(Rows("SELECT id FROM ledger_transfers"),
            Rows("SELECT id FROM ledger_transfers ORDER BY id + 0"));
  for (int i = 0; i < 30; i++) {
    const uint64_t lo = i < 2 ? 200 + 65300 * i : rng() % 100003;
    const std::string range = std::to_string(lo) + " AND " + std::to_string(lo + rng() % 30000);
    EXPECT_EQ(Rows("SELECT id FROM ledger_transfers WHERE id BETWEEN " + range),
              Rows("SELECT id FROM ledger_transfers WHERE id + 0 BETWEEN " + range +
                   " ORDER BY id + 0"));
  }
  for (int code = 1; code <= 4; code++) {
    const std::string c = std::to_string(code);
    EXPECT_EQ(Rows("SELECT id FROM ledger_transfers WHERE code = " + c + " ORDER BY id"),
              Rows("SELECT id FROM ledger_transfers WHERE code + 0 = " + c + " ORDER BY id"));
  }
}

TEST_F(LedgerTablesTest, JoinsWithUserTablesAndBalanceHistory) {
  CreateAccounts({1, 2});
  CreateAccounts({3}, ledger::account_flags::kHistory);
  Transfer(1, 1, 3, 40);
  Transfer(2, 2, 3, 2);
  ASSERT_TRUE(db_->Execute("CREATE TABLE customers (account_id numeric(38,0) PRIMARY KEY, "
                           "name text)").ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO customers VALUES (1, 'ada'), (2, 'bob'), (3, 'cy')").ok());
  EXPECT_EQ(Rows("SELECT c.name, a.debits_posted, a.credits_posted FROM customers c "
                 "JOIN ledger_accounts a ON a.id = c.account_id ORDER BY c.name"),
            (std::vector<std::string>{"ada|40|0", "bob|2|0", "cy|0|42"}));
  EXPECT_EQ(Rows("SELECT c.name, sum(t.amount) FROM ledger_transfers t JOIN customers c "
                 "ON c.account_id = t.debit_account_id GROUP BY c.name ORDER BY 1"),
            (std::vector<std::string>{"ada|40", "bob|2"}));
  EXPECT_EQ(Rows("SELECT credits_posted FROM ledger_account_balances WHERE account_id = 3 "
                 "ORDER BY timestamp"),
            (std::vector<std::string>{"40", "42"}));
  EXPECT_TRUE(Rows("SELECT * FROM ledger_account_balances WHERE account_id = 1").empty());
  ASSERT_TRUE(db_->Execute("CREATE VIEW balances AS SELECT c.name, a.credits_posted - "
                           "a.debits_posted AS net FROM customers c JOIN ledger_accounts a "
                           "ON a.id = c.account_id").ok());
  EXPECT_EQ(One("SELECT net FROM balances WHERE name = 'cy'"), "42");
}

TEST_F(LedgerTablesTest, WritesAreRefused) {
  CreateAccounts({1});
  for (const char* sql :
       {"INSERT INTO ledger_accounts (id) VALUES (5)", "UPDATE ledger_accounts SET code = 1",
        "DELETE FROM ledger_transfers", "DROP TABLE ledger_accounts",
        "ALTER TABLE ledger_transfers RENAME TO t", "CREATE INDEX i ON ledger_transfers (amount)",
        "DROP INDEX ledger_transfers_ledger_idx"}) {
    EXPECT_EQ(StateOf(db_->Execute(sql).status()), "42809") << sql;
  }
  EXPECT_EQ(StateOf(db_->Execute("CREATE TABLE ledger_accounts (a int)").status()), "42P07");
  EXPECT_EQ(One("SELECT count(*) FROM ledger_accounts"), "1");
}

TEST_F(LedgerTablesTest, TablesAppearAfterTheLedgerIsCreatedAndSurviveReopen) {
  EXPECT_EQ(StateOf(db_->Execute("SELECT 1 FROM ledger_transfers").status()), "42P01");
  CreateAccounts({1, 2});
  Transfer(1, 1, 2, 3);
  EXPECT_EQ(One("SELECT amount FROM ledger_transfers"), "3");
  ASSERT_TRUE(db_->Close().ok());
  db_.reset();
  Open();
  EXPECT_EQ(One("SELECT amount FROM ledger_transfers"), "3");
}

}  // namespace
}  // namespace zq::engine

// Catalog records and the catalog tree: tables and views encode and decode
// back field for field; every truncation of a record is Corruption; damaged
// records are Corruption or a self-consistent definition, never a crash; and
// the catalog survives closing and reopening its store, commits and
// rollbacks included.
#include "catalog/catalog.hpp"

#include <gtest/gtest.h>

#include <random>

#include "storage/vfs/fault_vfs.hpp"

namespace zq::catalog {
namespace {

ColumnType Type(TypeId id, int32_t precision = -1, int32_t scale = -1, int32_t length = -1) {
  ColumnType t;
  t.id = id;
  t.precision = precision;
  t.scale = scale;
  t.length = length;
  return t;
}

TableDef SampleTable() {
  TableDef t;
  t.name = "accounts";
  t.tree = 1234567;
  t.columns = {
      {"id", Type(TypeId::kInt8), true, ""},
      {"owner", Type(TypeId::kText, -1, -1, 40), true, "'nobody'"},
      {"balance", Type(TypeId::kNumeric, 20, 4), false, "0.0000"},
      {"flags", Type(TypeId::kInt2), false, ""},
      {"ratio", Type(TypeId::kFloat8), false, "(1.5 * 2)"},
      {"blob", Type(TypeId::kBytea), false, ""},
      {"active", Type(TypeId::kBool), false, "TRUE"},
      {"Odd \"Name\" \xc3\xa9", Type(TypeId::kFloat4), false, ""},
  };
  t.primary_key = {0};
  t.checks = {"(balance >= 0)", "((flags & 1) = 0)"};
  IndexDef by_owner{"accounts_owner_key", 99, true, false, {1}, {false}, {""}, {{}}, ""};
  IndexDef composite{
      "accounts_owner_balance_idx", 100, false, false, {1, 2}, {false, true}, {"", ""}, {{}, {}}, ""};
  IndexDef hashed{"accounts_flags_idx", 101, false, true, {3}, {false}, {""}, {{}}, ""};
  IndexDef lowered{"accounts_lower_idx",
                   102,
                   true,
                   false,
                   {catalog::kExpressionPart, 0},
                   {false, true},
                   {"lower(owner)", ""},
                   {Type(TypeId::kText), {}},
                   "(balance > 0)"};
  t.indexes = {by_owner, composite, hashed, lowered};
  return t;
}

ViewDef SampleView() {
  return ViewDef{"rich", "SELECT id, owner FROM accounts WHERE (balance > 1000)", {"i", "o"}};
}

void ExpectSameTable(const TableDef& a, const TableDef& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.tree, b.tree);
  ASSERT_EQ(a.columns.size(), b.columns.size());
  for (size_t i = 0; i < a.columns.size(); i++) {
    EXPECT_EQ(a.columns[i].name, b.columns[i].name);
    EXPECT_EQ(a.columns[i].type, b.columns[i].type) << a.columns[i].name;
    EXPECT_EQ(a.columns[i].not_null, b.columns[i].not_null);
    EXPECT_EQ(a.columns[i].default_sql, b.columns[i].default_sql);
  }
  EXPECT_EQ(a.primary_key, b.primary_key);
  EXPECT_EQ(a.checks, b.checks);
  ASSERT_EQ(a.indexes.size(), b.indexes.size());
  for (size_t i = 0; i < a.indexes.size(); i++) {
    EXPECT_EQ(a.indexes[i].name, b.indexes[i].name);
    EXPECT_EQ(a.indexes[i].tree, b.indexes[i].tree);
    EXPECT_EQ(a.indexes[i].unique, b.indexes[i].unique);
    EXPECT_EQ(a.indexes[i].hash, b.indexes[i].hash);
    EXPECT_EQ(a.indexes[i].columns, b.indexes[i].columns);
    EXPECT_EQ(a.indexes[i].descending, b.indexes[i].descending);
    EXPECT_EQ(a.indexes[i].predicate, b.indexes[i].predicate);
    for (size_t k = 0; k < a.indexes[i].columns.size(); k++) {
      if (!a.indexes[i].IsExpression(k)) continue;
      EXPECT_EQ(a.indexes[i].expressions[k], b.indexes[i].expressions[k]);
      EXPECT_EQ(a.indexes[i].expression_types[k], b.indexes[i].expression_types[k]);
    }
  }
}

void ExpectSameView(const ViewDef& a, const ViewDef& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.sql, b.sql);
  EXPECT_EQ(a.columns, b.columns);
}

// A decoded table must be usable without further checks: every column
// position it holds points at a column, every type is a known one.
void ExpectConsistent(const TableDef& t) {
  for (uint32_t c : t.primary_key) EXPECT_LT(c, t.columns.size());
  for (const ColumnDef& c : t.columns) {
    EXPECT_LE(static_cast<int>(c.type.id), static_cast<int>(catalog::kLastTypeId));
  }
  for (const IndexDef& index : t.indexes) {
    EXPECT_EQ(index.columns.size(), index.descending.size());
    EXPECT_EQ(index.columns.size(), index.expressions.size());
    EXPECT_EQ(index.columns.size(), index.expression_types.size());
    for (size_t k = 0; k < index.columns.size(); k++) {
      if (index.IsExpression(k)) {
        EXPECT_FALSE(index.expressions[k].empty());
        EXPECT_LE(static_cast<int>(index.expression_types[k].id),
                  static_cast<int>(catalog::kLastTypeId));
      } else {
        EXPECT_LT(index.columns[k], t.columns.size());
      }
    }
  }
}

TEST(SchemaTest, TableRoundTrip) {
  const TableDef t = SampleTable();
  const std::string bytes = EncodeTable(t);
  ASSERT_EQ(PeekRecordKind(bytes).value(), RecordKind::kTable);
  Result<TableDef> back = DecodeTable(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSameTable(t, *back);
  EXPECT_EQ(EncodeTable(*back), bytes);

  TableDef rowid;  // no primary key, no index, no column even
  rowid.name = "r";
  back = DecodeTable(EncodeTable(rowid));
  ASSERT_TRUE(back.ok());
  ExpectSameTable(rowid, *back);
}

TEST(SchemaTest, ViewRoundTrip) {
  const ViewDef v = SampleView();
  const std::string bytes = EncodeView(v);
  ASSERT_EQ(PeekRecordKind(bytes).value(), RecordKind::kView);
  Result<ViewDef> back = DecodeView(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSameView(v, *back);
  ViewDef plain{"v", "SELECT 1", {}};
  back = DecodeView(EncodeView(plain));
  ASSERT_TRUE(back.ok());
  ExpectSameView(plain, *back);
}

TEST(SchemaTest, KindsDoNotCross) {
  EXPECT_EQ(DecodeTable(EncodeView(SampleView())).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeView(EncodeTable(SampleTable())).status().code(), StatusCode::kCorruption);
}

TEST(SchemaTest, EveryTruncationIsCorruption) {
  const std::string table = EncodeTable(SampleTable());
  for (size_t len = 0; len < table.size(); len++) {
    Result<TableDef> r = DecodeTable(std::string_view(table.data(), len));
    ASSERT_FALSE(r.ok()) << "table prefix " << len << " of " << table.size();
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  }
  const std::string view = EncodeView(SampleView());
  for (size_t len = 0; len < view.size(); len++) {
    Result<ViewDef> r = DecodeView(std::string_view(view.data(), len));
    ASSERT_FALSE(r.ok()) << "view prefix " << len << " of " << view.size();
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  }
  // Trailing bytes are damage too.
  EXPECT_EQ(DecodeTable(table + "x").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeView(view + std::string(1, '\0')).status().code(), StatusCode::kCorruption);
}

TEST(SchemaTest, HeaderDamageIsCorruption) {
  std::string table = EncodeTable(SampleTable());
  for (int kind = 0; kind < 256; kind++) {
    std::string bad = table;
    bad[0] = static_cast<char>(kind);
    if (kind == static_cast<int>(RecordKind::kTable)) continue;
    EXPECT_EQ(DecodeTable(bad).status().code(), StatusCode::kCorruption) << kind;
  }
  for (char version : {'\0', '\4', '\xff'}) {
    std::string bad_version = table;
    bad_version[1] = version;
    EXPECT_EQ(PeekRecordKind(bad_version).status().code(), StatusCode::kCorruption);
    EXPECT_EQ(DecodeTable(bad_version).status().code(), StatusCode::kCorruption);
  }
}

// Version 1 records (before index expressions) still load; their USING HASH
// indexes kept plain ordered keys, so they load as B-tree indexes.
TEST(SchemaTest, VersionOneRecordLoads) {
  const std::string v1 = {
      '\x01', '\x01', '\x01', 't',            // table, version 1, name "t"
      '\x05', '\x01',                         // tree 5, one column
      '\x01', 'a', '\x03', '\x01', '\x01', '\x01',  // "a" integer (no modifiers)
      '\x00', '\x00',                         // nullable, no default
      '\x01', '\x00', '\x00',                 // primary key (a), no CHECK
      '\x01', '\x01', 'h', '\x06', '\x02',       // one index "h", tree 6, USING HASH
      '\x01', '\x00', '\x00'};                // on (a) ascending
  Result<TableDef> t = DecodeTable(v1);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->indexes.size(), 1u);
  EXPECT_FALSE(t->indexes[0].hash);
  EXPECT_EQ(t->indexes[0].columns, std::vector<uint32_t>{0});
  EXPECT_FALSE(t->indexes[0].HasExpressions());
  ExpectConsistent(*t);
}

// Changing bytes (a record has no checksum of its own: pages do) yields
// Corruption or a definition that is still consistent, never a crash, a
// huge allocation or an out-of-range column position.
TEST(SchemaTest, DamagedRecordsNeverTrusted) {
  const std::string table = EncodeTable(SampleTable());
  const std::string view = EncodeView(SampleView());
  std::mt19937_64 rng(31);
  int refused = 0;
  for (int i = 0; i < 100000; i++) {
    const bool is_table = i % 4 != 0;
    std::string bytes = is_table ? table : view;
    const int changes = 1 + static_cast<int>(rng() % 3);
    for (int c = 0; c < changes; c++) {
      const size_t at = rng() % bytes.size();
      switch (rng() % 4) {
        case 0: bytes[at] = static_cast<char>(rng()); break;
        case 1: bytes[at] = static_cast<char>(bytes[at] ^ (1 << (rng() % 8))); break;
        case 2: bytes.erase(at, 1 + rng() % 4); break;
        default: bytes.insert(at, 1, static_cast<char>(rng())); break;
      }
      if (bytes.empty()) break;
    }
    if (is_table) {
      Result<TableDef> r = DecodeTable(bytes);
      if (!r.ok()) {
        EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
        refused++;
        continue;
      }
      ExpectConsistent(*r);
    } else {
      Result<ViewDef> r = DecodeView(bytes);
      if (!r.ok()) {
        EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
        refused++;
      }
    }
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_GT(refused, 50000);
}

TEST(SchemaTest, TypeNames) {
  EXPECT_EQ(TypeName(Type(TypeId::kNumeric, 10, 2)), "numeric(10,2)");
  EXPECT_EQ(TypeName(Type(TypeId::kNumeric)), "numeric");
  EXPECT_EQ(TypeName(Type(TypeId::kText, -1, -1, 5)), "character varying(5)");
  EXPECT_EQ(TypeName(Type(TypeId::kFloat8)), "double precision");
  EXPECT_EQ(TypeName(Type(TypeId::kInt2)), "smallint");
}

// ---- the catalog tree -----------------------------------------------------------

class CatalogStoreTest : public ::testing::Test {
 protected:
  void Open() {
    storage::StoreOptions o;
    o.vfs = &vfs_;
    Result<std::unique_ptr<storage::Store>> s = storage::Store::Open("cat.zq", o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  void Reopen() {
    ASSERT_TRUE(store_->Close().ok());
    store_.reset();
    Open();
  }
  Result<Catalog> Load() {
    std::unique_ptr<storage::WriteTxn> txn = store_->BeginWrite();
    Result<Catalog> c = Catalog::Load(txn.get());
    txn->Rollback();
    return c;
  }

  storage::FaultVfs vfs_{7};
  std::unique_ptr<storage::Store> store_;
};

TEST_F(CatalogStoreTest, EmptyWithoutTree) {
  Open();
  Result<Catalog> c = Load();
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->tables().empty());
  EXPECT_TRUE(c->views().empty());
  EXPECT_FALSE(c->NameInUse("accounts"));
}

TEST_F(CatalogStoreTest, PersistsThroughReopen) {
  Open();
  {
    std::unique_ptr<storage::WriteTxn> txn = store_->BeginWrite();
    Result<Catalog> c = Catalog::Load(txn.get());
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c->PutTable(txn.get(), SampleTable()).ok());
    TableDef other;
    other.name = "other";
    other.tree = 5000;
    other.columns = {{"x", Type(TypeId::kInt4), false, ""}};
    ASSERT_TRUE(c->PutTable(txn.get(), other).ok());
    ASSERT_TRUE(c->PutView(txn.get(), SampleView()).ok());
    EXPECT_NE(c->FindTable("accounts"), nullptr);
    EXPECT_TRUE(c->NameInUse("accounts_flags_idx"));
    ASSERT_TRUE(txn->Commit().ok());
  }
  Reopen();
  Result<Catalog> c = Load();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->tables().size(), 2u);
  ASSERT_EQ(c->views().size(), 1u);
  ExpectSameTable(SampleTable(), *c->FindTable("accounts"));
  ExpectSameView(SampleView(), *c->FindView("rich"));
  EXPECT_EQ(c->FindIndexOwner("accounts_owner_key"), c->FindTable("accounts"));
  EXPECT_EQ(c->FindIndexOwner("nope"), nullptr);
  EXPECT_TRUE(c->NameInUse("rich"));
  EXPECT_TRUE(c->NameInUse("other"));

  // A drop that commits is gone after reopen; one rolled back is not.
  {
    std::unique_ptr<storage::WriteTxn> txn = store_->BeginWrite();
    Result<Catalog> c2 = Catalog::Load(txn.get());
    ASSERT_TRUE(c2.ok());
    ASSERT_TRUE(c2->DropRelation(txn.get(), "other").ok());
    EXPECT_EQ(c2->FindTable("other"), nullptr);
    ASSERT_TRUE(txn->Commit().ok());
  }
  {
    std::unique_ptr<storage::WriteTxn> txn = store_->BeginWrite();
    Result<Catalog> c2 = Catalog::Load(txn.get());
    ASSERT_TRUE(c2.ok());
    ASSERT_TRUE(c2->DropRelation(txn.get(), "rich").ok());
    TableDef renamed = SampleTable();
    renamed.name = "renamed";
    ASSERT_TRUE(c2->PutTable(txn.get(), renamed).ok());
    txn->Rollback();
  }
  Reopen();
  c = Load();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->FindTable("other"), nullptr);
  EXPECT_EQ(c->FindTable("renamed"), nullptr);
  EXPECT_NE(c->FindView("rich"), nullptr);
  EXPECT_NE(c->FindTable("accounts"), nullptr);
}

TEST_F(CatalogStoreTest, SurvivesPowerCutAfterCommit) {
  Open();
  {
    std::unique_ptr<storage::WriteTxn> txn = store_->BeginWrite();
    Result<Catalog> c = Catalog::Load(txn.get());
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c->PutTable(txn.get(), SampleTable()).ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  // Power fails before the store can close (its checkpoint never syncs).
  vfs_.CrashAtSync(1);
  store_.reset();
  vfs_.PowerCut();
  Open();
  Result<Catalog> c = Load();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_NE(c->FindTable("accounts"), nullptr);
  ExpectSameTable(SampleTable(), *c->FindTable("accounts"));
}

TEST_F(CatalogStoreTest, DamagedRecordsFailTheLoad) {
  Open();
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"accounts", EncodeTable(SampleTable()).substr(0, 10)},  // truncated
      {"other", EncodeTable(SampleTable())},                   // key is not its name
      {"rich", EncodeView(SampleView()).substr(0, 5)},
      {"junk", std::string("\x07\x01", 2)},
  };
  for (const auto& [key, value] : bad) {
    std::unique_ptr<storage::WriteTxn> txn = store_->BeginWrite();
    if (!txn->TreeExists(kCatalogTree).value()) {
      ASSERT_TRUE(txn->CreateTreeWithId(kCatalogTree).ok());
    }
    ASSERT_TRUE(txn->Put(kCatalogTree, key, value).ok());
    Result<Catalog> c = Catalog::Load(txn.get());
    EXPECT_FALSE(c.ok()) << key;
    if (!c.ok()) {
      EXPECT_EQ(c.status().code(), StatusCode::kCorruption) << key;
    }
    txn->Rollback();
  }
}

}  // namespace
}  // namespace zq::catalog

// Golden tests of the shell: every output mode, the --jsonl contract, the
// dot-commands, and the .dump round trip.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli/shell.hpp"
#include "cli/statement_splitter.hpp"

namespace zq::cli {
namespace {

std::string ReadAll(FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string s;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) s.append(buf, n);
  return s;
}

// A shell on a fresh in-memory database with captured stdout and stderr.
class ShellRun {
 public:
  explicit ShellRun(OutputMode mode = OutputMode::kList, bool headers = false)
      : out_(std::tmpfile()), err_(std::tmpfile()) {
    shell_ = std::make_unique<Shell>(out_, err_);
    shell_->format().mode = mode;
    shell_->format().headers = headers;
    EXPECT_TRUE(shell_->Open("").ok());
  }
  ~ShellRun() {
    shell_.reset();
    std::fclose(out_);
    std::fclose(err_);
  }
  // Runs `text` line by line (as piped input) and returns what went to stdout
  // since the last call.
  std::string Run(const std::string& text) {
    shell_->ProcessText(text);
    std::string all = ReadAll(out_);
    std::string fresh = all.substr(seen_);
    seen_ = all.size();
    std::fseek(out_, 0, SEEK_END);
    return fresh;
  }
  std::string Errors() { return ReadAll(err_); }
  Shell& shell() { return *shell_; }

 private:
  FILE* out_;
  FILE* err_;
  std::unique_ptr<Shell> shell_;
  size_t seen_ = 0;
};

// A fresh directory under /tmp, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir() {
    char dir[] = "/tmp/zqlite-shell-XXXXXX";
    EXPECT_NE(mkdtemp(dir), nullptr);
    path_ = dir;
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

constexpr const char* kSetup =
    "CREATE TABLE t (id integer PRIMARY KEY, name text, price numeric(10,2));\n"
    "INSERT INTO t VALUES (1, 'apple', 1.50), (2, 'pear, green', NULL);\n";

TEST(StatementSplitterTest, CutsAtSemicolonsOutsideQuotesAndComments) {
  StatementSplitter s;
  EXPECT_EQ(s.AddLine("SELECT 1; SELECT ';' -- x;y"), std::vector<std::string>({"SELECT 1"}));
  EXPECT_TRUE(s.pending());
  EXPECT_EQ(s.AddLine(", \"a;b\" /* ; /* nested; */ ; */;"),
            std::vector<std::string>({"SELECT ';' -- x;y\n, \"a;b\" /* ; /* nested; */ ; */"}));
  EXPECT_FALSE(s.pending());
  EXPECT_EQ(s.AddLine("SELECT $$a;b$$, $tag$;$tag$, $1;"),
            std::vector<std::string>({"SELECT $$a;b$$, $tag$;$tag$, $1"}));
  EXPECT_EQ(s.AddLine("SELECT E'it\\'s;'; ;  ;"), std::vector<std::string>({"SELECT E'it\\'s;'"}));
  EXPECT_EQ(s.AddLine("SELECT 'multi"), std::vector<std::string>{});
  EXPECT_TRUE(s.pending());
  EXPECT_EQ(s.AddLine("line'"), std::vector<std::string>{});
  EXPECT_EQ(s.TakePending(), "SELECT 'multi\nline'\n");
  EXPECT_TRUE(IsBlankSql("  -- only a comment\n /* and this */ "));
}

TEST(ShellJsonlTest, OneLinePerStatementWithTheContractsValueForms) {
  ShellRun run(OutputMode::kJsonl);
  EXPECT_EQ(run.Run(kSetup),
            "{\"columns\":[],\"rows\":[],\"changes\":0}\n"
            "{\"columns\":[],\"rows\":[],\"changes\":2}\n");
  EXPECT_EQ(run.Run("SELECT id, name, price FROM t ORDER BY id;"),
            "{\"columns\":[\"id\",\"name\",\"price\"],\"rows\":[[1,\"apple\",1.50],"
            "[2,\"pear, green\",null]]}\n");
  EXPECT_EQ(run.Run("SELECT 2.0::float8, 'inf'::float8, 'nan'::float8, '-inf'::float8, "
                    "true, '\\x00ff'::bytea, 'q\"\\n'::text, 12345678901234567890.000001;"),
            "{\"columns\":[\"float8\",\"float8\",\"float8\",\"float8\",\"?column?\",\"bytea\","
            "\"text\",\"?column?\"],\"rows\":[[2.0,{\"real\":\"inf\"},{\"real\":\"nan\"},"
            "{\"real\":\"-inf\"},true,{\"blob\":\"00ff\"},\"q\\\"\\\\n\","
            "12345678901234567890.000001]]}\n");
  // Errors keep the process going, one line each; empty statements print nothing.
  EXPECT_EQ(run.Run("SELECT * FROM missing;\n;\n  ;\nSELECT 1/0;\nUPDATE t SET price = 2 WHERE id = 2;"),
            "{\"error\":\"relation \\\"missing\\\" does not exist\",\"sqlstate\":\"42P01\"}\n"
            "{\"error\":\"division by zero\",\"sqlstate\":\"22012\"}\n"
            "{\"columns\":[],\"rows\":[],\"changes\":1}\n");
  EXPECT_EQ(run.Run(".print hello  world"), "hello  world\n");
  EXPECT_EQ(run.Run("SELECT 1e308::float8 * 10;"),
            "{\"error\":\"value out of range: overflow\",\"sqlstate\":\"22003\"}\n");
  EXPECT_TRUE(run.shell().failed());
}

TEST(ShellModesTest, EveryModeRendersTheSameResult) {
  const std::string query = "SELECT id, name, price FROM t ORDER BY id;";
  struct Case {
    OutputMode mode;
    const char* expected;
  };
  const Case cases[] = {
      {OutputMode::kList, "id|name|price\n1|apple|1.50\n2|pear, green|\n"},
      {OutputMode::kCsv, "id,name,price\n1,apple,1.50\n2,\"pear, green\",\n"},
      {OutputMode::kTsv, "id\tname\tprice\n1\tapple\t1.50\n2\tpear, green\t\n"},
      {OutputMode::kJson, "[{\"id\":1,\"name\":\"apple\",\"price\":1.50},\n"
                          "{\"id\":2,\"name\":\"pear, green\",\"price\":null}]\n"},
      {OutputMode::kLine, "   id = 1\n name = apple\nprice = 1.50\n\n   id = 2\n name = pear, green\nprice = \n"},
      {OutputMode::kTable, " id | name        | price\n----+-------------+-------\n  1 | apple       |  1.50\n"
                           "  2 | pear, green |\n(2 rows)\n"},
      {OutputMode::kBox, "┌────┬─────────────┬───────┐\n│ id │ name        │ price │\n"
                         "├────┼─────────────┼───────┤\n│  1 │ apple       │  1.50 │\n"
                         "│  2 │ pear, green │       │\n└────┴─────────────┴───────┘\n"},
  };
  for (const Case& c : cases) {
    ShellRun run(c.mode, true);
    run.Run(kSetup);
    EXPECT_EQ(run.Run(query), c.expected) << OutputModeName(c.mode);
  }
}

TEST(ShellDotCommandsTest, SettingsAndSchemaCommands) {
  ShellRun run(OutputMode::kList, false);
  run.Run(kSetup);
  EXPECT_EQ(run.Run(".nullvalue NULL\nSELECT price FROM t WHERE id = 2;"), "NULL\n");
  EXPECT_EQ(run.Run(".headers on\n.mode csv\nSELECT id FROM t WHERE id = 1;"), "id\n1\n");
  run.Run(".mode list\n.headers off");
  run.Run("CREATE INDEX t_name ON t (name); CREATE VIEW cheap AS SELECT id FROM t WHERE price < 2;");
  run.Run("CREATE INDEX t_lower ON t USING HASH (lower(name), (price * 2) DESC);");
  EXPECT_EQ(run.Run(".tables"), "t\ncheap\n");
  EXPECT_EQ(run.Run(".tables ch%"), "cheap\n");
  EXPECT_EQ(run.Run(".indexes"), "t_name\nt_lower\n");
  EXPECT_EQ(run.Run(".schema t"),
            "CREATE TABLE t (id integer, name text, price numeric(10,2), PRIMARY KEY (id));\n"
            "CREATE INDEX t_name ON t (name);\n"
            "CREATE INDEX t_lower ON t USING HASH ((lower(name)), ((price * 2)) DESC);\n");
  EXPECT_EQ(run.Run(".help").substr(0, 5), ".bail");
  EXPECT_EQ(run.Run(".mode nonsense"), "");
  EXPECT_NE(run.Errors().find("usage: .mode"), std::string::npos);
  EXPECT_EQ(run.Run(".nosuch"), "");
  EXPECT_NE(run.Errors().find("unknown command .nosuch"), std::string::npos);
  run.Run(".timer on\nSELECT 1;");
  EXPECT_NE(run.Errors().find("Run Time: real"), std::string::npos);
}

TEST(ShellDotCommandsTest, BailStopsAtTheFirstError) {
  ShellRun run;
  EXPECT_EQ(run.Run("SELECT 1;\nSELECT nope;\nSELECT 2;"), "1\n2\n");
  run.Run(".bail on");
  EXPECT_EQ(run.Run("SELECT 3;\nSELECT nope;\nSELECT 4;"), "3\n");
}

// Piped input: an error names the line its statement started on; a typed
// or command-line statement needs none.
TEST(ShellDotCommandsTest, ScriptErrorsNameTheirLine) {
  ShellRun run;
  for (const char* line : {"CREATE TABLE t (a int);", "INSERT INTO t VALUES (1),", " (2);",
                           "SELEC 1;", "SELECT 1; SELECT nope", " FROM t;", ".nope"}) {
    run.shell().ProcessLine(line);
  }
  EXPECT_EQ(run.Errors(),
            "ERROR at line 4:  syntax error: expected a statement, found \"SELEC\" (SQLSTATE 42601)\n"
            "ERROR at line 5:  column \"nope\" does not exist (SQLSTATE 42703)\n"
            "Error at line 7: InvalidArgument: unknown command .nope (see .help)\n");
  ShellRun one;
  one.Run("SELECT nope");
  EXPECT_EQ(one.Errors(), "ERROR:  column \"nope\" does not exist (SQLSTATE 42703)\n");
  ShellRun dot;
  EXPECT_EQ(dot.Run("SELECT 1; .tables"), "1\n");
  EXPECT_EQ(dot.Errors(), "ERROR:  syntax error: expected a statement, found \".\" (a dot-command "
                          "must start its own line) (SQLSTATE 42601)\n");
}

TEST(ShellModesTest, TableAndBoxModesTurnHeadersOn) {
  ShellRun run;
  run.Run(kSetup);
  EXPECT_EQ(run.Run(".mode box\nSELECT id FROM t WHERE id = 1;"),
            "┌────┐\n│ id │\n├────┤\n│  1 │\n└────┘\n");
  EXPECT_EQ(run.Run(".headers off\nSELECT id FROM t WHERE id = 1;"), "┌───┐\n│ 1 │\n└───┘\n");
}

TEST(ShellDotCommandsTest, OpenSwitchesDatabases) {
  const ScratchDir dir;
  const std::string first = dir.File("first.zq");
  const std::string second = dir.File("second.zq");
  ShellRun run;
  run.Run(".open " + first + "\nCREATE TABLE kept (x int);\nINSERT INTO kept VALUES (7);");
  EXPECT_EQ(run.Run(".open " + second + "\n.tables"), "");
  EXPECT_EQ(run.Run(".open " + first + "\n.tables\nSELECT x FROM kept;"), "kept\n7\n");
  EXPECT_EQ(run.Errors(), "");
  run.Run(".open");
  EXPECT_NE(run.Errors().find(".open FILE"), std::string::npos);
  run.Run(".open " + dir.File("missing-dir/x.zq"));
  EXPECT_NE(run.Errors().find("Error"), std::string::npos);
  EXPECT_EQ(run.Run("SELECT x FROM kept;"), "7\n") << "a failed .open keeps the database open";
  EXPECT_EQ(run.Run(".checkpoint\nSELECT x FROM kept;"), "7\n");
  run.shell().ProcessLine(".quit");
}

TEST(ShellDotCommandsTest, ReadOutputAndQuit) {
  const ScratchDir dir;
  const std::string script = dir.File("s.sql");
  const std::string output = dir.File("o.txt");
  std::ofstream(script) << "SELECT 'from file';\n.print printed\n";
  ShellRun run;
  EXPECT_EQ(run.Run(".read " + script), "from file\nprinted\n");
  EXPECT_EQ(run.Run(".output " + output + "\nSELECT 42;\n.output\nSELECT 43;"), "43\n");
  std::ifstream in(output);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "42\n");
  EXPECT_FALSE(run.shell().ProcessLine(".quit"));
  EXPECT_EQ(run.Run("SELECT 44;"), "");
}

TEST(ShellDotCommandsTest, ImportCreatesOrFillsTables) {
  const ScratchDir dir;
  const std::string csv = dir.File("in.csv");
  std::ofstream(csv) << "id,name,price\r\n3,\"quoted, \"\"name\"\"\",2.25\r\n4,,\r\n";
  ShellRun run;
  run.Run(kSetup);
  run.Run(".import " + csv + " t");  // header matches the columns: skipped
  EXPECT_EQ(run.Run("SELECT id, name, price FROM t WHERE id > 2 ORDER BY id;"),
            "3|quoted, \"name\"|2.25\n4||\n");
  EXPECT_EQ(run.Run("SELECT name IS NULL, price IS NULL FROM t WHERE id = 4;"), "f|t\n");
  run.Run(".import " + csv + " fresh");  // a new table, text columns from the header
  EXPECT_EQ(run.Run("SELECT * FROM fresh ORDER BY id;"), "3|quoted, \"name\"|2.25\n4||\n");
  // A record of the wrong width fails the whole import.
  std::ofstream(csv) << "5,x,1\n6,y\n";
  run.Run(".import " + csv + " t");
  EXPECT_NE(run.Errors().find("record 2 has 2 fields"), std::string::npos);
  EXPECT_EQ(run.Run("SELECT count(*) FROM t;"), "4\n");
}

TEST(ShellDumpTest, DumpReloadsIntoAnIdenticalDump) {
  ShellRun first;
  first.Run(kSetup);
  first.Run(
      "CREATE TABLE kinds (k bigint NOT NULL, f real, d double precision DEFAULT 0.5, b boolean, "
      "x bytea, v varchar(8), CHECK (k > 0));\n"
      "INSERT INTO kinds VALUES (1, 0.1, 1e-300, true, '\\x00ff', 'it''s'), "
      "(2, 'inf'::real, 'nan'::float8, NULL, NULL, NULL);\n"
      "CREATE UNIQUE INDEX kinds_v ON kinds (v DESC);\n"
      "CREATE UNIQUE INDEX kinds_lower ON kinds (lower(v), (k + 1) DESC);\n"
      "CREATE INDEX kinds_hash ON kinds USING HASH (b, (f * 2));\n"
      "CREATE UNIQUE INDEX kinds_live ON kinds (k) WHERE b AND v IS NOT NULL;\n"
      "CREATE VIEW a AS SELECT k FROM kinds;\n"
      "CREATE VIEW b AS SELECT k FROM a WHERE k > 1;\n"
      "CREATE TABLE times (d date PRIMARY KEY, ts timestamp(3), tz timestamptz);\n"
      "INSERT INTO times VALUES ('2024-02-29', '2024-02-29 13:45:07.125', '0001-01-01 00:00Z'), "
      "('1969-12-31', NULL, '9999-12-31 23:59:59.999999+00');\n");
  const std::string dump = first.Run(".dump");
  ASSERT_NE(dump.find("'2024-02-29 13:45:07.125'::timestamp without time zone"),
            std::string::npos);
  ASSERT_NE(dump.find("CREATE VIEW b"), std::string::npos);
  ASSERT_NE(dump.find("USING HASH"), std::string::npos);
  ASSERT_NE(dump.find("kinds_live ON kinds (k) WHERE"), std::string::npos);
  ShellRun second;
  second.Run(dump);
  EXPECT_EQ(second.Errors(), "");
  EXPECT_EQ(second.Run(".dump"), dump);
  EXPECT_EQ(second.Run("SELECT count(*) FROM b;"), "1\n");
}

}  // namespace
}  // namespace zq::cli

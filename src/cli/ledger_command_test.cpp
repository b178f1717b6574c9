// The `zqlite ledger` JSON-lines contract: events in, one result line per
// event with the spec's status names, lookups with every field, filters,
// flags by name, u128 values beyond 64 bits, batches split by blank lines,
// and clear errors for bad input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli/cli_test_util.hpp"
#include "cli/commands.hpp"
#include "cli/flat_json.hpp"

namespace zq::cli {
namespace {

using testing::RunCaptured;

class LedgerCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("zq_ledger_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    db_ = (dir_ / "l.zq").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Input(const std::string& text) {
    std::string path = (dir_ / ("in" + std::to_string(n_++))).string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
  std::string db_;
  int n_ = 0;
};

TEST_F(LedgerCliTest, CreateLookupAndFilter) {
  auto accounts = RunCaptured(&RunLedger, {"create-accounts", db_, Input(
      "{\"id\":1,\"ledger\":1,\"code\":1}\n"
      "{\"id\":\"340282366920938463463374607431768211454\",\"ledger\":1,\"code\":1,"
      "\"flags\":[\"debits_must_not_exceed_credits\"]}\n"
      "{\"id\":1,\"ledger\":1,\"code\":1}\n")});
  ASSERT_EQ(accounts.code, 0) << accounts.err;
  EXPECT_NE(accounts.out.find("{\"index\":0,\"status\":\"created\",\"timestamp\":"),
            std::string::npos);
  EXPECT_NE(accounts.out.find("{\"index\":2,\"status\":\"exists\""), std::string::npos);
  auto transfers = RunCaptured(&RunLedger, {"create-transfers", db_, Input(
      "{\"id\":10,\"debit_account_id\":1,"
      "\"credit_account_id\":\"340282366920938463463374607431768211454\","
      "\"amount\":100,\"ledger\":1,\"code\":1}\n"
      "\n"
      "{\"id\":11,\"debit_account_id\":\"340282366920938463463374607431768211454\","
      "\"credit_account_id\":1,\"amount\":500,\"ledger\":1,\"code\":1}\n")});
  ASSERT_EQ(transfers.code, 0) << transfers.err;
  // Two batches: index restarts at 0; the second transfer breaks the limit.
  EXPECT_NE(transfers.out.find("{\"index\":0,\"status\":\"created\""), std::string::npos);
  EXPECT_NE(transfers.out.find("{\"index\":0,\"status\":\"exceeds_credits\""),
            std::string::npos);
  auto lookup = RunCaptured(&RunLedger, {"lookup-accounts", db_, "1", "999"});
  ASSERT_EQ(lookup.code, 0);
  EXPECT_NE(lookup.out.find("\"id\":\"1\",\"debits_pending\":\"0\",\"debits_posted\":\"100\""),
            std::string::npos) << lookup.out;
  EXPECT_EQ(std::count(lookup.out.begin(), lookup.out.end(), '\n'), 1);  // 999 is absent
  auto history = RunCaptured(&RunLedger, {"get-account-transfers", db_, "--account-id", "1",
                                          "--debits", "--credits"});
  ASSERT_EQ(history.code, 0);
  EXPECT_NE(history.out.find("\"id\":\"10\""), std::string::npos);
  auto limited = RunCaptured(&RunLedger, {"query-accounts", db_, "--ledger", "1", "--limit", "1"});
  ASSERT_EQ(limited.code, 0) << limited.err;
  EXPECT_EQ(std::count(limited.out.begin(), limited.out.end(), '\n'), 1);
  auto bad_option = RunCaptured(&RunLedger, {"query-accounts", db_, "--nope", "1"});
  EXPECT_EQ(bad_option.code, 1);
  auto too_wide = RunCaptured(&RunLedger, {"query-accounts", db_, "--code", "65536"});
  EXPECT_EQ(too_wide.code, 1);
  auto hash1 = RunCaptured(&RunLedger, {"hash", db_});
  auto hash2 = RunCaptured(&RunLedger, {"hash", db_});
  EXPECT_EQ(hash1.out, hash2.out);
  EXPECT_EQ(hash1.out.size(), 33u);
}

TEST_F(LedgerCliTest, BadInputIsAClearError) {
  auto unknown = RunCaptured(&RunLedger, {"create-accounts", db_, Input("{\"id\":1,\"x\":2}\n")});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("unknown field \"x\""), std::string::npos);
  auto too_big = RunCaptured(&RunLedger,
                             {"create-accounts", db_, Input("{\"id\":1,\"code\":70000}\n")});
  EXPECT_EQ(too_big.code, 1);
  EXPECT_NE(too_big.err.find("16-bit"), std::string::npos);
  auto flag = RunCaptured(&RunLedger,
                          {"create-accounts", db_, Input("{\"id\":1,\"flags\":[\"nope\"]}\n")});
  EXPECT_EQ(flag.code, 1);
  auto not_json = RunCaptured(&RunLedger, {"create-accounts", db_, Input("{\"id\":1\n")});
  EXPECT_EQ(not_json.code, 1);
  EXPECT_NE(not_json.err.find("line 1"), std::string::npos);
  auto id = RunCaptured(&RunLedger, {"lookup-transfers", db_, "-3"});
  EXPECT_EQ(id.code, 1);
  auto usage = RunCaptured(&RunLedger, {"lookup-accounts"});
  EXPECT_EQ(usage.code, 2);
}

TEST(FlatJsonTest, KeepsNumberTextAndRefusesNesting) {
  auto obj = ParseFlatObject(" {\"a\": 340282366920938463463374607431768211455, \"b\":\"x\\\"y\","
                             " \"c\":[\"p\",\"q\"], \"d\":true} ");
  ASSERT_TRUE(obj.ok()) << obj.status().ToString();
  EXPECT_EQ(obj->at("a").scalar.text, "340282366920938463463374607431768211455");
  EXPECT_EQ(obj->at("b").scalar.text, "x\"y");
  EXPECT_EQ(obj->at("c").items.size(), 2u);
  EXPECT_FALSE(ParseFlatObject("{\"a\":{\"b\":1}}").ok());
  EXPECT_FALSE(ParseFlatObject("{\"a\":1,\"a\":2}").ok());
  EXPECT_FALSE(ParseFlatObject("{\"a\":1} trailing").ok());
  EXPECT_FALSE(ParseFlatObject("").ok());
}

}  // namespace
}  // namespace zq::cli

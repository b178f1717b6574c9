// `zqlite ledger …`: the ledger from the command line, as JSON lines (the
// contract of issue 6: tools and tests rely on it).
//   create-accounts DB [FILE|-]   create-transfers DB [FILE|-]
//       one JSON object per line (spec field names; omitted fields are zero;
//       u128 values as integers or decimal strings; flags an integer or a list
//       of names); a blank line ends a batch. Out: {"index":I,"status":S,"timestamp":T}
//   lookup-accounts DB ID...      lookup-transfers DB ID...
//   get-account-transfers DB --account-id ID [filter options]
//   get-account-balances DB --account-id ID [filter options]
//   query-accounts DB [filter options]   query-transfers DB [filter options]
//   expire-pending DB             hash DB
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/flat_json.hpp"
#include "ledger/ledger.hpp"

namespace zq::cli {

namespace {
using ledger::Account;
using ledger::Transfer;
using ledger::u128;

struct FieldSpec {
  const char* name;
  size_t offset;
  size_t width;
};
#define ZQ_FIELD(T, f) FieldSpec{#f, offsetof(T, f), sizeof(T::f)}
const FieldSpec kAccountFields[] = {
    ZQ_FIELD(Account, id), ZQ_FIELD(Account, debits_pending), ZQ_FIELD(Account, debits_posted),
    ZQ_FIELD(Account, credits_pending), ZQ_FIELD(Account, credits_posted),
    ZQ_FIELD(Account, user_data_128), ZQ_FIELD(Account, user_data_64),
    ZQ_FIELD(Account, user_data_32), ZQ_FIELD(Account, reserved), ZQ_FIELD(Account, ledger),
    ZQ_FIELD(Account, code), ZQ_FIELD(Account, flags), ZQ_FIELD(Account, timestamp)};
const FieldSpec kTransferFields[] = {
    ZQ_FIELD(Transfer, id), ZQ_FIELD(Transfer, debit_account_id),
    ZQ_FIELD(Transfer, credit_account_id), ZQ_FIELD(Transfer, amount),
    ZQ_FIELD(Transfer, pending_id), ZQ_FIELD(Transfer, user_data_128),
    ZQ_FIELD(Transfer, user_data_64), ZQ_FIELD(Transfer, user_data_32),
    ZQ_FIELD(Transfer, timeout), ZQ_FIELD(Transfer, ledger), ZQ_FIELD(Transfer, code),
    ZQ_FIELD(Transfer, flags), ZQ_FIELD(Transfer, timestamp)};
const FieldSpec kBalanceFields[] = {
    ZQ_FIELD(ledger::AccountBalance, debits_pending),
    ZQ_FIELD(ledger::AccountBalance, debits_posted),
    ZQ_FIELD(ledger::AccountBalance, credits_pending),
    ZQ_FIELD(ledger::AccountBalance, credits_posted), ZQ_FIELD(ledger::AccountBalance, timestamp)};
#undef ZQ_FIELD

const char* const kAccountFlagNames[] = {"linked", "debits_must_not_exceed_credits",
                                         "credits_must_not_exceed_debits", "history",
                                         "imported", "closed"};
const char* const kTransferFlagNames[] = {
    "linked", "pending", "post_pending_transfer", "void_pending_transfer", "balancing_debit",
    "balancing_credit", "closing_debit", "closing_credit", "imported"};

Result<u128> ParseUnsigned(std::string_view text, size_t width, std::string_view field) {
  auto v = ledger::ParseU128(text);
  if (!v || (width < 16 && *v >> (8 * width) != 0)) {
    return Status::InvalidArgument("field \"" + std::string(field) + "\": \"" +
                                   std::string(text) + "\" is not a " +
                                   std::to_string(8 * width) + "-bit unsigned integer");
  }
  return *v;
}

template <size_t N>
Result<u128> ParseFlags(const JsonField& f, const char* const (&names)[N]) {
  if (!f.is_array) return ParseUnsigned(f.scalar.text, 2, "flags");
  u128 flags = 0;
  for (const JsonScalar& item : f.items) {
    size_t bit = N;
    for (size_t i = 0; i < N; i++) {
      if (item.text == names[i]) bit = i;
    }
    if (bit == N) return Status::InvalidArgument("unknown flag \"" + item.text + "\"");
    flags |= u128{1} << bit;
  }
  return flags;
}

template <typename Record, size_t F, size_t N>
Result<Record> ParseRecord(std::string_view line, const FieldSpec (&fields)[F],
                           const char* const (&flag_names)[N]) {
  ZQ_ASSIGN_OR_RETURN(FlatObject obj, ParseFlatObject(line));
  Record r{};
  auto* base = reinterpret_cast<uint8_t*>(&r);
  for (const auto& [key, field] : obj) {
    const FieldSpec* spec = nullptr;
    for (const FieldSpec& s : fields) {
      if (key == s.name) spec = &s;
    }
    if (spec == nullptr) return Status::InvalidArgument("unknown field \"" + key + "\"");
    u128 v = 0;
    if (key == "flags") {
      ZQ_ASSIGN_OR_RETURN(v, ParseFlags(field, flag_names));
    } else {
      if (field.is_array) return Status::InvalidArgument("field \"" + key + "\" is a list");
      ZQ_ASSIGN_OR_RETURN(v, ParseUnsigned(field.scalar.text, spec->width, key));
    }
    std::memcpy(base + spec->offset, &v, spec->width);  // little-endian low bytes
  }
  return r;
}

template <typename Record, size_t F>
std::string RecordJson(const Record& r, const FieldSpec (&fields)[F]) {
  const auto* base = reinterpret_cast<const uint8_t*>(&r);
  std::string out = "{";
  for (size_t i = 0; i < F; i++) {
    u128 v = 0;
    std::memcpy(&v, base + fields[i].offset, fields[i].width);
    if (i > 0) out += ",";
    out += "\"" + std::string(fields[i].name) + "\":";
    std::string digits = ledger::U128ToString(v);
    out += fields[i].width == 16 ? "\"" + digits + "\"" : digits;
  }
  return out + "}";
}

int Fail(const Status& s) {
  std::fprintf(stderr, "zqlite ledger: %s\n", s.ToString().c_str());
  return 1;
}

template <typename Record, typename ResultRecord, size_t F, size_t N>
int RunCreate(ledger::Ledger* l, std::istream& in, const FieldSpec (&fields)[F],
              const char* const (&flags)[N]) {
  std::vector<Record> batch;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    std::vector<ResultRecord> results;
    if constexpr (std::is_same_v<Record, Account>) {
      ZQ_RETURN_IF_ERROR(l->CreateAccounts(batch, &results));
    } else {
      ZQ_RETURN_IF_ERROR(l->CreateTransfers(batch, &results));
    }
    for (size_t i = 0; i < results.size(); i++) {
      std::printf("{\"index\":%zu,\"status\":\"%s\",\"timestamp\":%llu}\n", i,
                  std::string(ledger::ResultName(results[i].status)).c_str(),
                  static_cast<unsigned long long>(results[i].timestamp));
    }
    std::fflush(stdout);
    batch.clear();
    return Status::Ok();
  };
  std::string line;
  for (size_t line_no = 1; std::getline(in, line); line_no++) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      if (Status s = flush(); !s.ok()) return Fail(s);
      continue;
    }
    auto r = ParseRecord<Record>(line, fields, flags);
    if (!r.ok()) return Fail(r.status().WithContext("line " + std::to_string(line_no)));
    batch.push_back(*r);
    if (batch.size() == ledger::kBatchEventsMaxDefault) {
      if (Status s = flush(); !s.ok()) return Fail(s);
    }
  }
  if (Status s = flush(); !s.ok()) return Fail(s);
  return 0;
}

Result<std::vector<u128>> ParseIds(int argc, char** argv) {
  std::vector<u128> ids;
  for (int i = 0; i < argc; i++) {
    ZQ_ASSIGN_OR_RETURN(u128 id, ParseUnsigned(argv[i], 16, "id"));
    ids.push_back(id);
  }
  return ids;
}

// Filter options shared by the account and query filters: each value option
// with its field width in bytes; unset options stay zero (no filter).
struct FilterArgs {
  std::map<std::string, u128, std::less<>> values;
  bool debits = false, credits = false, reversed = false;
  u128 Get(std::string_view name) const {
    auto it = values.find(name);
    return it == values.end() ? 0 : it->second;
  }
};

const std::pair<const char*, size_t> kFilterOptions[] = {
    {"--account-id", 16},   {"--user-data-128", 16}, {"--user-data-64", 8},
    {"--user-data-32", 4},  {"--ledger", 4},         {"--code", 2},
    {"--limit", 4},         {"--timestamp-min", 8},  {"--timestamp-max", 8}};

Result<FilterArgs> ParseFilter(int argc, char** argv) {
  FilterArgs f;
  f.values["--limit"] = ledger::kQueryResultsMax;
  for (int i = 0; i < argc; i++) {
    std::string opt = argv[i];
    if (opt == "--debits" || opt == "--credits" || opt == "--reversed") {
      (opt == "--debits" ? f.debits : opt == "--credits" ? f.credits : f.reversed) = true;
      continue;
    }
    size_t width = 0;
    for (const auto& [name, w] : kFilterOptions) {
      if (opt == name) width = w;
    }
    if (width == 0) return Status::InvalidArgument("unknown option " + opt);
    if (i + 1 >= argc) return Status::InvalidArgument("option " + opt + " needs a value");
    ZQ_ASSIGN_OR_RETURN(u128 v, ParseUnsigned(argv[++i], width, opt));
    f.values[opt] = v;
  }
  return f;
}

// Widths were checked by ParseFilter, so the narrowing casts are exact.
ledger::AccountFilter ToAccountFilter(const FilterArgs& a) {
  ledger::AccountFilter f{};
  f.account_id = a.Get("--account-id");
  f.user_data_128 = a.Get("--user-data-128");
  f.user_data_64 = static_cast<uint64_t>(a.Get("--user-data-64"));
  f.user_data_32 = static_cast<uint32_t>(a.Get("--user-data-32"));
  f.code = static_cast<uint16_t>(a.Get("--code"));
  f.timestamp_min = static_cast<uint64_t>(a.Get("--timestamp-min"));
  f.timestamp_max = static_cast<uint64_t>(a.Get("--timestamp-max"));
  f.limit = static_cast<uint32_t>(a.Get("--limit"));
  f.flags = (a.debits ? ledger::account_filter_flags::kDebits : 0) |
            (a.credits ? ledger::account_filter_flags::kCredits : 0) |
            (a.reversed ? ledger::account_filter_flags::kReversed : 0);
  return f;
}

ledger::QueryFilter ToQueryFilter(const FilterArgs& a) {
  ledger::QueryFilter f{};
  f.user_data_128 = a.Get("--user-data-128");
  f.user_data_64 = static_cast<uint64_t>(a.Get("--user-data-64"));
  f.user_data_32 = static_cast<uint32_t>(a.Get("--user-data-32"));
  f.ledger = static_cast<uint32_t>(a.Get("--ledger"));
  f.code = static_cast<uint16_t>(a.Get("--code"));
  f.timestamp_min = static_cast<uint64_t>(a.Get("--timestamp-min"));
  f.timestamp_max = static_cast<uint64_t>(a.Get("--timestamp-max"));
  f.limit = static_cast<uint32_t>(a.Get("--limit"));
  f.flags = a.reversed ? ledger::query_filter_flags::kReversed : 0;
  return f;
}

template <typename Record, size_t F>
void PrintAll(const std::vector<Record>& records, const FieldSpec (&fields)[F]) {
  for (const Record& r : records) std::printf("%s\n", RecordJson(r, fields).c_str());
}

int RunRead(ledger::Ledger* l, const std::string& cmd, int argc, char** argv) {
  if (cmd == "lookup-accounts" || cmd == "lookup-transfers") {
    auto ids = ParseIds(argc, argv);
    if (!ids.ok()) return Fail(ids.status());
    if (cmd == "lookup-accounts") {
      std::vector<Account> out;
      if (Status s = l->LookupAccounts(*ids, &out); !s.ok()) return Fail(s);
      PrintAll(out, kAccountFields);
    } else {
      std::vector<Transfer> out;
      if (Status s = l->LookupTransfers(*ids, &out); !s.ok()) return Fail(s);
      PrintAll(out, kTransferFields);
    }
    return 0;
  }
  auto args = ParseFilter(argc, argv);
  if (!args.ok()) return Fail(args.status());
  Status s;
  if (cmd == "get-account-transfers" || cmd == "query-transfers") {
    std::vector<Transfer> out;
    s = cmd == "query-transfers" ? l->QueryTransfers(ToQueryFilter(*args), &out)
                                 : l->GetAccountTransfers(ToAccountFilter(*args), &out);
    if (s.ok()) PrintAll(out, kTransferFields);
  } else if (cmd == "get-account-balances") {
    std::vector<ledger::AccountBalance> out;
    s = l->GetAccountBalances(ToAccountFilter(*args), &out);
    if (s.ok()) PrintAll(out, kBalanceFields);
  } else if (cmd == "query-accounts") {
    std::vector<Account> out;
    s = l->QueryAccounts(ToQueryFilter(*args), &out);
    if (s.ok()) PrintAll(out, kAccountFields);
  } else {
    std::fprintf(stderr, "zqlite ledger: unknown command '%s'\n", cmd.c_str());
    return 2;
  }
  return s.ok() ? 0 : Fail(s);
}

void LedgerUsage() {
  std::fprintf(stderr,
               "usage: zqlite ledger COMMAND DB [ARGS]\n"
               "  create-accounts DB [FILE|-]    create-transfers DB [FILE|-]\n"
               "  lookup-accounts DB ID...       lookup-transfers DB ID...\n"
               "  get-account-transfers DB --account-id ID [--debits] [--credits]\n"
               "      [--reversed] [--limit N] [--timestamp-min T] [--timestamp-max T]\n"
               "      [--user-data-128 V] [--user-data-64 V] [--user-data-32 V] [--code C]\n"
               "  get-account-balances DB (same options)\n"
               "  query-accounts DB [--ledger L] [--code C] [--user-data-* V] [--reversed] ...\n"
               "  query-transfers DB (same options)\n"
               "  expire-pending DB              hash DB\n");
}
}  // namespace

int RunLedger(int argc, char** argv) {
  if (argc < 2) {
    LedgerUsage();
    return 2;
  }
  std::string cmd = argv[0];
  storage::StoreOptions options;
  auto l = ledger::Ledger::Open(argv[1], options);
  if (!l.ok()) return Fail(l.status());
  int rest_argc = argc - 2;
  char** rest = argv + 2;
  if (cmd == "create-accounts" || cmd == "create-transfers") {
    std::ifstream file;
    std::istream* in = &std::cin;
    if (rest_argc > 0 && std::string(rest[0]) != "-") {
      file.open(rest[0]);
      if (!file) return Fail(Status::NotFound(std::string("cannot open ") + rest[0]));
      in = &file;
    }
    return cmd == "create-accounts"
               ? RunCreate<Account, ledger::CreateAccountsResult>(l->get(), *in, kAccountFields,
                                                                  kAccountFlagNames)
               : RunCreate<Transfer, ledger::CreateTransfersResult>(l->get(), *in,
                                                                    kTransferFields,
                                                                    kTransferFlagNames);
  }
  if (cmd == "hash") {
    auto h = (*l)->Hash();
    if (!h.ok()) return Fail(h.status());
    std::printf("%s\n", h->ToHex().c_str());
    return 0;
  }
  if (cmd == "expire-pending") {
    auto n = (*l)->ExpirePending();
    if (!n.ok()) return Fail(n.status());
    std::printf("{\"expired\":%zu}\n", *n);
    return 0;
  }
  return RunRead(l->get(), cmd, rest_argc, rest);
}

}  // namespace zq::cli

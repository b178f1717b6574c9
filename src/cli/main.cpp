// zqlite: the command-line program. Subcommands grow as layers land; today:
//   zqlite demo FILE       create (or open) a database, write, reopen, read
//   zqlite verify FILE     walk every tree and check every page
//   zqlite crypto ...      post-quantum keys, KEMs and signatures
//   zqlite ledger ...      the double-entry ledger, as JSON lines
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/commands.hpp"

namespace {
void Usage(FILE* out) {
  std::fprintf(out,
               "usage: zqlite COMMAND [ARGS]\n"
               "  demo FILE     create a database, write rows, reopen it and read them back\n"
               "  verify FILE   check every page and tree of a database\n"
               "  crypto ...    post-quantum keys, KEMs and signatures (zqlite crypto --help)\n"
               "  ledger ...    double-entry ledger as JSON lines (zqlite ledger)\n"
               "  --version     print the version\n");
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    Usage(stderr);
    return 2;
  }
  std::string cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    Usage(stdout);
    return 0;
  }
  if (cmd == "--version") {
    std::printf("zqlite 0.1.0\n");
    return 0;
  }
  if (cmd == "demo" && argc == 3) return zq::cli::RunDemo(argv[2]);
  if (cmd == "verify" && argc == 3) return zq::cli::RunVerify(argv[2]);
  if (cmd == "crypto") return zq::cli::RunCrypto(argc - 2, argv + 2);
  if (cmd == "ledger") return zq::cli::RunLedger(argc - 2, argv + 2);
  Usage(stderr);
  return 2;
}

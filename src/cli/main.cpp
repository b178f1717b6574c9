// zqlite: the command-line program. Without a subcommand it is the SQL shell
// (`zqlite [OPTIONS] [FILE] [SQL]`, shell.cpp); the subcommands are:
//   zqlite demo FILE       create (or open) a database, write, reopen, read
//   zqlite verify FILE     walk every tree and check every page
//   zqlite crypto ...      post-quantum keys, KEMs and signatures
//   zqlite ledger ...      the double-entry ledger, as JSON lines
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/commands.hpp"
#include "cli/shell.hpp"

int main(int argc, char** argv) {
  // A subcommand name as the first argument selects it; anything else is the
  // shell (a database file named like a subcommand opens as ./NAME).
  const std::string cmd = argc >= 2 ? argv[1] : "";
  if (cmd == "demo" && argc == 3) return zq::cli::RunDemo(argv[2]);
  if (cmd == "verify" && argc == 3) return zq::cli::RunVerify(argv[2]);
  if (cmd == "crypto") return zq::cli::RunCrypto(argc - 2, argv + 2);
  if (cmd == "ledger") return zq::cli::RunLedger(argc - 2, argv + 2);
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::printf(
        "usage: zqlite [OPTIONS] [FILE] [SQL]     the SQL shell (zqlite -help for options)\n"
        "       zqlite demo FILE     create a database, write rows, reopen it and read them back\n"
        "       zqlite verify FILE   check every page and tree of a database\n"
        "       zqlite crypto ...    post-quantum keys, KEMs and signatures (zqlite crypto --help)\n"
        "       zqlite ledger ...    double-entry ledger as JSON lines (zqlite ledger)\n");
    return 0;
  }
  return zq::cli::RunShell(argc, argv);
}

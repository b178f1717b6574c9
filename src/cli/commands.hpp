// Subcommands of the zqlite program; each returns the process exit status.
#pragma once

namespace zq::cli {

int RunDemo(const char* path);
int RunVerify(const char* path);
// `zqlite crypto COMMAND ALG ...` (crypto_command.cpp); argv starts at COMMAND.
int RunCrypto(int argc, char** argv);
// `zqlite ledger COMMAND DB ...` (ledger_command.cpp); argv starts at COMMAND.
int RunLedger(int argc, char** argv);

}  // namespace zq::cli

// Subcommands of the zqlite program; each returns the process exit status.
#pragma once

namespace zq::cli {

int RunDemo(const char* path);
int RunVerify(const char* path);

}  // namespace zq::cli

// The SQL shell: `zqlite [OPTIONS] [FILE] [SQL]` (docs/shell.md).
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/result_format.hpp"
#include "cli/statement_splitter.hpp"
#include "engine/database.hpp"
#include "storage/vfs/vfs.hpp"

namespace zq::cli {

int RunShell(int argc, char** argv);

class Shell {
 public:
  Shell(FILE* out, FILE* err) : out_(out), err_(err) {}
  ~Shell();

  // Opens FILE (created if missing), or an in-memory database for "".
  Status Open(const std::string& path);
  // Feeds one input line (SQL or a dot-command). False after .quit or a
  // failure with bail on.
  bool ProcessLine(const std::string& line);
  // Runs what is left unterminated at the end of input.
  bool Finish();
  // Runs a whole text (from -cmd, the SQL argument or .read). Errors name
  // their line within it when `number_lines` (a file's lines, not a
  // command line's).
  bool ProcessText(const std::string& text, bool number_lines = false);

  FormatOptions& format() { return format_; }
  void set_bail(bool bail) { bail_ = bail; }
  void set_read_only(bool read_only) { read_only_ = read_only; }
  void set_key(std::optional<crypto::AeadKey> key) { key_ = key; }
  void set_interactive(bool interactive) { interactive_ = interactive; }
  bool pending() const { return splitter_.pending(); }
  bool failed() const { return failed_; }

 private:
  bool RunSql(const std::string& sql);
  bool RunDot(const std::string& line);
  void ReportError(const Status& status);
  void Progress(const char* what, uint64_t done, uint64_t total);
  bool Import(const std::string& file, const std::string& table);
  FILE* out() const { return redirect_ != nullptr ? redirect_ : out_; }

  FILE* out_;
  FILE* err_;
  FILE* redirect_ = nullptr;  // .output FILE
  std::unique_ptr<storage::Vfs> memory_vfs_;
  std::unique_ptr<engine::Database> db_;
  std::string path_;
  StatementSplitter splitter_;
  // Input lines read so far, and the line the statement being run (or
  // pending) started on: errors from a script name it. 0: not from lines.
  int line_ = 0;
  int pending_line_ = 0;
  int statement_line_ = 0;
  bool number_lines_ = true;  // standard input counts; -cmd and SQL arguments do not
  FormatOptions format_;
  bool bail_ = false;
  bool timer_ = false;
  bool read_only_ = false;
  bool interactive_ = false;
  bool failed_ = false;
  bool quit_ = false;
  int read_depth_ = 0;
  std::optional<crypto::AeadKey> key_;
};

}  // namespace zq::cli

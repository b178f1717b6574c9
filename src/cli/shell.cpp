// The shell's main loop, options and statement execution. Dot-commands are
// in shell_commands.cpp.
#include "cli/shell.hpp"

#include <editline/readline.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "sql/lexer/sql_error.hpp"
#include "storage/vfs/fault_vfs.hpp"

namespace zq::cli {

Shell::~Shell() {
  if (redirect_ != nullptr) std::fclose(redirect_);
  if (db_) (void)db_->Close();
}

Status Shell::Open(const std::string& path) {
  auto close_current = [&] {
    if (!db_) return;
    Status s = db_->Close();
    db_.reset();
    if (!s.ok()) ReportError(s);
  };
  engine::DatabaseOptions options;
  options.store.read_only = read_only_;
  options.store.encryption_key = key_;
  std::string file = path;
  std::unique_ptr<storage::FaultVfs> memory_vfs;
  if (path.empty() || path == ":memory:") {
    // An in-memory database: the fault-injecting VFS doubles as a RAM disk
    // (no faults are armed); it vanishes with the shell.
    memory_vfs = std::make_unique<storage::FaultVfs>(0);
    options.store.vfs = memory_vfs.get();
    options.store.read_only = false;
    file = "memory.zq";
  } else if (db_ && path == path_) {
    close_current();  // the file is locked while open: reopening needs it closed
  }
  // The new database opens before the current one closes: when it fails,
  // the shell stays on the database it had.
  Result<std::unique_ptr<engine::Database>> db = engine::Database::Open(file, options);
  if (!db.ok()) return db.status();
  close_current();
  db_ = std::move(db).value();
  memory_vfs_ = std::move(memory_vfs);
  path_ = path;
  return Status::Ok();
}

void Shell::ReportError(const Status& status) {
  failed_ = true;
  if (format_.mode == OutputMode::kJsonl) {
    std::fprintf(out(), "%s\n", JsonlError(status).c_str());
    std::fflush(out());
    return;
  }
  // Typed statements need no line number; a script's do.
  const std::string where =
      !interactive_ && number_lines_ && statement_line_ > 0 ? " at line " + std::to_string(statement_line_) : "";
  std::optional<sql::SqlError> e = sql::DecodeSqlError(status);
  if (e) {
    std::fprintf(err_, "ERROR%s:  %s (SQLSTATE %s)\n", where.c_str(), e->message.c_str(),
                 e->sqlstate.c_str());
  } else {
    std::fprintf(err_, "Error%s: %s\n", where.c_str(), status.ToString().c_str());
  }
  std::fflush(err_);
}

bool Shell::RunSql(const std::string& sql) {
  if (!db_) {
    ReportError(Status::InvalidArgument("no database is open (use .open FILE)"));
    return !bail_;
  }
  const auto start = std::chrono::steady_clock::now();
  Result<engine::QueryResult> result = db_->Execute(sql);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!result.ok()) {
    Status status = result.status();
    // "SELECT 1; .tables" on one line: the dot-command reached the SQL parser.
    const size_t first = sql.find_first_not_of(" \t\r\n");
    std::optional<sql::SqlError> e = sql::DecodeSqlError(status);
    if (e && e->sqlstate == sql::kSqlStateSyntaxError && first != std::string::npos &&
        sql[first] == '.') {
      e->message += " (a dot-command must start its own line)";
      status = sql::MakeSqlStatus(*e);
    }
    ReportError(status);
    return !bail_;
  }
  WriteResult(out(), *result, format_);
  if (format_.mode != OutputMode::kJsonl && !result->returns_rows && interactive_ &&
      result->command != "SELECT") {
    const bool counted = result->command == "INSERT" || result->command == "UPDATE" ||
                         result->command == "DELETE";
    if (counted) {
      std::fprintf(out(), "%s %lld\n", result->command.c_str(),
                   static_cast<long long>(result->changes));
    }
  }
  if (timer_) std::fprintf(err_, "Run Time: real %.3f s\n", seconds);
  std::fflush(out());
  return true;
}

bool Shell::ProcessLine(const std::string& line) {
  if (quit_) return false;
  line_++;
  const bool was_pending = splitter_.pending();
  if (!was_pending) {
    size_t first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line[first] == '.') {
      statement_line_ = line_;
      return RunDot(line.substr(first));
    }
  }
  const std::vector<std::string> statements = splitter_.AddLine(line);
  for (size_t i = 0; i < statements.size(); i++) {
    statement_line_ = i == 0 && was_pending ? pending_line_ : line_;
    if (!RunSql(statements[i])) return false;
    if (quit_) return false;
  }
  // A statement left open started here, unless it was already open.
  if (splitter_.pending() && (!was_pending || !statements.empty())) pending_line_ = line_;
  return true;
}

bool Shell::Finish() {
  const std::string rest = splitter_.TakePending();
  if (rest.empty()) return true;
  statement_line_ = pending_line_;
  return RunSql(rest);
}

bool Shell::ProcessText(const std::string& text, bool number_lines) {
  const int saved_line = line_, saved_pending = pending_line_;
  const bool saved_numbering = number_lines_;
  line_ = 0;
  number_lines_ = number_lines;
  std::istringstream in(text);
  bool ok = true;
  for (std::string line; ok && std::getline(in, line);) ok = ProcessLine(line);
  if (ok) ok = Finish();
  line_ = saved_line;
  pending_line_ = saved_pending;
  number_lines_ = saved_numbering;
  return ok;
}

void Shell::Progress(const char* what, uint64_t done, uint64_t total) {
  if (!interactive_ || !isatty(fileno(err_))) return;
  const int width = 30;
  const int filled = total == 0 ? width : static_cast<int>(width * done / std::max<uint64_t>(total, 1));
  std::fprintf(err_, "\r%s [%s%s] %llu/%llu", what, std::string(static_cast<size_t>(filled), '#').c_str(),
               std::string(static_cast<size_t>(width - filled), ' ').c_str(),
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
  if (done >= total) std::fprintf(err_, "\n");
  std::fflush(err_);
}

namespace {

void Usage(FILE* f) {
  std::fprintf(f,
               "usage: zqlite [OPTIONS] [FILE] [SQL]\n"
               "Opens FILE (created if missing; an in-memory database without FILE) and runs SQL,\n"
               "or reads statements and dot-commands from standard input (.help lists them).\n"
               "  -batch            never prompt, even on a terminal\n"
               "  -bail             stop at the first error\n"
               "  -cmd COMMAND      run COMMAND before reading input (repeatable)\n"
               "  -csv -json -jsonl -table -box -line -list -tsv   output mode\n"
               "  -header / -noheader   column names on or off\n"
               "  -nullvalue TEXT   how NULL prints\n"
               "  -readonly         open the database read-only\n"
               "  -key-file FILE    encryption key: 32 raw bytes or 64 hex digits\n"
               "  -version          print the version\n"
               "Other commands: zqlite demo|verify|crypto|ledger ... (zqlite --help)\n");
}

Result<crypto::AeadKey> ReadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read key file " + path);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!bytes.empty() && (bytes.back() == '\n' || bytes.back() == '\r' || bytes.back() == ' ')) {
    bytes.pop_back();
  }
  crypto::AeadKey key{};
  if (bytes.size() == 32) {
    std::memcpy(key.data(), bytes.data(), 32);
    return key;
  }
  if (bytes.size() == 64) {
    for (size_t i = 0; i < 32; i++) {
      unsigned v = 0;
      if (std::sscanf(bytes.c_str() + 2 * i, "%2x", &v) != 1) break;
      key[i] = static_cast<uint8_t>(v);
      if (i == 31) return key;
    }
  }
  return Status::InvalidArgument("key file " + path + " must hold 32 raw bytes or 64 hex digits");
}

std::string HistoryPath() {
  const char* home = std::getenv("HOME");
  return home == nullptr ? "" : std::string(home) + "/.zqlite_history";
}

}  // namespace

int RunShell(int argc, char** argv) {
  Shell shell(stdout, stderr);
  std::vector<std::string> positional, commands;
  bool batch = false;
  bool mode_set = false;
  std::optional<crypto::AeadKey> key;
  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    if (arg.size() > 2 && arg[0] == '-' && arg[1] == '-') arg = arg.substr(1);  // --x == -x
    auto need_value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "zqlite: %s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    OutputMode mode;
    if (arg == "-help" || arg == "-h") {
      Usage(stdout);
      return 0;
    } else if (arg == "-version") {
      std::printf("zqlite 0.1.0\n");
      return 0;
    } else if (arg == "-batch") {
      batch = true;
    } else if (arg == "-bail") {
      shell.set_bail(true);
    } else if (arg == "-cmd") {
      commands.push_back(need_value());
    } else if (arg == "-header" || arg == "-headers") {
      shell.format().headers = true;
    } else if (arg == "-noheader") {
      shell.format().headers = false;
    } else if (arg == "-nullvalue") {
      shell.format().null_value = need_value();
    } else if (arg == "-readonly") {
      shell.set_read_only(true);
    } else if (arg == "-key-file") {
      Result<crypto::AeadKey> k = ReadKeyFile(need_value());
      if (!k.ok()) {
        std::fprintf(stderr, "zqlite: %s\n", k.status().ToString().c_str());
        return 2;
      }
      key = *k;
    } else if (arg.size() > 1 && arg[0] == '-' && ParseOutputMode(arg.substr(1), &mode)) {
      shell.format().mode = mode;
      mode_set = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      std::fprintf(stderr, "zqlite: unknown option %s\n", argv[i]);
      Usage(stderr);
      return 2;
    } else {
      positional.push_back(argv[i]);
    }
  }
  if (positional.size() > 2) {
    Usage(stderr);
    return 2;
  }
  if (!positional.empty() && access(positional[0].c_str(), F_OK) != 0 &&
      positional[0].find_first_of(" ;\n") != std::string::npos) {
    // Almost certainly SQL given where the file name goes: do not create a
    // database file named after it.
    std::fprintf(stderr,
                 "zqlite: \"%s\" looks like SQL, not a database file; to run SQL on an "
                 "in-memory database use: zqlite :memory: \"SQL\"\n",
                 positional[0].c_str());
    return 2;
  }
  const bool tty = isatty(STDIN_FILENO) != 0;
  const bool interactive = tty && !batch && positional.size() < 2;
  shell.set_interactive(interactive);
  if (!mode_set) shell.format().mode = interactive ? OutputMode::kTable : OutputMode::kList;
  if (!mode_set && !interactive) shell.format().headers = false;
  shell.set_key(key);
  Status opened = shell.Open(positional.empty() ? "" : positional[0]);
  if (!opened.ok()) {
    std::fprintf(stderr, "zqlite: cannot open %s: %s\n",
                 positional.empty() ? "in-memory database" : positional[0].c_str(),
                 opened.ToString().c_str());
    return 1;
  }
  for (const std::string& c : commands) {
    if (!shell.ProcessText(c)) return 1;
  }
  if (positional.size() == 2) {
    shell.ProcessText(positional[1]);
    return shell.failed() ? 1 : 0;
  }
  if (interactive) {
    std::printf("zqlite 0.1.0 — PostgreSQL-dialect SQL. Enter \".help\" for usage hints.\n");
    if (positional.empty()) std::printf("Connected to a transient in-memory database.\n");
    const std::string history = HistoryPath();
    if (!history.empty()) read_history(history.c_str());
    while (true) {
      char* raw = readline(shell.pending() ? "   ...> " : "zqlite> ");
      if (raw == nullptr) break;
      std::string line = raw;
      std::free(raw);
      if (!line.empty()) add_history(line.c_str());
      if (!shell.ProcessLine(line)) break;
    }
    if (!history.empty()) {
      write_history(history.c_str());
      history_truncate_file(history.c_str(), 2000);
    }
    shell.Finish();
    return 0;
  }
  bool ok = true;
  for (std::string line; ok && std::getline(std::cin, line);) ok = shell.ProcessLine(line);
  if (ok) shell.Finish();
  return shell.failed() ? 1 : 0;
}

}  // namespace zq::cli

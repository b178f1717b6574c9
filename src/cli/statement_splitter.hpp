// StatementSplitter: cuts shell input into complete SQL statements at `;`
// outside string literals, quoted identifiers, dollar quotes and comments, as
// lines arrive (a statement may span lines; a line may hold several).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace zq::cli {

class StatementSplitter {
 public:
  // Adds a line (without its newline); returns the statements it completed,
  // each without the `;`. Whitespace-only statements are dropped.
  std::vector<std::string> AddLine(std::string_view line);
  // True when a statement has started but not ended (the prompt changes).
  bool pending() const;
  // The unterminated rest (at end of input it runs as a last statement).
  std::string TakePending();

 private:
  enum class State { kNormal, kQuote, kEscapeQuote, kIdent, kLineComment, kBlockComment, kDollar };
  std::string buffer_;
  State state_ = State::kNormal;
  int comment_depth_ = 0;
  std::string dollar_tag_;
};

// True when `sql` holds nothing but whitespace and comments.
bool IsBlankSql(std::string_view sql);

}  // namespace zq::cli

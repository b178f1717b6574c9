#include "cli/statement_splitter.hpp"

#include <cctype>

namespace zq::cli {

bool IsBlankSql(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      i++;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') i++;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      int depth = 1;
      i += 2;
      while (i < sql.size() && depth > 0) {
        if (sql[i] == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
          depth++;
          i += 2;
        } else if (sql[i] == '*' && i + 1 < sql.size() && sql[i + 1] == '/') {
          depth--;
          i += 2;
        } else {
          i++;
        }
      }
    } else {
      return false;
    }
  }
  return true;
}

std::vector<std::string> StatementSplitter::AddLine(std::string_view line) {
  std::vector<std::string> done;
  const std::string text = std::string(line) + "\n";
  for (size_t i = 0; i < text.size(); i++) {
    const char c = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    switch (state_) {
      case State::kNormal:
        if (buffer_.empty() && std::isspace(static_cast<unsigned char>(c))) continue;
        if (c == ';') {
          if (!IsBlankSql(buffer_)) done.push_back(buffer_);
          buffer_.clear();
          continue;
        }
        if (c == '\'') {
          // E'...' strings take backslash escapes.
          const bool escape = !buffer_.empty() && (buffer_.back() == 'e' || buffer_.back() == 'E') &&
                              (buffer_.size() == 1 ||
                               !std::isalnum(static_cast<unsigned char>(buffer_[buffer_.size() - 2])));
          state_ = escape ? State::kEscapeQuote : State::kQuote;
        } else if (c == '"') {
          state_ = State::kIdent;
        } else if (c == '-' && next == '-') {
          state_ = State::kLineComment;
        } else if (c == '/' && next == '*') {
          state_ = State::kBlockComment;
          comment_depth_ = 1;
          buffer_ += c;
          buffer_ += next;
          i++;
          continue;
        } else if (c == '$') {
          // $tag$ ... $tag$ (tag may be empty); $1 is a parameter.
          size_t j = i + 1;
          while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) j++;
          const bool is_param = j > i + 1 && std::isdigit(static_cast<unsigned char>(text[i + 1]));
          if (j < text.size() && text[j] == '$' && !is_param) {
            dollar_tag_ = text.substr(i, j - i + 1);
            buffer_ += dollar_tag_;
            i = j;
            state_ = State::kDollar;
            continue;
          }
        }
        break;
      case State::kQuote:
        if (c == '\'') state_ = State::kNormal;  // '' re-enters at the next quote
        break;
      case State::kEscapeQuote:
        if (c == '\\' && next != '\0') {
          buffer_ += c;
          buffer_ += next;
          i++;
          continue;
        }
        if (c == '\'') state_ = State::kNormal;
        break;
      case State::kIdent:
        if (c == '"') state_ = State::kNormal;
        break;
      case State::kLineComment:
        if (c == '\n') state_ = State::kNormal;
        break;
      case State::kBlockComment:
        if (c == '/' && next == '*') {
          comment_depth_++;
          buffer_ += c;
          buffer_ += next;
          i++;
          continue;
        }
        if (c == '*' && next == '/') {
          buffer_ += c;
          buffer_ += next;
          i++;
          if (--comment_depth_ == 0) state_ = State::kNormal;
          continue;
        }
        break;
      case State::kDollar:
        if (c == '$' && text.compare(i, dollar_tag_.size(), dollar_tag_) == 0) {
          buffer_ += dollar_tag_;
          i += dollar_tag_.size() - 1;
          state_ = State::kNormal;
          continue;
        }
        break;
    }
    buffer_ += c;
  }
  return done;
}

bool StatementSplitter::pending() const { return !IsBlankSql(buffer_) || state_ != State::kNormal; }

std::string StatementSplitter::TakePending() {
  std::string rest = IsBlankSql(buffer_) ? "" : buffer_;
  buffer_.clear();
  state_ = State::kNormal;
  comment_depth_ = 0;
  return rest;
}

}  // namespace zq::cli

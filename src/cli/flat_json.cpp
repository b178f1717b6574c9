#include "cli/flat_json.hpp"

#include <cctype>
#include <cstdio>

namespace zq::cli {

namespace {
class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<FlatObject> Object() {
    FlatObject out;
    Skip();
    if (!Eat('{')) return Error("expected '{'");
    Skip();
    if (Eat('}')) return Finish(std::move(out));
    while (true) {
      Skip();
      std::string key;
      ZQ_RETURN_IF_ERROR(String(&key));
      Skip();
      if (!Eat(':')) return Error("expected ':'");
      Skip();
      JsonField field;
      if (Eat('[')) {
        field.is_array = true;
        ZQ_RETURN_IF_ERROR(Array(&field.items));
      } else {
        ZQ_RETURN_IF_ERROR(Scalar(&field.scalar));
      }
      if (!out.emplace(key, std::move(field)).second) return Error("duplicate key \"" + key + "\"");
      Skip();
      if (Eat('}')) return Finish(std::move(out));
      if (!Eat(',')) return Error("expected ',' or '}'");
    }
  }

 private:
  Result<FlatObject> Finish(FlatObject out) {
    Skip();
    if (pos_ != s_.size()) return Error("unexpected text after the object");
    return out;
  }
  Status Array(std::vector<JsonScalar>* items) {
    Skip();
    if (Eat(']')) return Status::Ok();
    while (true) {
      Skip();
      JsonScalar v;
      ZQ_RETURN_IF_ERROR(Scalar(&v));
      items->push_back(std::move(v));
      Skip();
      if (Eat(']')) return Status::Ok();
      if (!Eat(',')) return Error("expected ',' or ']'");
    }
  }
  Status Scalar(JsonScalar* v) {
    if (pos_ < s_.size() && s_[pos_] == '"') {
      v->kind = JsonScalar::Kind::kString;
      return String(&v->text);
    }
    for (const char* word : {"true", "false", "null"}) {
      std::string_view w(word);
      if (s_.substr(pos_, w.size()) == w) {
        pos_ += w.size();
        v->kind = w == "null" ? JsonScalar::Kind::kNull : JsonScalar::Kind::kBool;
        v->text = std::string(w);
        return Status::Ok();
      }
    }
    size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') pos_++;
    while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) ||
                                s_[pos_] == '.' || s_[pos_] == 'e' || s_[pos_] == 'E' ||
                                s_[pos_] == '+' || s_[pos_] == '-')) {
      pos_++;
    }
    if (pos_ == start) {
      return pos_ < s_.size() && (s_[pos_] == '{' || s_[pos_] == '[')
                 ? Error("nested values are not allowed")
                 : Error("expected a value");
    }
    v->kind = JsonScalar::Kind::kNumber;
    v->text = std::string(s_.substr(start, pos_ - start));
    return Status::Ok();
  }
  Status String(std::string* out) {
    if (!Eat('"')) return Error("expected a string");
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return Status::Ok();
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) break;
      char e = s_[pos_++];
      switch (e) {
        case '"': case '\\': case '/': out->push_back(e); break;
        case 'n': out->push_back('\n'); break;
        case 't': out->push_back('\t'); break;
        case 'r': out->push_back('\r'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        default: return Error("unsupported string escape");
      }
    }
    return Error("unterminated string");
  }
  void Skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) pos_++;
  }
  bool Eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      pos_++;
      return true;
    }
    return false;
  }
  Status Error(const std::string& what) {
    return Status::InvalidArgument("JSON at byte " + std::to_string(pos_) + ": " + what);
  }

  std::string_view s_;
  size_t pos_ = 0;
};
}  // namespace

Result<FlatObject> ParseFlatObject(std::string_view line) { return Parser(line).Object(); }

std::string JsonEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace zq::cli

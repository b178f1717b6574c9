#include "cli/result_format.hpp"

#include <cmath>
#include <cstring>

#include "cli/flat_json.hpp"
#include "sql/lexer/sql_error.hpp"
#include "util/coding.hpp"

namespace zq::cli {

namespace {

struct ModeName {
  OutputMode mode;
  const char* name;
};
constexpr ModeName kModes[] = {
    {OutputMode::kTable, "table"}, {OutputMode::kBox, "box"},   {OutputMode::kCsv, "csv"},
    {OutputMode::kTsv, "tsv"},     {OutputMode::kJson, "json"}, {OutputMode::kLine, "line"},
    {OutputMode::kList, "list"},   {OutputMode::kJsonl, "jsonl"},
};

bool IsRightAligned(const sql::ColumnType& t) { return sql::IsNumericCategory(t.id); }

// Display width of UTF-8 text: one per code point (wide characters count one).
size_t Width(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string Pad(const std::string& s, size_t width, bool right) {
  const size_t w = Width(s);
  if (w >= width) return s;
  const std::string fill(width - w, ' ');
  return right ? fill + s : s + fill;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Quote(std::string_view s) { return "\"" + JsonEscape(s) + "\""; }

void WriteAligned(FILE* out, const engine::QueryResult& r, const FormatOptions& o, bool box) {
  const size_t n = r.column_names.size();
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> widths(n, 0);
  for (size_t c = 0; c < n; c++) widths[c] = o.headers ? Width(r.column_names[c]) : 0;
  for (const sql::Row& row : r.rows) {
    std::vector<std::string> line;
    for (size_t c = 0; c < n; c++) {
      line.push_back(DisplayValue(row[c], o));
      widths[c] = std::max(widths[c], Width(line.back()));
    }
    cells.push_back(std::move(line));
  }
  auto rule = [&](const char* left, const char* mid, const char* right, const char* bar) {
    std::string s = left;
    for (size_t c = 0; c < n; c++) {
      for (size_t k = 0; k < widths[c] + 2; k++) s += bar;
      s += c + 1 < n ? mid : right;
    }
    std::fprintf(out, "%s\n", s.c_str());
  };
  const char* sep = box ? "│" : "|";
  auto print_row = [&](const std::vector<std::string>& values, bool header) {
    std::string s = box ? "│" : "";
    for (size_t c = 0; c < n; c++) {
      const bool right = !header && IsRightAligned(r.column_types[c]);
      s += " " + (header && !box ? Pad(values[c], widths[c], false) : Pad(values[c], widths[c], right)) + " ";
      if (c + 1 < n || box) s += sep;
    }
    if (!box) {
      while (!s.empty() && s.back() == ' ') s.pop_back();
    }
    std::fprintf(out, "%s\n", s.c_str());
  };
  if (box) rule("┌", "┬", "┐", "─");
  if (o.headers) {
    print_row(r.column_names, true);
    if (box) {
      rule("├", "┼", "┤", "─");
    } else {
      std::string s;
      for (size_t c = 0; c < n; c++) {
        s += std::string(widths[c] + 2, '-');
        if (c + 1 < n) s += "+";
      }
      std::fprintf(out, "%s\n", s.c_str());
    }
  }
  for (const auto& line : cells) print_row(line, false);
  if (box) {
    rule("└", "┴", "┘", "─");
  } else {
    std::fprintf(out, "(%zu row%s)\n", r.rows.size(), r.rows.size() == 1 ? "" : "s");
  }
}

}  // namespace

bool ParseOutputMode(std::string_view name, OutputMode* mode) {
  for (const ModeName& m : kModes) {
    if (name == m.name) {
      *mode = m.mode;
      return true;
    }
  }
  return false;
}

const char* OutputModeName(OutputMode mode) {
  for (const ModeName& m : kModes) {
    if (m.mode == mode) return m.name;
  }
  return "?";
}

std::string DisplayValue(const sql::Value& v, const FormatOptions& options) {
  if (v.null) return options.null_value;
  return sql::ValueToText(v);
}

std::string JsonValue(const sql::Value& v) {
  if (v.null) return "null";
  switch (v.type) {
    case sql::TypeId::kBool:
      return v.i ? "true" : "false";
    case sql::TypeId::kInt2:
    case sql::TypeId::kInt4:
    case sql::TypeId::kInt8:
      return std::to_string(v.i);
    case sql::TypeId::kFloat4:
    case sql::TypeId::kFloat8: {
      if (std::isnan(v.f)) return "{\"real\":\"nan\"}";
      if (std::isinf(v.f)) return v.f > 0 ? "{\"real\":\"inf\"}" : "{\"real\":\"-inf\"}";
      std::string s = sql::ValueToText(v);
      if (s.find_first_of(".eE") == std::string::npos) s += ".0";
      return s;
    }
    case sql::TypeId::kNumeric:
      return v.dec.ToString();
    case sql::TypeId::kBytea:
      return "{\"blob\":\"" + ToHex(v.s) + "\"}";
    case sql::TypeId::kText:
    case sql::TypeId::kNull:
      return Quote(v.s);
    case sql::TypeId::kDate:
    case sql::TypeId::kTimestamp:
    case sql::TypeId::kTimestampTz:
      return Quote(sql::ValueToText(v));  // ISO 8601 text
  }
  return "null";
}

void WriteResult(FILE* out, const engine::QueryResult& r, const FormatOptions& o) {
  if (o.mode == OutputMode::kJsonl) {
    std::fprintf(out, "%s\n", JsonlResult(r).c_str());
    std::fflush(out);
    return;
  }
  if (!r.returns_rows) return;
  const size_t n = r.column_names.size();
  switch (o.mode) {
    case OutputMode::kTable:
      WriteAligned(out, r, o, false);
      break;
    case OutputMode::kBox:
      WriteAligned(out, r, o, true);
      break;
    case OutputMode::kCsv:
    case OutputMode::kTsv:
    case OutputMode::kList: {
      const char* sep = o.mode == OutputMode::kCsv ? "," : (o.mode == OutputMode::kTsv ? "\t" : "|");
      auto field = [&](const std::string& s) { return o.mode == OutputMode::kCsv ? CsvField(s) : s; };
      if (o.headers) {
        for (size_t c = 0; c < n; c++) {
          std::fprintf(out, "%s%s", c ? sep : "", field(r.column_names[c]).c_str());
        }
        std::fprintf(out, "\n");
      }
      for (const sql::Row& row : r.rows) {
        for (size_t c = 0; c < n; c++) {
          std::fprintf(out, "%s%s", c ? sep : "", field(DisplayValue(row[c], o)).c_str());
        }
        std::fprintf(out, "\n");
      }
      break;
    }
    case OutputMode::kJson: {
      std::fprintf(out, "[");
      for (size_t i = 0; i < r.rows.size(); i++) {
        std::fprintf(out, "%s{", i ? ",\n" : "");
        for (size_t c = 0; c < n; c++) {
          std::fprintf(out, "%s%s:%s", c ? "," : "", Quote(r.column_names[c]).c_str(),
                       JsonValue(r.rows[i][c]).c_str());
        }
        std::fprintf(out, "}");
      }
      std::fprintf(out, "]\n");
      break;
    }
    case OutputMode::kLine: {
      size_t width = 0;
      for (const std::string& name : r.column_names) width = std::max(width, Width(name));
      for (size_t i = 0; i < r.rows.size(); i++) {
        if (i > 0) std::fprintf(out, "\n");
        for (size_t c = 0; c < n; c++) {
          std::fprintf(out, "%s = %s\n", Pad(r.column_names[c], width, true).c_str(),
                       DisplayValue(r.rows[i][c], o).c_str());
        }
      }
      break;
    }
    case OutputMode::kJsonl:
      break;
  }
}

std::string JsonlResult(const engine::QueryResult& r) {
  std::string s = "{\"columns\":[";
  if (r.returns_rows) {
    for (size_t c = 0; c < r.column_names.size(); c++) {
      if (c) s += ",";
      s += Quote(r.column_names[c]);
    }
  }
  s += "],\"rows\":[";
  if (r.returns_rows) {
    for (size_t i = 0; i < r.rows.size(); i++) {
      if (i) s += ",";
      s += "[";
      for (size_t c = 0; c < r.rows[i].size(); c++) {
        if (c) s += ",";
        s += JsonValue(r.rows[i][c]);
      }
      s += "]";
    }
  }
  s += "]";
  if (!r.returns_rows) s += ",\"changes\":" + std::to_string(r.changes);
  return s + "}";
}

std::string JsonlError(const Status& status) {
  std::optional<sql::SqlError> e = sql::DecodeSqlError(status);
  std::string message = e ? e->message : status.ToString();
  std::string state = e ? e->sqlstate : "XX000";
  if (!e) {
    switch (status.code()) {
      case StatusCode::kIOError: state = "58030"; break;
      case StatusCode::kCorruption:
      case StatusCode::kAuthFailed: state = "XX001"; break;
      case StatusCode::kConflict: state = "40001"; break;
      case StatusCode::kBusy: state = "55006"; break;
      case StatusCode::kNotSupported: state = "0A000"; break;
      case StatusCode::kInvalidArgument: state = "22023"; break;
      default: break;
    }
  }
  return "{\"error\":" + Quote(message) + ",\"sqlstate\":" + Quote(state) + "}";
}

}  // namespace zq::cli

#include "cli/csv.hpp"

namespace zq::cli {

Result<std::vector<CsvRecord>> ParseCsv(std::string_view text) {
  std::vector<CsvRecord> records;
  CsvRecord record;
  CsvField field;
  size_t line = 1;
  size_t i = 0;
  bool field_started = false;
  auto end_field = [&]() {
    record.push_back(std::move(field));
    field = CsvField{};
    field_started = false;
  };
  auto end_record = [&]() {
    end_field();
    // A blank line is no record.
    if (!(record.size() == 1 && record[0].text.empty() && !record[0].quoted)) {
      records.push_back(std::move(record));
    }
    record.clear();
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"' && !field_started) {
      field.quoted = true;
      field_started = true;
      i++;
      while (true) {
        if (i >= text.size()) {
          return Status::InvalidArgument("CSV: unterminated quoted field starting at line " +
                                         std::to_string(line));
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.text += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (text[i] == '\n') line++;
        field.text += text[i++];
      }
      if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        return Status::InvalidArgument("CSV: text after a closing quote on line " +
                                       std::to_string(line));
      }
      continue;
    }
    if (c == ',') {
      end_field();
      i++;
      continue;
    }
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      i++;
      continue;
    }
    if (c == '\n') {
      end_record();
      line++;
      i++;
      continue;
    }
    field.text += c;
    field_started = true;
    i++;
  }
  if (field_started || !record.empty()) end_record();
  return records;
}

}  // namespace zq::cli

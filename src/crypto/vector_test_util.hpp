// Test-only helpers for the official vectors in <shared>/vectors (ACVP and
// Wycheproof): locating the folder, reading JSON, hex, joining ACVP
// prompt/expectedResults by (tgId, tcId), and counting passes per file.
// Included only by *_test.cpp files.
//
// The shared folder is ZQ_SHARED_DIR from the environment, else the compile
// definition ZQ_SHARED_DIR, else ../shared next to the repository root (found
// from this header's path). Vector files are never copied into the repository.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace zq::crypto::testing {

using Json = nlohmann::json;

inline std::string SharedDir() {
  if (const char* env = std::getenv("ZQ_SHARED_DIR"); env != nullptr && *env != '\0') return env;
#ifdef ZQ_SHARED_DIR
  return ZQ_SHARED_DIR;
#else
  // <root>/src/crypto/vector_test_util.hpp -> <root>/../shared
  std::filesystem::path root =
      std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  return (root / ".." / "shared").string();
#endif
}

// Parses <shared>/vectors/<relative>; a missing file is a test failure.
inline bool LoadVectors(const std::string& relative, Json* out) {
  std::string path = SharedDir() + "/vectors/" + relative;
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "cannot open " << path << " (set ZQ_SHARED_DIR)";
    return false;
  }
  *out = Json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded()) {
    ADD_FAILURE() << "bad JSON in " << path;
    return false;
  }
  return true;
}

// Hex to bytes, either case (ACVP is upper-case, Wycheproof lower-case).
inline std::vector<uint8_t> FromHex(const std::string& hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::vector<uint8_t> out;
  EXPECT_EQ(hex.size() % 2, 0u) << "odd hex length";
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    EXPECT_TRUE(hi >= 0 && lo >= 0) << "bad hex digit";
    out.push_back(static_cast<uint8_t>((hi << 4) | (lo & 15)));
  }
  return out;
}

// Field `key` of a test as bytes; a missing or null field is empty.
inline std::vector<uint8_t> HexField(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  return FromHex(it->get<std::string>());
}

inline bool HasField(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && !it->is_null();
}

// An ACVP vector set: every prompt case with its expected answer, joined by
// (tgId, tcId), never by position.
struct AcvpCase {
  const Json* group;     // prompt group: parameterSet, function, ...
  const Json* prompt;    // prompt test: inputs
  const Json* expected;  // expectedResults test: answers
};

inline bool LoadAcvp(const std::string& folder, Json* prompt, Json* expected,
                     std::vector<AcvpCase>* cases) {
  if (!LoadVectors("acvp/" + folder + "/prompt.json", prompt)) return false;
  if (!LoadVectors("acvp/" + folder + "/expectedResults.json", expected)) return false;
  std::map<std::pair<int, int>, const Json*> answers;
  for (const Json& g : (*expected)["testGroups"]) {
    for (const Json& t : g["tests"]) {
      answers[{g["tgId"].get<int>(), t["tcId"].get<int>()}] = &t;
    }
  }
  for (const Json& g : (*prompt)["testGroups"]) {
    for (const Json& t : g["tests"]) {
      auto it = answers.find({g["tgId"].get<int>(), t["tcId"].get<int>()});
      if (it == answers.end()) {
        ADD_FAILURE() << folder << ": no expected result for tcId " << t["tcId"];
        return false;
      }
      cases->push_back({&g, &t, it->second});
    }
  }
  EXPECT_EQ(answers.size(), cases->size()) << folder << ": unmatched expected results";
  return !cases->empty();
}

// Counts passes for one vector file and prints "<name>: p/t passed".
class PassCounter {
 public:
  explicit PassCounter(std::string name) : name_(std::move(name)) {}
  ~PassCounter() {
    std::printf("%s: %d/%d passed%s\n", name_.c_str(), passed_, total_,
                skipped_ > 0 ? (" (" + std::to_string(skipped_) + " skipped)").c_str() : "");
    std::fflush(stdout);
    EXPECT_GT(total_, 0) << name_ << ": no cases ran";
    EXPECT_EQ(passed_, total_) << name_;
  }
  PassCounter(const PassCounter&) = delete;
  PassCounter& operator=(const PassCounter&) = delete;

  void Record(bool ok, int tc_id, const std::string& detail = "") {
    ++total_;
    if (ok) {
      ++passed_;
    } else if (total_ - passed_ <= 10) {  // the first failures say enough
      ADD_FAILURE() << name_ << " tcId " << tc_id << " failed " << detail;
    }
  }
  void Skip() { ++skipped_; }

 private:
  std::string name_;
  int passed_ = 0;
  int total_ = 0;
  int skipped_ = 0;
};

}  // namespace zq::crypto::testing

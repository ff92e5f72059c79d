#pragma once
// The bench programs' command line, read the same way by each: "--name value" options,
// "--name" switches (declared up front, since they take no value) and bare positional words.
// The program asks for each option by name with its default; `finish` then stops on any option
// that was given but never asked for. An unknown option, a missing value or a value that is not
// a number stops the program with its usage line and exit status 2.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace vaesweep::bench {

class Args {
 public:
  Args(int argc, char** argv, std::string usage, std::set<std::string> switches = {})
      : program_(program_name(argc > 0 ? argv[0] : "bench")), usage_(std::move(usage)), switches_(std::move(switches)) {
    for (int i = 1; i < argc; ++i) {
      const std::string word = argv[i];
      if (word == "-h" || word == "--help") fail("help");
      if (word.rfind("--", 0) != 0) {
        positional_.push_back(word);
      } else if (switches_.count(word)) {
        values_[word] = "";
      } else {
        if (i + 1 >= argc) fail("missing value after " + word);
        values_[word] = argv[++i];
      }
    }
  }

  [[noreturn]] void fail(const std::string& problem) const {
    std::fprintf(stderr, "%s: %s\nusage: %s %s\n", program_.c_str(), problem.c_str(), program_.c_str(), usage_.c_str());
    std::exit(2);
  }

  bool given(const std::string& name) { return asked(name) != nullptr; }

  bool on(const std::string& name) {
    if (!switches_.count(name)) fail("internal: " + name + " is not a declared switch");
    return given(name);
  }

  std::string text(const std::string& name, const std::string& fallback = "") {
    const std::string* value = asked(name);
    return value ? *value : fallback;
  }

  double number(const std::string& name, double fallback) {
    const std::string* value = asked(name);
    if (!value) return fallback;
    char* end = nullptr;
    const double parsed = std::strtod(value->c_str(), &end);
    if (value->empty() || *end != '\0') fail(name + " expects a number, got '" + *value + "'");
    return parsed;
  }

  long integer(const std::string& name, long fallback) {
    const std::string* value = asked(name);
    if (!value) return fallback;
    char* end = nullptr;
    const long parsed = std::strtol(value->c_str(), &end, 10);
    if (value->empty() || *end != '\0') fail(name + " expects an integer, got '" + *value + "'");
    return parsed;
  }

  const std::vector<std::string>& positional() const { return positional_; }

  // Stops on the first option given that the program never asked for (a typo would otherwise
  // be a silently ignored setting, and a figure measured under the wrong one).
  void finish() const {
    for (const auto& [name, value] : values_)
      if (!asked_.count(name)) fail("unknown option " + name);
  }

 private:
  static std::string program_name(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

  const std::string* asked(const std::string& name) {
    asked_.insert(name);
    const auto it = values_.find(name);
    return it == values_.end() ? nullptr : &it->second;
  }

  std::string program_, usage_;
  std::set<std::string> switches_, asked_;
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

}  // namespace vaesweep::bench

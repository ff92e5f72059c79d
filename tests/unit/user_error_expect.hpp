#pragma once
// Checking that bad input is refused with a message that names what was wrong.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "util/error.hpp"

namespace vaesweep::test {

// The message of the UserError that `action` throws ("" when it throws none).
inline std::string user_error(const std::function<void()>& action) {
  try {
    action();
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

// Fails unless `action` throws a UserError whose message contains `needle`.
inline void expect_user_error_naming(const std::function<void()>& action, const std::string& needle) {
  const std::string message = user_error(action);
  if (message.empty()) {
    ADD_FAILURE() << "expected a UserError mentioning " << needle;
    return;
  }
  EXPECT_NE(message.find(needle), std::string::npos) << message;
}

}  // namespace vaesweep::test

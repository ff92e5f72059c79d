#include "cluster/method.hpp"

#include "util/error.hpp"

namespace vaesweep::cluster {
namespace {

struct MethodName {
  Method method;
  const char* name;
};
constexpr MethodName kMethods[] = {
    {Method::kmeans, "kmeans"}, {Method::agglomerative, "agglomerative"}, {Method::dbscan, "dbscan"},
    {Method::spectral, "spectral"}, {Method::gmm, "gmm"},
};

}  // namespace

Method parse_method(std::string_view name) {
  for (const auto& m : kMethods)
    if (name == m.name) return m.method;
  std::string valid;
  for (const auto& m : kMethods) valid += (valid.empty() ? "" : ", ") + std::string(m.name);
  throw UserError("unknown clustering method \"" + std::string(name) + "\"; valid methods are: " + valid);
}

std::string method_name(Method method) {
  for (const auto& m : kMethods)
    if (m.method == method) return m.name;
  return "?";
}

std::vector<std::string> method_names() {
  std::vector<std::string> names;
  for (const auto& m : kMethods) names.emplace_back(m.name);
  return names;
}

bool takes_k(Method method) { return method != Method::dbscan; }

}  // namespace vaesweep::cluster

#pragma once
// The clustering methods: one enum, parsed from its name in one place (the study's
// cluster.methods and `vaesweep cluster --method` both read names through parse_method).
#include <string>
#include <string_view>
#include <vector>

namespace vaesweep::cluster {

enum class Method { kmeans, agglomerative, dbscan, spectral, gmm };

// "kmeans" | "agglomerative" | "dbscan" | "spectral" | "gmm"; anything else throws
// vaesweep::UserError listing those names.
Method parse_method(std::string_view name);
std::string method_name(Method method);
// The same, found by argument-dependent lookup from any namespace (a to_string of another
// namespace, such as results' for unit statuses, would otherwise hide this one).
inline std::string to_string(Method method) { return method_name(method); }
// The valid names, in the order above (the study schema's choices).
std::vector<std::string> method_names();
// Whether the method takes a number of clusters (all but DBSCAN, which finds its own).
bool takes_k(Method method);

}  // namespace vaesweep::cluster

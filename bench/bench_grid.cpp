// Benchmark: expanding a million-unit grid, which every MPI rank does before a sweep. Prints
// the seconds to parse the study and to expand it, the resident set after parsing and the peak
// (getrusage), and the seconds per materialised unit. One thread; figures only, no assertions.
//
//   bench_grid seeds   [grid] seed = [1..1000000], k = [2, 4], model.kind = "pca"
//   bench_grid axes    model = ["vae", "pca"] x beta (4) x latent_dim (2) x seed (10^5):
//                      1,600,000 points, 1,000,000 units (pca has no beta)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include "study/grid.hpp"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux: KiB
}

double rss_mb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * 4096.0 / (1024.0 * 1024.0);
}

std::string seed_list(int n) {
  std::string out = "[";
  for (int s = 1; s <= n; ++s) out += (s > 1 ? ", " : "") + std::to_string(s);
  return out + "]";
}

}  // namespace

int main(int argc, char** argv) {
  const double start_rss = rss_mb();  // the libraries vaesweep_lib links (LibTorch) are resident already
  const std::string which = argc > 1 ? argv[1] : "seeds";
  std::string text;
  if (which == "seeds") {
    text = "[model]\nkind = \"pca\"\n[grid]\nk = [2, 4]\nseed = " + seed_list(1000000) + "\n";
  } else if (which == "axes") {
    text = "[grid]\nmodel = [\"vae\", \"pca\"]\nbeta = [0.5, 1.0, 2.0, 4.0]\nlatent_dim = [4, 8]\nseed = " +
           seed_list(100000) + "\n";
  } else {
    std::fprintf(stderr, "usage: bench_grid [seeds|axes]\n");
    return 2;
  }
  auto start = std::chrono::steady_clock::now();
  const vaesweep::Study study = vaesweep::parse_study(text, "bench.toml");
  const double parse_s = seconds_since(start);
  const double parsed_rss = rss_mb();

  start = std::chrono::steady_clock::now();
  const vaesweep::Grid grid = vaesweep::expand_grid(study);
  const double expand_s = seconds_since(start);
  const double expanded_rss = rss_mb();

  start = std::chrono::steady_clock::now();
  std::size_t chars = 0;
  const std::size_t step = grid.size() / 1000 + 1;
  std::size_t materialised = 0;
  for (std::size_t i = 0; i < grid.size(); i += step, ++materialised) chars += grid.unit(i).canonical.size();
  const double unit_s = seconds_since(start) / static_cast<double>(materialised);

  start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < grid.size(); ++i) chars += grid.group_hash(i).size();
  const double groups_s = seconds_since(start);

  std::printf("grid %s: %zu units, %zu duplicates, %zu feature tables\n", which.c_str(), grid.size(),
              grid.duplicates_removed(), grid.feature_representatives().size());
  std::printf("RSS at start %.0f MB\n", start_rss);
  std::printf("parse %.2f s (RSS %.0f MB), expand %.2f s (RSS %.0f MB, +%.0f MB), peak RSS %.0f MB\n", parse_s,
              parsed_rss, expand_s, expanded_rss, expanded_rss - parsed_rss, peak_rss_mb());
  std::printf("unit(i) %.1f us each, group_hash of every unit %.2f s (%zu chars)\n", unit_s * 1e6, groups_s, chars);
  return 0;
}

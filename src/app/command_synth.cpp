#include <filesystem>
#include <iostream>

#include "app/commands.hpp"
#include "app/options.hpp"
#include "audio/synthetic_corpus.hpp"
#include "util/error.hpp"

namespace vaesweep::app {

int command_synth(const std::vector<std::string>& args) {
  audio::SyntheticCorpusParams params;
  std::string out;
  po::options_description options("vaesweep synth options");
  options.add_options()
      ("out,o", po::value(&out)->required(), "output folder (gets clips/*.wav and manifest.csv)")
      ("clips,n", po::value(&params.clips)->default_value(params.clips), "number of clips (balanced over 4 genres x 2 languages)")
      ("seed,s", po::value(&params.seed)->default_value(params.seed), "generator seed")
      ("seconds", po::value(&params.seconds)->default_value(params.seconds), "clip length in seconds")
      ("overwrite", "replace an existing corpus in --out");
  po::variables_map vm;
  const std::string usage = "usage: vaesweep synth --out DIR [--clips N] [--seed S] [--seconds X]\n\n"
                            "Writes the synthetic corpus: genre shapes tempo, rhythm and timbre; language shapes a\n"
                            "vocal formant layer and the lyrics (Latin or Bengali script).";
  if (!parse_options(usage, args, options, {}, vm)) return kExitOk;
  if (params.clips < 8) throw UserError("--clips: expected at least 8 (one per genre and language), got " + std::to_string(params.clips));
  if (!(params.seconds >= 0.5)) throw UserError("--seconds: expected at least 0.5");
  const std::filesystem::path dir(out);
  if (std::filesystem::exists(dir / "manifest.csv") && !vm.count("overwrite"))
    throw UserError(dir.string() + ": already holds a corpus (manifest.csv); pass --overwrite to replace it");
  const int n = audio::write_synthetic_corpus(dir, params);
  std::cout << "wrote " << n << " clips and " << (dir / "manifest.csv").string() << "\n";
  return kExitOk;
}

}  // namespace vaesweep::app

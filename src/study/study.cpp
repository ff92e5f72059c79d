#include "study/study.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "util/error.hpp"
#include "util/input_file.hpp"
#include "util/hash.hpp"
#include "study/study_choices.hpp"
#include "study/study_schema.hpp"
#include "util/strings.hpp"

namespace vaesweep {
namespace {

std::string where(const std::filesystem::path& file, const toml::source_region& region) {
  return file.string() + ":" + std::to_string(region.begin.line);
}

[[noreturn]] void fail(const std::string& origin, const std::string& key, const std::string& what) {
  throw UserError(origin + ": " + key + ": " + what);
}

Value to_value(const toml::node& node, const std::string& origin, const std::string& key) {
  if (auto v = node.as_integer()) return Value(static_cast<std::int64_t>(v->get()));
  if (auto v = node.as_floating_point()) return Value(v->get());
  if (auto v = node.as_boolean()) return Value(v->get());
  if (auto v = node.as_string()) return Value(v->get());
  if (auto arr = node.as_array()) {
    Value::List list;
    for (const auto& item : *arr) list.push_back(to_value(item, origin, key));
    return Value(list);
  }
  if (node.is_table()) fail(origin, key, "expected a value, got a table");
  fail(origin, key, "dates and times are not valid study values");
}

// Unknown key: say which keys exist, and which one was probably meant.
[[noreturn]] void unknown_key(const std::string& origin, const std::string& section, const std::string& name) {
  const auto valid = keys_in_section(section);
  std::string msg = "unknown key \"" + name + "\" in [" + section + "]";
  if (auto guess = closest_name(name, valid)) msg += " (did you mean \"" + *guess + "\"?)";
  msg += "; valid keys are: " + join(valid);
  throw UserError(origin + ": " + section + "." + name + ": " + msg);
}

void set_key(Settings& settings, const std::string& key, Value value, const std::string& origin) {
  const KeySpec* spec = find_key(key);
  VAESWEEP_ASSERT(spec != nullptr, key);
  if (auto err = check_value(*spec, value)) fail(origin, key, *err);
  settings[key] = Setting{std::move(value), origin};
}

// Resolves a grid or search key (alias or "section.key") to a known scalar key.
std::string resolve_axis_key(const std::string& name, const std::string& origin, const std::string& section = "grid") {
  std::string key = grid_alias(name).value_or(name);
  const KeySpec* spec = find_key(key);
  if (spec == nullptr) {
    std::vector<std::string> all, shorthands;
    for (const auto& [shorthand, full_key] : grid_shorthands()) shorthands.push_back(shorthand);
    all = shorthands;
    for (const auto& s : study_keys()) all.push_back(s.key);
    std::string msg = "unknown " + std::string(section == "grid" ? "grid axis" : "key") + " \"" + name + "\"";
    // "learning_rate" for "model.learning_rate": the one key of that name in some section.
    std::vector<std::string> same_name;
    for (const auto& s : study_keys())
      if (s.key.size() > name.size() && s.key.compare(s.key.size() - name.size() - 1, std::string::npos, "." + name) == 0)
        same_name.push_back(s.key);
    if (same_name.size() == 1) msg += " (did you mean \"" + same_name.front() + "\"?)";
    else if (auto guess = closest_name(name, all)) msg += " (did you mean \"" + *guess + "\"?)";
    msg += "; " + std::string(section == "grid" ? "an axis" : "a sampled key") +
           " is a shorthand (" + join(shorthands, ", ") + ") or a \"section.key\" name";
    fail(origin, section + "." + name, msg);
  }
  if (key.rfind("study.", 0) == 0 && key != "study.seed")
    fail(origin, section + "." + name, key + " names the study and cannot be an axis");
  if (key.rfind("slurm.", 0) == 0)
    fail(origin, section + "." + name, key + " says where the study runs, not what it computes, and cannot be an axis "
                                       "(set it in [slurm] or pass a flag to vaesweep slurm)");
  return key;
}

// A value listed twice in an axis, or nullptr. Sorted hashes of the canonical texts, equal ones
// then compared: an axis of a million seeds costs 16 MB here, not a set of a million strings.
const Value* repeated_value(const std::vector<Value>& values) {
  std::vector<std::pair<std::size_t, std::size_t>> hashed;  // (hash, index)
  hashed.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) hashed.emplace_back(std::hash<std::string>{}(values[i].canonical()), i);
  std::sort(hashed.begin(), hashed.end());
  for (std::size_t i = 1; i < hashed.size(); ++i)
    for (std::size_t j = i; j-- > 0 && hashed[j].first == hashed[i].first;)
      if (values[hashed[j].second].canonical() == values[hashed[i].second].canonical())
        return &values[std::max(hashed[i].second, hashed[j].second)];
  return nullptr;
}

void set_axis(std::vector<Axis>& axes, const std::string& name, Value values, const std::string& origin) {
  const std::string key = resolve_axis_key(name, origin);
  if (!values.is_list() || values.as_list().empty())
    fail(origin, "grid." + name, "expected a non-empty list of values, got " + values.kind_name());
  Axis axis{key, std::move(std::get<Value::List>(values.data)), origin};
  const KeySpec& spec = *find_key(key);
  const bool list_key = spec.type == ValueType::string_list || spec.type == ValueType::int_list;
  for (Value& v : axis.values) {
    if (list_key && !v.is_list())
      fail(origin, "grid." + name,
           key + " takes a list, so its axis is a list of lists, e.g. " +
               (key == "features.modalities" ? std::string("[[\"audio\"], [\"text\"], [\"audio\", \"text\"]]")
                                             : std::string("[[64, 32], [128, 64]]")) +
               "; got " + v.kind_name() + " " + v.display() + " in it");
    if (auto err = check_value(spec, v)) fail(origin, "grid." + name, *err);
  }
  if (const Value* twice = repeated_value(axis.values))
    fail(origin, "grid." + name, "the value " + twice->display() + " is listed twice");
  auto same = [&](const Axis& a) { return a.key == key; };
  if (auto it = std::find_if(axes.begin(), axes.end(), same); it != axes.end()) {
    if (it->origin.find("--set") == std::string::npos && origin == "--set") {
      *it = std::move(axis);  // an override replaces the file's axis
      return;
    }
    fail(origin, "grid." + name, "axis " + key + " is already given at " + it->origin);
  }
  axes.push_back(std::move(axis));
}

// [grid] may hold quoted dotted names ("model.learning_rate" = [...]) or, through TOML's own
// dotted keys, nested tables (model.learning_rate = [...]): both mean the same axis.
struct GridEntry {
  std::string name;
  const toml::node* node;
};

void collect_grid(const toml::table& grid, const std::string& prefix, std::vector<GridEntry>& out) {
  for (const auto& [k, node] : grid) {
    const std::string name = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = node.as_table())
      collect_grid(*sub, name, out);
    else
      out.push_back({name, &node});
  }
}

// TOML++ iterates a table in key order; axes keep the file's order (the last axis varies
// fastest in the expansion), so sort them by where they stand in the file.
void read_grid(const toml::table& grid, const std::filesystem::path& file, std::vector<Axis>& axes) {
  std::vector<GridEntry> entries;
  collect_grid(grid, "", entries);
  std::stable_sort(entries.begin(), entries.end(), [](const GridEntry& a, const GridEntry& b) {
    const auto& pa = a.node->source().begin;
    const auto& pb = b.node->source().begin;
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });
  for (const auto& e : entries) {
    const std::string origin = where(file, e.node->source());
    set_axis(axes, e.name, to_value(*e.node, origin, "grid." + e.name), origin);
  }
}

// [search]: kind, samples, seed, and one distribution per sampled key, written as an inline
// table (beta = { log_uniform = [0.25, 16.0] }); dotted names ("model.learning_rate" or
// model.learning_rate) nest tables the same way [grid]'s do.
void read_search_keys(const toml::table& table, const std::string& prefix, const std::filesystem::path& file,
                      SearchSpec& search) {
  for (const auto& [k, node] : table) {
    const std::string name = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    const std::string origin = where(file, node.source());
    if (prefix.empty() && (name == "kind" || name == "samples" || name == "seed")) {
      const Value v = to_value(node, origin, "search." + name);
      if (name == "kind") {
        if (!v.is_string()) fail(origin, "search.kind", "expected \"grid\", \"random\" or \"sobol\", got " + v.kind_name());
        try {
          search.kind = parse_search_kind(v.as_string());
        } catch (const UserError& e) {
          fail(origin, "search.kind", e.what());
        }
      } else {
        if (!v.is_int()) fail(origin, "search." + name, "expected an integer, got " + v.kind_name());
        (name == "samples" ? search.samples : search.seed) = v.as_int();
        (name == "samples" ? search.samples_given : search.seed_given) = true;
      }
      continue;
    }
    const toml::table* sub = node.as_table();
    if (sub == nullptr)
      fail(origin, "search." + name,
           "expected a distribution such as { log_uniform = [0.25, 16.0] } (uniform, log_uniform, int_uniform, "
           "choice); the other keys of [search] are kind, samples and seed");
    Distribution d{};
    std::vector<std::string> named;
    for (const auto& [dk, dn] : *sub)
      if (parse_distribution(std::string(dk.str()), d)) named.push_back(std::string(dk.str()));
    if (named.empty()) {
      read_search_keys(*sub, name, file, search);  // a section: model.learning_rate = {...}
      continue;
    }
    if (sub->size() != 1)
      fail(origin, "search." + name, "expected exactly one distribution (uniform, log_uniform, int_uniform, choice), got " +
                                         std::to_string(sub->size()) + " entries");
    const Value args = to_value(sub->begin()->second, origin, "search." + name);
    if (!args.is_list()) fail(origin, "search." + name, named.front() + " expects a list, got " + args.kind_name());
    parse_distribution(named.front(), d);
    search.keys.push_back({name, name, d, args.as_list(), origin});
  }
}

void read_search(const toml::table& table, const std::filesystem::path& file, SearchSpec& search) {
  search.origin = where(file, table.source());
  read_search_keys(table, "", file, search);
}

// Validates [search] and puts its draws in front of the grid's axes as sampled axes.
void apply_search(Study& study) {
  SearchSpec& search = study.search;
  for (SampledKey& s : search.keys) {
    const std::string& name = s.name;
    s.key = resolve_axis_key(name, s.origin, "search");
    if (s.key == "cluster.k")
      fail(s.origin, "search." + name, "k is evaluated inside each unit; list the cluster counts in [grid] k = [...]");
    if (s.key == "study.seed")
      fail(s.origin, "search." + name, "seeds are repeated, not sampled: list them in [grid] seed = [...]");
    for (const Axis& axis : study.axes)
      if (axis.key == s.key)
        fail(s.origin, "search." + name, s.key + " is both sampled here and a [grid] axis at " + axis.origin + "; keep one");
    check_sampled_key(*find_key(s.key), s);
  }
  check_search(search);
  if (!search.active()) return;
  std::vector<std::vector<Value>> draws = draw_samples(search);
  std::vector<Axis> axes;
  for (std::size_t k = 0; k < search.keys.size(); ++k)
    axes.push_back(Axis{search.keys[k].key, std::move(draws[k]), search.keys[k].origin, true});
  axes.insert(axes.end(), std::make_move_iterator(study.axes.begin()), std::make_move_iterator(study.axes.end()));
  study.axes = std::move(axes);
}

void read_sections(const toml::table& root, const std::filesystem::path& file, Settings& settings,
                   std::vector<Axis>& axes, SearchSpec& search) {
  const auto& sections = study_sections();
  for (const auto& [k, node] : root) {
    const std::string section(k.str());
    const std::string origin = where(file, node.source());
    if (std::find(sections.begin(), sections.end(), section) == sections.end()) {
      std::string msg = "unknown section [" + section + "]";
      if (auto guess = closest_name(section, sections)) msg += " (did you mean [" + *guess + "]?)";
      throw UserError(origin + ": " + msg + "; valid sections are: " + join(sections));
    }
    const auto* table = node.as_table();
    if (table == nullptr) throw UserError(origin + ": " + section + ": expected a table [" + section + "]");
    if (section == "grid") {
      read_grid(*table, file, axes);
      continue;
    }
    if (section == "search") {
      read_search(*table, file, search);
      continue;
    }
    for (const auto& [name_key, value_node] : *table) {
      const std::string name(name_key.str());
      const std::string key_origin = where(file, value_node.source());
      if (find_key(section + "." + name) == nullptr) unknown_key(key_origin, section, name);
      set_key(settings, section + "." + name, to_value(value_node, key_origin, section + "." + name), key_origin);
    }
  }
}

void apply_override(const std::string& text, Settings& settings, std::vector<Axis>& axes, SearchSpec& search) {
  const std::string origin = "--set " + text;
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UserError(origin + ": expected section.key=value");
  const std::string key = text.substr(0, eq);
  const std::string raw = text.substr(eq + 1);
  // One key per --set: a newline would start another TOML key that nothing reads.
  if (text.find_first_of("\n\r") != std::string::npos)
    throw UserError(origin + ": a --set value cannot span lines; pass one --set per key");
  Value value;
  try {
    toml::table parsed = toml::parse("v = " + raw);
    value = to_value(*parsed.get("v"), origin, key);
  } catch (const toml::parse_error& e) {
    // A bare word is taken as a string; anything with TOML's brackets, braces or quotes was
    // meant as TOML and is a syntax error.
    if (raw.find_first_of("[]{}\"'") != std::string::npos)
      throw UserError(origin + ": not a TOML value (" + std::string(e.description()) +
                      "); write lists as [1, 2] and strings as \"text\"");
    value = Value(raw);
  }
  if (key.rfind("grid.", 0) == 0) {
    set_axis(axes, key.substr(5), std::move(value), "--set");
    return;
  }
  if (key == "search.kind") {
    if (!value.is_string()) throw UserError(origin + ": expected \"grid\", \"random\" or \"sobol\"");
    try {
      search.kind = parse_search_kind(value.as_string());
    } catch (const UserError& e) {
      throw UserError(origin + ": " + e.what());
    }
    return;
  }
  if (key == "search.samples" || key == "search.seed") {
    if (!value.is_int()) throw UserError(origin + ": expected an integer, got " + value.kind_name());
    (key == "search.samples" ? search.samples : search.seed) = value.as_int();
    (key == "search.samples" ? search.samples_given : search.seed_given) = true;
    return;
  }
  if (key.rfind("search.", 0) == 0)
    throw UserError(origin + ": --set sets search.kind, search.samples or search.seed; distributions are written "
                             "in the study file's [search]");
  const auto dot = key.find('.');
  if (dot == std::string::npos) throw UserError(origin + ": expected section.key=value");
  const std::string section = key.substr(0, dot);
  const auto& sections = study_sections();
  if (std::find(sections.begin(), sections.end(), section) == sections.end())
    throw UserError(origin + ": unknown section \"" + section + "\"; valid sections are: " + join(sections));
  if (find_key(key) == nullptr) unknown_key(origin, section, key.substr(dot + 1));
  set_key(settings, key, std::move(value), "--set");
}

// Every value `key` takes in the study (its axis's values, or its one setting), with where
// each came from.
std::vector<std::pair<Value, std::string>> values_of(const Settings& s, const std::vector<Axis>& axes,
                                                     const std::string& key) {
  for (const auto& axis : axes)
    if (axis.key == key) {
      std::vector<std::pair<Value, std::string>> out;
      for (const auto& v : axis.values) out.emplace_back(v, axis.origin);
      return out;
    }
  return {{s.at(key).value, s.at(key).origin}};
}

bool contains(const Value& list, const std::string& name) {
  for (const auto& v : list.as_list())
    if (v.as_string() == name) return true;
  return false;
}

// The modality, conditioning and text keys that must agree (the feature kind a convolution
// needs is checked per unit, at expansion).
void check_model_and_text(const Settings& s, const std::vector<Axis>& axes) {
  bool any_text = false;
  for (const auto& [modalities, origin] : values_of(s, axes, "features.modalities")) {
    if (modalities.as_list().empty())
      fail(origin, "features.modalities", "expected at least one of \"audio\", \"text\"");
    if (modalities.as_list().size() == 2 && modalities.as_list()[0].as_string() == modalities.as_list()[1].as_string())
      fail(origin, "features.modalities", "\"" + modalities.as_list()[0].as_string() + "\" is listed twice");
    any_text = any_text || contains(modalities, "text");
  }
  if (any_text) {
    for (const auto& [source, origin] : values_of(s, axes, "data.source"))
      if (source.as_string() == "table" && s.at("text.path").value.as_string().empty())
        fail(s.at("text.path").origin, "text.path",
             "the text modality with data.source = \"table\" needs text.path (a feature table has no lyrics "
             "column of its own)");
    if (s.at("text.source").value.as_string() == "embeddings" && s.at("text.path").value.as_string().empty())
      fail(s.at("text.source").origin, "text.path", "text.source = \"embeddings\" needs text.path (the embeddings file)");
    if (s.at("text.min_n").value.as_int() > s.at("text.max_n").value.as_int())
      fail(s.at("text.min_n").origin, "text.min_n",
           "text.min_n = " + s.at("text.min_n").value.display() + " is larger than text.max_n = " +
               s.at("text.max_n").value.display());
    for (const auto& pair : s.at("text.label_map").value.as_list())
      if (pair.as_string().find('=') == std::string::npos)
        fail(s.at("text.label_map").origin, "text.label_map",
             "expected \"data label=text label\" pairs, got \"" + pair.as_string() + "\"");
  }
  bool any_cvae = false;
  for (const auto& [kind, origin] : values_of(s, axes, "model.kind")) any_cvae = any_cvae || kind.as_string() == "cvae";
  if (!any_cvae) return;
  const auto& labels = s.at("data.labels").value;
  for (const auto& [condition, origin] : values_of(s, axes, "model.condition_on")) {
    if (condition.as_string().empty())
      fail(origin, "model.condition_on", "model.kind = \"cvae\" needs the label set to condition on, one of data.labels " +
                                             labels.display());
    if (!contains(labels, condition.as_string()))
      fail(origin, "model.condition_on",
           "\"" + condition.as_string() + "\" is not one of data.labels " + labels.display());
  }
}

// data.balance names label sets of the data; data.per_group and data.sample_seed only mean
// something with it (a key that silently does nothing is a mistake worth naming).
void check_balance(const Settings& s, const std::set<std::string>& declared) {
  const Setting& balance = s.at("data.balance");
  const Setting& per_group = s.at("data.per_group");
  if (balance.value.as_list().empty()) {
    for (const char* key : {"data.per_group", "data.sample_seed"})
      if (s.at(key).origin != "default")
        throw UserError(s.at(key).origin + ": " + key + " is set but data.balance is empty (nothing is drawn)");
    return;
  }
  for (const auto& set : balance.value.as_list())
    if (!declared.count(set.as_string()))
      throw UserError(balance.origin + ": data.balance: \"" + set.as_string() + "\" is not one of data.labels (" +
                      s.at("data.labels").value.display() + ")");
  if (per_group.value.is_double() && per_group.value.as_double() != std::floor(per_group.value.as_double()))
    throw UserError(per_group.origin + ": data.per_group: expected a whole number of rows or \"min\", got " +
                    per_group.value.display());
}

// Checks that involve more than one key.
void check_consistency(const Settings& s, const std::vector<Axis>& axes) {
  check_model_and_text(s, axes);
  const auto& source = s.at("data.source");
  const bool path_axis = std::any_of(axes.begin(), axes.end(), [](const Axis& a) { return a.key == "data.path"; });
  if (source.value.as_string() != "synthetic" && s.at("data.path").value.as_string().empty() && !path_axis)
    throw UserError(source.origin + ": data.path: data.source = \"" + source.value.as_string() +
                    "\" needs data.path (the " +
                    (source.value.as_string() == "table" ? "feature table CSV" : "audio folder or manifest CSV") + ")");
  const auto& labels = s.at("data.labels").value.as_list();
  std::set<std::string> declared;
  for (const auto& l : labels) declared.insert(l.as_string());
  check_balance(s, declared);
  const auto& sets = s.at("evaluation.label_sets");
  for (const auto& l : sets.value.as_list())
    if (!declared.count(l.as_string()))
      throw UserError(sets.origin + ": evaluation.label_sets: \"" + l.as_string() +
                      "\" is not one of data.labels (" + Value(labels).display() + ")");
  const auto& methods = s.at("cluster.methods");
  if (methods.value.as_list().empty())
    throw UserError(methods.origin + ": cluster.methods: expected at least one method");
}

}  // namespace

std::string resolve_auto_engine(Study& study, bool gpu) {
  const std::string resolved = gpu ? "stacked" : "batched";
  bool any = false;
  const auto resolve = [&](Value& v) {
    if (v.is_string() && v.as_string() == "auto") {
      v = Value(resolved);
      any = true;
    }
  };
  resolve(study.settings.at("model.engine").value);
  for (Axis& axis : study.axes)
    if (axis.key == "model.engine")
      for (Value& v : axis.values) resolve(v);
  return any ? resolved : "";
}

std::vector<Value> values_in_grid(const Study& study, const std::string& key) {
  std::vector<Value> out;
  for (auto& [value, origin] : values_of(study.settings, study.axes, key)) out.push_back(std::move(value));
  return out;
}

Study parse_study(const std::string& text, const std::filesystem::path& file,
                  const std::vector<std::string>& overrides) {
  Study study;
  study.file = file;
  study.text = text;
  study.overrides = overrides;
  for (const auto& spec : study_keys()) study.settings[spec.key] = Setting{spec.default_value, "default"};

  toml::table root;
  try {
    root = toml::parse(text, file.string());
  } catch (const toml::parse_error& e) {
    throw UserError(file.string() + ":" + std::to_string(e.source().begin.line) + ":" +
                    std::to_string(e.source().begin.column) + ": malformed TOML: " +
                    std::string(e.description()));
  }
  read_sections(root, file, study.settings, study.axes, study.search);
  for (const auto& o : overrides) apply_override(o, study.settings, study.axes, study.search);
  apply_search(study);
  check_consistency(study.settings, study.axes);

  std::string identity = text;
  for (const auto& o : overrides) identity += "\n--set " + o;
  study.sha256 = sha256_hex(identity);
  study.name = study.settings.at("study.name").value.as_string();
  if (study.name.empty()) study.name = file.stem().string();
  return study;
}

Study load_study(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                 const DataRoot& data_root) {
  require_regular_file(file, "the study file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw UserError(file.string() + ": cannot open the study file (does it exist?)");
  std::ostringstream text;
  text << in.rdbuf();
  // An empty file would run the defaults (a synthetic study): more likely a failed copy.
  if (text.str().find_first_not_of(" \t\r\n") == std::string::npos)
    throw UserError(file.string() + ": the study file is empty; a study needs at least a [data] or [grid] table");
  Study study = parse_study(text.str(), file, overrides);
  study.data_root = data_root;
  return study;
}

// The names are the tables of study_choices.hpp, which the schema's choices also read.
DataSource parse_data_source(const std::string& name) { return parse_named(kDataSourceNames, name, "data source"); }

BadFilePolicy parse_bad_file_policy(const std::string& name) {
  return parse_named(kBadFilePolicyNames, name, "bad-file policy");
}

FeatureKind parse_feature_kind(const std::string& name) { return parse_named(kFeatureKindNames, name, "feature kind"); }

std::string to_string(FeatureKind kind) { return name_of(kFeatureKindNames, kind); }

ModelKind parse_model_kind(const std::string& name) { return parse_named(kModelKindNames, name, "model kind"); }

std::string to_string(ModelKind kind) { return name_of(kModelKindNames, kind); }

namespace {
std::vector<std::string> string_list(const Settings& s, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& v : s.at(key).value.as_list()) out.push_back(v.as_string());
  return out;
}
}  // namespace

std::vector<std::string> label_sets(const Settings& s) {
  auto sets = string_list(s, "evaluation.label_sets");
  return sets.empty() ? string_list(s, "data.labels") : sets;
}

}  // namespace vaesweep

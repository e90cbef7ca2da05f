#include "pipeline/config_file.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <functional>
#include <limits>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include "io/input_error.h"

namespace ehrtok {
namespace {

enum class Kind { Path, Int, Double, Bool, Text, DoubleList, TextList };

// One configuration key: how to read its canonical text from RunOptions and how to set it.
struct KeySpec {
  std::string name;
  Kind kind;
  std::function<std::string(const RunOptions&)> get;
  std::function<void(RunOptions&, const std::string&)> set;
};

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, ',')) parts.push_back(part);
  return parts;
}

int64_t parse_int(const std::string& key, const std::string& text) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size())
    throw InputError(fmt::format("{}: expected an integer, got \"{}\"", key, text));
  return v;
}

// An integer within [lo, hi], so that no value wraps or truncates on its way into RunOptions.
int64_t parse_int_in(const std::string& key, const std::string& text, int64_t lo, int64_t hi) {
  const int64_t v = parse_int(key, text);
  if (v < lo || v > hi)
    throw InputError(fmt::format("{}: must be between {} and {}, got {}", key, lo, hi, v));
  return v;
}

double parse_double(const std::string& key, const std::string& text) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v))
    throw InputError(fmt::format("{}: expected a number, got \"{}\"", key, text));
  return v;
}

bool parse_bool(const std::string& key, const std::string& text) {
  if (text == "true") return true;
  if (text == "false") return false;
  throw InputError(fmt::format("{}: expected true or false, got \"{}\"", key, text));
}

std::string number_text(double v) { return fmt::format("{}", v); }

// A size in bytes: an integer with an optional unit K, M, G or T (powers of 1024, "B" or "iB"
// may follow), e.g. "3G", "512MB", "2GiB"; 0 means no limit.
uint64_t parse_size(const std::string& key, const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  std::string unit = text.substr(digits);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  static const std::vector<std::pair<std::string, int>> units = {
      {"", 0},     {"B", 0},  {"K", 10},  {"KB", 10},  {"KIB", 10}, {"M", 20},  {"MB", 20},
      {"MIB", 20}, {"G", 30}, {"GB", 30}, {"GIB", 30}, {"T", 40},   {"TB", 40}, {"TIB", 40}};
  const auto it =
      std::find_if(units.begin(), units.end(), [&](const auto& u) { return u.first == unit; });
  if (digits == 0 || it == units.end())
    throw InputError(fmt::format(
        "{}: expected a size such as 3GB or 512MB (0: no limit), got \"{}\"", key, text));
  const auto value =
      static_cast<uint64_t>(parse_int_in(key, text.substr(0, digits), 0, int64_t{1} << 40));
  if (value > (uint64_t{1} << (60 - it->second)))
    throw InputError(fmt::format("{}: {} is too large", key, text));
  return value << it->second;
}

std::string size_text(uint64_t bytes) {
  for (auto [unit, shift] : {std::pair{"TB", 40}, {"GB", 30}, {"MB", 20}, {"KB", 10}})
    if (bytes != 0 && bytes % (uint64_t{1} << shift) == 0)
      return fmt::format("{}{}", bytes >> shift, unit);
  return std::to_string(bytes);
}

const std::vector<KeySpec>& key_specs() {
  static const std::vector<KeySpec> specs = {
      {"input", Kind::Path, [](const RunOptions& o) { return o.input_dir.string(); },
       [](RunOptions& o, const std::string& t) { o.input_dir = t; }},
      {"output", Kind::Path, [](const RunOptions& o) { return o.output_dir.string(); },
       [](RunOptions& o, const std::string& t) { o.output_dir = t; }},
      {"threads", Kind::Int, [](const RunOptions& o) { return std::to_string(o.threads); },
       [](RunOptions& o, const std::string& t) {
         o.threads = static_cast<int>(parse_int_in("threads", t, 0, 1024));
       }},
      {"top_labs", Kind::Int, [](const RunOptions& o) { return std::to_string(o.top_labs); },
       [](RunOptions& o, const std::string& t) {
         o.top_labs = static_cast<size_t>(parse_int_in("top_labs", t, 1, 1000000));
       }},
      {"num_quantiles", Kind::Int,
       [](const RunOptions& o) { return std::to_string(o.quantiles.num_quantiles); },
       [](RunOptions& o, const std::string& t) {
         o.quantiles.num_quantiles = static_cast<int>(parse_int_in("num_quantiles", t, 2, 100));
       }},
      {"quantile_sample", Kind::Double,
       [](const RunOptions& o) { return number_text(o.quantiles.sample_fraction); },
       [](RunOptions& o, const std::string& t) {
         o.quantiles.sample_fraction = parse_double("quantile_sample", t);
       }},
      {"quantile_seed", Kind::Int,
       [](const RunOptions& o) { return std::to_string(o.quantiles.seed); },
       [](RunOptions& o, const std::string& t) {
         o.quantiles.seed = static_cast<uint64_t>(
             parse_int_in("quantile_seed", t, 0, std::numeric_limits<int64_t>::max()));
       }},
      {"reclaim_window_hours", Kind::Double,
       [](const RunOptions& o) { return number_text(o.labs.reclaim_window_micros / 3.6e9); },
       [](RunOptions& o, const std::string& t) {
         const double hours = parse_double("reclaim_window_hours", t);
         if (hours < 0 || hours > 1e6)
           throw InputError("reclaim_window_hours: must be between 0 and 1000000");
         o.labs.reclaim_window_micros = std::llround(hours * 3.6e9);
       }},
      {"row_group_rows", Kind::Int,
       [](const RunOptions& o) { return std::to_string(o.row_group_rows); },
       [](RunOptions& o, const std::string& t) {
         o.row_group_rows = static_cast<size_t>(parse_int_in("row_group_rows", t, 1024, 1 << 30));
       }},
      {"persist_raw_tables", Kind::Bool,
       [](const RunOptions& o) { return std::string(o.persist_raw_tables ? "true" : "false"); },
       [](RunOptions& o, const std::string& t) {
         o.persist_raw_tables = parse_bool("persist_raw_tables", t);
       }},
      {"memory_limit", Kind::Text, [](const RunOptions& o) { return size_text(o.memory_limit); },
       [](RunOptions& o, const std::string& t) { o.memory_limit = parse_size("memory_limit", t); }},
      {"time_bins.edges", Kind::DoubleList,
       [](const RunOptions& o) {
         std::vector<std::string> parts;
         for (double e : o.time_bins.upper_edges) parts.push_back(number_text(e));
         return fmt::format("{}", fmt::join(parts, ","));
       },
       [](RunOptions& o, const std::string& t) {
         o.time_bins.upper_edges.clear();
         for (const auto& p : split(t))
           o.time_bins.upper_edges.push_back(parse_double("time_bins.edges", p));
       }},
      {"time_bins.names", Kind::TextList,
       [](const RunOptions& o) { return fmt::format("{}", fmt::join(o.time_bins.names, ",")); },
       [](RunOptions& o, const std::string& t) { o.time_bins.names = split(t); }},
      {"export.layout", Kind::Text,
       [](const RunOptions& o) {
         return std::string(o.export_layout == ExportLayout::Hive ? "hive" : "none");
       },
       [](RunOptions& o, const std::string& t) {
         if (t != "hive" && t != "none")
           throw InputError("export.layout: expected \"hive\" or \"none\", got \"" + t + "\"");
         o.export_layout = t == "hive" ? ExportLayout::Hive : ExportLayout::None;
       }},
  };
  return specs;
}

const KeySpec& key_spec(std::string_view key) {
  for (const auto& spec : key_specs())
    if (spec.name == key) return spec;
  throw InputError(fmt::format("unknown configuration key \"{}\"", key));
}

// A TOML value in the canonical text form of its key; throws on a type mismatch.
std::string node_text(const KeySpec& spec, const toml::node& node) {
  auto fail = [&]() -> std::string {
    throw InputError(fmt::format("{}: wrong type of value", spec.name));
  };
  auto scalar = [&](const toml::node& n, Kind kind) -> std::string {
    switch (kind) {
      case Kind::Int:
        if (auto v = n.value_exact<int64_t>()) return std::to_string(*v);
        return fail();
      case Kind::Double:
        if (auto v = n.value<double>()) return number_text(*v);
        return fail();
      case Kind::Bool:
        if (auto v = n.value_exact<bool>()) return *v ? "true" : "false";
        return fail();
      default:
        if (auto v = n.value_exact<std::string>()) return *v;
        return fail();
    }
  };
  if (spec.kind != Kind::DoubleList && spec.kind != Kind::TextList) return scalar(node, spec.kind);
  const auto* array = node.as_array();
  if (array == nullptr) return fail();
  std::vector<std::string> parts;
  for (const auto& element : *array) {
    std::string text = scalar(element, spec.kind == Kind::DoubleList ? Kind::Double : Kind::Text);
    if (text.find(',') != std::string::npos)
      throw InputError(fmt::format("{}: a name may not contain a comma: \"{}\"", spec.name, text));
    parts.push_back(std::move(text));
  }
  return fmt::format("{}", fmt::join(parts, ","));
}

std::string where(const std::filesystem::path& file, const toml::node& node) {
  return fmt::format("{}:{}", file.string(), node.source().begin.line);
}

}  // namespace

const std::vector<std::string>& config_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const auto& spec : key_specs()) k.push_back(spec.name);
    return k;
  }();
  return keys;
}

void set_config_value(RunOptions& options, std::string_view key, const std::string& text) {
  key_spec(key).set(options, text);
}

std::string config_value(const RunOptions& options, std::string_view key) {
  return key_spec(key).get(options);
}

void apply_config_file(const std::filesystem::path& file, RunOptions& options) {
  toml::table root;
  try {
    root = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}:{}: {}", file.string(), e.source().begin.line,
                                 std::string(e.description())));
  }
  // Flatten [table] key = value to "table.key" so that tables and top-level keys read alike.
  std::vector<std::pair<std::string, const toml::node*>> entries;
  for (const auto& [key, node] : root) {
    if (const auto* table = node.as_table()) {
      for (const auto& [sub, value] : *table)
        entries.emplace_back(std::string(key.str()) + "." + std::string(sub.str()), &value);
    } else {
      entries.emplace_back(std::string(key.str()), &node);
    }
  }
  const auto base = file.parent_path();
  for (const auto& [name, node] : entries) {
    try {
      const KeySpec& spec = key_spec(name);
      std::string text = node_text(spec, *node);
      if (spec.kind == Kind::Path && !text.empty()) text = (base / text).lexically_normal();
      spec.set(options, text);
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: {}", where(file, *node), e.what()));
    }
  }
  try {
    validate_config(options);
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", file.string(), e.what()));
  }
}

void validate_config(const RunOptions& o) {
  auto fail = [](const std::string& message) { throw InputError(message); };
  if (o.threads < 0) fail("threads: must be 0 (all cores) or more");
  if (o.top_labs < 1) fail("top_labs: must be at least 1");
  if (o.quantiles.num_quantiles < 2 || o.quantiles.num_quantiles > 100)
    fail("num_quantiles: must be between 2 and 100");
  if (!(o.quantiles.sample_fraction > 0 && o.quantiles.sample_fraction <= 1))
    fail("quantile_sample: must be above 0 and at most 1");
  if (o.labs.reclaim_window_micros < 0) fail("reclaim_window_hours: must not be negative");
  if (o.row_group_rows < 1024) fail("row_group_rows: must be at least 1024");
  const auto& edges = o.time_bins.upper_edges;
  for (size_t i = 1; i < edges.size(); ++i)
    if (!(edges[i - 1] < edges[i])) fail("time_bins.edges: must be strictly increasing");
  if (o.time_bins.names.size() != edges.size() + 1)
    fail(fmt::format("time_bins.names: {} edges need {} names, got {}", edges.size(),
                     edges.size() + 1, o.time_bins.names.size()));
  std::set<std::string> seen;
  for (const auto& name : o.time_bins.names)
    if (name.empty() || !seen.insert(name).second)
      fail("time_bins.names: names must be non-empty and distinct, got \"" + name + "\"");
}

std::string config_to_toml(const RunOptions& options) {
  toml::table root;
  for (const auto& spec : key_specs()) {
    const std::string text = spec.get(options);
    const auto dot = spec.name.find('.');
    toml::table* table = &root;
    std::string key = spec.name;
    if (dot != std::string::npos) {
      const std::string parent = spec.name.substr(0, dot);
      if (!root.contains(parent)) root.insert(parent, toml::table{});
      table = root[parent].as_table();
      key = spec.name.substr(dot + 1);
    }
    switch (spec.kind) {
      case Kind::Path:
        if (!text.empty()) table->insert(key, text);
        break;
      case Kind::Int:
        table->insert(key, parse_int(spec.name, text));
        break;
      case Kind::Double:
        table->insert(key, parse_double(spec.name, text));
        break;
      case Kind::Bool:
        table->insert(key, parse_bool(spec.name, text));
        break;
      case Kind::Text:
        table->insert(key, text);
        break;
      case Kind::DoubleList: {
        toml::array array;
        for (const auto& p : split(text)) array.push_back(parse_double(spec.name, p));
        table->insert(key, std::move(array));
        break;
      }
      case Kind::TextList: {
        toml::array array;
        for (const auto& p : split(text)) array.push_back(p);
        table->insert(key, std::move(array));
        break;
      }
    }
  }
  std::ostringstream out;
  out << root << '\n';
  return out.str();
}

}  // namespace ehrtok

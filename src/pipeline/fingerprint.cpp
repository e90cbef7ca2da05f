#include "pipeline/fingerprint.h"

#include <fstream>

#include <fmt/format.h>
#include <isa-l.h>

#include "io/byte_source.h"
#include "io/input_error.h"
#include "pipeline/asset_graph.h"
#include "pipeline/config_file.h"

namespace ehrtok {
namespace {

using json = nlohmann::ordered_json;

std::string hex_crc64(std::string_view bytes, uint64_t seed = 0) {
  const uint64_t crc =
      crc64_ecma_refl(seed, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return fmt::format("{:016x}", crc);
}

std::string read_range(std::ifstream& in, std::streamoff offset, size_t length) {
  std::string bytes(length, '\0');
  in.seekg(offset);
  in.read(bytes.data(), static_cast<std::streamsize>(length));
  bytes.resize(static_cast<size_t>(in.gcount()));
  return bytes;
}

// The MIMIC table file a raw_* asset imports ("raw_labevents" -> labevents.csv.gz).
json raw_input_files(const std::string& asset, const RunOptions& options) {
  const std::string table = asset.substr(4);
  json files = json::object();
  try {
    const auto file = find_table_file(options.input_dir, table);
    files[file.filename().string()] = file_fingerprint(file);
  } catch (const InputError&) {
    files[table] = "missing";
  }
  return files;
}

std::string describe_file_change(const std::string& name, const json& before, const json& now) {
  if (!now.is_object()) return fmt::format("input table {} not found in the input folder", name);
  if (!before.is_object()) return fmt::format("input file {} is new", name);
  if (before.value("size", -1) != now.value("size", -1))
    return fmt::format("input file {} changed (size {} → {})", name, before.value("size", -1),
                       now.value("size", -1));
  return fmt::format("input file {} changed (content)", name);
}

std::string text_of(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

json file_fingerprint(const std::filesystem::path& file) {
  constexpr size_t kHead = 1 << 20;
  const auto size = std::filesystem::file_size(file);
  std::ifstream in(file, std::ios::binary);
  std::string sample = read_range(in, 0, kHead);
  if (file.extension() == ".gz" && size >= 8) {
    sample += read_range(in, static_cast<std::streamoff>(size - 8), 8);
  } else {
    const auto mtime = std::filesystem::last_write_time(file).time_since_epoch().count();
    sample += std::to_string(mtime);
  }
  return {{"size", size}, {"checksum", hex_crc64(sample)}};
}

// A key's value as the fingerprint records it: the sample seed means nothing without sampling.
std::string fingerprint_value(const RunOptions& options, const std::string& key) {
  if (key == "quantile_seed" && options.quantiles.sample_fraction == 1) return "unused";
  return config_value(options, key);
}

std::map<std::string, Fingerprint> expected_fingerprints(const RunOptions& options) {
  std::map<std::string, Fingerprint> result;
  for (const auto& asset : asset_graph()) {  // dependency order: inputs are already done
    json parts = {{"ehrtok_version", EHRTOK_VERSION}, {"revision", asset.revision}};
    parts["config"] = json::object();
    for (const auto& key : asset.config) parts["config"][key] = fingerprint_value(options, key);
    parts["inputs"] = json::object();
    for (const auto& in : asset.inputs) parts["inputs"][in] = result.at(in).content_digest;
    parts["files"] =
        asset.name.rfind("raw_", 0) == 0 ? raw_input_files(asset.name, options) : json::object();
    json content = parts;
    for (const auto& key : asset.config)
      if (is_storage_key(key)) content["config"].erase(key);
    Fingerprint f;
    f.digest = hex_crc64(asset.name + '\n' + parts.dump());
    f.content_digest = hex_crc64(asset.name + '\n' + content.dump());
    f.parts = std::move(parts);
    result[asset.name] = std::move(f);
  }
  return result;
}

std::vector<std::string> stale_reasons(const json& recorded, const json& expected) {
  std::vector<std::string> reasons;
  const auto version = recorded.value("ehrtok_version", std::string("?"));
  if (version != expected.value("ehrtok_version", std::string("?")))
    reasons.push_back(fmt::format("ehrtok version changed {} → {}", version,
                                  expected.value("ehrtok_version", std::string("?"))));
  if (recorded.value("revision", 1) != expected.value("revision", 1))
    reasons.push_back(fmt::format("recipe changed (revision {} → {})",
                                  recorded.value("revision", 1), expected.value("revision", 1)));
  const json none = json::object();
  const json& was_config = recorded.contains("config") ? recorded["config"] : none;
  for (const auto& [key, value] : expected["config"].items()) {
    const std::string before = was_config.contains(key) ? text_of(was_config[key]) : "(unset)";
    if (before != text_of(value))
      reasons.push_back(fmt::format("config {} changed {} → {}", key, before, text_of(value)));
  }
  const json& was_inputs = recorded.contains("inputs") ? recorded["inputs"] : none;
  for (const auto& [asset, digest] : expected["inputs"].items())
    if (!was_inputs.contains(asset) || was_inputs[asset] != digest)
      reasons.push_back(fmt::format("input {} changed", asset));
  const json& was_files = recorded.contains("files") ? recorded["files"] : none;
  for (const auto& [name, now] : expected["files"].items()) {
    const json before = was_files.contains(name) ? was_files[name] : json();
    if (before != now) reasons.push_back(describe_file_change(name, before, now));
  }
  if (reasons.empty() && recorded != expected) reasons.push_back("recipe changed");
  return reasons;
}

}  // namespace ehrtok

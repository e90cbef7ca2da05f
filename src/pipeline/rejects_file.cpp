#include "pipeline/rejects_file.h"

#include <fstream>
#include <string_view>

#include <fmt/format.h>

#include "io/atomic_output.h"

namespace ehrtok {
namespace {

// RFC 4180 quoting, so that values with commas, quotes or newlines read back intact.
std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

}  // namespace

void write_rejects_file(const std::filesystem::path& path, const mimic::RawTable& table) {
  AtomicOutput output(path);
  {
    std::ofstream out(output.temp_path(), std::ios::binary);
    out << "file,line,reason,value\n";
    for (const auto& r : table.rejects)
      out << csv_field(table.file) << ',' << r.line << ',' << csv_field(r.reason) << ','
          << csv_field(r.value) << '\n';
    if (!out.flush()) throw std::runtime_error(fmt::format("{}: write failed", path.string()));
  }
  output.commit();
}

}  // namespace ehrtok

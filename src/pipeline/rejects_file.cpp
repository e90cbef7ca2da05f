#include "pipeline/rejects_file.h"

#include <fstream>
#include <string_view>

#include <fmt/format.h>

#include "io/atomic_output.h"
#include "io/csv_quote.h"

namespace ehrtok {
void write_rejects_file(const std::filesystem::path& path, const mimic::RawTable& table) {
  AtomicOutput output(path);
  {
    std::ofstream out(output.temp_path(), std::ios::binary);
    out << "file,line,reason,value\n";
    for (const auto& r : table.rejects)
      out << csv_quote(table.file) << ',' << r.line << ',' << csv_quote(r.reason) << ','
          << csv_quote(r.value) << '\n';
    if (!out.flush()) throw std::runtime_error(fmt::format("{}: write failed", path.string()));
  }
  output.commit();
}

}  // namespace ehrtok

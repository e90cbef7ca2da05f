// Measures importing one MIMIC-IV table (decompress + CSV + typed columns), the largest stage.
//   build/import_bench HOSP_DIR [TABLE=labevents] [THREADS=2]
// Prints wall and CPU seconds, rows, and throughput; asserts nothing.
#include <sys/resource.h>

#include <cstdio>
#include <string>

#include "mimic/raw_table.h"
#include "pipeline/resource_usage.h"

namespace {

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s HOSP_DIR [TABLE] [THREADS]\n", argv[0]);
    return 2;
  }
  const std::string table = argc > 2 ? argv[2] : "labevents";
  const int threads = argc > 3 ? std::stoi(argv[3]) : 2;
  for (const auto* spec : ehrtok::mimic::all_tables()) {
    if (spec->name != table) continue;
    const double cpu0 = cpu_seconds();
    const ehrtok::Stopwatch watch;
    const auto raw = ehrtok::mimic::load_raw_table(*spec, argv[1], threads);
    const double wall = watch.seconds();
    std::printf(
        "%s: %lld rows (%zu rejected) in %.3f s wall, %.3f s CPU, %.1f M rows/s, "
        "%.1f MB/s of file, peak RSS %.0f MB\n",
        table.c_str(), static_cast<long long>(raw.rows_read), raw.rejects.size(), wall,
        cpu_seconds() - cpu0, raw.rows_read / wall / 1e6, raw.bytes_read / wall / 1e6,
        ehrtok::peak_rss_bytes() / 1e6);
    return 0;
  }
  std::fprintf(stderr, "unknown table %s\n", table.c_str());
  return 2;
}

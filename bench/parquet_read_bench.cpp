// Measures reading back a cached table: writes a synthetic table shaped like the large cached
// tables (subject_id, hadm_id nullable, itemid, charttime, valuenum nullable), then reads it on 1
// and 2 threads.
//   build/parquet_read_bench [ROWS=16000000] [DIR=/tmp]
// Prints seconds and throughput; asserts nothing.
#include <cstdio>
#include <filesystem>
#include <string>

#include "parquet/parquet_reader.h"
#include "parquet/parquet_writer.h"
#include "pipeline/resource_usage.h"
#include "synth/rng.h"

namespace {

using ehrtok::Column;
using ehrtok::ColumnType;
using ehrtok::Table;

// Sorted subjects, a few admissions each, lab items from a small set, times increasing within a
// subject: about the redundancy of the real labevents cache.
Table synthetic_labs(size_t rows) {
  Table table = Table::empty({{"subject_id", ColumnType::Int64, false},
                              {"hadm_id", ColumnType::Int64, true},
                              {"itemid", ColumnType::Int64, false},
                              {"charttime", ColumnType::Timestamp, false},
                              {"valuenum", ColumnType::Double, true}});
  for (Column& c : table.columns) {
    if (c.type == ColumnType::Double) {
      c.doubles.resize(rows);
    } else {
      c.ints.resize(rows);
    }
  }
  table.columns[1].valid.resize(rows);
  table.columns[4].valid.resize(rows);
  ehrtok::synth::Rng rng(42);
  int64_t subject = 10000000, time = 4102444800000000LL;
  for (size_t i = 0; i < rows; ++i) {
    const uint64_t r = rng.next();
    if (r % 400 == 0) {
      ++subject;
      time = 4102444800000000LL + static_cast<int64_t>(r % 1000000) * 1000000;
    }
    time += static_cast<int64_t>(r % 7200) * 1000000;
    table.columns[0].ints[i] = subject;
    table.columns[1].ints[i] = 20000000 + subject % 100000 * 10 + static_cast<int64_t>(r >> 60);
    table.columns[1].valid[i] = (r >> 8) % 4 != 0;
    table.columns[2].ints[i] = 50800 + static_cast<int64_t>((r >> 16) % 1200);
    table.columns[3].ints[i] = time;
    table.columns[4].doubles[i] = static_cast<double>((r >> 24) % 100000) / 100.0;
    table.columns[4].valid[i] = (r >> 40) % 10 != 0;
  }
  return table;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t rows = argc > 1 ? std::stoull(argv[1]) : 16000000;
  const std::filesystem::path dir = argc > 2 ? argv[2] : std::filesystem::temp_directory_path();
  const std::string path = (dir / "parquet_read_bench.parquet").string();

  const Table table = synthetic_labs(rows);
  const ehrtok::Stopwatch write_watch;
  ehrtok::parquet::WriterOptions options;
  options.threads = 2;
  ehrtok::parquet::write_table(path, table, 1 << 20, options);
  const double write_seconds = write_watch.seconds();
  const double file_mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  const double memory_mb = static_cast<double>(rows) * (5 * 8 + 2) / 1e6;
  std::printf("write: %zu rows, %.1f MB file, %.3f s on 2 threads\n", rows, file_mb, write_seconds);

  // The first read of a process pays for fresh memory (page faults; about 3 s/GB on our VMs, ten
  // times the cost of reusing memory), so it is shown apart from the warm reads.
  bool first = true;
  for (int threads : {1, 1, 2}) {
    const ehrtok::Stopwatch watch;
    const Table back = ehrtok::parquet::read_table(path, {}, threads);
    const double seconds = watch.seconds();
    std::printf(
        "read%s: %zu rows on %d thread%s in %.3f s: %.1f M rows/s, %.0f MB/s of file, "
        "%.0f MB/s of columns\n",
        first ? " (first, cold memory)" : "", back.num_rows(), threads, threads == 1 ? "" : "s",
        seconds, back.num_rows() / seconds / 1e6, file_mb / seconds, memory_mb / seconds);
    first = false;
  }
  std::printf("peak RSS %.0f MB\n", ehrtok::peak_rss_bytes() / 1e6);
  std::filesystem::remove(path);
  return 0;
}

#include "assets/export_tokens.h"

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "parquet/parquet_writer.h"

namespace ehrtok {
namespace {

// Token ranges of each subject: tokens are ordered by subject, so each subject is one run.
struct SubjectRun {
  int64_t subject_id;
  size_t begin, end;
};

std::vector<SubjectRun> subject_runs(const TokensFinal& tokens, const StgAdmissions& admissions) {
  std::vector<SubjectRun> runs;
  const auto& subject = admissions.subject_id();
  for (size_t a = 0; a < admissions.size(); ++a) {
    const size_t begin = tokens.admission_start[a], end = tokens.admission_start[a + 1];
    if (begin == end) continue;  // an admission without events has no tokens
    if (!runs.empty() && runs.back().subject_id == subject[a])
      runs.back().end = end;
    else
      runs.push_back({subject[a], begin, end});
  }
  return runs;
}

}  // namespace

ExportStats export_tokens_hive(const std::filesystem::path& dir, const TokensFinal& tokens,
                               const EventsMerged& merged, const StgAdmissions& admissions,
                               const std::shared_ptr<const CodeBook>& codes, int threads) {
  const std::vector<SubjectRun> runs = subject_runs(tokens, admissions);
  std::atomic<size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    try {
      for (size_t i = next++; i < runs.size(); i = next++) {
        const auto& run = runs[i];
        const auto folder = dir / fmt::format("subject_id={}", run.subject_id);
        std::filesystem::create_directory(folder);
        const Table rows = tokens_final_rows(tokens, merged, admissions, codes, run.begin, run.end);
        parquet::write_table((folder / "data_0.parquet").string(), rows);
      }
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      next = runs.size();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);

  ExportStats stats;
  stats.files = static_cast<int64_t>(runs.size());
  for (const auto& run : runs) stats.rows += static_cast<int64_t>(run.end - run.begin);
  return stats;
}

}  // namespace ehrtok

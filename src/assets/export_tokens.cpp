#include "assets/export_tokens.h"

#include <unordered_set>

#include <fmt/format.h>

#include "assets/timeline_rows.h"
#include "parquet/parquet_writer.h"
#include "util/parallel_for.h"

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

std::string subject_folder(int64_t subject_id) { return fmt::format("subject_id={}", subject_id); }

constexpr const char* kPatientFile = "data_0.parquet";

// Removes what `dir` holds besides the runs' subject folders: what an earlier export being
// overwritten had for patients this one does not have.
void remove_other_entries(const std::filesystem::path& dir, const std::vector<SubjectRun>& runs) {
  std::unordered_set<std::string> written;
  for (const auto& run : runs) written.insert(subject_folder(run.subject_id));
  std::vector<std::filesystem::path> others;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (!written.contains(entry.path().filename().string())) others.push_back(entry.path());
  for (const auto& path : others) std::filesystem::remove_all(path);
}

}  // namespace

ExportStats export_tokens_hive(const std::filesystem::path& dir, const TokensFinal& tokens,
                               const EventsMerged& merged, const StgAdmissions& admissions,
                               const std::shared_ptr<const CodeBook>& codes, int threads,
                               std::atomic<int64_t>* files_done) {
  const std::vector<SubjectRun> runs = subject_runs(tokens, admissions);
  parquet::WriterOptions in_place;
  in_place.overwrite_in_place = true;
  parallel_each(runs.size(), threads, [&](size_t i) {
    const auto& run = runs[i];
    const auto folder = dir / subject_folder(run.subject_id);
    std::filesystem::create_directory(folder);
    Table rows = empty_timeline_table("final_seq", codes);
    tokens_final_rows(rows, tokens, merged, admissions, run.begin, run.end);
    parquet::write_table((folder / kPatientFile).string(), rows, size_t{1} << 20, in_place);
    if (files_done) files_done->fetch_add(1, std::memory_order_relaxed);
  });
  remove_other_entries(dir, runs);

  ExportStats stats;
  stats.files = static_cast<int64_t>(runs.size());
  for (const auto& run : runs) stats.rows += static_cast<int64_t>(run.end - run.begin);
  return stats;
}

int64_t export_file_count(const TokensFinal& tokens, const StgAdmissions& admissions) {
  return static_cast<int64_t>(subject_runs(tokens, admissions).size());
}

}  // namespace ehrtok

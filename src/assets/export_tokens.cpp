#include "assets/export_tokens.h"

#include <fmt/format.h>

#include "util/parallel_for.h"

namespace ehrtok {
namespace {

// Token ranges of each subject of a window: tokens are ordered by subject, so each subject is
// one run.
struct SubjectRun {
  int64_t subject_id;
  size_t begin, end;
};

std::vector<SubjectRun> subject_runs(const TokensFinal& tokens, const StgAdmissions& admissions) {
  std::vector<SubjectRun> runs;
  const auto& subject = admissions.subject_id();
  for (size_t i = 0; i < tokens.events.admission_count(); ++i) {
    const size_t begin = tokens.admission_start[i], end = tokens.admission_start[i + 1];
    if (begin == end) continue;  // an admission without events has no tokens
    const int64_t id = subject[tokens.events.first_admission + i];
    if (!runs.empty() && runs.back().subject_id == id)
      runs.back().end = end;
    else
      runs.push_back({id, begin, end});
  }
  return runs;
}

std::string subject_folder(int64_t subject_id) { return fmt::format("subject_id={}", subject_id); }

constexpr const char* kPatientFile = "data_0.parquet";

}  // namespace

HiveExport::HiveExport(std::filesystem::path dir, std::shared_ptr<const CodeBook> codes,
                       int threads)
    : dir_(std::move(dir)), codes_(std::move(codes)), threads_(threads) {
  // What an earlier export left here, listed once: its patient folders are reused without a
  // mkdir each, and finish() removes the rest.
  for (const auto& entry : std::filesystem::directory_iterator(dir_))
    existing_.emplace(entry.path().filename().string(), entry.is_directory());
}

void HiveExport::append(const TokensFinal& tokens, const StgAdmissions& admissions) {
  const std::vector<SubjectRun> runs = subject_runs(tokens, admissions);
  std::vector<std::string> names;
  for (const auto& run : runs) names.push_back(subject_folder(run.subject_id));
  parquet::WriterOptions in_place;
  in_place.overwrite_in_place = true;
  parallel_each(runs.size(), threads_, [&](size_t i) {
    const auto folder = dir_ / names[i];
    if (const auto it = existing_.find(names[i]); it == existing_.end() || !it->second)
      std::filesystem::create_directory(folder);
    TokensFinalFile file((folder / kPatientFile).string(), codes_, size_t{1} << 20, in_place);
    file.write_range(tokens, admissions, runs[i].begin, runs[i].end);
    file.finish();
  });
  folders_.insert(std::make_move_iterator(names.begin()), std::make_move_iterator(names.end()));
  stats_.files += static_cast<int64_t>(runs.size());
  stats_.rows += static_cast<int64_t>(tokens.size());
}

ExportStats HiveExport::finish() {
  // What an earlier export being overwritten had for patients this one does not have.
  for (const auto& [name, is_directory] : existing_)
    if (!folders_.contains(name)) std::filesystem::remove_all(dir_ / name);
  return stats_;
}

}  // namespace ehrtok

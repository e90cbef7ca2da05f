// export_tokens: tokens_final in the reference's Hive layout, one Parquet file per patient
// (DIR/subject_id=N/data_0.parquet, subject_id also kept inside the file), which existing
// training code reads one patient directory at a time (SPEC.md asset 11).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "assets/tokens_final.h"

namespace ehrtok {

struct ExportStats {
  int64_t files = 0;
  int64_t rows = 0;
};

// Writes into `dir` (which must exist) with `threads` threads; file contents do not depend on
// the thread count. An earlier export in `dir` is overwritten in place (its files keep their
// disk blocks), and whatever it holds besides this export's patient folders is removed. Inside
// a kept patient folder only data_0.parquet is rewritten: listing 22 000 folders for files
// ehrtok never writes would cost more than the rest of the rewrite (~1.6 s at --scale 0.1).
// `files_done`, when given, counts the files written so far.
ExportStats export_tokens_hive(const std::filesystem::path& dir, const TokensFinal& tokens,
                               const EventsMerged& merged, const StgAdmissions& admissions,
                               const std::shared_ptr<const CodeBook>& codes, int threads,
                               std::atomic<int64_t>* files_done = nullptr);

// How many files export_tokens_hive will write (one per subject with tokens).
int64_t export_file_count(const TokensFinal& tokens, const StgAdmissions& admissions);

}  // namespace ehrtok

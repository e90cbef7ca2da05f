// export_tokens: tokens_final in the reference's Hive layout, one Parquet file per patient
// (DIR/subject_id=N/data_0.parquet, subject_id also kept inside the file), which existing
// training code reads one patient directory at a time (SPEC.md asset 11).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "assets/tokens_final.h"

namespace ehrtok {

struct ExportStats {
  int64_t files = 0;
  int64_t rows = 0;
};

// Writes the patient files into `dir` (which must exist) window by window of the timeline, each
// window's patients on `threads` threads; file contents do not depend on the thread count. An
// earlier export in `dir` is overwritten in place (its files keep their disk blocks), and
// whatever it holds besides this export's patient folders is removed by finish(). Inside a kept
// patient folder only data_0.parquet is rewritten: listing 22 000 folders for files ehrtok
// never writes would cost more than the rest of the rewrite (~1.6 s at --scale 0.1).
class HiveExport {
 public:
  HiveExport(std::filesystem::path dir, std::shared_ptr<const CodeBook> codes, int threads);
  // Writes the files of the window's patients (the window holds all of their tokens).
  void append(const TokensFinal& tokens, const StgAdmissions& admissions);
  ExportStats finish();

 private:
  std::filesystem::path dir_;
  std::shared_ptr<const CodeBook> codes_;
  int threads_;
  std::unordered_map<std::string, bool> existing_;  // entries found at the start: is a folder
  std::unordered_set<std::string> folders_;         // written so far
  ExportStats stats_;
};

}  // namespace ehrtok

#include "synth/synth.h"

#include <array>
#include <cmath>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "synth/rows.h"
#include "synth/stream.h"
#include "synth/timeline.h"
#include "synth/vocab.h"

namespace ehrtok::synth {
namespace {

constexpr int64_t kFullMimicSubjects = 223'000;

enum Table : size_t { kAdmissions, kDiagnoses, kProcedures, kPrescriptions, kLabevents, kTables };

struct TableSpec {
  const char* file;
  const char* header;
  size_t block_bytes;  // rows are shuffled within blocks of about this size
};

// Blocks hold tens of subjects: files end up roughly, not strictly, ordered by subject.
constexpr std::array<TableSpec, kTables> kSpecs = {{
    {"admissions.csv.gz", kAdmissionsHeader, 16 << 10},
    {"diagnoses_icd.csv.gz", kDiagnosesHeader, 64 << 10},
    {"procedures_icd.csv.gz", kProceduresHeader, 16 << 10},
    {"prescriptions.csv.gz", kPrescriptionsHeader, 256 << 10},
    {"labevents.csv.gz", kLabeventsHeader, 1 << 20},
}};

void make_directory(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error || !std::filesystem::is_directory(dir)) {
    throw std::runtime_error("cannot create output folder " + dir.string() + ": " +
                             (error ? error.message() : "not a directory"));
  }
}

// Every subject and table has its own random stream, so a table's rows do not depend on how
// the other tables are generated.
Rng table_rng(uint64_t seed, Table table, int64_t subject_index) {
  return Rng(mix_seed(seed, 1 + table, static_cast<uint64_t>(subject_index)));
}

void write_subject(const SynthOptions& o, int64_t index, const Vocabulary& v, HadmIds& ids,
                   Subject& s, int64_t& next_lab_id,
                   std::array<std::unique_ptr<TableStream>, kTables>& t) {
  Rng timeline(mix_seed(o.seed, 0, static_cast<uint64_t>(index)));
  build_subject(timeline, subject_id_for(o.seed, index, o.patients), ids, s);
  Rng r0 = table_rng(o.seed, kAdmissions, index);
  write_admissions(r0, s, t[kAdmissions]->rows());
  Rng r1 = table_rng(o.seed, kDiagnoses, index);
  write_diagnoses(r1, s, v, t[kDiagnoses]->rows());
  Rng r2 = table_rng(o.seed, kProcedures, index);
  write_procedures(r2, s, v, t[kProcedures]->rows());
  Rng r3 = table_rng(o.seed, kPrescriptions, index);
  write_prescriptions(r3, s, v, t[kPrescriptions]->rows());
  Rng r4 = table_rng(o.seed, kLabevents, index);
  write_labevents(r4, s, v, next_lab_id, t[kLabevents]->rows());
  for (auto& stream : t) stream->end_subject();
}

}  // namespace

int64_t patients_for_scale(double scale) {
  return std::max<int64_t>(1, std::llround(scale * kFullMimicSubjects));
}

SynthSummary generate(const SynthOptions& options) {
  if (options.patients < 0) throw std::runtime_error("synth: negative number of patients");
  const std::filesystem::path dir(options.output_dir);
  make_directory(dir);
  std::vector<std::filesystem::path> paths;
  for (const TableSpec& spec : kSpecs) paths.push_back(dir / spec.file);
  Compressor compressor(paths);
  std::array<std::unique_ptr<TableStream>, kTables> tables;
  for (size_t i = 0; i < kTables; ++i) {
    tables[i] = std::make_unique<TableStream>(
        compressor, i, kSpecs[i].header, kSpecs[i].block_bytes, mix_seed(options.seed, 100 + i));
  }
  const Vocabulary& vocab = vocabulary();
  HadmIds ids(options.seed, options.patients);
  Subject subject;
  int64_t next_lab_id = 1;
  for (int64_t i = 0; i < options.patients; ++i) {
    write_subject(options, i, vocab, ids, subject, next_lab_id, tables);
  }
  for (auto& t : tables) t->flush();
  compressor.finish();
  return {tables[kAdmissions]->row_count(), tables[kDiagnoses]->row_count(),
          tables[kProcedures]->row_count(), tables[kPrescriptions]->row_count(),
          tables[kLabevents]->row_count()};
}

}  // namespace ehrtok::synth

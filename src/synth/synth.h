// `ehrtok synth`: realistic, deterministic MIMIC-IV-shaped hosp/ tables (admissions,
// diagnoses_icd, procedures_icd, prescriptions, labevents as .csv.gz with MIMIC's headers and
// quoting), sized like full MIMIC-IV per subject, for trying and benchmarking ehrtok without
// credentialed data. The same options always give byte-identical files.
#pragma once

#include <cstdint>
#include <string>

namespace ehrtok::synth {

struct SynthOptions {
  std::string output_dir;  // created if missing
  int64_t patients = 100;  // number of subjects
  uint64_t seed = 42;
};

// Full MIMIC-IV is about 223,000 subjects with admissions: patients_for_scale(1.0) == that.
int64_t patients_for_scale(double scale);

struct SynthSummary {
  int64_t admissions, diagnoses_icd, procedures_icd, prescriptions, labevents;
};

SynthSummary generate(
    const SynthOptions& options);  // throws std::runtime_error with the path on I/O errors

}  // namespace ehrtok::synth

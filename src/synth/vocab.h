// Vocabularies of the synthetic data: drug names, ICD codes and lab items with their value
// distributions. They are built from a fixed seed, so every synth run (whatever its --seed)
// uses the same names and codes, like real MIMIC extracts do. The most frequent entries are real
// MIMIC-IV values; a long synthetic tail with MIMIC's shapes fills the rest.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "synth/rng.h"

namespace ehrtok::synth {

struct Drug {
  std::string drug_type;  // MAIN, BASE or ADDITIVE
  // "drug,formulary_drug_cd,gsn,ndc,prod_strength,form_rx,dose_val_rx,dose_unit_rx,
  //  form_val_disp,form_unit_disp", CSV-encoded once.
  std::string middle;
  std::string route;
  std::string name;  // raw text, for tests and diagnostics
};

struct Drugs {
  std::vector<Drug> entries;  // by frequency rank
  WeightedSampler sampler;
};

struct Codes {
  std::vector<std::string> entries;  // by frequency rank, without dots as MIMIC stores them
  WeightedSampler sampler;
};

enum class LabKind : uint8_t {
  kNormal,     // numeric, normal distribution
  kLogNormal,  // numeric, right-skewed
  kText,       // text value, NULL valuenum
  kMixed,      // mostly text, sometimes numeric
  kEmpty,      // neither value nor valuenum (the result lives in the comment)
};

struct LabItem {
  int64_t itemid = 0;
  LabKind kind = LabKind::kNormal;
  double mu = 0, sigma = 1;  // of the value (normal) or of its log (log-normal)
  int decimals = 0;          // values are rounded, so equal values (ties) are common
  double ref_lo = 0, ref_hi = 0;
  bool has_ref = false;
  bool non_negative = true;
  std::string units_ref;              // "valueuom,ref_range_lower,ref_range_upper", CSV-encoded
  std::vector<std::string> texts;     // CSV-encoded text values, most frequent first
  std::vector<std::string> comments;  // CSV-encoded comments used on `comment_share` of rows
  double comment_share = 0;
  double masked_share = 0;  // value "___" although valuenum is known (MIMIC de-identification)
};

// Items measured together from one specimen.
struct LabPanel {
  std::vector<uint32_t> items;  // indices into LabCatalog::items
  double inpatient_p = 0;       // head panels: chance to be part of a draw
  double outpatient_p = 0;
};

struct LabCatalog {
  std::vector<LabItem> items;
  std::vector<LabPanel> head;  // common panels, each drawn independently
  std::vector<LabPanel> tail;  // rarer panels, a few per draw by Zipf rank
  WeightedSampler tail_sampler;
};

struct Vocabulary {
  Drugs drugs;
  Codes dx9, dx10, pr9, pr10;
  LabCatalog labs;
  std::vector<std::string> null_value_texts;  // value of numeric items when no number came
};

// Built on first use; immutable afterwards (safe to share between threads).
const Vocabulary& vocabulary();

}  // namespace ehrtok::synth

// Lab items and panels. About 70 real MIMIC-IV items (chemistry, blood count, coagulation, blood
// gas, urinalysis) with value distributions fitted to the MIMIC-IV demo, grouped into the
// panels they are ordered in; about 950 generated items in rarer panels make the long tail.
// Draws pick head panels independently and a few tail panels by Zipf rank, so a few hundred
// items carry almost all rows, as in MIMIC.
#include <cmath>
#include <map>
#include <set>
#include <string>

#include <fmt/format.h>

#include "io/csv_quote.h"
#include "synth/format.h"
#include "synth/vocab_build.h"

namespace ehrtok::synth {
namespace {

struct RealItem {
  int64_t itemid;
  LabKind kind;
  double mean, sd;
  int decimals;
  const char* uom;
  const char* lo;
  const char* hi;
};

using K = LabKind;
// mean and sd are of the values themselves (log-normal parameters are derived from them).
const RealItem kRealItems[] = {
    {50971, K::kNormal, 4.19, 0.63, 1, "mEq/L", "3.3", "5.1"},
    {50983, K::kNormal, 137.5, 5.3, 0, "mEq/L", "135", "147"},
    {50912, K::kLogNormal, 1.54, 1.47, 1, "mg/dL", "0.5", "1.2"},
    {50902, K::kNormal, 101.1, 6.4, 0, "mEq/L", "96", "108"},
    {51006, K::kLogNormal, 27.9, 23.7, 0, "mg/dL", "6", "20"},
    {50882, K::kNormal, 24.9, 4.9, 0, "mEq/L", "22", "32"},
    {50868, K::kNormal, 15.0, 4.3, 0, "mEq/L", "10", "18"},
    {50931, K::kLogNormal, 144, 76, 0, "mg/dL", "70", "100"},
    {51221, K::kNormal, 30.8, 6.6, 1, "%", "40", "51"},
    {51265, K::kLogNormal, 210, 140, 0, "K/uL", "150", "400"},
    {51222, K::kNormal, 10.1, 2.2, 1, "g/dL", "13.7", "17.5"},
    {51277, K::kLogNormal, 15.9, 2.65, 1, "%", "10.5", "15.5"},
    {51279, K::kNormal, 3.4, 0.79, 2, "m/uL", "4.6", "6.1"},
    {51301, K::kLogNormal, 13.5, 16.8, 1, "K/uL", "4", "10"},
    {51249, K::kNormal, 32.6, 1.6, 1, "g/dL", "32", "37"},
    {51250, K::kNormal, 91.7, 7.8, 0, "fL", "82", "98"},
    {51248, K::kNormal, 29.9, 2.8, 1, "pg", "26", "32"},
    {52172, K::kNormal, 54.5, 10.7, 1, "fL", "35.1", "46.3"},
    {50960, K::kNormal, 2.04, 0.37, 1, "mg/dL", "1.6", "2.6"},
    {50893, K::kNormal, 8.57, 0.79, 1, "mg/dL", "8.4", "10.3"},
    {50970, K::kLogNormal, 3.67, 1.43, 1, "mg/dL", "2.7", "4.5"},
    {51275, K::kLogNormal, 42.4, 24.1, 1, "sec", "25", "36.5"},
    {51237, K::kLogNormal, 1.5, 0.73, 1, "", "0.9", "1.1"},
    {51274, K::kLogNormal, 16.4, 8.07, 1, "sec", "9.4", "12.5"},
    {50878, K::kLogNormal, 118, 594, 0, "IU/L", "0", "40"},
    {50885, K::kLogNormal, 1.53, 3.61, 1, "mg/dL", "0", "1.5"},
    {50861, K::kLogNormal, 100, 460, 0, "IU/L", "0", "40"},
    {50863, K::kLogNormal, 112, 75, 0, "IU/L", "40", "130"},
    {50862, K::kNormal, 3.48, 0.73, 1, "g/dL", "3.5", "5.2"},
    {50954, K::kLogNormal, 761, 1409, 0, "IU/L", "94", "250"},
    {52033, K::kText, 0, 0, 0, "", "", ""},
    {50820, K::kNormal, 7.36, 0.1, 2, "units", "7.35", "7.45"},
    {50821, K::kLogNormal, 129, 97, 0, "mm Hg", "85", "105"},
    {50818, K::kNormal, 41.4, 11.4, 0, "mm Hg", "35", "45"},
    {50802, K::kNormal, -2.0, 5.8, 0, "mEq/L", "", ""},
    {50804, K::kNormal, 24.2, 6.1, 0, "mEq/L", "21", "30"},
    {50813, K::kLogNormal, 2.41, 1.93, 1, "mmol/L", "0.5", "2"},
    {51146, K::kLogNormal, 0.82, 1.6, 1, "%", "0", "1"},
    {51254, K::kLogNormal, 8.4, 7.5, 1, "%", "5", "13"},
    {51200, K::kLogNormal, 2.27, 3.17, 1, "%", "1", "7"},
    {51256, K::kNormal, 59.3, 22.2, 1, "%", "34", "71"},
    {51244, K::kLogNormal, 24.6, 21.3, 1, "%", "19", "53"},
    {51498, K::kNormal, 1.02, 0.01, 3, "", "1.001", "1.035"},
    {51464, K::kText, 0, 0, 0, "mg/dL", "", ""},
    {51506, K::kText, 0, 0, 0, "", "", ""},
    {51484, K::kMixed, 45.7, 50.8, 0, "mg/dL", "", ""},
    {51508, K::kText, 0, 0, 0, "", "", ""},
    {51487, K::kText, 0, 0, 0, "", "", ""},
    {51491, K::kNormal, 6.16, 0.7, 1, "units", "5", "8"},
    {50808, K::kNormal, 1.11, 0.1, 2, "mmol/L", "1.12", "1.32"},
    {50920, K::kEmpty, 0, 0, 0, "", "", ""},
    {51678, K::kLogNormal, 14.5, 15.0, 0, "", "", ""},
    {50934, K::kLogNormal, 19.5, 51.9, 0, "", "", ""},
    {50947, K::kLogNormal, 0.88, 0.99, 0, "", "", ""},
    {52074, K::kLogNormal, 2.12, 5.38, 2, "K/uL", "0.2", "0.8"},
    {52073, K::kLogNormal, 0.35, 0.78, 2, "K/uL", "0.04", "0.54"},
    {51133, K::kLogNormal, 3.69, 5.91, 2, "K/uL", "1.2", "3.7"},
    {52069, K::kLogNormal, 0.25, 0.73, 2, "K/uL", "0.01", "0.08"},
    {52075, K::kLogNormal, 11.7, 16.0, 2, "K/uL", "1.6", "6.1"},
    {51266, K::kText, 0, 0, 0, "N/A", "", ""},
    {51267, K::kText, 0, 0, 0, "N/A", "", ""},
    {51137, K::kText, 0, 0, 0, "N/A", "", ""},
    {51268, K::kText, 0, 0, 0, "N/A", "", ""},
    {51252, K::kText, 0, 0, 0, "N/A", "", ""},
    {51233, K::kText, 0, 0, 0, "N/A", "", ""},
    {51246, K::kText, 0, 0, 0, "N/A", "", ""},
    {51143, K::kLogNormal, 0.47, 1.83, 0, "%", "0", "0"},
    {51251, K::kLogNormal, 1.23, 2.43, 0, "%", "0", "0"},
    {51255, K::kLogNormal, 0.99, 1.9, 0, "%", "0", "0"},
    {51144, K::kLogNormal, 1.78, 3.43, 0, "%", "0", "5"},
};

struct HeadPanel {
  std::vector<int64_t> itemids;
  double inpatient_p, outpatient_p;
};

const HeadPanel kHeadPanels[] = {
    {{50971, 50983, 50912, 50902, 51006, 50882, 50868, 50931}, 0.85, 0.6},  // chemistry
    {{51221, 51265, 51222, 51277, 51279, 51301, 51249, 51250, 51248, 52172}, 0.8, 0.55},  // CBC
    {{50960, 50893, 50970}, 0.7, 0.2},                                // Mg, Ca, P
    {{51275, 51237, 51274}, 0.45, 0.25},                              // coagulation
    {{50878, 50885, 50861, 50863, 50862, 50954}, 0.3, 0.3},           // liver
    {{52033, 50820, 50821, 50818, 50802, 50804, 50813}, 0.25, 0.03},  // blood gas
    {{51146, 51254, 51200, 51256, 51244}, 0.25, 0.2},                 // differential
    {{51498, 51464, 51506, 51484, 51508, 51487, 51491}, 0.08, 0.15},  // urinalysis
    {{50808}, 0.15, 0.02},                                            // free calcium
    {{50920}, 0.2, 0.3},                                              // eGFR
    {{51678, 50934, 50947}, 0.35, 0.1},
    {{52074, 52073, 51133, 52069, 52075}, 0.15, 0.1},                 // absolute counts
    {{51266, 51267, 51137, 51268, 51252, 51233, 51246}, 0.12, 0.08},  // morphology
    {{51143, 51251, 51255, 51144}, 0.1, 0.05},
};

const std::map<int64_t, std::vector<std::string>> kRealTexts = {
    {52033, {"ART.", "VEN.", "MIX.", "CENTRAL VENOUS."}},
    {51464, {"NEG", "SM", "MOD", "LG"}},
    {51506, {"Clear", "Hazy", "Cloudy"}},
    {51484, {"NEG", "TR"}},
    {51508, {"Yellow", "Straw", "LtAmb", "Amber"}},
    {51487, {"NEG", "POS"}},
};

const char* const kTextSets[][5] = {
    {"NEG", "POS", nullptr},
    {"NEGATIVE", "POSITIVE", nullptr},
    {"NONE", "FEW", "MOD", "MANY", nullptr},
    {"NOT DETECTED", "DETECTED", nullptr},
    {"NEG", "TR", "SM", "MOD", "LG"},
    {"Negative, confirmed by repeat", "Positive, see comment", nullptr},
    {"0-2", "3-5", "6-10", ">50", nullptr},
    {"HOLD.  DISCARD GREATER THAN 4 HOURS OLD.", "HOLD.", nullptr},
    {"Test not performed, \"QNS\"", nullptr},
};

const char* const kUnits[] = {"mg/dL", "mEq/L",  "%",      "K/uL",     "g/dL",    "IU/L",
                              "ng/mL", "ug/mL",  "mmol/L", "#/hpf",    "mIU/L",   "pg/mL",
                              "U/L",   "",       "ng/dL",  "uIU/mL",   "mg/24hr", "mOsm/kg",
                              "/uL",   "mL/min", "ratio",  "copies/mL"};

std::string egfr_comment(int lo) {
  return csv_quote(fmt::format(
      "Using this patient's age, gender, and serum creatinine value of {:.1f}, .  estimated GFR "
      "(eGFR) is likely between {} and {} mL/min/1.73 m2, .  provided the serum creatinine value "
      "is stable.",
      0.6 + lo / 40.0, lo, lo + 8));
}

void set_distribution(LabItem& item, LabKind kind, double mean, double sd) {
  item.kind = kind;
  if (kind == LabKind::kLogNormal || kind == LabKind::kMixed) {
    const double s2 = std::log1p((sd * sd) / (mean * mean));
    item.sigma = std::sqrt(s2);
    item.mu = std::log(mean) - s2 / 2;
  } else {
    item.mu = mean;
    item.sigma = sd;
    item.non_negative = mean - 4 * sd > 0;
  }
}

LabItem real_item(const RealItem& r) {
  LabItem item;
  item.itemid = r.itemid;
  item.decimals = r.decimals;
  set_distribution(item, r.kind, r.mean, r.sd);
  item.has_ref = r.lo[0] != '\0';
  if (item.has_ref) item.ref_lo = std::stod(r.lo), item.ref_hi = std::stod(r.hi);
  item.units_ref = fmt::format("{},{},{}", csv_quote(r.uom), r.lo, r.hi);
  if (auto it = kRealTexts.find(r.itemid); it != kRealTexts.end()) {
    for (const auto& t : it->second) item.texts.push_back(csv_quote(t));
  }
  // Morphology items are mostly blank in MIMIC; a few carry a grade.
  if (r.kind == K::kText && item.texts.empty()) item.texts = {"", "", "", "", "1+", "2+", "NORMAL"};
  return item;
}

void add_real_comments(LabItem& item) {
  if (item.itemid == 50931) {
    item.comments = {csv_quote("If fasting, 70-100 normal, >125 provisional diabetes."),
                     csv_quote("IF FASTING, 70-100 NORMAL, >125 PROVISIONAL DIABETES.")};
    item.comment_share = 0.35;
    item.masked_share = 0.2;
  } else if (item.itemid == 50920) {
    for (int lo : {18, 27, 39, 52, 61}) item.comments.push_back(egfr_comment(lo));
    item.comment_share = 1.0;
  } else if (item.itemid == 50971) {
    item.comments = {csv_quote("Specimen \"hemolyzed\", results may be affected.")};
    item.comment_share = 0.03;
  }
}

LabItem synthetic_item(Rng& rng, int64_t itemid) {
  LabItem item;
  item.itemid = itemid;
  const double u = rng.uniform();
  const LabKind kind = u < 0.47   ? K::kLogNormal
                       : u < 0.78 ? K::kNormal
                       : u < 0.95 ? K::kText
                                  : K::kEmpty;
  const double mean = std::pow(10.0, rng.uniform(-1.5, 3.5));
  const double cv = rng.uniform(0.05, 0.8);
  set_distribution(item, kind, mean, mean * cv);
  const int magnitude = static_cast<int>(std::floor(std::log10(mean)));
  item.decimals = std::clamp(1 - magnitude + static_cast<int>(rng.below(2)), 0, 3);
  const bool numeric = kind == K::kNormal || kind == K::kLogNormal;
  item.has_ref = numeric && rng.chance(0.8);
  std::string lo, hi;
  if (item.has_ref) {
    const double scale = std::pow(10.0, item.decimals);
    item.ref_lo = std::round(mean * (1 - cv) * scale) / scale;
    item.ref_hi = std::round(mean * (1 + cv) * scale) / scale;
    lo = fmt::format("{}", item.ref_lo);
    hi = fmt::format("{}", item.ref_hi);
  }
  item.units_ref = fmt::format("{},{},{}", csv_quote(kUnits[rng.below(std::size(kUnits))]), lo, hi);
  if (kind == K::kText) {
    for (const char* t : kTextSets[rng.below(std::size(kTextSets))]) {
      if (t) item.texts.push_back(csv_quote(t));
    }
  }
  return item;
}

// Unused itemids of MIMIC's lab range, in random order.
std::vector<int64_t> synthetic_itemids(Rng& rng, const std::set<int64_t>& used, size_t n) {
  std::vector<int64_t> ids;
  for (int64_t id = 50800; id < 53400; ++id) {
    if (!used.count(id)) ids.push_back(id);
  }
  for (size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[rng.below(i)]);
  ids.resize(n);
  return ids;
}

// The tail: the first generated items in small panels, the rarest alone.
void add_tail_panels(Rng& rng, LabCatalog& catalog, size_t first_item) {
  size_t i = first_item;
  while (i < catalog.items.size()) {
    const bool early = i < first_item + 150;
    const size_t size = early ? 2 + rng.below(5) : 1 + (rng.chance(0.2) ? rng.below(3) : 0);
    LabPanel panel;
    for (size_t k = 0; k < size && i < catalog.items.size(); ++k) {
      panel.items.push_back(static_cast<uint32_t>(i++));
    }
    catalog.tail.push_back(std::move(panel));
  }
  catalog.tail_sampler = WeightedSampler(zipf_weights(catalog.tail.size(), 1.25, 2.0));
}

}  // namespace

LabCatalog make_lab_catalog(Rng& rng) {
  LabCatalog catalog;
  std::map<int64_t, uint32_t> index;
  std::set<int64_t> used;
  for (const RealItem& r : kRealItems) {
    index[r.itemid] = static_cast<uint32_t>(catalog.items.size());
    used.insert(r.itemid);
    catalog.items.push_back(real_item(r));
    add_real_comments(catalog.items.back());
  }
  for (const HeadPanel& h : kHeadPanels) {
    LabPanel panel{{}, h.inpatient_p, h.outpatient_p};
    for (int64_t id : h.itemids) panel.items.push_back(index.at(id));
    catalog.head.push_back(std::move(panel));
  }
  const size_t first_tail = catalog.items.size();
  for (int64_t id : synthetic_itemids(rng, used, 950)) {
    catalog.items.push_back(synthetic_item(rng, id));
  }
  add_tail_panels(rng, catalog, first_tail);
  return catalog;
}

}  // namespace ehrtok::synth

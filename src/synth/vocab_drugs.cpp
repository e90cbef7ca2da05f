// Drug names for prescriptions: the most frequent MIMIC-IV names (with MIMIC's oddities: double
// spaces, trailing spaces, tall-man lettering), a few with commas and double quotes so that CSV
// quoting is exercised, then about 3000 generated "base + form/strength" names.
#include <cctype>
#include <set>
#include <string>

#include <fmt/format.h>

#include "io/csv_quote.h"
#include "synth/format.h"
#include "synth/vocab_build.h"

namespace ehrtok::synth {
namespace {

const char* const kHeadDrugs[] = {
    "Insulin",
    "0.9% Sodium Chloride",
    "Potassium Chloride",
    "Sodium Chloride 0.9%  Flush",
    "Furosemide",
    "Acetaminophen (Liquid), 650 mg",
    "5% Dextrose",
    "Bag",
    "Magnesium Sulfate",
    "Metoprolol Tartrate",
    "Acetaminophen",
    "\"Insulin\" Humalog",
    "HYDROmorphone (Dilaudid)",
    "Iso-Osmotic Dextrose",
    "Sodium Chloride 0.9%",
    "Heparin",
    "Vancomycin",
    "Calcium Gluconate",
    "Docusate Sodium",
    "Senna",
    "Lactated Ringers",
    "0.9% Sodium Chloride (Mini Bag Plus)",
    "Dextrose 50%",
    "Ondansetron",
    "Bisacodyl",
    "Potassium Chloride Replacement (Critical Care and Oncology) ",
    "Sterile Water",
    "Lorazepam",
    "Glucagon",
    "Sodium Bicarbonate 8.4%, 50 mEq",
    "Aspirin",
    "Warfarin",
    "Acetaminophen IV",
    "Heparin Flush (10 units/ml)",
    "OxyCODONE (Immediate Release)",
    "Pantoprazole",
    "Glucose Gel",
    "Amiodarone",
    "Morphine Sulfate",
    "Heparin Sodium",
    "OxycoDONE (Immediate Release) ",
    "Fentanyl Citrate",
    "Propofol",
    "Levothyroxine Sodium",
    "Neutra-Phos",
    "PHENYLEPHrine",
    "CefePIME",
    "Polyethylene Glycol",
    "Atorvastatin",
    "HydrALAzine",
    "Metoprolol Succinate XL",
    "Magnesium Sulfate (OB), 4 gm",
    "LORazepam",
    "SW",
    "Lisinopril",
    "Famotidine",
    "Multivitamins",
    "Albumin 25% (12.5g / 50mL)",
    "Influenza Vaccine Quadrivalent",
    "Vial",
    "Albuterol 0.083% Neb Soln",
    "Piperacillin-Tazobactam",
    "Milk of Magnesia",
    "Sodium Chloride 3% \"Hypertonic\"",
    "Thiamine",
    "D5 1/2NS",
    "Gabapentin",
    "NORepinephrine",
    "TraZODone",
    "5% Dextrose (EXCEL BAG)",
    "Vitamin D 1,000 UNIT",
    "Potassium Phosphate",
    "Chlorhexidine Gluconate 0.12% Oral Rinse",
    "NS",
    "Ciprofloxacin HCl",
    "Alteplase (Catheter Clearance)",
    "Ketorolac",
    "MetRONIDAZOLE (FLagyl)",
    "Syringe (0.9% Sodium Chloride)",
    "Heparin Dwell (1000 Units/mL)",
    "FoLIC Acid",
    "QUEtiapine Fumarate",
    "Lactulose",
    "PNEUMOcoccal 23-valent polysaccharide vaccine",
    "Lidocaine 1% (For PICC/Midline Insertions)",
    "Meropenem",
    "LeVETiracetam",
    "CefazoLIN",
    "CeftriaXONE",
    "D5W",
};

const char* const kBases[] = {
    "Amlodipine",
    "Simvastatin",
    "Pravastatin",
    "Rosuvastatin",
    "Losartan",
    "Valsartan",
    "Carvedilol",
    "Labetalol",
    "Propranolol",
    "Atenolol",
    "Diltiazem",
    "Verapamil",
    "Clonidine",
    "Spironolactone",
    "Hydrochlorothiazide",
    "Chlorthalidone",
    "Bumetanide",
    "Torsemide",
    "Metolazone",
    "Digoxin",
    "Apixaban",
    "Rivaroxaban",
    "Enoxaparin Sodium",
    "Clopidogrel",
    "Ticagrelor",
    "Nitroglycerin",
    "Isosorbide Mononitrate",
    "MetFORMIN",
    "GlipiZIDE",
    "Sitagliptin",
    "PredniSONE",
    "MethylPREDNISolone",
    "Dexamethasone",
    "Hydrocortisone",
    "Fludrocortisone",
    "Omeprazole",
    "Sucralfate",
    "Prochlorperazine",
    "Metoclopramide",
    "Loperamide",
    "Simethicone",
    "TraMADol",
    "Ibuprofen",
    "Naproxen",
    "Pregabalin",
    "Lidocaine",
    "Diazepam",
    "ALPRAZolam",
    "ClonazePAM",
    "Midazolam",
    "Haloperidol",
    "OLANZapine",
    "RisperiDONE",
    "Sertraline",
    "Citalopram",
    "Escitalopram",
    "FLUoxetine",
    "BuPROPion",
    "Mirtazapine",
    "Venlafaxine",
    "DULoxetine",
    "Zolpidem Tartrate",
    "Melatonin",
    "Phenytoin",
    "Valproic Acid",
    "Lacosamide",
    "Ceftazidime",
    "Ampicillin-Sulbactam",
    "Levofloxacin",
    "Azithromycin",
    "Doxycycline Hyclate",
    "Sulfameth/Trimethoprim DS",
    "Nitrofurantoin",
    "Linezolid",
    "DAPTOmycin",
    "Fluconazole",
    "Micafungin",
    "Acyclovir",
    "ValACYclovir",
    "Oseltamivir",
    "Allopurinol",
    "Colchicine",
    "Tamsulosin",
    "Finasteride",
    "Oxybutynin",
    "Albuterol Inhaler",
    "Ipratropium Bromide Neb",
    "Tiotropium Bromide",
    "Fluticasone Propionate",
    "Budesonide",
    "Montelukast",
    "GuaiFENesin",
    "Benzonatate",
    "Cetirizine",
    "Loratadine",
    "DiphenhydrAMINE",
    "Cyanocobalamin",
    "Calcium Carbonate",
    "Ferrous Sulfate",
    "Magnesium Oxide",
    "Sodium Bicarbonate",
    "Sevelamer CARBONATE",
    "Calcitriol",
    "Epoetin Alfa",
    "Insulin Glargine",
    "Insulin Lispro",
    "Dexmedetomidine",
    "Vasopressin",
    "EPINEPHrine",
    "DOBUTamine",
    "DOPamine",
    "Esmolol",
    "NiCARdipine",
    "Octreotide Acetate",
    "Rifaximin",
    "Tacrolimus",
    "Mycophenolate Mofetil",
    "CycloSPORINE",
    "Methotrexate",
    "Hydroxychloroquine",
    "Memantine",
    "Donepezil",
    "Carbidopa-Levodopa",
    "Baclofen",
    "TiZANidine",
    "Cyclobenzaprine",
    "Methocarbamol",
    "Nicotine Patch",
    "Mupirocin Ointment 2%",
    "Bacitracin",
    "Nystatin",
    "Miconazole Powder 2%",
    "Artificial Tears",
    "Erythromycin",
    "Timolol Maleate 0.5%",
    "Latanoprost 0.005% Ophth. Soln.",
    "Amoxicillin",
    "Amoxicillin-Clavulanic Acid",
    "Cephalexin",
    "Clindamycin",
    "Gentamicin",
    "Tobramycin",
    "Rifampin",
    "Isoniazid",
    "Pyridoxine",
    "Ascorbic Acid",
    "Zinc Sulfate",
    "Sodium Chloride 1 gm Tab",
    "Potassium Citrate",
    "Phytonadione",
    "Protamine Sulfate",
    "Argatroban",
    "Bivalirudin",
    "Dabigatran Etexilate",
    "Ranolazine",
    "Hydroxyzine",
    "Promethazine",
    "Meclizine",
    "Scopolamine Patch",
    "Glycopyrrolate",
    "Neostigmine",
    "Rocuronium",
    "Succinylcholine",
    "Ketamine",
    "Etomidate",
    "Naloxone",
    "Flumazenil",
    "Buprenorphine",
    "Methadone",
    "Morphine SR (MS Contin)",
    "Oxycodone SR (OxyconTIN)",
    "HYDROcodone-Acetaminophen",
    "Levetiracetam Oral Solution",
};

struct Variant {
  const char* pattern;  // {} is replaced by a strength
  const char* unit;     // dose_unit_rx
  const char* form;     // form_unit_disp
  const char* route;
};

const Variant kVariants[] = {
    {"", "mg", "TAB", "PO"},
    {" {} mg Tab", "mg", "TAB", "PO"},
    {" {} mg Cap", "mg", "CAP", "PO"},
    {" IV", "mg", "VIAL", "IV"},
    {" (Liquid)", "mg", "mL", "PO/NG"},
    {" Oral Solution", "mg", "mL", "PO/NG"},
    {" {} mg/mL", "mg", "mL", "IV"},
    {" XL", "mg", "TAB", "PO"},
    {" ER", "mg", "TAB", "PO"},
    {" Injection", "mg", "SYR", "SC"},
    {" (Tablet), {} mg", "mg", "TAB", "PO"},
    {" Desensitization", "mg", "VIAL", "IV"},
    {" PO/NG", "mg", "TAB", "PO/NG"},
    {" Suspension", "mg", "mL", "PO"},
    {" {}% Cream", "Appl", "TUBE", "TP"},
    {" Neb", "mg", "NEB", "IH"},
    {" Patch", "mg", "PTCH", "TD"},
    {" (Generic)", "mg", "TAB", "PO"},
    {" {} mg \"Sprinkle\" Cap", "mg", "CAP", "PO"},
    {" {} mcg", "mcg", "TAB", "PO"},
};

const char* const kStrengths[] = {"1",   "2",   "2.5", "5",   "10",  "12.5", "20",
                                  "25",  "40",  "50",  "80",  "100", "125",  "200",
                                  "250", "325", "400", "500", "650", "750",  "1000"};

std::string replace_braces(const char* pattern, const std::string& value) {
  std::string out = pattern;
  const size_t at = out.find("{}");
  if (at != std::string::npos) out.replace(at, 2, value);
  return out;
}

bool is_fluid(const std::string& name) {
  for (const char* word : {"Dextrose", "Sodium Chloride", "Bag", "Sterile Water", "Lactated", "D5",
                           "NS", "SW", "Vial", "Syringe"}) {
    if (name.find(word) != std::string::npos) return true;
  }
  return false;
}

// Formulary code as MIMIC's: letters of the name, a strength digit, a form letter ("FENT2I").
std::string formulary_code(Rng& rng, const std::string& name) {
  std::string code;
  for (char c : name) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      code += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (code.size() == 4) break;
  }
  code += static_cast<char>('0' + rng.below(10));
  code += "IPLST"[rng.below(5)];
  return code;
}

std::string digits(Rng& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>('0' + rng.below(10));
  return s;
}

Drug make_drug(Rng& rng, const std::string& name, const Variant& v, const std::string& dose) {
  static const char* const kPackages[] = {"Vial", "Bag", "Syringe", "Tab", "Cap", "mL Cup"};
  const bool fluid = is_fluid(name);
  Drug d;
  d.name = name;
  d.drug_type = fluid ? "BASE" : (rng.chance(0.004) ? "ADDITIVE" : "MAIN");
  const std::string unit = fluid ? "mL" : v.unit;
  const std::string form = fluid ? "BAG" : v.form;
  const std::string gsn = rng.chance(0.15) ? "" : digits(rng, 6);
  const std::string ndc = rng.chance(0.12) ? "0" : digits(rng, 11);
  const std::string strength = fluid ? fmt::format("{} mL Bag", pick(rng, kStrengths))
                                     : fmt::format("{}{} {}", dose, unit, pick(rng, kPackages));
  const char* form_val = pick(rng, kStrengths);
  d.middle =
      fmt::format("{},{},{},{},{},,{},{},{},{}", csv_quote(name), formulary_code(rng, name), gsn,
                  ndc, csv_quote(strength), dose, unit, rng.chance(0.6) ? "1" : form_val, form);
  d.route = fluid ? "IV" : v.route;
  return d;
}

// Each base name gets a random subset of variants: about 3000 names in all.
void add_generated(Rng& rng, std::set<std::string>& seen, std::vector<Drug>& tail) {
  for (const char* base : kBases) {
    for (const Variant& v : kVariants) {
      if (!rng.chance(0.85)) continue;
      const std::string dose = pick(rng, kStrengths);
      std::string name = std::string(base) + replace_braces(v.pattern, dose);
      if (rng.chance(0.01)) name += ' ';  // MIMIC has names differing only by a trailing space
      if (seen.insert(name).second) tail.push_back(make_drug(rng, name, v, dose));
    }
  }
}

}  // namespace

Drugs make_drugs(Rng& rng) {
  Drugs drugs;
  std::set<std::string> seen;
  for (const char* name : kHeadDrugs) {
    seen.insert(name);
    drugs.entries.push_back(make_drug(rng, name, kVariants[0], pick(rng, kStrengths)));
  }
  std::vector<Drug> tail;
  add_generated(rng, seen, tail);
  // Generated names in random rank order, so frequency does not follow the alphabet.
  for (size_t i = tail.size(); i > 1; --i) std::swap(tail[i - 1], tail[rng.below(i)]);
  for (Drug& d : tail) drugs.entries.push_back(std::move(d));
  drugs.sampler = WeightedSampler(zipf_weights(drugs.entries.size(), 1.0, 3.0));
  return drugs;
}

}  // namespace ehrtok::synth

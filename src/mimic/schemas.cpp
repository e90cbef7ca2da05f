#include "mimic/schemas.h"

#include <stdexcept>

namespace ehrtok::mimic {

const TableSpec& admissions() {
  static const TableSpec spec{"admissions",
                              {{"subject_id", FieldKind::Int64},
                               {"hadm_id", FieldKind::Int64},
                               {"admittime", FieldKind::Timestamp},
                               {"dischtime", FieldKind::Timestamp}}};
  return spec;
}

const TableSpec& diagnoses_icd() {
  static const TableSpec spec{"diagnoses_icd",
                              {{"subject_id", FieldKind::Int64},
                               {"hadm_id", FieldKind::Int64},
                               {"seq_num", FieldKind::Int64},
                               {"icd_code", FieldKind::String},
                               {"icd_version", FieldKind::Int64}}};
  return spec;
}

const TableSpec& procedures_icd() {
  static const TableSpec spec{"procedures_icd",
                              {{"subject_id", FieldKind::Int64},
                               {"hadm_id", FieldKind::Int64},
                               {"seq_num", FieldKind::Int64},
                               {"chartdate", FieldKind::Date},
                               {"icd_code", FieldKind::String},
                               {"icd_version", FieldKind::Int64}}};
  return spec;
}

const TableSpec& prescriptions() {
  static const TableSpec spec{"prescriptions",
                              {{"subject_id", FieldKind::Int64},
                               {"hadm_id", FieldKind::Int64},
                               {"drug", FieldKind::String},
                               {"starttime", FieldKind::Timestamp}}};
  return spec;
}

const TableSpec& labevents() {
  static const TableSpec spec{"labevents",
                              {{"labevent_id", FieldKind::Int64},
                               {"subject_id", FieldKind::Int64},
                               {"hadm_id", FieldKind::Int64},
                               {"itemid", FieldKind::Int64},
                               {"charttime", FieldKind::Timestamp},
                               {"valuenum", FieldKind::Double}}};
  return spec;
}

std::vector<const TableSpec*> all_tables() {
  return {&admissions(), &diagnoses_icd(), &procedures_icd(), &prescriptions(), &labevents()};
}

const TableSpec& table_spec(std::string_view name) {
  for (const auto* spec : all_tables())
    if (spec->name == name) return *spec;
  throw std::invalid_argument("no MIMIC table named " + std::string(name));
}

}  // namespace ehrtok::mimic

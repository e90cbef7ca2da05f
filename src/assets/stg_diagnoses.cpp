#include "assets/stg_diagnoses.h"

#include "assets/code_mapper.h"

namespace ehrtok {

StagedEvents build_stg_diagnoses(const mimic::RawTable& diagnoses, CodeBook& codes) {
  const Table& t = diagnoses.table;
  const Column& subject = t.column("subject_id");
  const Column& hadm = t.column("hadm_id");
  const Column& seq = t.column("seq_num");
  const Column& icd = t.column("icd_code");
  CodeMapper mapper(icd, "DX:", codes);

  StagedEvents out;
  out.type = CodeType::Diagnosis;
  out.reserve(t.num_rows());
  int64_t null_code = 0;
  for (size_t r = 0; r < t.num_rows(); ++r) {
    if (icd.is_null(r)) {
      ++null_code;
      continue;
    }
    out.push(value_or(subject, r, kNullId), value_or(hadm, r, kNullId), kNullTime,
             value_or(seq, r, kNullSeq), mapper.code_of_row(r));
  }
  out.counts.rows_in = diagnoses.rows_kept();
  out.counts.rows_out = static_cast<int64_t>(out.size());
  out.counts.drop("icd_code NULL", null_code);
  return out;
}

}  // namespace ehrtok

#include "assets/stg_procedures.h"

#include "assets/code_mapper.h"

namespace ehrtok {

StagedEvents build_stg_procedures(const mimic::RawTable& procedures, CodeBook& codes) {
  const Table& t = procedures.table;
  const Column& subject = t.column("subject_id");
  const Column& hadm = t.column("hadm_id");
  const Column& seq = t.column("seq_num");
  const Column& chartdate = t.column("chartdate");
  const Column& icd = t.column("icd_code");
  CodeMapper mapper(icd, "PR:", codes);

  StagedEvents out;
  out.type = CodeType::Procedure;
  out.reserve(t.num_rows());
  int64_t null_code = 0, null_hadm = 0;
  for (size_t r = 0; r < t.num_rows(); ++r) {
    if (icd.is_null(r)) {
      ++null_code;
    } else if (hadm.is_null(r)) {
      ++null_hadm;
    } else {
      // chartdate is held as a timestamp at midnight already.
      out.push(value_or(subject, r, kNullId), hadm.ints[r], value_or(chartdate, r, kNullTime),
               value_or(seq, r, kNullSeq), mapper.code_of_row(r));
    }
  }
  out.counts.rows_in = procedures.rows_kept();
  out.counts.rows_out = static_cast<int64_t>(out.size());
  out.counts.drop("icd_code NULL", null_code);
  out.counts.drop("hadm_id NULL", null_hadm);
  return out;
}

}  // namespace ehrtok

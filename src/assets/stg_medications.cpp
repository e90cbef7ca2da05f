#include "assets/stg_medications.h"

#include "assets/code_mapper.h"
#include "assets/group_sequence.h"

namespace ehrtok {

StagedEvents build_stg_medications(const mimic::RawTable& prescriptions, CodeBook& codes) {
  const Table& t = prescriptions.table;
  const Column& subject = t.column("subject_id");
  const Column& hadm = t.column("hadm_id");
  const Column& drug = t.column("drug");
  const Column& start = t.column("starttime");
  CodeMapper mapper(drug, "MED:", codes);

  StagedEvents out;
  out.type = CodeType::Medication;
  out.reserve(t.num_rows());
  int64_t null_drug = 0, null_hadm = 0;
  for (size_t r = 0; r < t.num_rows(); ++r) {
    if (drug.is_null(r)) {
      ++null_drug;
    } else if (hadm.is_null(r)) {
      ++null_hadm;
    } else {
      out.push(value_or(subject, r, kNullId), hadm.ints[r], value_or(start, r, kNullTime), 0,
               mapper.code_of_row(r));
    }
  }
  out.seq_num = sequence_within_groups(out.subject_id, out.hadm_id, out.event_time);
  out.counts.rows_in = prescriptions.rows_kept();
  out.counts.rows_out = static_cast<int64_t>(out.size());
  out.counts.drop("drug NULL", null_drug);
  out.counts.drop("hadm_id NULL", null_hadm);
  return out;
}

}  // namespace ehrtok

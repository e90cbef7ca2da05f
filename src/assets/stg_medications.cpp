#include "assets/stg_medications.h"

#include "assets/code_mapper.h"
#include "assets/group_sequence.h"

namespace ehrtok {

StagedEvents build_stg_medications(mimic::RawTable prescriptions, CodeBook& codes, int threads) {
  Table& t = prescriptions.table;
  Column& subject = t.column("subject_id");
  Column& hadm = t.column("hadm_id");
  Column& drug = t.column("drug");
  Column& start = t.column("starttime");
  CodeMapper mapper(drug, "MED:", codes);

  // Row r's event goes to row `kept` <= r of the same columns, after row r is read.
  size_t kept = 0;
  int64_t null_drug = 0, null_hadm = 0;
  for (size_t r = 0; r < t.num_rows(); ++r) {
    if (drug.is_null(r)) {
      ++null_drug;
    } else if (hadm.is_null(r)) {
      ++null_hadm;
    } else {
      subject.ints[kept] = value_or(subject, r, kNullId);
      hadm.ints[kept] = hadm.ints[r];
      start.ints[kept] = value_or(start, r, kNullTime);
      drug.codes[kept] = mapper.code_of_row(r);
      ++kept;
    }
  }
  StagedEvents out;
  out.type = CodeType::Medication;
  out.counts.rows_in = prescriptions.rows_kept();  // before the columns are taken
  const auto take = [kept](auto& values) {
    values.resize(kept);
    return std::move(values);
  };
  out.subject_id = take(subject.ints);
  out.hadm_id = take(hadm.ints);
  out.event_time = take(start.ints);
  out.code = take(drug.codes);
  out.seq_num = sequence_within_groups(out.subject_id, out.hadm_id, out.event_time, threads);
  out.counts.rows_out = static_cast<int64_t>(out.size());
  out.counts.drop("drug NULL", null_drug);
  out.counts.drop("hadm_id NULL", null_hadm);
  return out;
}

}  // namespace ehrtok

#include "assets/stg_admissions.h"

#include <algorithm>
#include <limits>

#include "io/input_error.h"
#include "table/timestamp.h"

namespace ehrtok {
namespace {

Table stg_admissions_schema() {
  return Table::empty({{"subject_id", ColumnType::Int64, false},
                       {"hadm_id", ColumnType::Int64, false},
                       {"admittime", ColumnType::Timestamp, true},
                       {"dischtime", ColumnType::Timestamp, true},
                       {"visit_seq", ColumnType::Int64, false},
                       {"days_since_prior_admission", ColumnType::Int64, true}});
}

void push_nullable(Column& column, bool null, int64_t value) {
  column.ints.push_back(null ? 0 : value);
  column.valid.push_back(null ? 0 : 1);
}

}  // namespace

StgAdmissions build_stg_admissions(const mimic::RawTable& admissions) {
  const Column& subject = admissions.table.column("subject_id");
  const Column& hadm = admissions.table.column("hadm_id");
  const Column& admit = admissions.table.column("admittime");
  const Column& disch = admissions.table.column("dischtime");

  StgAdmissions out;
  out.counts.rows_in = admissions.rows_kept();
  int64_t null_hadm = 0, null_subject = 0, duplicate = 0;
  std::vector<uint32_t> rows;
  absl::flat_hash_map<int64_t, uint32_t> seen;
  for (uint32_t r = 0; r < hadm.size(); ++r) {
    if (hadm.is_null(r)) {
      ++null_hadm;
    } else if (subject.is_null(r)) {
      ++null_subject;
    } else if (!seen.emplace(hadm.ints[r], r).second) {
      ++duplicate;
    } else {
      rows.push_back(r);
    }
  }
  // NULL admittime sorts after every time.
  auto admit_key = [&](uint32_t r) {
    return admit.is_null(r) ? std::numeric_limits<int64_t>::max() : admit.ints[r];
  };
  std::sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
    if (subject.ints[a] != subject.ints[b]) return subject.ints[a] < subject.ints[b];
    if (admit_key(a) != admit_key(b)) return admit_key(a) < admit_key(b);
    return hadm.ints[a] < hadm.ints[b];
  });

  out.table = stg_admissions_schema();
  auto& cols = out.table.columns;
  int64_t visit = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const uint32_t r = rows[i];
    const bool first = i == 0 || subject.ints[rows[i - 1]] != subject.ints[r];
    visit = first ? 1 : visit + 1;
    cols[0].ints.push_back(subject.ints[r]);
    cols[1].ints.push_back(hadm.ints[r]);
    push_nullable(cols[2], admit.is_null(r), admit.ints[r]);
    push_nullable(cols[3], disch.is_null(r), disch.ints[r]);
    cols[4].ints.push_back(visit);
    const bool no_prior = first || admit.is_null(r) || admit.is_null(rows[i - 1]);
    push_nullable(cols[5], no_prior,
                  no_prior ? 0 : day_of(admit.ints[r]) - day_of(admit.ints[rows[i - 1]]));
    out.rank_of_hadm.emplace(hadm.ints[r], static_cast<uint32_t>(i));
  }
  out.counts.rows_out = static_cast<int64_t>(rows.size());
  out.counts.drop("hadm_id NULL", null_hadm);
  out.counts.drop("subject_id NULL", null_subject);
  out.counts.drop("repeated hadm_id", duplicate);
  return out;
}

StgAdmissions stg_admissions_from_table(Table table) {
  if (const auto wrong = schema_mismatch(table, stg_admissions_schema().fields); !wrong.empty())
    throw InputError("stg_admissions: stored table has " + wrong);
  StgAdmissions out;
  out.table = std::move(table);
  const auto& hadm = out.table.columns[1].ints;
  out.rank_of_hadm.reserve(hadm.size());
  for (size_t i = 0; i < hadm.size(); ++i)
    if (!out.rank_of_hadm.emplace(hadm[i], static_cast<uint32_t>(i)).second)
      throw InputError("stg_admissions: stored table repeats hadm_id " + std::to_string(hadm[i]));
  out.counts.rows_in = out.counts.rows_out = static_cast<int64_t>(hadm.size());
  return out;
}

}  // namespace ehrtok

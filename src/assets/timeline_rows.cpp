#include "assets/timeline_rows.h"

namespace ehrtok {

std::vector<Field> timeline_schema(const char* sequence_name) {
  return {{"subject_id", ColumnType::Int64, false},
          {"hadm_id", ColumnType::Int64, false},
          {"admittime", ColumnType::Timestamp, true},
          {"visit_seq", ColumnType::Int64, false},
          {"days_since_prior_admission", ColumnType::Int64, true},
          {"code", ColumnType::String, false},
          {"code_type", ColumnType::String, false},
          {"event_time", ColumnType::Timestamp, true},
          {"time_offset_hours", ColumnType::Double, false},
          {sequence_name, ColumnType::Int64, false}};
}

std::shared_ptr<const StringDictionary> code_type_dictionary() {
  static const auto dictionary = [] {
    auto d = std::make_shared<StringDictionary>();
    for (auto t : {CodeType::Diagnosis, CodeType::Procedure, CodeType::Medication, CodeType::Lab,
                   CodeType::TimeBin})
      d->intern(code_type_name(t));
    return d;
  }();
  return dictionary;
}

Table empty_timeline_table(const char* sequence_name, const std::shared_ptr<const CodeBook>& codes,
                           size_t rows) {
  Table t = Table::empty(timeline_schema(sequence_name));
  for (size_t i = 0; i < t.fields.size(); ++i) {
    Column& c = t.columns[i];
    if (c.type == ColumnType::Double) c.doubles.reserve(rows);
    if (c.type == ColumnType::String) c.codes.reserve(rows);
    if (c.type == ColumnType::Int64 || c.type == ColumnType::Timestamp) c.ints.reserve(rows);
    if (t.fields[i].nullable) c.valid.reserve(rows);
  }
  t.columns[5].dictionary = codes;
  t.columns[6].dictionary = code_type_dictionary();
  return t;
}

void append_timeline_row(Table& table, const MergedEvent& e, const StgAdmissions& admissions,
                         int64_t sequence) {
  auto& c = table.columns;
  const uint32_t a = e.admission;
  const Column& admit = admissions.admittime();
  const Column& days = admissions.days_since_prior();
  c[0].ints.push_back(admissions.subject_id()[a]);
  c[1].ints.push_back(admissions.hadm_id()[a]);
  c[2].ints.push_back(admit.ints[a]);
  c[2].valid.push_back(admit.is_null(a) ? 0 : 1);
  c[3].ints.push_back(admissions.visit_seq()[a]);
  c[4].ints.push_back(days.ints[a]);
  c[4].valid.push_back(days.is_null(a) ? 0 : 1);
  c[5].codes.push_back(e.code);
  c[6].codes.push_back(static_cast<uint32_t>(e.type));
  const bool no_time = e.event_time == kNullTime;
  c[7].ints.push_back(no_time ? 0 : e.event_time);
  c[7].valid.push_back(no_time ? 0 : 1);
  c[8].doubles.push_back(e.offset_hours);
  c[9].ints.push_back(sequence);
}

}  // namespace ehrtok

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

Table empty_timeline_table(const char* sequence_name,
                           const std::shared_ptr<const CodeBook>& codes) {
  Table t = Table::empty(timeline_schema(sequence_name));
  t.columns[5].dictionary = codes;
  t.columns[6].dictionary = code_type_dictionary();
  return t;
}

void resize_timeline_rows(Table& table, size_t rows) {
  for (size_t i = 0; i < table.fields.size(); ++i) {
    Column& c = table.columns[i];
    if (c.type == ColumnType::Double) c.doubles.resize(rows);
    if (c.type == ColumnType::String) c.codes.resize(rows);
    if (c.type == ColumnType::Int64 || c.type == ColumnType::Timestamp) c.ints.resize(rows);
    if (table.fields[i].nullable) c.valid.resize(rows);
  }
}

void set_timeline_row(Table& table, size_t row, const MergedEvent& e, double offset_hours,
                      const StgAdmissions& admissions, int64_t sequence) {
  auto& c = table.columns;
  const uint32_t a = e.admission;
  const Column& admit = admissions.admittime();
  const Column& days = admissions.days_since_prior();
  c[0].ints[row] = admissions.subject_id()[a];
  c[1].ints[row] = admissions.hadm_id()[a];
  c[2].ints[row] = admit.ints[a];
  c[2].valid[row] = admit.is_null(a) ? 0 : 1;
  c[3].ints[row] = admissions.visit_seq()[a];
  c[4].ints[row] = days.ints[a];
  c[4].valid[row] = days.is_null(a) ? 0 : 1;
  c[5].codes[row] = e.code;
  c[6].codes[row] = static_cast<uint32_t>(e.type);
  const bool no_time = e.event_time == kNullTime;
  c[7].ints[row] = no_time ? 0 : e.event_time;
  c[7].valid[row] = no_time ? 0 : 1;
  c[8].doubles[row] = offset_hours;
  c[9].ints[row] = sequence;
}

}  // namespace ehrtok

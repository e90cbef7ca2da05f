#include "assets/timeline_rows.h"

#include <algorithm>

#include "util/parallel_for.h"

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

void resize_timeline_rows(Table& table, size_t rows, int threads) {
  resize_timeline_columns(table, 0, table.fields.size(), rows, threads);
}

void resize_timeline_columns(Table& table, size_t first_column, size_t last_column, size_t rows,
                             int threads) {
  // A first resize faults in tens of megabytes: one column per thread.
  parallel_each(last_column - first_column, threads, [&](size_t k) {
    const size_t i = first_column + k;
    Column& c = table.columns[i];
    if (c.type == ColumnType::Double) c.doubles.resize(rows);
    if (c.type == ColumnType::String) c.codes.resize(rows);
    if (c.type == ColumnType::Int64 || c.type == ColumnType::Timestamp) c.ints.resize(rows);
    if (table.fields[i].nullable) c.valid.resize(rows);
  });
}

void set_timeline_row(Table& table, size_t row, const MergedEvent& e, double offset_hours,
                      const StgAdmissions& admissions, int64_t sequence) {
  set_admission_rows(table, row, 1, e.admission, admissions);
  set_event_row(table, row, e, offset_hours, sequence);
}

void set_admission_rows(Table& table, size_t first_row, size_t count, uint32_t a,
                        const StgAdmissions& admissions) {
  auto& c = table.columns;
  const Column& admit = admissions.admittime();
  const Column& days = admissions.days_since_prior();
  const auto fill = [&](auto& values, auto value) {
    std::fill_n(values.begin() + static_cast<ptrdiff_t>(first_row), count, value);
  };
  fill(c[0].ints, admissions.subject_id()[a]);
  fill(c[1].ints, admissions.hadm_id()[a]);
  fill(c[2].ints, admit.ints[a]);
  fill(c[2].valid, uint8_t{admit.is_null(a) ? uint8_t{0} : uint8_t{1}});
  fill(c[3].ints, admissions.visit_seq()[a]);
  fill(c[4].ints, days.ints[a]);
  fill(c[4].valid, uint8_t{days.is_null(a) ? uint8_t{0} : uint8_t{1}});
}

void set_event_row(Table& table, size_t row, const MergedEvent& e, double offset_hours,
                   int64_t sequence) {
  auto& c = table.columns;
  c[5].codes[row] = e.code;
  c[6].codes[row] = static_cast<uint32_t>(e.type);
  const bool no_time = e.event_time == kNullTime;
  c[7].ints[row] = no_time ? 0 : e.event_time;
  c[7].valid[row] = no_time ? 0 : 1;
  c[8].doubles[row] = offset_hours;
  c[9].ints[row] = sequence;
}

}  // namespace ehrtok

// The columns shared by events_merged and tokens_final, built row by row from compact events.
#pragma once

#include <memory>

#include "assets/events_merged.h"
#include "assets/stg_admissions.h"
#include "table/column.h"

namespace ehrtok {

// subject_id, hadm_id, admittime, visit_seq, days_since_prior_admission, code, code_type,
// event_time, time_offset_hours, and `sequence_name` (event_seq or final_seq).
std::vector<Field> timeline_schema(const char* sequence_name);

// The shared dictionary behind the code_type column (names in CodeType order).
std::shared_ptr<const StringDictionary> code_type_dictionary();

// An empty table of timeline_schema(sequence_name), its code column over `codes`.
Table empty_timeline_table(const char* sequence_name, const std::shared_ptr<const CodeBook>& codes);

// Makes `table` (of timeline_schema) `rows` rows long, keeping its memory, on `threads` threads;
// the values of the rows are unspecified until set_timeline_row sets them.
void resize_timeline_rows(Table& table, size_t rows, int threads = 1);

// timeline_schema's columns [0, kFirstEventColumn) are set by set_admission_rows (subject_id to
// days_since_prior_admission), the rest by set_event_row (code to the sequence number).
constexpr size_t kFirstEventColumn = 5;

// Makes columns [first_column, last_column) of `table` `rows` rows long, as resize_timeline_rows.
void resize_timeline_columns(Table& table, size_t first_column, size_t last_column, size_t rows,
                             int threads = 1);

// Sets row `row` to `event` with its admission's columns, its time_offset_hours (computed by the
// caller, who usually needs it anyway: event_offset_hours) and the given sequence number.
// Different rows may be set on different threads.
void set_timeline_row(Table& table, size_t row, const MergedEvent& event, double offset_hours,
                      const StgAdmissions& admissions, int64_t sequence);

// The two halves of set_timeline_row, for rows that come by admission: the admission's columns
// (subject_id to days_since_prior_admission) of rows [first_row, first_row + count), and the
// event's own columns (code to the sequence number) of one row.
void set_admission_rows(Table& table, size_t first_row, size_t count, uint32_t admission,
                        const StgAdmissions& admissions);
void set_event_row(Table& table, size_t row, const MergedEvent& event, double offset_hours,
                   int64_t sequence);

}  // namespace ehrtok

// Test helper: rows of a column as runs of equal cells, the form ColumnSlice::runs takes.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "table/column.h"

namespace ehrtok::testing {

struct ColumnRuns {
  Column values;               // one cell per run
  std::vector<uint32_t> runs;  // rows per run
};

// Rows [begin, end) of a numeric column as runs of equal cells: equal by bits (so -0.0 and 0.0
// differ and NaN equals NaN), or both NULL.
inline ColumnRuns column_runs(const Column& column, size_t begin, size_t end) {
  const auto same = [&](size_t a, size_t b) {
    if (column.is_null(a) || column.is_null(b)) return column.is_null(a) && column.is_null(b);
    if (column.type == ColumnType::Double)
      return std::memcmp(&column.doubles[a], &column.doubles[b], sizeof(double)) == 0;
    return column.ints[a] == column.ints[b];
  };
  ColumnRuns out{Column(column.type), {}};
  for (size_t r = begin; r < end; ++r) {
    if (r > begin && same(r, r - 1)) {
      ++out.runs.back();
      continue;
    }
    out.runs.push_back(1);
    out.values.ints.push_back(column.ints.empty() ? 0 : column.ints[r]);
    out.values.doubles.push_back(column.doubles.empty() ? 0 : column.doubles[r]);
    out.values.valid.push_back(column.is_null(r) ? 0 : 1);
  }
  return out;
}

// Rows [begin, end) of `table` as the writer's slices of one row group, every numeric column
// given as runs. The slices point into `runs` (moving the struct keeps them valid).
struct RunSlices {
  std::vector<ColumnRuns> runs;
  std::vector<ColumnSlice> slices;
};

inline RunSlices slices_as_runs(const Table& table, size_t begin, size_t end) {
  RunSlices out{std::vector<ColumnRuns>(table.columns.size()), {}};
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const Column& column = table.columns[i];
    if (column.type == ColumnType::String) {
      out.slices.push_back({&column, begin, end - begin});
      continue;
    }
    out.runs[i] = column_runs(column, begin, end);
    out.slices.push_back({&out.runs[i].values, 0, end - begin, out.runs[i].runs});
  }
  return out;
}

}  // namespace ehrtok::testing

#include "assets/events_merged.h"

#include <algorithm>
#include <numeric>

#include "assets/timeline_rows.h"
#include "io/input_error.h"
#include "table/timestamp.h"
#include "util/parallel_for.h"

namespace ehrtok {
namespace {

constexpr double kNullOffsetHours = -0.001;

// Code ranks in byte order of the code text, so that comparing ranks compares codes.
std::vector<uint32_t> code_ranks(const CodeBook& codes) {
  std::vector<uint32_t> by_text(codes.size());
  std::iota(by_text.begin(), by_text.end(), 0);
  std::sort(by_text.begin(), by_text.end(),
            [&](uint32_t a, uint32_t b) { return codes.at(a) < codes.at(b); });
  std::vector<uint32_t> rank(codes.size());
  for (uint32_t r = 0; r < by_text.size(); ++r) rank[by_text[r]] = r;
  return rank;
}

}  // namespace

double offset_hours(int64_t event_time, int64_t admittime) {
  const int64_t micros = event_time - admittime;
  if (micros % kMicrosPerSecond == 0)
    return static_cast<double>(micros / kMicrosPerSecond) / 3600.0;
  return static_cast<double>(micros) / 1e6 / 3600.0;
}

EventsMerged build_events_merged(const std::vector<const StagedEvents*>& stages,
                                 const StgAdmissions& admissions, const CodeBook& codes,
                                 int threads) {
  EventsMerged out;
  const Column& admit = admissions.admittime();

  // Join: each event finds its admission; events of no admission are counted and dropped.
  BigVector<MergedEvent> joined;
  size_t total = 0;
  for (const auto* stage : stages) total += stage->size();
  joined.reserve(total);
  for (const auto* stage : stages) {
    int64_t no_admission = 0;
    int64_t last_hadm = kNullId, last_rank = -1;  // events of one admission mostly come together
    for (size_t i = 0; i < stage->size(); ++i) {
      const int64_t hadm = stage->hadm_id[i];
      if (hadm != last_hadm) {
        last_rank = hadm == kNullId ? -1 : admissions.find(hadm);
        last_hadm = hadm;
      }
      const int64_t rank = last_rank;
      if (rank < 0) {
        ++no_admission;
        continue;
      }
      const int64_t time = stage->event_time[i];
      const bool no_offset = time == kNullTime || admit.is_null(rank);
      joined.push_back({no_offset ? kNullOffsetHours : offset_hours(time, admit.ints[rank]),
                        stage->seq_num[i], time, stage->code[i], static_cast<uint32_t>(rank),
                        static_cast<uint32_t>(i), stage->type});
    }
    out.counts.rows_in += static_cast<int64_t>(stage->size());
    out.counts.drop(std::string(code_type_name(stage->type)) + ": hadm_id not an admission",
                    no_admission);
  }

  // Counting sort by admission, then each admission's events in timeline order.
  out.admission_start.assign(admissions.size() + 1, 0);
  for (const auto& e : joined) ++out.admission_start[e.admission + 1];
  std::partial_sum(out.admission_start.begin(), out.admission_start.end(),
                   out.admission_start.begin());
  out.events.resize(joined.size());
  std::vector<uint64_t> fill(out.admission_start.begin(), out.admission_start.end() - 1);
  for (const auto& e : joined) out.events[fill[e.admission]++] = e;
  joined = {};

  const std::vector<uint32_t> rank = code_ranks(codes);
  auto before = [&](const MergedEvent& a, const MergedEvent& b) {
    if (a.offset_hours != b.offset_hours) return a.offset_hours < b.offset_hours;
    if (a.seq_num != b.seq_num) return a.seq_num < b.seq_num;
    if (a.code != b.code) return rank[a.code] < rank[b.code];
    if (a.type != b.type) return a.type < b.type;
    return a.source_row < b.source_row;
  };
  parallel_for(admissions.size(), threads, [&](size_t first, size_t last) {
    for (size_t a = first; a < last; ++a)
      std::sort(out.events.begin() + out.admission_start[a],
                out.events.begin() + out.admission_start[a + 1], before);
  });
  out.counts.rows_out = static_cast<int64_t>(out.events.size());
  return out;
}

Table events_merged_rows(const EventsMerged& merged, const StgAdmissions& admissions,
                         const std::shared_ptr<const CodeBook>& codes, size_t begin, size_t end) {
  Table table = empty_timeline_table("event_seq", codes, end - begin);
  for (size_t i = begin; i < end; ++i) {
    const MergedEvent& e = merged.events[i];
    append_timeline_row(table, e, admissions,
                        static_cast<int64_t>(i - merged.admission_start[e.admission]) + 1);
  }
  return table;
}

StoredEventsMerged::StoredEventsMerged(const StgAdmissions& admissions, CodeBook& codes,
                                       size_t rows)
    : admissions_(admissions), codes_(codes) {
  out_.events.reserve(rows);
  out_.admission_start.assign(admissions.size() + 1, 0);
}

void StoredEventsMerged::append(const Table& batch) {
  const auto& hadm = batch.column("hadm_id");
  const auto& code = batch.column("code");
  const auto& code_type = batch.column("code_type");
  const auto& event_time = batch.column("event_time");
  const auto& offset = batch.column("time_offset_hours");
  // Each distinct string of the batch is interned once, not once per row.
  std::vector<uint32_t> code_ids(code.dictionary ? code.dictionary->size() : 0, UINT32_MAX);
  std::vector<int> type_of(code_type.dictionary ? code_type.dictionary->size() : 0, -1);
  for (size_t t = 0; t < type_of.size(); ++t)
    for (auto k : {CodeType::Diagnosis, CodeType::Procedure, CodeType::Medication, CodeType::Lab})
      if (code_type.dictionary->at(static_cast<uint32_t>(t)) == code_type_name(k))
        type_of[t] = static_cast<int>(k);

  for (size_t i = 0; i < batch.num_rows(); ++i) {
    const size_t row = out_.events.size() + 1;
    const int64_t rank = hadm.is_null(i) ? -1 : admissions_.find(hadm.ints[i]);
    if (rank < 0 || code.is_null(i) || code_type.is_null(i) || type_of[code_type.codes[i]] < 0)
      throw InputError("events_merged: stored row " + std::to_string(row) +
                       " has no admission, no code or an unknown code_type");
    if (!out_.events.empty() && static_cast<uint32_t>(rank) < out_.events.back().admission)
      throw InputError("events_merged: stored rows are not in admission order at row " +
                       std::to_string(row));
    uint32_t& id = code_ids[code.codes[i]];
    if (id == UINT32_MAX) id = codes_.intern(code.string_at(i));
    out_.events.push_back({.offset_hours = offset.doubles[i],
                           .seq_num = 0,
                           .event_time = value_or(event_time, i, kNullTime),
                           .code = id,
                           .admission = static_cast<uint32_t>(rank),
                           .source_row = 0,
                           .type = static_cast<CodeType>(type_of[code_type.codes[i]])});
    ++out_.admission_start[rank + 1];
  }
}

EventsMerged StoredEventsMerged::finish() {
  for (size_t a = 0; a + 1 < out_.admission_start.size(); ++a)
    out_.admission_start[a + 1] += out_.admission_start[a];
  out_.counts.rows_in = out_.counts.rows_out = static_cast<int64_t>(out_.events.size());
  return std::move(out_);
}

}  // namespace ehrtok

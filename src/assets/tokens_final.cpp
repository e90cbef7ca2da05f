#include "assets/tokens_final.h"

#include <algorithm>

#include "assets/timeline_rows.h"

namespace ehrtok {

int TimeBins::bin_of(double h) const {
  return static_cast<int>(std::upper_bound(upper_edges.begin(), upper_edges.end(), h) -
                          upper_edges.begin());
}

TokensFinal build_tokens_final(const EventsMerged& merged, CodeBook& codes, const TimeBins& bins) {
  TokensFinal out;
  for (const auto& name : bins.names) out.bin_codes.push_back(codes.intern(name));
  const size_t admissions = merged.admission_start.size() - 1;
  out.admission_start.assign(admissions + 1, 0);
  out.tokens.reserve(merged.events.size() + merged.events.size() / 4);
  int64_t bin_tokens = 0;
  for (size_t a = 0; a < admissions; ++a) {
    out.admission_start[a] = out.tokens.size();
    int previous = -1;
    for (uint64_t e = merged.admission_start[a]; e < merged.admission_start[a + 1]; ++e) {
      const int bin = bins.bin_of(merged.events[e].offset_hours);
      if (bin != previous) {
        out.tokens.push_back({static_cast<uint32_t>(e), static_cast<int16_t>(bin)});
        ++bin_tokens;
        previous = bin;
      }
      out.tokens.push_back({static_cast<uint32_t>(e), -1});
    }
  }
  out.admission_start[admissions] = out.tokens.size();
  out.counts.rows_in = static_cast<int64_t>(merged.events.size());
  out.counts.rows_out = static_cast<int64_t>(out.tokens.size());
  out.counts.note("time_bin tokens added", bin_tokens);
  return out;
}

Table tokens_final_rows(const TokensFinal& tokens, const EventsMerged& merged,
                        const StgAdmissions& admissions,
                        const std::shared_ptr<const CodeBook>& codes, size_t begin, size_t end) {
  Table table = empty_timeline_table("final_seq", codes, end - begin);
  for (size_t t = begin; t < end; ++t) {
    const Token& token = tokens.tokens[t];
    MergedEvent row = merged.events[token.event];
    if (token.bin >= 0) {  // a bin token carries its event's times, with its own code and type
      row.code = tokens.bin_codes[token.bin];
      row.type = CodeType::TimeBin;
    }
    append_timeline_row(table, row, admissions,
                        static_cast<int64_t>(t - tokens.admission_start[row.admission]) + 1);
  }
  return table;
}

}  // namespace ehrtok

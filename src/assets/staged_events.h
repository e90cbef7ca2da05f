// The common shape of the four event stages (stg_diagnoses, stg_procedures, stg_medications,
// stg_labs): one row per clinical event, its code interned in a shared code book.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string_view>
#include <vector>

#include "assets/asset_counts.h"
#include "table/big_vector.h"
#include "table/string_dictionary.h"

namespace ehrtok {

// NULL markers inside staged events. kNullSeq is the largest value so that NULL seq_nums sort
// last, as in the reference (DuckDB's default NULLS LAST).
constexpr int64_t kNullTime = std::numeric_limits<int64_t>::min();
constexpr int64_t kNullId = std::numeric_limits<int64_t>::min();
constexpr int64_t kNullSeq = std::numeric_limits<int64_t>::max();

enum class CodeType : uint8_t { Diagnosis, Procedure, Medication, Lab, TimeBin };

// The code_type column's text for each CodeType.
std::string_view code_type_name(CodeType type);

// All codes of a run ("DX:4019", "LAB:50912_Q3", ...), shared by the stages and the outputs.
using CodeBook = StringDictionary;

struct StagedEvents {
  CodeType type = CodeType::Diagnosis;
  BigVector<int64_t> subject_id;
  BigVector<int64_t> hadm_id;
  BigVector<int64_t> event_time;  // microseconds, or kNullTime
  BigVector<int64_t> seq_num;     // or kNullSeq
  BigVector<uint32_t> code;       // CodeBook id
  AssetCounts counts;

  size_t size() const { return code.size(); }
  void reserve(size_t n);
  void push(int64_t subject, int64_t hadm, int64_t time, int64_t seq, uint32_t code_id);
};

}  // namespace ehrtok

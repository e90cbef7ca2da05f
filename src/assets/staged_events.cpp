#include "assets/staged_events.h"

namespace ehrtok {

std::string_view code_type_name(CodeType type) {
  switch (type) {
    case CodeType::Diagnosis:
      return "diagnosis";
    case CodeType::Procedure:
      return "procedure";
    case CodeType::Medication:
      return "medication";
    case CodeType::Lab:
      return "lab";
    case CodeType::TimeBin:
      return "time_bin";
  }
  return "";
}

void StagedEvents::reserve(size_t n) {
  subject_id.reserve(n);
  hadm_id.reserve(n);
  event_time.reserve(n);
  seq_num.reserve(n);
  code.reserve(n);
}

void StagedEvents::push(int64_t subject, int64_t hadm, int64_t time, int64_t seq,
                        uint32_t code_id) {
  subject_id.push_back(subject);
  hadm_id.push_back(hadm);
  event_time.push_back(time);
  seq_num.push_back(seq);
  code.push_back(code_id);
}

}  // namespace ehrtok

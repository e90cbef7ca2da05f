#include "synth/vocab.h"

#include "io/csv_quote.h"
#include "synth/format.h"
#include "synth/vocab_build.h"

namespace ehrtok::synth {
namespace {

// Fixed, so the vocabularies do not depend on the user's seed.
constexpr uint64_t kVocabularySeed = 0x4D494D4943ull;  // "MIMIC"

Vocabulary build() {
  Vocabulary v;
  Rng rng(kVocabularySeed);
  v.drugs = make_drugs(rng);
  v.dx9 = make_diagnosis_codes(rng, 9);
  v.dx10 = make_diagnosis_codes(rng, 10);
  v.pr9 = make_procedure_codes(rng, 9);
  v.pr10 = make_procedure_codes(rng, 10);
  v.labs = make_lab_catalog(rng);
  for (const char* t : {"___", "ERROR", "UNABLE TO REPORT", "GREATER THAN 1000", "<0.1", "",
                        "NotDone", "Hemolyzed, \"unable to report\""}) {
    v.null_value_texts.push_back(csv_quote(t));
  }
  return v;
}

}  // namespace

const Vocabulary& vocabulary() {
  static const Vocabulary v = build();  // thread-safe initialization
  return v;
}

}  // namespace ehrtok::synth

// Builders of the vocabularies (one file each); vocabulary() assembles them.
#pragma once

#include "synth/vocab.h"

namespace ehrtok::synth {

Drugs make_drugs(Rng& rng);
Codes make_diagnosis_codes(Rng& rng, int version);
Codes make_procedure_codes(Rng& rng, int version);
LabCatalog make_lab_catalog(Rng& rng);

// Picks one of a few options, the first ones more often.
template <class T, size_t N>
const T& pick(Rng& rng, const T (&options)[N]) {
  const size_t a = rng.below(N), b = rng.below(N);
  return options[a < b ? a : b];
}

}  // namespace ehrtok::synth

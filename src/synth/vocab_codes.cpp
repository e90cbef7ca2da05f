// ICD codes as MIMIC-IV stores them (no dots): the most frequent real codes first, then
// generated codes with the shapes of each code system.
#include <set>
#include <string>

#include "synth/vocab_build.h"

namespace ehrtok::synth {
namespace {

const char* const kDx9[] = {"4019",  "2724",  "42731", "25000", "V1582", "311",   "41401", "40390",
                            "V5867", "V5861", "5849",  "4280",  "3051",  "2859",  "53081", "5990",
                            "27800", "2720",  "2761",  "5853",  "V5866", "E8497", "V4582", "5859",
                            "51881", "2449",  "49390", "V707",  "30500", "30000", "2762",  "E8798",
                            "4240",  "V8741", "V4986", "78959", "2875",  "2749",  "V08",   "78820"};
const char* const kDx10[] = {
    "E785",  "I10",   "Z87891", "E039",  "Z794",  "I2510",  "F329", "N179",   "F419", "E119",
    "Z955",  "I4891", "E669",   "Z7901", "J449",  "F17210", "D62",  "Z7902",  "M109", "I129",
    "G4733", "C9110", "D649",   "K219",  "E1122", "Z66",    "D696", "N390",   "I480", "E871",
    "Z9884", "G8929", "Z950",   "Z8673", "N183",  "E872",   "Z853", "Y92230", "N186", "I110"};
const char* const kPr9[] = {"3897", "966",  "9671", "3961", "3893", "5491", "9604", "3891",
                            "4513", "9427", "9672", "3615", "3324", "9915", "8856", "8847",
                            "8874", "8841", "8604", "3722", "9925", "7915", "4573", "4523",
                            "4311", "4131", "3995", "3721", "3613", "0331", "0221", "0045"};
const char* const kPr10[] = {"02HV33Z", "3E0G76Z", "0BH17EZ", "5A1955Z", "5A1D70Z", "5A1945Z",
                             "B211YZZ", "0W9G3ZX", "02H633Z", "B548ZZA", "0DJ08ZZ", "5A1221Z",
                             "0W9G3ZZ", "0DJD8ZZ", "5A1D60Z", "3E04305", "0W9930Z", "3E0H76Z",
                             "0LBW0ZZ", "0BJ08ZZ", "0BCJ8ZZ", "0BC78ZZ", "0B9D8ZX", "07DR3ZX",
                             "03VG3DZ", "02100Z9", "D7021ZZ", "5A1935Z", "4A023N7", "4A023N6"};

std::string digits(Rng& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>('0' + rng.below(10));
  return s;
}

// ICD-9-CM diagnoses: "NNN" + 0-2 digits, "VNN" + 0-2 digits, "ENNN" + 0-1 digit.
std::string dx9(Rng& rng) {
  const double u = rng.uniform();
  if (u < 0.8) return digits(rng, 3 + static_cast<int>(rng.below(3)));
  if (u < 0.93) return "V" + digits(rng, 2 + static_cast<int>(rng.below(3)));
  return "E" + std::to_string(800 + rng.below(200)) + digits(rng, static_cast<int>(rng.below(2)));
}

// ICD-10-CM: letter, two digits, up to four more characters (injuries end in A/D/S).
std::string dx10(Rng& rng) {
  static const char kLetters[] = "ABCDEFGHIJKLMNOPQRSTVWXYZ";  // no U
  std::string code(1, kLetters[rng.below(sizeof(kLetters) - 1)]);
  code += digits(rng, 2);
  const int extra = static_cast<int>(rng.below(5));
  code += digits(rng, extra);
  if ((code[0] == 'S' || code[0] == 'T') && extra >= 3) code += "ADS"[rng.below(3)];
  return code;
}

std::string pr9(Rng& rng) { return digits(rng, 3 + static_cast<int>(rng.below(2))); }

// ICD-10-PCS: seven characters from digits and letters other than I and O.
std::string pr10(Rng& rng) {
  static const char kChars[] = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  std::string code(1, "0123456789BDFGHX"[rng.below(16)]);
  for (int i = 0; i < 6; ++i) code += kChars[rng.below(sizeof(kChars) - 1)];
  return code;
}

template <size_t N>
Codes make_codes(Rng& rng, const char* const (&head)[N], std::string (*generate)(Rng&),
                 size_t total, double exponent) {
  Codes codes;
  std::set<std::string> seen;
  for (const char* c : head) {
    seen.insert(c);
    codes.entries.emplace_back(c);
  }
  while (codes.entries.size() < total) {
    std::string c = generate(rng);
    if (seen.insert(c).second) codes.entries.push_back(std::move(c));
  }
  codes.sampler = WeightedSampler(zipf_weights(codes.entries.size(), exponent, 4.0));
  return codes;
}

}  // namespace

Codes make_diagnosis_codes(Rng& rng, int version) {
  return version == 9 ? make_codes(rng, kDx9, dx9, 4000, 1.05)
                      : make_codes(rng, kDx10, dx10, 6000, 1.05);
}

Codes make_procedure_codes(Rng& rng, int version) {
  return version == 9 ? make_codes(rng, kPr9, pr9, 1500, 1.0)
                      : make_codes(rng, kPr10, pr10, 3000, 1.0);
}

}  // namespace ehrtok::synth

// Random numbers for the synthetic data, fully specified here so that a seed gives the same
// files with every compiler and standard library (std:: distributions are implementation
// defined). Generator: xoshiro256** seeded through splitmix64.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace ehrtok::synth {

inline uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Mixes several values into one seed, e.g. (user seed, stream id, subject index).
inline uint64_t mix_seed(uint64_t a, uint64_t b, uint64_t c = 0) {
  uint64_t s = a;
  splitmix64(s);
  s ^= b * 0xD1B54A32D192ED03ull;
  splitmix64(s);
  s ^= c * 0x8CB92BA72F3D8DD7ull;
  return splitmix64(s);
}

__extension__ typedef unsigned __int128 Uint128;  // GCC/Clang; __extension__ keeps -Wpedantic quiet

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& word : s_) word = splitmix64(seed);
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  bool chance(double p) { return uniform() < p; }

  // Uniform integer in [0, n) by multiply-shift (Lemire); the bias is below 2^-40 for our n.
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<Uint128>(next()) * n) >> 64);
  }
  int64_t between(int64_t lo, int64_t hi) {  // inclusive
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo + 1)));
  }

  double exponential(double mean) { return -mean * std::log1p(-uniform()); }

  // Standard normal by Box-Muller (one value per call keeps the stream simple).
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]: log stays finite
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  // Number of events of a Poisson process of given mean (Knuth; fine for small means).
  int poisson(double mean) {
    if (mean > 30)
      return std::max(0, static_cast<int>(std::lround(mean + std::sqrt(mean) * normal())));
    const double limit = std::exp(-mean);
    int k = 0;
    for (double p = uniform(); p > limit; p *= uniform()) ++k;
    return k;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// Draws index i with probability weight[i] / sum(weights), by binary search of the cumulative
// weights (deterministic, O(log n)).
class WeightedSampler {
 public:
  WeightedSampler() = default;
  explicit WeightedSampler(const std::vector<double>& weights) {
    cumulative_.reserve(weights.size());
    double sum = 0;
    for (double w : weights) cumulative_.push_back(sum += w);
  }
  size_t operator()(Rng& rng) const {
    const double x = rng.uniform() * cumulative_.back();
    const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), x);
    return std::min(static_cast<size_t>(it - cumulative_.begin()), cumulative_.size() - 1);
  }
  size_t size() const { return cumulative_.size(); }

 private:
  std::vector<double> cumulative_;
};

// Zipf-like weights 1 / (rank + offset)^exponent for ranks 0..n-1: a few entries carry most
// of the mass, as drug names, codes and lab items do in MIMIC.
inline std::vector<double> zipf_weights(size_t n, double exponent, double offset) {
  std::vector<double> weights(n);
  for (size_t r = 0; r < n; ++r) weights[r] = std::pow(static_cast<double>(r) + offset, -exponent);
  return weights;
}

}  // namespace ehrtok::synth

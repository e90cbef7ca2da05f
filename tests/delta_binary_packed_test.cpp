// DELTA_BINARY_PACKED (Parquet's Encodings.md): the header and block bytes for known inputs, exact
// round trips of values whose differences overflow int64, and clear errors for malformed pages.
// That other readers agree is checked by the `delta` fixture (tests/js/parquet_readback.test.mjs).

#include "parquet/delta_binary_packed.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "parquet/format_error.h"
#include "parquet/rle_bp_decoder.h"

namespace ehrtok::parquet {
namespace {

using Bytes = std::vector<uint8_t>;
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

Bytes encode(const std::vector<int64_t>& values) {
  Bytes out;
  append_delta_binary_packed(values, out);
  return out;
}

// Decodes `count` values from `bytes` given the padding decoders may read past the end.
std::vector<int64_t> decode(Bytes bytes, size_t count, size_t* consumed = nullptr) {
  const size_t size = bytes.size();
  bytes.resize(size + kDecodePadding, 0xEE);
  std::vector<int64_t> out(count);
  const size_t used = decode_delta_binary_packed(std::span(bytes.data(), size), out);
  if (consumed != nullptr) *consumed = used;
  return out;
}

void expect_round_trip(const std::vector<int64_t>& values) {
  const Bytes bytes = encode(values);
  size_t consumed = 0;
  EXPECT_EQ(decode(bytes, values.size(), &consumed), values);
  EXPECT_EQ(consumed, bytes.size());
}

TEST(DeltaBinaryPacked, ConsecutiveValuesAreAHeaderAndZeroWidths) {
  // Header: block size 128 (varint 0x80 0x01), 4 miniblocks, 5 values, first value zigzag(1) = 2;
  // one block: min delta zigzag(1) = 2, four bit widths of 0, no miniblock bytes.
  EXPECT_EQ(encode({1, 2, 3, 4, 5}), (Bytes{0x80, 0x01, 4, 5, 2, 2, 0, 0, 0, 0}));
}

TEST(DeltaBinaryPacked, MiniblocksArePackedLsbFirstAndTheLastIsPadded) {
  // Deltas -2, -2, -2, 1, 1, 1, 1 (the specification's second example): min -2 (zigzag 3),
  // relative deltas 0, 0, 0, 3, 3, 3, 3 at 2 bits, then zeros to 32 values: 8 bytes.
  EXPECT_EQ(encode({7, 5, 3, 1, 2, 3, 4, 5}),
            (Bytes{0x80, 0x01, 4, 8, 14, 3, 2, 0, 0, 0, 0xC0, 0x3F, 0, 0, 0, 0, 0, 0}));
}

TEST(DeltaBinaryPacked, EmptyAndSingleValuesAreOnlyAHeader) {
  EXPECT_EQ(encode({}), (Bytes{0x80, 0x01, 4, 0, 0}));
  EXPECT_EQ(encode({-3}), (Bytes{0x80, 0x01, 4, 1, 5}));
  expect_round_trip({});
  expect_round_trip({kMin});
}

TEST(DeltaBinaryPacked, ExtremesWrapAroundExactly) {
  expect_round_trip({kMin, kMax, kMin, 0, kMax, -1, 1, kMin});
  expect_round_trip({kMax, kMax, kMax, kMin, kMin});
  std::vector<int64_t> alternating;
  for (int i = 0; i < 300; ++i) alternating.push_back(i % 2 ? kMax : kMin + i);
  expect_round_trip(alternating);  // 64-bit wide miniblocks
}

TEST(DeltaBinaryPacked, EveryLengthAroundMiniblockAndBlockEnds) {
  std::mt19937_64 random(7);
  for (size_t n : {2, 31, 32, 33, 63, 64, 65, 127, 128, 129, 130, 255, 256, 257, 1000, 4097}) {
    for (int width : {0, 1, 7, 13, 31, 33, 57, 63, 64}) {
      std::vector<int64_t> values(n);
      int64_t v = -17;
      for (auto& x : values) {
        const uint64_t step = width == 0 ? 0 : random() >> (64 - width);
        x = v = static_cast<int64_t>(static_cast<uint64_t>(v) + step);
      }
      SCOPED_TRACE(testing::Message() << n << " values, steps of " << width << " bits");
      expect_round_trip(values);
    }
  }
}

TEST(DeltaBinaryPacked, MalformedPagesAreFormatErrors) {
  const Bytes good = encode({10, 20, 5, 1000000, -7, 3, 3, 3, 100, 1, 2});
  EXPECT_THROW(decode(good, 10), FormatError);  // another value count
  for (size_t cut = 0; cut + 1 < good.size(); ++cut)
    EXPECT_THROW(decode(Bytes(good.begin(), good.begin() + cut), 11), FormatError) << cut;
  // Two values, min delta 0, a first miniblock of bit width 65.
  EXPECT_THROW(decode({0x80, 0x01, 4, 2, 0, 0, 65, 0, 0, 0}, 2), FormatError);
  EXPECT_THROW(decode({0x40, 4, 1, 0}, 1), FormatError);        // block size 64
  EXPECT_THROW(decode({0x80, 0x01, 0, 1, 0}, 1), FormatError);  // no miniblocks
  EXPECT_THROW(decode({0x80, 0x01, 8, 1, 0}, 1), FormatError);  // 16 values per miniblock
}

TEST(DeltaBinaryPacked, OtherBlockLayoutsOfTheSpecificationAreRead) {
  // 256 values in 2 miniblocks of 128, as another writer may choose: 3 values, first 5, then
  // min delta 0 and widths 1 and 0; the one miniblock needed holds 128 one-bit values (16 bytes).
  Bytes bytes{0x80, 0x02, 2, 3, 10, 0, 1, 0};
  Bytes miniblock(16, 0);
  miniblock[0] = 0b10;  // relative deltas 0, 1
  bytes.insert(bytes.end(), miniblock.begin(), miniblock.end());
  EXPECT_EQ(decode(bytes, 3), (std::vector<int64_t>{5, 5, 6}));
}

}  // namespace
}  // namespace ehrtok::parquet

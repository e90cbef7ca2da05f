// Reading input files: blocks read ahead past the page cache give back every byte, in order,
// for any file size (empty, one block exactly, a partial last block), plain or gzip.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "io/byte_source.h"
#include "io/gzip_writer.h"
#include "io/input_file.h"
#include "test_support.h"

namespace {

using ehrtok::InputFile;
using ehrtok::testing::TempDir;
using ehrtok::testing::write_file;

constexpr size_t kMiB = size_t{1} << 20;

std::string random_bytes(size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>('a' + rng() % 26);
  return bytes;
}

std::string by_blocks(InputFile& file) {
  std::string out;
  for (auto block = file.next_block(); !block.empty(); block = file.next_block())
    out.append(block.data(), block.size());
  return out;
}

std::string by_reads(ehrtok::ByteSource& source, size_t step) {
  std::string out, buffer(step, '\0');
  while (const size_t n = source.read(buffer)) out.append(buffer.data(), n);
  return out;
}

TEST(InputFile, EveryByteInOrderForAnySize) {
  TempDir dir;
  for (const size_t size :
       {size_t{0}, size_t{1}, size_t{4095}, 4 * kMiB, 4 * kMiB + 1, 9 * kMiB + 12345, 12 * kMiB}) {
    SCOPED_TRACE(size);
    const auto path = dir.path() / "input.csv";
    const std::string bytes = random_bytes(size, static_cast<unsigned>(size));
    write_file(path, bytes);
    InputFile blocks(path);
    EXPECT_EQ(by_blocks(blocks), bytes);
    EXPECT_EQ(blocks.consumed(), size);
    EXPECT_TRUE(blocks.next_block().empty());  // and stays at the end
    const auto plain = ehrtok::open_byte_source(path);
    EXPECT_EQ(by_reads(*plain, 1'000'003), bytes);
    EXPECT_EQ(plain->consumed(), size);
  }
}

TEST(InputFile, GzipAcrossManyBlocks) {
  TempDir dir;
  const auto path = dir.path() / "input.csv.gz";
  // Random letters compress to about 60%: a file of several read-ahead blocks.
  const std::string bytes = random_bytes(20 * kMiB, 7);
  {
    ehrtok::GzipWriter gz(path);
    gz.write(bytes);
    gz.finish();
  }
  ASSERT_GT(std::filesystem::file_size(path), 8 * kMiB);
  const auto source = ehrtok::open_byte_source(path);
  EXPECT_EQ(by_reads(*source, 3 * kMiB + 7), bytes);
  EXPECT_EQ(source->consumed(), std::filesystem::file_size(path));
}

TEST(InputFile, MissingFileNamesIt) {
  try {
    InputFile file("/nonexistent/labevents.csv.gz");
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/labevents.csv.gz: cannot open"),
              std::string::npos);
  }
}

}  // namespace

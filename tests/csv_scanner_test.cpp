#include "io/csv_scanner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>

#include "io/byte_source.h"
#include "io/input_error.h"

namespace ehrtok {
namespace {

// A ByteSource over a string that hands out at most `step` bytes a call, to cut records
// at every possible place.
class StringSource : public ByteSource {
 public:
  StringSource(std::string text, size_t step) : text_(std::move(text)), step_(step) {}
  size_t read(std::span<char> out) override {
    const size_t n = std::min({out.size(), step_, text_.size() - pos_});
    std::memcpy(out.data(), text_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  uint64_t consumed() const override { return pos_; }

 private:
  std::string text_;
  size_t step_;
  size_t pos_ = 0;
};

struct Record {
  int64_t line;
  std::vector<std::string> fields;
  bool malformed;
  bool operator==(const Record&) const = default;
};

std::vector<Record> scan(const std::string& text, size_t step = 1 << 20, size_t target = 1 << 20,
                         std::vector<std::string>* header = nullptr) {
  CsvChunker chunker(std::make_unique<StringSource>(text, step), "test.csv", target);
  if (header) *header = chunker.header();
  std::vector<Record> records;
  CsvRecord record;
  std::string scratch;
  int64_t first_line = chunker.first_data_line();
  while (auto chunk = chunker.next()) {
    CsvRecordSplitter splitter(chunk->text(), first_line);
    while (splitter.next(record)) {
      Record r{.line = record.line, .fields = {}, .malformed = record.malformed};
      for (size_t k = 0; k < record.size(); ++k)
        r.fields.emplace_back(unescape(record.field(k), scratch));
      records.push_back(r);
    }
    first_line = splitter.line();
    chunker.recycle(std::move(*chunk));  // as the import does: later chunks reuse the buffer
  }
  return records;
}

TEST(CsvScanner, QuotedFieldsWithCommasDoubledQuotesAndNewlines) {
  const std::string text =
      "a,b,c\n"
      "1,\"x, y\",3\n"
      "2,\"say \"\"hi\"\"\",\"\"\n"
      "3,\"two\nlines\",z\n"
      "4,plain,\n";
  std::vector<std::string> header;
  const auto records = scan(text, 1 << 20, 1 << 20, &header);
  EXPECT_EQ(header, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0], (Record{2, {"1", "x, y", "3"}, false}));
  EXPECT_EQ(records[1], (Record{3, {"2", "say \"hi\"", ""}, false}));
  EXPECT_EQ(records[2], (Record{4, {"3", "two\nlines", "z"}, false}));
  EXPECT_EQ(records[3], (Record{6, {"4", "plain", ""}, false}));  // line 6: the newline above
}

TEST(CsvScanner, CrlfLineEndsAndMissingFinalNewline) {
  const auto records = scan("a,b\r\n1,2\r\n\"q\",4\r\n5,6");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0], (Record{2, {"1", "2"}, false}));
  EXPECT_EQ(records[1], (Record{3, {"q", "4"}, false}));
  EXPECT_EQ(records[2], (Record{4, {"5", "6"}, false}));
}

TEST(CsvScanner, BlankLinesAreNotRecordsButCountAsLines) {
  const auto records = scan("a\n1\n\n2\n\r\n3\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].line, 4);
  EXPECT_EQ(records[2].line, 6);
}

TEST(CsvScanner, SameRecordsWhateverTheReadAndChunkSizes) {
  std::string text = "id,drug,t\n";
  for (int i = 0; i < 300; ++i)
    text += std::to_string(i) + ",\"Drug, \"\"" + std::to_string(i) + "\"\"\nline2\",2100-01-01\n";
  const auto expected = scan(text);
  ASSERT_EQ(expected.size(), 300u);
  EXPECT_EQ(expected[299].line, 2 + 299 * 2);
  for (size_t step : {1, 3, 7, 64})
    for (size_t target : {1, 10, 100, 4096}) EXPECT_EQ(scan(text, step, target), expected);
}

// Random records of every length (unquoted fields are split 16 bytes at a time, quoted ones by
// the general rules), LF or CRLF ends, blank lines, no final newline: the fields and line numbers
// the generator wrote come back, whatever the chunk size.
TEST(CsvScanner, RandomRecordsComeBackAsWritten) {
  std::mt19937 rng(5);
  const std::string plain = "abcXYZ0123456789 .:-_/\t\r";  // '\r' inside a field is literal
  std::string text = "h\n";
  std::vector<Record> expected;
  int64_t line = 2;
  for (int r = 0; r < 2000; ++r) {
    if (rng() % 20 == 0) {  // a blank line
      text += "\n";
      ++line;
    }
    Record record{line, {}, false};
    // Some records are wide, with many short fields: up to 64 commas in a 64-byte block.
    const bool wide = rng() % 10 == 0;
    const int fields = 1 + static_cast<int>(rng() % (wide ? 80 : 12));
    for (int f = 0; f < fields; ++f) {
      std::string value;
      const int length = static_cast<int>(rng() % (wide ? 3 : 40));
      const bool quoted = rng() % 15 == 0;
      for (int k = 0; k < length; ++k) {
        char c = quoted && rng() % 6 == 0 ? ",\"\n"[rng() % 3] : plain[rng() % plain.size()];
        if (!quoted && k > 0 && rng() % 50 == 0) c = '"';  // literal inside an unquoted field
        value += c;
      }
      while (!quoted && !value.empty() && value.back() == '\r' && f == fields - 1) value.pop_back();
      if (fields == 1 && !quoted && value.empty()) value = "x";  // an empty line is no record
      if (quoted) {
        text += '"';
        for (char c : value) text += c == '"' ? std::string("\"\"") : std::string(1, c);
        text += '"';
        line += std::count(value.begin(), value.end(), '\n');
      } else {
        text += value;
      }
      text += f + 1 < fields ? "," : "";
      record.fields.push_back(value);
    }
    const bool last = r == 1999;
    text += last ? "" : (rng() % 3 == 0 ? "\r\n" : "\n");
    ++line;
    expected.push_back(record);
  }
  for (size_t target : {size_t{7}, size_t{100}, size_t{1} << 20}) {
    const auto got = scan(text, 1 << 20, target);
    ASSERT_EQ(got.size(), expected.size()) << "chunks of " << target;
    for (size_t r = 0; r < got.size(); ++r) {
      ASSERT_EQ(got[r].line, expected[r].line) << "record " << r << ", chunks of " << target;
      ASSERT_EQ(got[r].fields, expected[r].fields) << "record " << r << ", chunks of " << target;
      ASSERT_FALSE(got[r].malformed) << "record " << r;
    }
  }
}

TEST(CsvScanner, QuoteInsideAnUnquotedFieldIsLiteral) {
  const auto records = scan("a,b\n12\"x,y\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"12\"x", "y"}));
}

TEST(CsvScanner, MalformedQuotingIsReportedNotFatal) {
  const auto records = scan("a,b\n\"x\"junk,1\n2,3\n\"open,4\n5,6\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_TRUE(records[0].malformed);
  EXPECT_FALSE(records[1].malformed);
  EXPECT_TRUE(records[2].malformed);  // unterminated: runs to the end of the file
  EXPECT_EQ(records[2].line, 4);
}

TEST(CsvScanner, HeaderWithByteOrderMarkAndEmptyFile) {
  std::vector<std::string> header;
  scan("\xEF\xBB\xBFsubject_id,hadm_id\n1,2\n", 1 << 20, 1 << 20, &header);
  EXPECT_EQ(header[0], "subject_id");
  EXPECT_THROW(scan(""), InputError);
}

}  // namespace
}  // namespace ehrtok

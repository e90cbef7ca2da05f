#include "mimic/raw_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "io/input_error.h"
#include "test_support.h"

namespace ehrtok::mimic {
namespace {

using testing::TempDir;
using testing::write_file;

TEST(RawTable, FindsColumnsByNameInAnyOrderAndIgnoresExtraColumns) {
  TempDir dir;
  write_file(dir.path() / "prescriptions.csv",
             "extra,drug,starttime,hadm_id,subject_id\n"
             "x,\"Heparin, 5000 \"\"U\"\"\",2150-01-02 03:04:05,20,10\n"
             "y,,,,11\n");
  for (int threads : {1, 2}) {
    const RawTable t = load_raw_table(prescriptions(), dir.path(), threads);
    ASSERT_EQ(t.rows_kept(), 2);
    EXPECT_EQ(t.table.column("subject_id").ints[0], 10);
    EXPECT_EQ(t.table.column("hadm_id").ints[0], 20);
    EXPECT_EQ(t.table.column("drug").string_at(0), "Heparin, 5000 \"U\"");
    EXPECT_EQ(testing::cell_text(t.table.column("starttime"), 0), "2150-01-02 03:04:05");
    EXPECT_TRUE(t.table.column("hadm_id").is_null(1));
    EXPECT_TRUE(t.table.column("drug").is_null(1));
    EXPECT_TRUE(t.table.column("starttime").is_null(1));
  }
}

// A column keeps no validity bytes while it has no NULL; a NULL in a later chunk (the file is
// over the 8 MB chunk size) brings in the 1s of all rows before it, and a NULL in the first
// chunk the 1s of all chunks after it (which, without NULLs, keep no validity of their own).
TEST(RawTable, ValidityOnlyForColumnsWithNulls) {
  TempDir dir;
  std::string csv = "labevent_id,subject_id,hadm_id,itemid,charttime,valuenum\n";
  const int rows = 250000;
  for (int i = 0; i < rows; ++i)
    csv += std::to_string(i) + ",10000032," + (i + 1 == rows ? "" : "22595853") + "," +
           (i == 0 ? "" : "50912") + ",2180-05-06 22:23:00,1.25\n";
  ASSERT_GT(csv.size(), size_t{8} << 20);
  write_file(dir.path() / "labevents.csv", csv);
  for (int threads : {1, 2}) {
    const RawTable t = load_raw_table(labevents(), dir.path(), threads);
    ASSERT_EQ(t.rows_kept(), rows);
    EXPECT_TRUE(t.table.column("valuenum").valid.empty());
    const Column& hadm = t.table.column("hadm_id");
    ASSERT_EQ(hadm.valid.size(), static_cast<size_t>(rows));
    EXPECT_EQ(std::count(hadm.valid.begin(), hadm.valid.end(), 0), 1);
    EXPECT_TRUE(hadm.is_null(rows - 1));
    EXPECT_EQ(hadm.ints[0], 22595853);
    const Column& itemid = t.table.column("itemid");
    ASSERT_EQ(itemid.valid.size(), static_cast<size_t>(rows));
    EXPECT_EQ(std::count(itemid.valid.begin(), itemid.valid.end(), 0), 1);
    EXPECT_TRUE(itemid.is_null(0));
    EXPECT_EQ(itemid.ints[rows - 1], 50912);
  }
}

TEST(RawTable, PrefersGzipAndReadsIt) {
  TempDir dir;
  write_file(dir.path() / "admissions.csv.gz",
             "subject_id,hadm_id,admittime,dischtime\n1,2,2100-01-01 00:00:00,\n");
  const RawTable t = load_raw_table(admissions(), dir.path(), 1);
  EXPECT_EQ(t.rows_kept(), 1);
  EXPECT_TRUE(t.file.ends_with("admissions.csv.gz"));
}

TEST(RawTable, RejectsBadRowsWithLineAndReason) {
  TempDir dir;
  write_file(dir.path() / "labevents.csv",
             "labevent_id,subject_id,hadm_id,itemid,charttime,valuenum\n"
             "1,10,20,50912,2150-01-01 10:00:00,1.5\n"
             "2,10,20,50912,2150-01-01 10:00:00\n"         // line 3: a field short
             "3,1O,20,50912,2150-01-01 10:00:00,1\n"       // line 4: letter O in an id
             "4,10,20,50912,2150-02-30 10:00:00,1\n"       // line 5: no Feb 30
             "5,10,20,50912,2150-01-01 10:00:00,abc\n"     // line 6: not a number
             "6,10,20,50912,\"2150-01-01\n10:00:00\",1\n"  // line 7: newline inside a time
             "7,10,,50912,2150-01-01 11:00:00,\n");        // line 9: fine, NULLs
  const RawTable t = load_raw_table(labevents(), dir.path(), 2);
  EXPECT_EQ(t.rows_read, 7);
  EXPECT_EQ(t.rows_kept(), 2);
  ASSERT_EQ(t.rejects.size(), 5u);
  EXPECT_EQ(t.rejects[0].line, 3);
  EXPECT_EQ(t.rejects[0].reason, "expected 6 fields, found 5");
  EXPECT_EQ(t.rejects[1].line, 4);
  EXPECT_EQ(t.rejects[1].reason, "bad integer in column subject_id");
  EXPECT_EQ(t.rejects[1].value, "1O");
  EXPECT_EQ(t.rejects[2].reason, "bad timestamp in column charttime");
  EXPECT_EQ(t.rejects[3].line, 6);
  EXPECT_EQ(t.rejects[3].reason, "bad number in column valuenum");
  EXPECT_EQ(t.rejects[4].line, 7);
  EXPECT_EQ(t.table.column("labevent_id").ints[1], 7);
}

TEST(RawTable, MissingFileOrColumnIsAnErrorNamingTheFile) {
  TempDir dir;
  try {
    load_raw_table(admissions(), dir.path(), 1);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("missing table admissions"), std::string::npos);
  }
  write_file(dir.path() / "admissions.csv", "subject_id,hadm_id,dischtime\n1,2,\n");
  try {
    load_raw_table(admissions(), dir.path(), 1);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("admissions.csv: missing required column admittime"),
              std::string::npos);
  }
}

TEST(RawTable, TruncatedOrCorruptGzipIsAnError) {
  TempDir dir;
  std::string rows = "subject_id,hadm_id,admittime,dischtime\n";
  for (int i = 0; i < 5000; ++i) rows += std::to_string(i) + ",1,2100-01-01 00:00:00,\n";
  write_file(dir.path() / "admissions.csv.gz", rows);
  std::string gz;
  {
    std::ifstream in(dir.path() / "admissions.csv.gz", std::ios::binary);
    gz.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto expect_error = [&](const std::string& bytes, const std::string& what) {
    std::ofstream(dir.path() / "admissions.csv.gz", std::ios::binary | std::ios::trunc) << bytes;
    try {
      load_raw_table(admissions(), dir.path(), 2);
      ADD_FAILURE() << "no error for " << what;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("admissions.csv.gz: " + what), std::string::npos)
          << e.what();
    }
  };
  expect_error(gz.substr(0, gz.size() / 2), "truncated gzip stream");
  std::string corrupt = gz;
  corrupt[corrupt.size() - 6] ^= 0x5A;  // inside the CRC32 trailer
  expect_error(corrupt, "corrupt gzip stream");
  expect_error("not gzip at all, just text", "not a gzip file");
}

}  // namespace
}  // namespace ehrtok::mimic

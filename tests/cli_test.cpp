// The ehrtok binary end to end: outputs, exit codes, error messages, rejects, determinism.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "synth/synth.h"
#include "test_support.h"

namespace ehrtok {
namespace {

using testing::ehrtok;
using testing::read_bytes;
using testing::TempDir;
using testing::write_file;
namespace fs = std::filesystem;
using testing::output_files;

// A small hosp folder with edge cases: quoted drugs, bad rows, outpatient labs.
void write_small_hosp(const fs::path& dir) {
  fs::create_directories(dir);
  write_file(dir / "admissions.csv.gz",
             "subject_id,hadm_id,admittime,dischtime\n"
             "1,10,2100-01-02 00:00:00,2100-01-05 00:00:00\n"
             "1,11,2100-03-01 00:00:00,2100-03-02 00:00:00\n"
             "2,20,2150-06-01 08:00:00,2150-06-03 00:00:00\n");
  write_file(dir / "diagnoses_icd.csv",
             "subject_id,hadm_id,seq_num,icd_code,icd_version\n1,10,1,I10,10\n2,20,1,4019,9\n");
  write_file(
      dir / "procedures_icd.csv",
      "subject_id,hadm_id,seq_num,chartdate,icd_code,icd_version\n1,10,1,2100-01-03,0DJ08ZZ,10\n");
  write_file(dir / "prescriptions.csv.gz",
             "subject_id,hadm_id,drug,starttime\n"
             "1,10,\"Sodium Chloride 0.9%, \"\"Flush\"\"\",2100-01-02 01:00:00\n"
             "1,10,Heparin,not-a-time\n"
             "2,20,Insulin,2150-06-01 09:00:00\n");
  write_file(dir / "labevents.csv.gz",
             "labevent_id,subject_id,hadm_id,itemid,charttime,valuenum\n"
             "1,1,,50912,2100-01-01 12:00:00,1.1\n"
             "2,1,10,50912,2100-01-02 05:00:00,0.9\n"
             "3,1,10,50912,2100-01-04 05:00:00,\n"
             "4,2,20,51221,2150-06-01 07:00:00,30\n"
             "5,2,20,51221\n");
}

TEST(Cli, RunWritesEveryAssetReportAndRejects) {
  TempDir dir;
  write_small_hosp(dir.path() / "hosp");
  const auto result = ehrtok(fmt::format(
      "run --input {} --output {}", (dir.path() / "hosp").string(), (dir.path() / "out").string()));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const fs::path out = dir.path() / "out";
  for (const char* asset :
       {"top_200_labs", "lab_quantiles", "stg_admissions", "events_merged", "tokens_final"})
    EXPECT_TRUE(fs::is_regular_file(out / (std::string(asset) + ".parquet"))) << asset;
  EXPECT_TRUE(fs::is_regular_file(out / "mimic4_tokens.parquet/subject_id=1/data_0.parquet"));
  EXPECT_TRUE(fs::is_regular_file(out / "mimic4_tokens.parquet/subject_id=2/data_0.parquet"));

  EXPECT_EQ(
      read_bytes(out / "rejects/prescriptions.csv"),
      fmt::format("file,line,reason,value\n{},3,bad timestamp in column starttime,not-a-time\n",
                  (dir.path() / "hosp/prescriptions.csv.gz").string()));
  EXPECT_EQ(read_bytes(out / "rejects/labevents.csv"),
            fmt::format("file,line,reason,value\n{},6,\"expected 6 fields, found 4\",\n",
                        (dir.path() / "hosp/labevents.csv.gz").string()));

  const auto report = nlohmann::json::parse(read_bytes(out / "run_report.json"));
  std::map<std::string, nlohmann::json> assets;
  for (const auto& a : report["assets"]) assets[a["name"]] = a;
  EXPECT_EQ(assets.size(), 15u);
  EXPECT_EQ(assets["raw_labevents"]["table"]["rows_read"], 5);
  EXPECT_EQ(assets["raw_labevents"]["table"]["rows_rejected"], 1);
  EXPECT_EQ(assets["raw_labevents"]["rows_out"], 4);
  EXPECT_EQ(assets["stg_labs"]["rows_out"], 4);  // the outpatient lab is reclaimed into hadm 10
  // Every event reaching events_merged: 2 dx + 1 pr + 2 med + 4 lab.
  EXPECT_EQ(assets["events_merged"]["rows_out"], 9);
  for (const auto& [name, a] : assets) {
    EXPECT_TRUE(a.contains("seconds")) << name;
    int64_t dropped = 0;
    for (const auto& [rule, rows] : a["dropped"].items()) dropped += rows.get<int64_t>();
    if (name.rfind("stg_", 0) == 0 || name.rfind("raw_", 0) == 0 || name == "events_merged") {
      EXPECT_EQ(a["rows_in"].get<int64_t>() - dropped, a["rows_out"].get<int64_t>()) << name;
    }
  }
}

// Outputs are byte for byte the same with one thread or two, and whatever the memory limit: a
// small one spills lab rows to disk and cuts the timeline into partitions of admissions.
TEST(Cli, SameBytesWithOneOrTwoThreadsAndAnyMemoryLimit) {
  TempDir dir;
  fs::path hosp = dir.path() / "hosp";
  if (testing::demo_available()) {
    hosp = testing::demo_hosp_dir();
  } else {  // enough lab rows to spill
    synth::generate({.output_dir = hosp.string(), .patients = 300, .seed = 5});
  }
  const std::vector<std::string> runs = {
      "--threads 1", "--threads 2", "--memory-limit 0 --threads 2",
      "--memory-limit 1KB --threads 1", "--memory-limit 1KB --threads 2"};
  for (size_t i = 0; i < runs.size(); ++i) {
    const auto result =
        ehrtok(fmt::format("run --input {} --output {} {}", hosp.string(),
                           (dir.path() / fmt::format("out{}", i)).string(), runs[i]));
    ASSERT_EQ(result.exit_code, 0) << result.output;
  }
  const auto first = output_files(dir.path() / "out0");
  EXPECT_GT(first.size(), 10u);
  for (size_t i = 1; i < runs.size(); ++i) {
    const fs::path out = dir.path() / fmt::format("out{}", i);
    const auto other = output_files(out);
    ASSERT_EQ(first.size(), other.size()) << runs[i];
    for (const auto& [name, bytes] : first)
      EXPECT_TRUE(other.at(name) == bytes) << name << " differs with " << runs[i];
    if (runs[i].find("1KB") == std::string::npos) continue;
    const auto report = nlohmann::json::parse(read_bytes(out / "run_report.json"));
    std::map<std::string, nlohmann::json> assets;
    for (const auto& a : report["assets"]) assets[a["name"].get<std::string>()] = a;
    EXPECT_GT(assets["raw_labevents"]["notes"]["spills of lab rows to disk"].get<int64_t>(), 1);
    EXPECT_GT(assets["events_merged"]["notes"]["partitions of admissions"].get<int64_t>(), 1);
    EXPECT_FALSE(fs::exists(out / ".ehrtok/spill.ehrtok-tmp"));  // spilled rows are removed
  }
}

// A failed run: exit code 2, one line naming the file, and no finished-looking asset.
void expect_input_error(const fs::path& hosp, const fs::path& out, const std::string& message) {
  const auto result =
      ehrtok(fmt::format("run --input {} --output {}", hosp.string(), out.string()));
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find("ehrtok: error: " + message), std::string::npos) << result.output;
  // Progress lines of the assets finished before may precede it; the error is one line, last.
  EXPECT_TRUE(result.output.ends_with("\n")) << result.output;
  EXPECT_EQ(result.output.find("error"), result.output.rfind("error")) << result.output;
  EXPECT_EQ(result.output.find('\n', result.output.find("ehrtok: error: ")),
            result.output.size() - 1)
      << result.output;
  // Assets built before the failure (raw tables under .ehrtok/cache, stg_admissions) are
  // complete and recorded; no asset of the failed table or after it exists.
  if (fs::exists(out))
    for (const auto& e : fs::recursive_directory_iterator(out)) {
      const bool cached = fs::relative(e.path(), out).string().starts_with(".ehrtok");
      if (!cached && e.path().extension() == ".parquet") {
        EXPECT_TRUE(fs::exists(out / ".ehrtok/assets" / (e.path().stem().string() + ".json")))
            << e.path() << " has no record";
      }
      EXPECT_EQ(e.path().string().find(".ehrtok-tmp"), std::string::npos) << e.path();
    }
  const auto runs = testing::ehrtok("runs --output " + out.string());
  EXPECT_NE(runs.output.find("failed"), std::string::npos) << runs.output;
}

TEST(Cli, MissingTableIsExitCode2) {
  TempDir dir;
  write_small_hosp(dir.path());
  fs::remove(dir.path() / "procedures_icd.csv");
  expect_input_error(dir.path(), dir.path() / "out",
                     fmt::format("{}: missing table procedures_icd", dir.path().string()));
}

TEST(Cli, MissingColumnIsExitCode2) {
  TempDir dir;
  write_small_hosp(dir.path());
  write_file(dir.path() / "diagnoses_icd.csv",
             "subject_id,hadm_id,icd_code,icd_version\n1,10,I10,10\n");
  expect_input_error(
      dir.path(), dir.path() / "out",
      (dir.path() / "diagnoses_icd.csv").string() + ": missing required column seq_num");
}

TEST(Cli, CorruptGzipIsExitCode2AndLeavesNoAsset) {
  TempDir dir;
  write_small_hosp(dir.path());
  const std::string gz = read_bytes(dir.path() / "labevents.csv.gz");
  std::ofstream(dir.path() / "labevents.csv.gz", std::ios::binary) << gz.substr(0, gz.size() - 12);
  expect_input_error(dir.path(), dir.path() / "out",
                     (dir.path() / "labevents.csv.gz").string() + ": truncated gzip stream");
}

TEST(Cli, UsageErrorsAreExitCode2) {
  EXPECT_EQ(ehrtok("run --output x").exit_code, 2);
  EXPECT_EQ(ehrtok("frobnicate").exit_code, 2);
  EXPECT_EQ(ehrtok("--version").exit_code, 0);
}

}  // namespace
}  // namespace ehrtok

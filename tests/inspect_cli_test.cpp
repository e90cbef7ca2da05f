// `ehrtok show`, `ehrtok check` and `ehrtok report` end to end on the binary: exit codes,
// messages, files, and failures on outputs corrupted on purpose. Data from `ehrtok synth`, so
// these run without the MIMIC-IV demo.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "inspect/output_dir.h"
#include "parquet/parquet_reader.h"
#include "parquet/parquet_writer.h"
#include "test_support.h"

namespace ehrtok {
namespace {

using testing::ehrtok;
using testing::read_bytes;
using testing::TempDir;
namespace fs = std::filesystem;
using json = nlohmann::json;

// One synthetic hosp folder and two runs of it: with the Hive export and without (small row
// groups, so that `show` must pick row groups by their statistics).
class InspectCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const auto hosp = dir_->path() / "hosp";
    ASSERT_EQ(ehrtok(fmt::format("synth --output {} --patients 40", hosp.string())).exit_code, 0);
    ASSERT_EQ(
        ehrtok(fmt::format("run --input {} --output {} --threads 2", hosp.string(), out().string()))
            .exit_code,
        0);
    ASSERT_EQ(ehrtok(fmt::format("run --input {} --output {} --threads 2 --no-export "
                                 "--row-group-rows 1024",
                                 hosp.string(), flat().string()))
                  .exit_code,
              0);
  }
  static void TearDownTestSuite() { delete dir_; }
  static fs::path out() { return dir_->path() / "out"; }
  static fs::path flat() { return dir_->path() / "flat"; }
  // A copy of `out()` in which `edit` changed tokens_final.
  static fs::path corrupted(const std::string& name, const std::function<void(Table&)>& edit) {
    const fs::path copy = dir_->path() / name;
    fs::copy(out(), copy, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    const auto file = (copy / "tokens_final.parquet").string();
    Table tokens = parquet::read_table(file);
    edit(tokens);
    parquet::write_table(file, tokens);
    return copy;
  }
  static size_t column_index(const Table& t, const std::string& name) {
    for (size_t i = 0; i < t.fields.size(); ++i)
      if (t.fields[i].name == name) return i;
    throw std::runtime_error(name);
  }
  static TempDir* dir_;
};
TempDir* InspectCli::dir_ = nullptr;

TEST_F(InspectCli, CheckPassesOnARun) {
  const auto text = ehrtok(fmt::format("check --output {}", out().string()));
  EXPECT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("all 10 checks passed"), std::string::npos) << text.output;
  const auto as_json = ehrtok(fmt::format("check --output {} --json", flat().string()));
  EXPECT_EQ(as_json.exit_code, 0);
  const json j = json::parse(as_json.output);
  EXPECT_TRUE(j["passed"].get<bool>());
  EXPECT_EQ(j["checks"].size(), 10u);
}

TEST_F(InspectCli, CheckFailsNamingTheRow) {
  const auto gap = corrupted("gap", [](Table& t) {
    t.columns[column_index(t, "final_seq")].ints[10] += 5;  // row 11
  });
  const auto result = ehrtok(fmt::format("check --output {}", gap.string()));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("FAIL tokens_final.final_seq"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("row 11 (subject_id="), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("1 of 10 checks failed"), std::string::npos);

  size_t row = 20;  // 0-based; moved to the first row at or after 20 that continues an admission
  const auto backwards = corrupted("backwards", [&](Table& t) {
    const auto& hadm = t.columns[column_index(t, "hadm_id")].ints;
    while (hadm[row] != hadm[row - 1]) ++row;
    auto& offset = t.columns[column_index(t, "time_offset_hours")].doubles;
    offset[row] = offset[row - 1] - 100;
  });
  const auto r2 = ehrtok(fmt::format("check --output {} --json", backwards.string()));
  EXPECT_EQ(r2.exit_code, 1);
  const json j = json::parse(r2.output);
  for (const auto& c : j["checks"]) {
    if (c["name"] == "tokens_final.time_offset_hours") {
      EXPECT_EQ(
          c["first_failures"][0].get<std::string>().rfind(fmt::format("row {} (", row + 1), 0), 0u)
          << c;
    }
  }
}

TEST_F(InspectCli, CheckTakesTimeBinsAndQuantiles) {
  const auto bins = ehrtok(fmt::format("check --output {} --time-bins EARLY,LATE", out().string()));
  EXPECT_EQ(bins.exit_code, 1);
  EXPECT_NE(bins.output.find("FAIL tokens_final.code"), std::string::npos);
  const auto quantiles = ehrtok(fmt::format("check --output {} --quantiles 20", out().string()));
  EXPECT_EQ(quantiles.exit_code, 0) << quantiles.output;  // Q1..Q10 are within Q1..Q20
}

// Without --time-bins, check expects the names tokens_final was built with (from its record).
TEST_F(InspectCli, CheckTakesTheTimeBinsOfTheRun) {
  const fs::path binned = dir_->path() / "binned";
  ASSERT_EQ(ehrtok(fmt::format("run --input {} --output {} --no-export --time-bins-edges 0,24 "
                               "--time-bins-names BEFORE,DAY1,LATER",
                               (dir_->path() / "hosp").string(), binned.string()))
                .exit_code,
            0);
  const auto result = ehrtok(fmt::format("check --output {}", binned.string()));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  const auto spec_bins =
      ehrtok(fmt::format("check --output {} --time-bins TIME_PRE,TIME_0-1H,TIME_1-6H,TIME_6-24H,"
                         "TIME_1-3D,TIME_3-7D,TIME_7D+",
                         binned.string()));
  EXPECT_EQ(spec_bins.exit_code, 1) << spec_bins.output;
}

TEST_F(InspectCli, ShowReadsHiveOrRowGroupsAlike) {
  const Table admissions = parquet::read_table((out() / "stg_admissions.parquet").string());
  const auto& subjects = admissions.column("subject_id").ints;
  const int64_t subject = subjects[subjects.size() / 2];
  const auto count = std::count(subjects.begin(), subjects.end(), subject);
  const auto hive =
      ehrtok(fmt::format("show {} --output {} --json --limit 0", subject, out().string()));
  ASSERT_EQ(hive.exit_code, 0) << hive.output;
  const json j = json::parse(hive.output);
  EXPECT_EQ(j["subject_id"], subject);
  EXPECT_EQ(j["summary"]["admissions"], count);
  const auto flat_view =
      ehrtok(fmt::format("show {} --output {} --json --limit 0", subject, flat().string()));
  EXPECT_EQ(json::parse(flat_view.output), j);

  const auto text = ehrtok(fmt::format("show {} --output {} --limit 2", subject, out().string()));
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.output.find(fmt::format("subject {}: {} admissions", subject, count)),
            std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("admissions\n  visit"), std::string::npos);
}

TEST_F(InspectCli, ShowReadsOnlyTheRowGroupsThatCanHoldThePatient) {
  const parquet::FileReader reader((flat() / "tokens_final.parquet").string());
  ASSERT_GT(reader.num_row_groups(), 3u);
  const Table all = reader.read({"subject_id"});
  const auto& subjects = all.column("subject_id").ints;
  const int64_t subject = subjects[subjects.size() / 2];
  const auto groups = inspect::row_groups_holding(reader, "subject_id", subject);
  EXPECT_LT(groups.size(), 3u);
  size_t rows = 0;
  for (size_t rg : groups) {
    const Table part = reader.read_row_group(rg, {"subject_id"});
    rows += std::count(part.columns[0].ints.begin(), part.columns[0].ints.end(), subject);
  }
  EXPECT_EQ(rows, static_cast<size_t>(std::count(subjects.begin(), subjects.end(), subject)));
}

TEST_F(InspectCli, UnknownSubjectIsExitCode2) {
  for (const auto& dir : {out(), flat()}) {
    const auto result = ehrtok(fmt::format("show 987654321 --output {}", dir.string()));
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.output.find(fmt::format("subject 987654321 not found in {}", dir.string())),
              std::string::npos)
        << result.output;
  }
}

TEST_F(InspectCli, ReportWritesHtmlAndJson) {
  const auto result = ehrtok(fmt::format("report --output {}", out().string()));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  const json j = json::parse(read_bytes(out() / "report.json"));
  EXPECT_TRUE(j["checks"]["passed"].get<bool>());
  EXPECT_TRUE(j["row_funnel"]["balanced"].get<bool>());
  const Table tokens = parquet::read_table((out() / "tokens_final.parquet").string(), {"hadm_id"});
  EXPECT_EQ(j["sequences"]["tokens"], tokens.num_rows());
  const std::string html = read_bytes(out() / "report.html");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<svg class=\"plot\""), std::string::npos);
  for (const auto& e : fs::directory_iterator(out()))
    EXPECT_EQ(e.path().string().find(".ehrtok-tmp"), std::string::npos) << e.path();

  const auto gap = corrupted(
      "report-gap", [](Table& t) { t.columns[column_index(t, "final_seq")].ints[3] = 99; });
  const auto failed = ehrtok(fmt::format("report --output {}", gap.string()));
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_NE(read_bytes(gap / "report.html").find("FAIL"), std::string::npos);
}

TEST_F(InspectCli, MissingOrBrokenOutputsAreExitCode2NamingTheFile) {
  TempDir empty;
  const auto missing = ehrtok(fmt::format("check --output {}", empty.path().string()));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("top_200_labs.parquet: not found"), std::string::npos)
      << missing.output;
  const auto no_dir = ehrtok("report --output /nonexistent/ehrtok-out");
  EXPECT_EQ(no_dir.exit_code, 2);
  EXPECT_NE(no_dir.output.find("/nonexistent/ehrtok-out: no such output folder"),
            std::string::npos);

  const fs::path broken = dir_->path() / "broken";
  fs::copy(out(), broken, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  testing::write_file(broken / "tokens_final.parquet", "not parquet at all");
  const auto bad = ehrtok(fmt::format("check --output {}", broken.string()));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find((broken / "tokens_final.parquet").string()), std::string::npos)
      << bad.output;
  EXPECT_EQ(ehrtok("show --output x").exit_code, 2);  // no SUBJECT_ID
}

}  // namespace
}  // namespace ehrtok

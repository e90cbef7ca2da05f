// The inspect module: data-quality checks (pass on correct output, fail naming the row on output
// corrupted on purpose), sequence statistics against values computed independently here, the
// row funnel, the patient view and the HTML report.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "inspect/html_report.h"
#include "inspect/patient_view.h"
#include "inspect/quality_checks.h"
#include "inspect/row_funnel.h"
#include "inspect/sequence_stats.h"
#include "inspect/svg_plot.h"
#include "pipeline/pipeline.h"
#include "table/timestamp.h"
#include "test_support.h"

namespace ehrtok {
namespace {

using namespace inspect;
using testing::slice;
using json = nlohmann::ordered_json;

// ---------------------------------------------------------------- hand-made tables

struct TimelineRow {
  int64_t subject, hadm, seq;
  double offset;
  std::string code, type;
};

// A timeline with the columns the checks and statistics read; `seq` is event_seq or final_seq.
Table timeline(const std::vector<TimelineRow>& rows, const std::string& seq = "final_seq") {
  Table t = Table::empty({{"subject_id", ColumnType::Int64, false},
                          {"hadm_id", ColumnType::Int64, false},
                          {seq, ColumnType::Int64, false},
                          {"time_offset_hours", ColumnType::Double, false},
                          {"code", ColumnType::String, false},
                          {"code_type", ColumnType::String, false}});
  auto dict = std::make_shared<StringDictionary>();
  for (const auto& r : rows) {
    t.columns[0].ints.push_back(r.subject);
    t.columns[1].ints.push_back(r.hadm);
    t.columns[2].ints.push_back(r.seq);
    t.columns[3].doubles.push_back(r.offset);
    t.columns[4].codes.push_back(dict->intern(r.code));
    t.columns[5].codes.push_back(dict->intern(r.type));
  }
  t.columns[4].dictionary = t.columns[5].dictionary = dict;
  return t;
}

Table top_labs(const std::vector<int64_t>& itemids) {
  Table t = Table::empty({{"itemid", ColumnType::Int64, false},
                          {"freq", ColumnType::Int64, false},
                          {"pct", ColumnType::Double, false}});
  for (int64_t id : itemids) {
    t.columns[0].ints.push_back(id);
    t.columns[1].ints.push_back(10);
    t.columns[2].doubles.push_back(100.0 / static_cast<double>(itemids.size()));
  }
  return t;
}

// A copy of the result named `name` (callers often pass a temporary vector).
CheckResult result(const std::vector<CheckResult>& results, const std::string& name) {
  for (const auto& r : results)
    if (r.name == name) return r;
  throw std::runtime_error("no check " + name);
}

std::vector<CheckResult> check_tokens(const Table& tokens, const Table& top = top_labs({50912}),
                                      const CheckOptions& options = {}) {
  TimelineChecker checker("tokens_final", "final_seq", top, options);
  checker.consume(tokens);
  return checker.results();
}

const std::vector<TimelineRow> kGoodTimeline = {
    {1, 10, 1, -0.001, "TIME_PRE", "time_bin"},
    {1, 10, 2, -0.001, "DX:I10", "diagnosis"},
    {1, 10, 3, 0.5, "TIME_0-1H", "time_bin"},
    {1, 10, 4, 0.5, "LAB:50912_Q3", "lab"},
    {1, 10, 5, 0.75, "LAB:50912_NULL", "lab"},
    {1, 11, 1, 2, "TIME_1-6H", "time_bin"},
    {1, 11, 2, 2, "MED:Heparin, \"Sodium\"", "medication"},
    {2, 20, 1, 200, "TIME_7D+", "time_bin"},
    {2, 20, 2, 200, "PR:0QS734Z", "procedure"},
};

// ---------------------------------------------------------------- checks

TEST(QualityChecks, PassOnAWellFormedTimeline) {
  const auto results = check_tokens(timeline(kGoodTimeline));
  ASSERT_EQ(results.size(), 4u);
  for (const auto& r : results) {
    EXPECT_TRUE(r.passed()) << r.name << ": " << format_checks({r});
    EXPECT_EQ(r.checked, r.name == "tokens_final.lab_itemid" ? 2u : kGoodTimeline.size());
  }
}

TEST(QualityChecks, GapInSequenceNamesTheRow) {
  auto rows = kGoodTimeline;
  rows[3].seq = 5;  // 1, 2, 3, 5, ...
  rows[4].seq = 6;
  const auto& r = result(check_tokens(timeline(rows)), "tokens_final.final_seq");
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(r.failures, 1u);
  ASSERT_EQ(r.first_failures.size(), 1u);
  EXPECT_EQ(r.first_failures[0], "row 4 (subject_id=1, hadm_id=10): final_seq 5, expected 4");
}

TEST(QualityChecks, SequenceMustStartAtOneAndAdmissionsStayTogether) {
  auto rows = kGoodTimeline;
  rows[5].seq = 0;                                     // admission 11 starts at 0
  rows.push_back({1, 10, 6, 1, "DX:X", "diagnosis"});  // admission 10 again after 11 and 20
  const auto& r = result(check_tokens(timeline(rows)), "tokens_final.final_seq");
  // Row 6 starts at 0, row 7 follows 0, row 10 comes back and restarts at 6.
  EXPECT_EQ(r.failures, 4u);
  EXPECT_EQ(r.first_failures[0], "row 6 (subject_id=1, hadm_id=11): final_seq 0, expected 1");
  EXPECT_EQ(r.first_failures[2],
            "row 10 (subject_id=1, hadm_id=10): admission 10 continues here after rows of "
            "another one");
  EXPECT_EQ(r.first_failures[3], "row 10 (subject_id=1, hadm_id=10): final_seq 6, expected 1");
}

TEST(QualityChecks, DecreasingOffsetNamesTheRow) {
  auto rows = kGoodTimeline;
  rows[4].offset = 0.25;  // below 0.5 of the row before
  const auto& r = result(check_tokens(timeline(rows)), "tokens_final.time_offset_hours");
  EXPECT_EQ(r.failures, 1u);
  ASSERT_EQ(r.first_failures.size(), 1u);
  EXPECT_NE(r.first_failures[0].find("row 5 (subject_id=1, hadm_id=10)"), std::string::npos);
  EXPECT_NE(r.first_failures[0].find("0.25"), std::string::npos);
  // A new admission may start lower.
  EXPECT_TRUE(
      result(check_tokens(timeline(kGoodTimeline)), "tokens_final.time_offset_hours").passed());
}

TEST(QualityChecks, UnknownCodeNamesTheRow) {
  auto rows = kGoodTimeline;
  rows[1].code = "ICD:I10";
  const auto& r = result(check_tokens(timeline(rows)), "tokens_final.code");
  EXPECT_EQ(r.failures, 1u);
  EXPECT_EQ(r.first_failures[0],
            "row 2 (subject_id=1, hadm_id=10): code 'ICD:I10' does not match code_type "
            "'diagnosis'");
}

TEST(QualityChecks, CodePatternsPerType) {
  const std::vector<std::string> bins = TimeBins{}.names;
  auto ok = [&](std::string_view code, std::string_view type) {
    return code_matches_type(code, type, bins, 10);
  };
  EXPECT_TRUE(ok("DX:4019", "diagnosis"));
  EXPECT_FALSE(ok("DX:", "diagnosis"));
  EXPECT_FALSE(ok("PR:0040", "diagnosis"));
  EXPECT_TRUE(ok("PR:0040", "procedure"));
  EXPECT_TRUE(ok("MED:0.9% Sodium Chloride", "medication"));
  EXPECT_FALSE(ok("MED:", "medication"));
  EXPECT_TRUE(ok("LAB:50912_Q1", "lab"));
  EXPECT_TRUE(ok("LAB:50912_Q10", "lab"));
  EXPECT_TRUE(ok("LAB:50912_NULL", "lab"));
  EXPECT_FALSE(ok("LAB:50912_Q11", "lab"));
  EXPECT_FALSE(ok("LAB:50912_Q0", "lab"));
  EXPECT_FALSE(ok("LAB:50912_Q03", "lab"));
  EXPECT_FALSE(ok("LAB:50912", "lab"));
  EXPECT_FALSE(ok("LAB:abc_Q1", "lab"));
  EXPECT_FALSE(ok("LAB:_Q1", "lab"));
  EXPECT_FALSE(ok("LAB:50912_X_Q3", "lab"));
  EXPECT_FALSE(ok("LAB:50912_", "lab"));
  EXPECT_TRUE(ok("TIME_7D+", "time_bin"));
  EXPECT_FALSE(ok("TIME_2D", "time_bin"));
  EXPECT_FALSE(ok("DX:4019", "vital"));
  // The bins and the number of quantiles are parameters (configurable runs).
  EXPECT_TRUE(code_matches_type("LAB:1_Q20", "lab", bins, 20));
  EXPECT_TRUE(code_matches_type("T_EARLY", "time_bin", {"T_EARLY", "T_LATE"}, 10));
  EXPECT_FALSE(code_matches_type("TIME_PRE", "time_bin", {"T_EARLY", "T_LATE"}, 10));
}

TEST(QualityChecks, TimeBinNamesAndQuantilesComeFromOptions) {
  auto rows = kGoodTimeline;
  rows[3].code = "LAB:50912_Q12";
  CheckOptions options;
  options.num_quantiles = 12;
  EXPECT_TRUE(result(check_tokens(timeline(rows), top_labs({50912}), options), "tokens_final.code")
                  .passed());
  options.time_bin_names = {"EARLY"};
  const auto& r =
      result(check_tokens(timeline(rows), top_labs({50912}), options), "tokens_final.code");
  EXPECT_EQ(r.failures, 4u);  // the four TIME_* tokens
}

TEST(QualityChecks, LabItemNotInTop200NamesTheRow) {
  const auto& r =
      result(check_tokens(timeline(kGoodTimeline), top_labs({51221})), "tokens_final.lab_itemid");
  EXPECT_EQ(r.checked, 2u);
  EXPECT_EQ(r.failures, 2u);
  EXPECT_EQ(r.first_failures[0],
            "row 4 (subject_id=1, hadm_id=10): lab code 'LAB:50912_Q3' has an itemid not in "
            "top_200_labs");
}

TEST(QualityChecks, ExamplesAreCappedButEveryFailureCounted) {
  std::vector<TimelineRow> rows;
  for (int i = 0; i < 20; ++i) rows.push_back({1, 10, i + 1, 0, "BAD", "diagnosis"});
  CheckOptions options;
  options.max_examples = 3;
  const auto& r = result(check_tokens(timeline(rows), top_labs({}), options), "tokens_final.code");
  EXPECT_EQ(r.failures, 20u);
  EXPECT_EQ(r.first_failures.size(), 3u);
  EXPECT_NE(format_checks({r}).find("... and 17 more"), std::string::npos);
}

TEST(QualityChecks, ChunkedInputGivesTheSameResultsAndRowNumbers) {
  auto rows = kGoodTimeline;
  rows[6].seq = 3;  // row 7: gap in admission 11, which began in the first chunk
  const Table t = timeline(rows);
  TimelineChecker whole("tokens_final", "final_seq", top_labs({50912}));
  whole.consume(t);
  TimelineChecker chunked("tokens_final", "final_seq", top_labs({50912}));
  chunked.consume(slice(t, 0, 6));
  chunked.consume(slice(t, 6, t.num_rows()));
  EXPECT_EQ(checks_json(whole.results()), checks_json(chunked.results()));
  EXPECT_EQ(result(chunked.results(), "tokens_final.final_seq").first_failures.at(0),
            "row 7 (subject_id=1, hadm_id=11): final_seq 3, expected 2");
}

Table admissions(
    const std::vector<std::tuple<int64_t, int64_t, std::string, int64_t, std::optional<int64_t>>>&
        rows) {
  Table t = Table::empty({{"subject_id", ColumnType::Int64, false},
                          {"hadm_id", ColumnType::Int64, false},
                          {"admittime", ColumnType::Timestamp, false},
                          {"dischtime", ColumnType::Timestamp, false},
                          {"visit_seq", ColumnType::Int64, false},
                          {"days_since_prior_admission", ColumnType::Int64, true}});
  for (const auto& [subject, hadm, admit, visit, days] : rows) {
    t.columns[0].ints.push_back(subject);
    t.columns[1].ints.push_back(hadm);
    t.columns[2].ints.push_back(*parse_timestamp(admit));
    t.columns[3].ints.push_back(*parse_timestamp(admit) + kMicrosPerDay);
    t.columns[4].ints.push_back(visit);
    t.columns[5].ints.push_back(days.value_or(0));
    t.columns[5].valid.push_back(days.has_value());
  }
  return t;
}

TEST(QualityChecks, AdmissionsVisitSeqAndDaysSincePrior) {
  const auto good = admissions({{1, 10, "2100-01-01 23:00:00", 1, std::nullopt},
                                {1, 11, "2100-01-02 01:00:00", 2, 1},   // next calendar day
                                {1, 12, "2100-03-01 00:00:00", 3, 58},  // 2100: no Feb 29
                                {2, 20, "2150-06-01 08:00:00", 1, std::nullopt}});
  for (const auto& r : check_stg_admissions(good)) EXPECT_TRUE(r.passed()) << format_checks({r});

  const auto bad = admissions({{1, 10, "2100-01-01 23:00:00", 1, std::nullopt},
                               {1, 11, "2100-01-02 01:00:00", 3, 0},
                               {2, 20, "2150-06-01 08:00:00", 1, 5}});
  const auto results = check_stg_admissions(bad);
  const auto& visits = result(results, "stg_admissions.visit_seq");
  EXPECT_EQ(visits.failures, 1u);
  EXPECT_EQ(visits.first_failures[0], "row 2 (subject_id=1, hadm_id=11): visit_seq 3, expected 2");
  const auto& days = result(results, "stg_admissions.days_since_prior_admission");
  EXPECT_EQ(days.failures, 2u);
  EXPECT_EQ(days.first_failures[0],
            "row 2 (subject_id=1, hadm_id=11): days_since_prior_admission 0, expected 1");
  EXPECT_EQ(days.first_failures[1],
            "row 3 (subject_id=2, hadm_id=20): days_since_prior_admission 5, expected NULL");

  const auto unordered = admissions(
      {{1, 10, "2100-05-01 00:00:00", 1, std::nullopt}, {1, 11, "2100-01-01 00:00:00", 2, -121}});
  EXPECT_EQ(result(check_stg_admissions(unordered), "stg_admissions.visit_seq").failures, 1u);
}

// ---------------------------------------------------------------- statistics

TEST(SequenceStats, NearestRankPercentiles) {
  const std::vector<int64_t> ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(percentile_nearest_rank(ten, 50), 5);
  EXPECT_EQ(percentile_nearest_rank(ten, 90), 9);
  EXPECT_EQ(percentile_nearest_rank(ten, 99), 10);
  EXPECT_EQ(percentile_nearest_rank(ten, 100), 10);
  EXPECT_EQ(percentile_nearest_rank(std::vector<int64_t>{7}, 50), 7);
  EXPECT_EQ(percentile_nearest_rank(std::vector<int64_t>{1, 2}, 50), 1);
  EXPECT_EQ(percentile_nearest_rank(std::vector<int64_t>{1, 2, 3}, 50), 2);
}

TEST(SequenceStats, LengthSummaryHistogramAndThresholds) {
  const auto s = summarize_lengths({1, 3, 2, 4, 1000, 513, 5000, 512});
  EXPECT_EQ(s.count, 8u);
  EXPECT_EQ(s.total, 7035u);
  EXPECT_EQ(s.min, 1);
  EXPECT_EQ(s.max, 5000);
  EXPECT_EQ(s.p50, 4);
  // [1,2) [2,4) [4,8) ... [512,1024): 512 513 1000 ... [4096,8192): 5000
  const std::vector<uint64_t> bins = {1, 2, 1, 0, 0, 0, 0, 0, 0, 3, 0, 0, 1};
  EXPECT_EQ(s.log2_bins, bins);
  EXPECT_EQ(s.longer_than, (std::vector<uint64_t>{3, 1, 1, 1}));  // > 512, 1024, 2048, 4096
  const auto empty = summarize_lengths({});
  EXPECT_EQ(empty.count, 0u);
  EXPECT_EQ(empty.longer_than, (std::vector<uint64_t>{0, 0, 0, 0}));
}

TEST(SequenceStats, SmallTimeline) {
  SequenceStatsBuilder builder;
  builder.consume(timeline(kGoodTimeline));
  const auto s = builder.finish(top_labs({50912, 51221}),
                                admissions({{1, 10, "2100-01-01 00:00:00", 1, std::nullopt},
                                            {1, 11, "2100-01-05 00:00:00", 2, 4},
                                            {1, 12, "2100-01-09 00:00:00", 3, 4},
                                            {2, 20, "2100-01-01 00:00:00", 1, std::nullopt}}));
  EXPECT_EQ(s["tokens"], 9);
  EXPECT_EQ(s["admissions"], 3);
  EXPECT_EQ(s["patients"], 2);
  EXPECT_EQ(s["admissions_without_tokens"], 1);  // hadm 12
  EXPECT_EQ(s["tokens_per_admission"]["max"], 5);
  EXPECT_EQ(s["tokens_per_patient"]["p50"], 2);
  EXPECT_EQ(s["events_per_admission"]["total"], 5);
  EXPECT_EQ(s["vocabulary"]["size"], 9);
  const json time_bins = json::parse(R"([
    {"name":"TIME_PRE","tokens":1,"events":1}, {"name":"TIME_0-1H","tokens":1,"events":2},
    {"name":"TIME_1-6H","tokens":1,"events":1}, {"name":"TIME_6-24H","tokens":0,"events":0},
    {"name":"TIME_1-3D","tokens":0,"events":0}, {"name":"TIME_3-7D","tokens":0,"events":0},
    {"name":"TIME_7D+","tokens":1,"events":1}])");
  EXPECT_EQ(s["time_bins"], time_bins);
  EXPECT_EQ(s["lab_value_bins"],
            json::parse(R"([{"bin":"Q3","tokens":1},{"bin":"NULL","tokens":1}])"));
  EXPECT_DOUBLE_EQ(s["top_200_coverage"]["coverage_pct"].get<double>(), 100);
}

TEST(SvgPlot, EscapesTextAndDrawsMarks) {
  EXPECT_EQ(xml_escape("a<b & \"c\"'"), "a&lt;b &amp; &quot;c&quot;&#39;");
  const auto columns = svg_column_chart("t<", {{"1", 3}, {"2", 0}}, "x", "y");
  EXPECT_EQ(columns.rfind("<svg class=\"plot\"", 0), 0u);
  EXPECT_NE(columns.find("t&lt;"), std::string::npos);
  EXPECT_NE(columns.find("class=\"bar\""), std::string::npos);
  const auto line = svg_line_chart("rf", {{1, 100}, {2, 0}, {10, 5}}, true, true, "rank", "n");
  EXPECT_NE(line.find("<path class=\"line\" d=\"M"), std::string::npos);
  EXPECT_EQ(line.find("nan"), std::string::npos);
  EXPECT_NE(svg_bar_chart("b", {{"lab", 10}}).find("lab"), std::string::npos);
}

TEST(RowFunnel, UnbalancedAccountingIsReported) {
  const json report = json::parse(R"({"assets": [
    {"name": "raw_labevents", "table": {"rows_read": 10, "rows_kept": 9, "rows_rejected": 1}},
    {"name": "stg_labs", "rows_in": 9, "rows_out": 5, "dropped": {"itemid not in top": 3}},
    {"name": "events_merged", "rows_in": 5, "rows_out": 5, "dropped": {}},
    {"name": "tokens_final", "rows_in": 5, "rows_out": 7}]})");
  const json f = row_funnel(report);
  EXPECT_EQ(f["steps"][0]["rows"], 10);
  EXPECT_EQ(f["steps"][4]["rows"], 7);
  EXPECT_EQ(f["time_bin_tokens_added"], 2);
  EXPECT_FALSE(f["balanced"].get<bool>());  // 9 - 3 != 5
  EXPECT_EQ(f["unbalanced"][0], "staged events: 5 rows, expected 6");
  EXPECT_NE(f["missing_assets"].dump().find("raw_diagnoses_icd"), std::string::npos);
  EXPECT_NO_THROW(row_funnel(json::parse("[]")));
}

// ---------------------------------------------------------------- the MIMIC-IV demo

class InspectDemo : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!testing::demo_available()) return;
    run_ = testing::run_in_memory(testing::demo_hosp_dir()).release();
    events_ = new Table(run_->events_merged_table());
    tokens_ = new Table(run_->tokens_final_table());
  }
  static void TearDownTestSuite() {
    delete tokens_;
    delete events_;
    delete run_;
  }
  void SetUp() override {
    if (!testing::demo_available())
      GTEST_SKIP() << "MIMIC-IV demo not found at " << testing::demo_hosp_dir() << "; skipping";
  }
  static std::vector<CheckResult> checks(const Table& events, const Table& tokens) {
    return run_quality_checks(events, tokens, run_->admissions.table, run_->top.table);
  }
  // A copy of tokens_final with row `row` (0-based) given the code `code`.
  static Table with_code(size_t row, const std::string& code) {
    Table t = *tokens_;
    Column& c = t.columns[column_index(t, "code")];
    auto dict = std::make_shared<StringDictionary>();
    for (size_t i = 0; i < c.dictionary->size(); ++i) dict->intern(c.dictionary->at(i));
    c.codes[row] = dict->intern(code);
    c.dictionary = dict;
    return t;
  }
  static size_t column_index(const Table& t, const std::string& name) {
    for (size_t i = 0; i < t.fields.size(); ++i)
      if (t.fields[i].name == name) return i;
    throw std::runtime_error(name);
  }
  static testing::InMemoryRun* run_;
  static Table* events_;
  static Table* tokens_;
};
testing::InMemoryRun* InspectDemo::run_ = nullptr;
Table* InspectDemo::events_ = nullptr;
Table* InspectDemo::tokens_ = nullptr;

TEST_F(InspectDemo, EveryCheckPassesOnTheOutput) {
  const auto results = checks(*events_, *tokens_);
  EXPECT_EQ(results.size(), 10u);
  EXPECT_TRUE(all_passed(results)) << format_checks(results);
  EXPECT_EQ(result(results, "events_merged.event_seq").checked, 109927u);
  EXPECT_EQ(result(results, "tokens_final.final_seq").checked, 111258u);
  EXPECT_EQ(result(results, "stg_admissions.visit_seq").checked, 275u);
}

TEST_F(InspectDemo, GapInEventSeqFailsNamingTheRow) {
  Table events = *events_;
  const size_t seq = column_index(events, "event_seq");
  const auto& hadm = events.column("hadm_id").ints;
  // Rows 100.. of that admission move up by one: a gap before row 100, nothing else.
  for (size_t r = 99; r < hadm.size() && hadm[r] == hadm[99]; ++r) events.columns[seq].ints[r] += 1;
  const auto& r = result(checks(events, *tokens_), "events_merged.event_seq");
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(r.failures, 1u);
  const auto& subject = events.column("subject_id").ints;
  EXPECT_EQ(
      r.first_failures.at(0),
      fmt::format("row 100 (subject_id={}, hadm_id={}): event_seq {}, expected {}", subject[99],
                  hadm[99], events.columns[seq].ints[99], events.columns[seq].ints[99] - 1));
}

TEST_F(InspectDemo, UnknownCodeFailsNamingTheRow) {
  const auto results = checks(*events_, with_code(5000, "VITAL:heart_rate"));
  const auto& r = result(results, "tokens_final.code");
  EXPECT_EQ(r.failures, 1u);
  EXPECT_NE(r.first_failures.at(0).find("row 5001 "), std::string::npos) << r.first_failures[0];
  EXPECT_NE(r.first_failures[0].find("'VITAL:heart_rate'"), std::string::npos);
  EXPECT_FALSE(all_passed(results));
  size_t lab = 0;  // the first lab token
  while (tokens_->column("code_type").string_at(lab) != "lab") ++lab;
  const auto labs =
      result(checks(*events_, with_code(lab, "LAB:999999_Q1")), "tokens_final.lab_itemid");
  EXPECT_EQ(labs.failures, 1u);
  EXPECT_EQ(labs.first_failures.at(0).find(fmt::format("row {} ", lab + 1)), 0u);
}

TEST_F(InspectDemo, DecreasingOffsetFailsNamingTheRow) {
  Table events = *events_;
  const auto& hadm = events.column("hadm_id").ints;
  size_t row = 1;  // the first row that is not its admission's first
  while (hadm[row] != hadm[row - 1]) ++row;
  auto& offset = events.columns[column_index(events, "time_offset_hours")].doubles;
  offset[row] = offset[row - 1] - 1;
  const auto& r = result(checks(events, *tokens_), "events_merged.time_offset_hours");
  EXPECT_GE(r.failures, 1u);
  EXPECT_EQ(r.first_failures.at(0).find(fmt::format("row {} ", row + 1)), 0u)
      << r.first_failures[0];
}

TEST_F(InspectDemo, StatisticsEqualValuesComputedHere) {
  SequenceStatsBuilder builder;
  builder.consume(*tokens_);
  const json s = builder.finish(run_->top.table, run_->admissions.table);

  // Independently: lengths by std::map, percentile by the textbook nearest-rank formula.
  std::map<int64_t, int64_t> per_admission, per_patient;
  std::map<std::string, int64_t> per_code, per_type;
  const Column& code = tokens_->column("code");
  const Column& type = tokens_->column("code_type");
  for (size_t r = 0; r < tokens_->num_rows(); ++r) {
    ++per_admission[tokens_->column("hadm_id").ints[r]];
    ++per_patient[tokens_->column("subject_id").ints[r]];
    ++per_code[std::string(code.string_at(r))];
    ++per_type[std::string(type.string_at(r))];
  }
  auto expect_lengths = [](const json& got, const std::map<int64_t, int64_t>& counts) {
    std::vector<int64_t> v;
    for (const auto& [k, n] : counts) v.push_back(n);
    std::sort(v.begin(), v.end());
    auto nearest_rank = [&](double p) {
      return v[static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size()))) - 1];
    };
    EXPECT_EQ(got["count"], v.size());
    EXPECT_EQ(got["p50"], nearest_rank(50));
    EXPECT_EQ(got["p90"], nearest_rank(90));
    EXPECT_EQ(got["p99"], nearest_rank(99));
    EXPECT_EQ(got["max"], v.back());
    EXPECT_EQ(got["min"], v.front());
    for (const auto& t : got["longer_than"]) {
      const int64_t limit = t["tokens"];
      const auto n = std::count_if(v.begin(), v.end(), [&](int64_t x) { return x > limit; });
      EXPECT_EQ(t["count"], n) << limit;
      EXPECT_DOUBLE_EQ(t["share"].get<double>(), static_cast<double>(n) / v.size());
    }
    uint64_t in_bins = 0;
    for (const auto& b : got["histogram_log2"]) {
      const int64_t from = b["from"], to = b["to"];
      EXPECT_EQ(b["count"],
                std::count_if(v.begin(), v.end(), [&](int64_t x) { return x >= from && x < to; }));
      in_bins += b["count"].get<uint64_t>();
    }
    EXPECT_EQ(in_bins, v.size());
  };
  expect_lengths(s["tokens_per_admission"], per_admission);
  expect_lengths(s["tokens_per_patient"], per_patient);
  EXPECT_EQ(s["tokens"], 111258);
  EXPECT_EQ(s["patients"], 100);
  EXPECT_EQ(s["admissions"].get<size_t>() + s["admissions_without_tokens"].get<size_t>(), 275u);
  EXPECT_EQ(s["vocabulary"]["size"], per_code.size());
  EXPECT_EQ(s["code_types"].size(), per_type.size());
  for (const auto& t : s["code_types"]) EXPECT_EQ(t["tokens"], per_type[t["code_type"]]);
  const auto& top = s["vocabulary"]["top_codes"][0];
  EXPECT_EQ(top["count"], std::max_element(per_code.begin(), per_code.end(), [](auto& a, auto& b) {
                            return a.second < b.second;
                          })->second);
  int64_t time_tokens = 0;
  for (const auto& b : s["time_bins"]) {
    EXPECT_EQ(b["tokens"], per_code[b["name"]]) << b["name"];
    time_tokens += b["tokens"].get<int64_t>();
  }
  EXPECT_EQ(time_tokens, per_type["time_bin"]);
  EXPECT_EQ(time_tokens, 1331);
  double pct = 0;
  for (size_t r = 0; r < run_->top.table.num_rows(); ++r)
    pct += run_->top.table.column("pct").doubles[r];
  EXPECT_DOUBLE_EQ(s["top_200_coverage"]["coverage_pct"].get<double>(), pct);

  // Fed in uneven chunks, the builder gives the same figures.
  SequenceStatsBuilder chunked;
  for (size_t begin = 0; begin < tokens_->num_rows(); begin += 40000)
    chunked.consume(slice(*tokens_, begin, std::min(tokens_->num_rows(), begin + 40000)));
  EXPECT_EQ(chunked.finish(run_->top.table, run_->admissions.table), s);
}

TEST_F(InspectDemo, PatientView) {
  const int64_t subject = tokens_->column("subject_id").ints[0];
  const auto view = build_patient_view(subject, {tokens_, 1}, run_->admissions.table);
  ASSERT_TRUE(view.has_value());
  size_t admissions = 0, tokens = 0;
  for (size_t r = 0; r < run_->admissions.size(); ++r)
    admissions += run_->admissions.subject_id()[r] == subject;
  for (size_t r = 0; r < tokens_->num_rows(); ++r)
    tokens += tokens_->column("subject_id").ints[r] == subject;
  EXPECT_EQ(view->admissions.size(), admissions);
  EXPECT_EQ(view->tokens, tokens);
  const json j = patient_view_json(*view, 3);
  EXPECT_EQ(j["summary"]["admissions"], admissions);
  for (const auto& a : j["admissions"]) EXPECT_LE(a["sequence"].size(), 3u);
  EXPECT_EQ(j["admissions"][0]["visit_seq"], 1);
  EXPECT_EQ(j["admissions"][0]["sequence"][0]["final_seq"], 1);
  const std::string text = format_patient_view(*view, 3);
  EXPECT_NE(text.find(fmt::format("subject {}: {} admissions", subject, admissions)),
            std::string::npos);
  EXPECT_NE(text.find("more (--limit 0 shows all)"), std::string::npos);
  EXPECT_FALSE(build_patient_view(-5, {tokens_, 1}, run_->admissions.table).has_value());
}

TEST_F(InspectDemo, HtmlReportIsSelfContained) {
  SequenceStatsBuilder builder;
  builder.consume(*tokens_);
  const json report = report_json("OUT", builder.finish(run_->top.table, run_->admissions.table),
                                  row_funnel(json::object()), checks(*events_, *tokens_));
  const std::string html = html_report(report);
  size_t plots = 0;
  for (size_t at = html.find("<svg class=\"plot\""); at != std::string::npos;
       at = html.find("<svg class=\"plot\"", at + 1))
    ++plots;
  EXPECT_EQ(plots, 8u);
  for (const char* external : {"<link", "<img", " src=", "@import", "url("})
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  EXPECT_NE(html.find("all passed"), std::string::npos);
  EXPECT_NE(html.find("nearest rank"), std::string::npos);
}

TEST_F(InspectDemo, FunnelOfTheDemoRunBalances) {
  testing::TempDir out;
  RunOptions options;
  options.input_dir = testing::demo_hosp_dir();
  options.output_dir = out.path();
  options.threads = 2;
  options.export_layout = ExportLayout::None;
  run_pipeline(options);
  std::ifstream in(out.path() / "run_report.json");
  const json f = row_funnel(json::parse(in));
  EXPECT_TRUE(f["balanced"].get<bool>()) << f["unbalanced"];
  EXPECT_TRUE(f["missing_assets"].empty());
  std::vector<int64_t> steps;
  for (const auto& s : f["steps"]) steps.push_back(s["rows"]);
  // 4506 diagnoses + 722 procedures + 18087 prescriptions + 107727 lab rows read.
  EXPECT_EQ(steps, (std::vector<int64_t>{131042, 131042, 109927, 109927, 111258}));
  EXPECT_EQ(f["time_bin_tokens_added"], 1331);
}

}  // namespace
}  // namespace ehrtok

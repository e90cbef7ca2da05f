// One test per rule of SPEC.md, tie-breaks included, on tiny hand-made tables.
#include <gtest/gtest.h>

#include "test_support.h"

namespace ehrtok {
namespace {

using testing::cell_text;
using testing::TempDir;
using testing::write_file;

constexpr const char* kLabHeader = "labevent_id,subject_id,hadm_id,itemid,charttime,valuenum\n";
constexpr const char* kAdmHeader = "subject_id,hadm_id,admittime,dischtime\n";

// A hosp folder with the five tables; tables not given are empty (header only).
struct Hosp {
  TempDir dir;
  std::string admissions = kAdmHeader;
  std::string diagnoses = "subject_id,hadm_id,seq_num,icd_code,icd_version\n";
  std::string procedures = "subject_id,hadm_id,seq_num,chartdate,icd_code,icd_version\n";
  std::string prescriptions = "subject_id,hadm_id,drug,starttime\n";
  std::string labevents = kLabHeader;

  std::unique_ptr<testing::InMemoryRun> run(size_t top_labs = 200) {
    write_file(dir.path() / "admissions.csv", admissions);
    write_file(dir.path() / "diagnoses_icd.csv", diagnoses);
    write_file(dir.path() / "procedures_icd.csv", procedures);
    write_file(dir.path() / "prescriptions.csv", prescriptions);
    write_file(dir.path() / "labevents.csv", labevents);
    return testing::run_in_memory(dir.path(), 2, top_labs);
  }
};

// The rows of a table as text, one string per row with fields joined by '|'.
std::vector<std::string> rows_of(const Table& t, const std::vector<std::string>& columns) {
  std::vector<std::string> out(t.num_rows());
  for (size_t r = 0; r < t.num_rows(); ++r)
    for (size_t i = 0; i < columns.size(); ++i)
      out[r] += (i ? "|" : "") + cell_text(t.column(columns[i]), r);
  return out;
}

TEST(Top200Labs, CountsAdmittedRowsAndBreaksTiesBySmallerItemid) {
  Hosp h;
  h.labevents +=
      "1,1,10,300,2100-01-01 00:00:00,1\n"
      "2,1,10,300,2100-01-01 00:00:00,1\n"
      "3,1,10,200,2100-01-01 00:00:00,1\n"
      "4,1,10,100,2100-01-01 00:00:00,1\n"
      "5,1,,100,2100-01-01 00:00:00,1\n"  // hadm_id NULL: not counted
      "6,1,,100,2100-01-01 00:00:00,1\n";
  const auto run = h.run(2);
  EXPECT_EQ(rows_of(run->top.table, {"itemid", "freq", "pct"}),
            (std::vector<std::string>{"300|2|50", "100|1|25"}));
}

TEST(LabQuantiles, ContinuousQuantilesOverAllRowsOfTopItems) {
  EXPECT_DOUBLE_EQ(quantile_cont(std::vector<double>{1, 2, 3, 4, 5}, 0.5), 3);
  EXPECT_DOUBLE_EQ(quantile_cont(std::vector<double>{1, 2}, 0.1), 1.1);
  EXPECT_DOUBLE_EQ(quantile_cont(std::vector<double>{7}, 0.9), 7);
  Hosp h;
  h.labevents += "1,1,10,5,2100-01-01 00:00:00,\n";  // admitted but NULL: item has no row
  for (int v = 1; v <= 11; ++v)                      // outpatient values count too
    h.labevents += std::to_string(v + 1) + ",1," + (v == 1 ? "10" : "") +
                   ",7,2100-01-01 00:00:00," + std::to_string(v) + "\n";
  const auto run = h.run();
  EXPECT_EQ(rows_of(run->quantiles.table, {"itemid", "q1", "q5", "q9"}),
            (std::vector<std::string>{"7|2|6|10"}));
}

TEST(StgLabs, QuantileBinsAreInclusiveAboveAndNullHasItsOwnCode) {
  const double cuts[] = {1, 2, 2, 3};
  EXPECT_EQ(quantile_bin(cuts, 4, 0.5), 1);
  EXPECT_EQ(quantile_bin(cuts, 4, 1), 1);  // v <= q1
  EXPECT_EQ(quantile_bin(cuts, 4, 1.5), 2);
  EXPECT_EQ(quantile_bin(cuts, 4, 2), 2);  // first k with v <= qk
  EXPECT_EQ(quantile_bin(cuts, 4, 3.5), 5);
  // Interpolated cut points can step down in the last bit; the first cut >= value still wins.
  const std::vector<double> tied = {0.1, 0.1};
  const double wobbly[] = {quantile_cont(tied, 0.1), quantile_cont(tied, 0.2),
                           quantile_cont(tied, 0.3)};
  EXPECT_EQ(quantile_bin(wobbly, 3, 0.1), 1);
  Hosp h;
  h.admissions += "1,10,2100-01-01 00:00:00,\n";
  h.labevents +=
      "1,1,10,7,2100-01-01 01:00:00,\n"
      "2,1,10,7,2100-01-01 02:00:00,1\n"
      "3,1,10,7,2100-01-01 03:00:00,100\n";
  const auto run = h.run();
  EXPECT_EQ(rows_of(run->events_merged_table(), {"code"}),
            (std::vector<std::string>{"LAB:7_NULL", "LAB:7_Q1", "LAB:7_Q10"}));
}

TEST(StgAdmissions, VisitOrderAndCalendarDaysAcrossALeapDay) {
  Hosp h;
  h.admissions +=
      "1,30,2104-03-01 01:00:00,2104-03-02 00:00:00\n"
      "1,20,2104-02-28 23:00:00,\n"
      "1,10,2104-03-01 01:00:00,\n"  // same admittime as hadm 30: smaller hadm_id first
      "1,,2104-03-05 00:00:00,\n"    // hadm_id NULL: dropped
      "2,40,2100-02-28 12:00:00,\n"
      "2,50,2100-03-01 12:00:00,\n";  // 2100 is not a leap year
  const auto run = h.run();
  EXPECT_EQ(rows_of(run->admissions.table,
                    {"subject_id", "hadm_id", "visit_seq", "days_since_prior_admission"}),
            (std::vector<std::string>{"1|20|1|", "1|10|2|2", "1|30|3|0", "2|40|1|", "2|50|2|1"}));
  EXPECT_EQ(run->admissions.counts.dropped[0],
            (std::pair<std::string, int64_t>{"hadm_id NULL", 1}));
}

TEST(StgMedications, SeqNumByStarttimeNullsLastThenFileOrder) {
  Hosp h;
  h.admissions += "1,10,2100-01-01 00:00:00,\n";
  h.prescriptions +=
      "1,10,C,\n"
      "1,10,B,2100-01-01 05:00:00\n"
      "1,10,\"A, \"\"x\"\"\",2100-01-01 05:00:00\n"
      "1,10,D,2100-01-01 01:00:00\n"
      "1,,E,2100-01-01 01:00:00\n"        // hadm_id NULL: dropped
      "1,10,,2100-01-01 01:00:00\n"       // drug NULL: dropped
      "1,10,\"\",2100-01-01 01:00:00\n";  // a quoted empty drug is NULL too
  const auto run = h.run();
  // Order of events: the NULL starttime is -0.001 h (first), then by time; equal times by seq_num.
  EXPECT_EQ(
      rows_of(run->events_merged_table(), {"code", "time_offset_hours", "event_seq"}),
      (std::vector<std::string>{"MED:C|-0.001|1", "MED:D|1|2", "MED:B|5|3", "MED:A, \"x\"|5|4"}));
  EXPECT_EQ(std::vector<int64_t>(run->med.seq_num.begin(), run->med.seq_num.end()),
            (std::vector<int64_t>{4, 2, 3, 1}));
}

TEST(StgLabs, ReclaimsOutpatientLabsIntoTheNextAdmissionWithin24Hours) {
  Hosp h;
  h.admissions +=
      "1,10,2100-01-02 00:00:00,\n"
      "1,11,2100-01-02 00:00:00,\n"  // same admittime: the smaller hadm_id (10) wins
      "1,12,2100-01-05 00:00:00,\n"
      "2,20,2100-01-02 00:00:00,\n";
  h.labevents +=
      "1,1,,7,2100-01-01 00:00:00,1\n"  // exactly admittime - 24h: reclaimed into 10
      "2,1,,7,2100-01-02 00:00:00,1\n"  // exactly admittime: reclaimed into 10
      "3,1,,7,2100-01-04 12:00:00,1\n"  // 12 h before hadm 12: reclaimed into 12
      "4,1,,7,2099-12-31 23:59:59,1\n"  // one second too early: dropped
      "5,1,,7,2100-01-02 00:00:01,1\n"  // after admittime: dropped
      "6,1,,7,,1\n"                     // no charttime: dropped
      "7,3,,7,2100-01-01 12:00:00,1\n"  // subject without admissions: dropped
      "8,2,20,7,2100-01-02 01:00:00,1\n";
  const auto run = h.run();
  EXPECT_EQ(rows_of(run->events_merged_table(), {"hadm_id", "event_time", "time_offset_hours"}),
            (std::vector<std::string>{"10|2100-01-01 00:00:00|-24", "10|2100-01-02 00:00:00|0",
                                      "12|2100-01-04 12:00:00|-12", "20|2100-01-02 01:00:00|1"}));
  EXPECT_EQ(run->lab.dropped[1].second, 4);
}

// time_offset_hours is the exact microsecond difference over 3.6e9, rounded once (what the
// reference computes); dividing by 1e6 and then by 3600 would round twice and give
// 1.9444444444444442e-09 here.
TEST(EventsMerged, OffsetOfFractionalSecondsIsOneRoundedQuotient) {
  Hosp h;
  h.admissions += "1,10,2100-01-01 00:00:00,\n";
  h.prescriptions += "1,10,A,2100-01-01 00:00:00.000007\n";
  const auto run = h.run();
  const Table merged = run->events_merged_table();
  EXPECT_EQ(merged.column("time_offset_hours").doubles.at(0), 7 / 3.6e9);
  EXPECT_NE(7 / 3.6e9, 7 / 1e6 / 3600.0);
}

TEST(EventsMerged, OrdersByOffsetThenSeqNumThenCodeAndDropsEventsWithoutAdmission) {
  Hosp h;
  h.admissions += "1,10,2100-01-01 10:00:00,\n";
  h.diagnoses +=
      "1,10,2,B1,10\n"
      "1,10,1,Z9,10\n"
      "1,10,2,A1,10\n"
      "1,99,1,X,10\n"  // hadm 99 is no admission: dropped
      "1,,1,Y,10\n";   // NULL hadm_id: dropped
  h.procedures +=
      "1,10,1,2100-01-01,P1,10\n"                     // -10 h
      "1,10,1,2100-01-02,P2,10\n";                    // +14 h
  h.prescriptions += "1,10,M,2100-01-01 09:59:57\n";  // -3 s = -0.000833 h: after the NULL times
  const auto run = h.run();
  EXPECT_EQ(
      rows_of(run->events_merged_table(), {"code", "code_type", "event_seq"}),
      (std::vector<std::string>{"PR:P1|procedure|1", "DX:Z9|diagnosis|2", "DX:A1|diagnosis|3",
                                "DX:B1|diagnosis|4", "MED:M|medication|5", "PR:P2|procedure|6"}));
  EXPECT_EQ(run->merged.counts.dropped[0].second, 2);
}

TEST(TokensFinal, InsertsATimeBinTokenWheneverTheBinChanges) {
  Hosp h;
  h.admissions += "1,10,2100-01-01 00:00:00,\n1,11,2100-02-01 00:00:00,\n";
  h.diagnoses += "1,10,1,D,10\n";
  h.prescriptions +=
      "1,10,A,2100-01-01 00:00:00\n"   // 0 h: TIME_0-1H
      "1,10,B,2100-01-01 00:59:59\n"   // still 0-1H
      "1,10,C,2100-01-01 01:00:00\n"   // 1 h: TIME_1-6H
      "1,10,E,2100-01-08 00:00:00\n"   // 168 h: TIME_7D+
      "1,11,F,2100-02-03 00:00:00\n";  // 48 h in the second admission
  const auto run = h.run();
  EXPECT_EQ(rows_of(run->tokens_final_table(), {"hadm_id", "code", "code_type", "final_seq"}),
            (std::vector<std::string>{
                "10|TIME_PRE|time_bin|1", "10|DX:D|diagnosis|2", "10|TIME_0-1H|time_bin|3",
                "10|MED:A|medication|4", "10|MED:B|medication|5", "10|TIME_1-6H|time_bin|6",
                "10|MED:C|medication|7", "10|TIME_7D+|time_bin|8", "10|MED:E|medication|9",
                "11|TIME_1-3D|time_bin|1", "11|MED:F|medication|2"}));
  // A bin token carries its event's time and offset.
  EXPECT_EQ(rows_of(run->tokens_final_table(), {"event_time", "time_offset_hours"})[2],
            "2100-01-01 00:00:00|0");
}

TEST(TimeBins, EdgesBelongToTheUpperBin) {
  const TimeBins bins;
  EXPECT_EQ(bins.names[bins.bin_of(-0.001)], "TIME_PRE");
  EXPECT_EQ(bins.names[bins.bin_of(0)], "TIME_0-1H");
  EXPECT_EQ(bins.names[bins.bin_of(5.999)], "TIME_1-6H");
  EXPECT_EQ(bins.names[bins.bin_of(6)], "TIME_6-24H");
  EXPECT_EQ(bins.names[bins.bin_of(24)], "TIME_1-3D");
  EXPECT_EQ(bins.names[bins.bin_of(72)], "TIME_3-7D");
  EXPECT_EQ(bins.names[bins.bin_of(168)], "TIME_7D+");
}

}  // namespace
}  // namespace ehrtok

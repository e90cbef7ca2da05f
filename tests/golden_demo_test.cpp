// The five compared assets of the MIMIC-IV demo equal the golden output in
// ../shared/data/expected (computed by an independent implementation of SPEC.md).
#include <gtest/gtest.h>

#include "test_support.h"

namespace ehrtok {
namespace {

using testing::demo_hosp_dir;
using testing::diff_against_golden;
using testing::golden_dir;

class GoldenDemo : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (testing::demo_available()) run_ = testing::run_in_memory(demo_hosp_dir()).release();
  }
  static void TearDownTestSuite() { delete run_; }
  void SetUp() override {
    if (!testing::demo_available())
      GTEST_SKIP() << "MIMIC-IV demo not found at " << demo_hosp_dir() << "; skipping";
  }
  static testing::InMemoryRun* run_;
};
testing::InMemoryRun* GoldenDemo::run_ = nullptr;

TEST_F(GoldenDemo, ImportsEveryRowOfTheDemo) {
  EXPECT_EQ(run_->labevents.rows_read, 107727);
  EXPECT_TRUE(run_->labevents.rejects.empty());
  EXPECT_EQ(run_->admissions_raw.rows_kept(), 275);
  EXPECT_EQ(run_->prescriptions_raw.rows_read, 18087);
}

TEST_F(GoldenDemo, Top200Labs) {
  EXPECT_EQ(diff_against_golden(run_->top.table, golden_dir() / "top_200_labs.csv"), "");
}

TEST_F(GoldenDemo, LabQuantiles) {
  EXPECT_EQ(diff_against_golden(run_->quantiles.table, golden_dir() / "lab_quantiles.csv"), "");
}

TEST_F(GoldenDemo, StgAdmissions) {
  EXPECT_EQ(diff_against_golden(run_->admissions.table, golden_dir() / "stg_admissions.csv"), "");
}

TEST_F(GoldenDemo, EventsMerged) {
  EXPECT_EQ(diff_against_golden(run_->events_merged_table(), golden_dir() / "events_merged.csv.gz"),
            "");
}

TEST_F(GoldenDemo, TokensFinal) {
  EXPECT_EQ(diff_against_golden(run_->tokens_final_table(), golden_dir() / "tokens_final.csv.gz"),
            "");
}

}  // namespace
}  // namespace ehrtok

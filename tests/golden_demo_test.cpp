// The five compared assets of the MIMIC-IV demo equal the golden output in
// ../shared/data/expected (computed by an independent implementation of SPEC.md).
#include <gtest/gtest.h>

#include "assets/events_merged.h"
#include "assets/lab_quantiles.h"
#include "assets/stg_admissions.h"
#include "assets/stg_diagnoses.h"
#include "assets/stg_labs.h"
#include "assets/stg_medications.h"
#include "assets/stg_procedures.h"
#include "assets/tokens_final.h"
#include "assets/top_200_labs.h"
#include "mimic/raw_table.h"
#include "test_support.h"

namespace ehrtok {
namespace {

using testing::demo_hosp_dir;
using testing::diff_against_golden;
using testing::golden_dir;

class GoldenDemo : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!testing::demo_available()) return;
    auto load = [](const mimic::TableSpec& spec) {
      return mimic::load_raw_table(spec, demo_hosp_dir(), 2);
    };
    a_ = new Assets{load(mimic::labevents()), load(mimic::admissions()),
                    load(mimic::diagnoses_icd()), load(mimic::procedures_icd()),
                    load(mimic::prescriptions())};
    Assets& a = *a_;
    a.top = build_top_200_labs(a.labevents);
    a.quantiles = build_lab_quantiles(a.labevents, a.top);
    a.admissions = build_stg_admissions(a.admissions_raw);
    a.dx = build_stg_diagnoses(a.diagnoses_raw, *a.codes);
    a.pr = build_stg_procedures(a.procedures_raw, *a.codes);
    a.med = build_stg_medications(a.prescriptions_raw, *a.codes);
    a.lab = build_stg_labs(a.labevents, a.top, a.quantiles, a.admissions, *a.codes);
    a.merged = build_events_merged({&a.dx, &a.pr, &a.med, &a.lab}, a.admissions, *a.codes);
    a.tokens = build_tokens_final(a.merged, *a.codes);
  }
  static void TearDownTestSuite() { delete a_; }
  void SetUp() override {
    if (!testing::demo_available())
      GTEST_SKIP() << "MIMIC-IV demo not found at " << demo_hosp_dir() << "; skipping";
  }

  struct Assets {
    mimic::RawTable labevents, admissions_raw, diagnoses_raw, procedures_raw, prescriptions_raw;
    TopLabs top;
    LabQuantiles quantiles;
    StgAdmissions admissions;
    std::shared_ptr<CodeBook> codes = std::make_shared<CodeBook>();
    StagedEvents dx, pr, med, lab;
    EventsMerged merged;
    TokensFinal tokens;
  };
  static Assets* a_;
};
GoldenDemo::Assets* GoldenDemo::a_ = nullptr;

TEST_F(GoldenDemo, ImportsEveryRowOfTheDemo) {
  EXPECT_EQ(a_->labevents.rows_read, 107727);
  EXPECT_TRUE(a_->labevents.rejects.empty());
  EXPECT_EQ(a_->admissions_raw.rows_kept(), 275);
  EXPECT_EQ(a_->prescriptions_raw.rows_read, 18087);
}

TEST_F(GoldenDemo, Top200Labs) {
  EXPECT_EQ(diff_against_golden(a_->top.table, golden_dir() / "top_200_labs.csv"), "");
}

TEST_F(GoldenDemo, LabQuantiles) {
  EXPECT_EQ(diff_against_golden(a_->quantiles.table, golden_dir() / "lab_quantiles.csv"), "");
}

TEST_F(GoldenDemo, StgAdmissions) {
  EXPECT_EQ(diff_against_golden(a_->admissions.table, golden_dir() / "stg_admissions.csv"), "");
}

TEST_F(GoldenDemo, EventsMerged) {
  const Table t =
      events_merged_rows(a_->merged, a_->admissions, a_->codes, 0, a_->merged.events.size());
  EXPECT_EQ(diff_against_golden(t, golden_dir() / "events_merged.csv.gz"), "");
}

TEST_F(GoldenDemo, TokensFinal) {
  const Table t = tokens_final_rows(a_->tokens, a_->merged, a_->admissions, a_->codes, 0,
                                    a_->tokens.tokens.size());
  EXPECT_EQ(diff_against_golden(t, golden_dir() / "tokens_final.csv.gz"), "");
}

}  // namespace
}  // namespace ehrtok

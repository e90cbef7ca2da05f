// The asset workflow: configuration, fingerprints and stale reasons, materializing some assets
// with their upstream, reading up-to-date inputs back, the run history, progress output, and
// outputs that survive SIGKILL and SIGINT at any point.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "assets/event_windows.h"
#include "io/input_error.h"
#include "parquet/parquet_reader.h"
#include "parquet/parquet_writer.h"
#include "pipeline/asset_status.h"
#include "pipeline/config_file.h"
#include "pipeline/materialization_record.h"
#include "pipeline/pipeline.h"
#include "pipeline/run_state.h"
#include "synth/synth.h"
#include "test_support.h"

extern char** environ;

namespace ehrtok {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;
using testing::TempDir;

// A small synthetic hosp folder, made once for the whole file.
class Workflow : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = new TempDir();
    synth::generate({.output_dir = hosp().string(), .patients = 150, .seed = 7});
  }
  static void TearDownTestSuite() { delete data_; }
  static fs::path hosp() { return data_->path() / "hosp"; }

  RunOptions options(const fs::path& out) const {
    RunOptions o;
    o.input_dir = hosp();
    o.output_dir = out;
    o.threads = 2;
    o.row_group_rows = 4096;  // several row groups even on small data
    return o;
  }

  // What this run did with each asset ("built", "loaded", "not rebuilt").
  static std::map<std::string, std::string> this_run(const json& report) {
    std::map<std::string, std::string> done;
    for (const auto& a : report["assets"]) done[a["name"]] = a["this_run"];
    return done;
  }
  static std::set<std::string> with(const std::map<std::string, std::string>& done,
                                    const std::string& what) {
    std::set<std::string> names;
    for (const auto& [name, action] : done)
      if (action == what) names.insert(name);
    return names;
  }
  static const AssetStatus& status_of(const std::vector<AssetStatus>& all, const std::string& n) {
    for (const auto& s : all)
      if (s.asset->name == n) return s;
    throw std::logic_error(n);
  }

  // The files of o.output_dir equal those of a fresh run with the same options into `fresh`.
  static void expect_same_as_fresh_run(const RunOptions& o, const fs::path& fresh) {
    RunOptions f = o;
    f.output_dir = fresh;
    run_pipeline(f);
    const auto a = testing::output_files(o.output_dir), b = testing::output_files(fresh);
    ASSERT_EQ(a.size(), b.size());
    for (const auto& [name, bytes] : b) EXPECT_TRUE(a.at(name) == bytes) << name << " differs";
  }

  static inline TempDir* data_ = nullptr;
};

// Temporary outputs under `out`.
std::vector<std::string> temp_leftovers(const fs::path& out) {
  std::vector<std::string> left;
  if (!fs::exists(out)) return left;
  for (const auto& e : fs::recursive_directory_iterator(out))
    if (e.path().string().find(".ehrtok-tmp") != std::string::npos) left.push_back(e.path());
  return left;
}

// ---- configuration ----

TEST(Config, DefaultsAreSpec) {
  const RunOptions o;
  EXPECT_EQ(config_value(o, "top_labs"), "200");
  EXPECT_EQ(config_value(o, "num_quantiles"), "10");
  EXPECT_EQ(config_value(o, "quantile_sample"), "1");
  EXPECT_EQ(config_value(o, "reclaim_window_hours"), "24");
  EXPECT_EQ(config_value(o, "time_bins.edges"), "0,1,6,24,72,168");
  EXPECT_EQ(config_value(o, "time_bins.names"),
            "TIME_PRE,TIME_0-1H,TIME_1-6H,TIME_6-24H,TIME_1-3D,TIME_3-7D,TIME_7D+");
  EXPECT_EQ(config_value(o, "export.layout"), "hive");
  EXPECT_NO_THROW(validate_config(o));
}

TEST(Config, FileOverridesDefaultsWithPathsRelativeToTheFile) {
  TempDir dir;
  testing::write_file(dir.path() / "ehrtok.toml",
                      "input = \"hosp\"\n"
                      "top_labs = 50\n"
                      "reclaim_window_hours = 12\n"
                      "[time_bins]\n"
                      "edges = [0, 2.5]\n"
                      "names = [\"PRE\", \"EARLY\", \"LATE\"]\n"
                      "[export]\n"
                      "layout = \"none\"\n");
  RunOptions o;
  apply_config_file(dir.path() / "ehrtok.toml", o);
  EXPECT_EQ(o.input_dir, dir.path() / "hosp");
  EXPECT_EQ(o.top_labs, 50u);
  EXPECT_EQ(o.labs.reclaim_window_micros, int64_t{12} * 3600 * 1000000);
  EXPECT_EQ(o.time_bins.upper_edges, (std::vector<double>{0, 2.5}));
  EXPECT_EQ(o.time_bins.names, (std::vector<std::string>{"PRE", "EARLY", "LATE"}));
  EXPECT_EQ(o.export_layout, ExportLayout::None);
  EXPECT_EQ(o.quantiles.num_quantiles, 10);  // untouched keys keep the default
}

std::string config_error(const std::string& toml) {
  TempDir dir;
  testing::write_file(dir.path() / "ehrtok.toml", toml);
  RunOptions o;
  try {
    apply_config_file(dir.path() / "ehrtok.toml", o);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Config, ErrorsNameFileLineAndKey) {
  const std::string unknown = config_error("top_labs = 5\n\ntop_lab = 3\n");
  EXPECT_NE(unknown.find("ehrtok.toml:3"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("unknown configuration key \"top_lab\""), std::string::npos) << unknown;
  const std::string type = config_error("num_quantiles = \"ten\"\n");
  EXPECT_NE(type.find("ehrtok.toml:1"), std::string::npos) << type;
  EXPECT_NE(type.find("num_quantiles"), std::string::npos) << type;
  const std::string syntax = config_error("top_labs = = 5\n");
  EXPECT_NE(syntax.find("ehrtok.toml:1"), std::string::npos) << syntax;
  const std::string bins = config_error("[time_bins]\nedges = [0, 1]\nnames = [\"A\", \"B\"]\n");
  EXPECT_NE(bins.find("2 edges need 3 names, got 2"), std::string::npos) << bins;
  const std::string order =
      config_error("[time_bins]\nedges = [5, 1]\nnames = [\"A\",\"B\",\"C\"]\n");
  EXPECT_NE(order.find("strictly increasing"), std::string::npos) << order;
  const std::string sample = config_error("quantile_sample = 0\n");
  EXPECT_NE(sample.find("quantile_sample"), std::string::npos) << sample;
  const std::string layout = config_error("[export]\nlayout = \"csv\"\n");
  EXPECT_NE(layout.find("export.layout"), std::string::npos) << layout;
}

TEST(Config, PrintedConfigurationReadsBackToTheSameValues) {
  RunOptions o;
  o.output_dir = "/data/out";
  set_config_value(o, "num_quantiles", "20");
  set_config_value(o, "quantile_sample", "0.1");
  set_config_value(o, "time_bins.edges", "0,1,24");
  set_config_value(o, "time_bins.names", "A,B,C,D");
  set_config_value(o, "persist_raw_tables", "false");
  TempDir dir;
  testing::write_file(dir.path() / "ehrtok.toml", config_to_toml(o));
  RunOptions back;
  apply_config_file(dir.path() / "ehrtok.toml", back);
  for (const auto& key : config_keys())
    EXPECT_EQ(config_value(back, key), config_value(o, key)) << key;
}

TEST(Config, CommandLineOverridesTheFile) {
  TempDir dir;
  testing::write_file(dir.path() / "my.toml", "top_labs = 50\nnum_quantiles = 4\n");
  const auto result = testing::ehrtok(
      fmt::format("config --config {} --top-labs 7", (dir.path() / "my.toml").string()));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("top_labs = 7"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("num_quantiles = 4"), std::string::npos) << result.output;
  const auto bad = testing::ehrtok("config --num-quantiles 1");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("num_quantiles"), std::string::npos) << bad.output;
}

// ---- status and stale reasons ----

TEST_F(Workflow, StatusFollowsConfigInputsAndOutputs) {
  TempDir out;
  RunOptions o = options(out.path());
  for (const auto& s : asset_statuses(o)) {
    EXPECT_EQ(s.state, AssetState::Missing) << s.asset->name;
    EXPECT_EQ(s.reasons, std::vector<std::string>{"never materialized"});
  }
  run_pipeline(o);
  for (const auto& s : asset_statuses(o)) EXPECT_EQ(s.state, AssetState::UpToDate) << s.asset->name;

  RunOptions twenty = o;
  twenty.quantiles.num_quantiles = 20;
  const auto stale = asset_statuses(twenty);
  EXPECT_EQ(status_of(stale, "top_200_labs").state, AssetState::UpToDate);
  EXPECT_EQ(status_of(stale, "lab_quantiles").state, AssetState::Stale);
  EXPECT_EQ(status_of(stale, "lab_quantiles").reasons,
            std::vector<std::string>{"config num_quantiles changed 10 → 20"});
  EXPECT_EQ(status_of(stale, "stg_labs").reasons,
            std::vector<std::string>{"input lab_quantiles changed"});
  EXPECT_EQ(status_of(stale, "stg_diagnoses").state, AssetState::UpToDate);

  fs::remove(out.path() / "events_merged.parquet");
  { std::ofstream(out.path() / "tokens_final.parquet", std::ios::app) << "x"; }
  const auto damaged = asset_statuses(o);
  EXPECT_EQ(status_of(damaged, "events_merged").state, AssetState::Missing);
  EXPECT_EQ(status_of(damaged, "events_merged").reasons,
            std::vector<std::string>{"events_merged.parquet is missing"});
  EXPECT_EQ(status_of(damaged, "tokens_final").state, AssetState::Stale);
  EXPECT_EQ(status_of(damaged, "tokens_final").reasons,
            std::vector<std::string>{"tokens_final.parquet was changed after it was written"});
}

TEST_F(Workflow, ChangedInputFileMakesItsRawTableStale) {
  TempDir copy, out;
  fs::copy(hosp(), copy.path() / "hosp");
  RunOptions o = options(out.path());
  o.input_dir = copy.path() / "hosp";
  run_pipeline(o);
  const auto rows = testing::read_csv_rows(o.input_dir / "admissions.csv.gz");
  std::string text;
  for (size_t r = 0; r + 1 < rows.size(); ++r) {  // drop the last admission
    for (size_t c = 0; c < rows[r].size(); ++c) text += (c ? "," : "") + rows[r][c];
    text += '\n';
  }
  testing::write_file(o.input_dir / "admissions.csv.gz", text);
  const auto statuses = asset_statuses(o);
  EXPECT_EQ(status_of(statuses, "raw_admissions").state, AssetState::Stale);
  ASSERT_EQ(status_of(statuses, "raw_admissions").reasons.size(), 1u);
  EXPECT_TRUE(status_of(statuses, "raw_admissions")
                  .reasons[0]
                  .starts_with("input file admissions.csv.gz changed (size "));
  EXPECT_EQ(status_of(statuses, "raw_labevents").state, AssetState::UpToDate);
  EXPECT_EQ(status_of(statuses, "stg_admissions").state, AssetState::Stale);

  fs::remove(o.input_dir / "procedures_icd.csv.gz");
  EXPECT_EQ(status_of(asset_statuses(o), "raw_procedures_icd").reasons,
            std::vector<std::string>{"input table procedures_icd not found in the input folder"});
}

TEST_F(Workflow, StorageOnlyAndUnusedValuesDoNotCascade) {
  TempDir out;
  RunOptions o = options(out.path());
  run_pipeline(o);
  RunOptions seed = o;
  seed.quantiles.seed = 7;  // no sampling: the seed changes nothing
  for (const auto& s : asset_statuses(seed)) EXPECT_EQ(s.state, AssetState::UpToDate);
  RunOptions groups = o;
  groups.row_group_rows = 8192;
  const auto statuses = asset_statuses(groups);
  for (const char* name :
       {"top_200_labs", "lab_quantiles", "stg_admissions", "events_merged", "tokens_final"}) {
    EXPECT_EQ(status_of(statuses, name).state, AssetState::Stale) << name;
    EXPECT_EQ(status_of(statuses, name).reasons,
              std::vector<std::string>{"config row_group_rows changed 4096 → 8192"});
  }
  for (const char* name : {"raw_labevents", "stg_labs", "stg_medications", "export_tokens"})
    EXPECT_EQ(status_of(statuses, name).state, AssetState::UpToDate) << name;
}

TEST_F(Workflow, RewrittenOutputOfTheSameSizeIsStale) {
  TempDir out;
  const RunOptions o = options(out.path());
  run_pipeline(o);
  const fs::path file = out.path() / "tokens_final.parquet";
  fs::last_write_time(file, fs::last_write_time(file) + std::chrono::seconds(5));
  EXPECT_EQ(status_of(asset_statuses(o), "tokens_final").reasons,
            std::vector<std::string>{"tokens_final.parquet was changed after it was written"});
}

TEST_F(Workflow, SameSizeContentChangeOfAPlainCsvIsSeen) {
  TempDir copy, out;
  fs::copy(hosp(), copy.path() / "hosp");
  RunOptions o = options(out.path());
  o.input_dir = copy.path() / "hosp";
  const auto rows = testing::read_csv_rows(o.input_dir / "procedures_icd.csv.gz");
  std::string text;
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) text += (c ? "," : "") + row[c];
    text += '\n';
  }
  fs::remove(o.input_dir / "procedures_icd.csv.gz");
  testing::write_file(o.input_dir / "procedures_icd.csv", text);
  run_pipeline(o);
  const auto mtime = fs::last_write_time(o.input_dir / "procedures_icd.csv");
  const size_t at = text.find("\n1") + 1;  // the first subject_id digit of a data row
  text[at] = text[at] == '1' ? '2' : '1';
  testing::write_file(o.input_dir / "procedures_icd.csv", text);
  fs::last_write_time(o.input_dir / "procedures_icd.csv", mtime);  // even with the old mtime
  EXPECT_EQ(status_of(asset_statuses(o), "raw_procedures_icd").reasons,
            std::vector<std::string>{"input file procedures_icd.csv changed (content)"});
}

// Overwrites bytes of a stored file, keeping its size and time: it still looks up to date.
void damage_in_place(const fs::path& file) {
  const auto mtime = fs::last_write_time(file);
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f << std::string(4000, 'x');
  }
  fs::last_write_time(file, mtime);
}

TEST_F(Workflow, UnreadableStoredAssetFailsClearlyAndIsRebuiltNextRun) {
  TempDir out, fresh;
  RunOptions o = options(out.path());
  run_pipeline(o);
  damage_in_place(out.path() / ".ehrtok/cache/raw_labevents.parquet");
  o.top_labs = 20;  // needs raw_labevents read back
  try {
    run_pipeline(o);
    ADD_FAILURE() << "the damaged cache was read without an error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("raw_labevents.parquet"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("the next run rebuilds it"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(status_of(asset_statuses(o), "raw_labevents").state, AssetState::Missing);
  run_pipeline(o);
  expect_same_as_fresh_run(o, fresh.path());
}

// events_merged is read back while the tokens are built, not when it is loaded: a damaged file
// fails that build with the same hint, and the next run rebuilds it.
TEST_F(Workflow, UnreadableStoredEventsAreRebuiltNextRun) {
  TempDir out, fresh;
  RunOptions o = options(out.path());
  run_pipeline(o);
  damage_in_place(out.path() / "events_merged.parquet");
  set_config_value(o, "time_bins.edges", "0,12,48");
  set_config_value(o, "time_bins.names", "PRE,FIRST_12H,FIRST_2D,LATER");
  try {
    run_pipeline(o);
    ADD_FAILURE() << "the damaged events were read without an error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("could not read events_merged back"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(status_of(asset_statuses(o), "events_merged").state, AssetState::Missing);
  EXPECT_TRUE(temp_leftovers(out.path()).empty());
  run_pipeline(o);
  expect_same_as_fresh_run(o, fresh.path());
}

// An earlier export goes, and so does the temporary folder of one that was interrupted.
TEST_F(Workflow, ExportLayoutNoneRemovesAnEarlierExport) {
  TempDir out;
  RunOptions o = options(out.path());
  run_pipeline(o);
  ASSERT_TRUE(fs::exists(out.path() / "mimic4_tokens.parquet"));
  fs::create_directories(out.path() / "mimic4_tokens.parquet.ehrtok-tmp/subject_id=1");  // killed
  o.export_layout = ExportLayout::None;
  run_pipeline(o);
  EXPECT_FALSE(fs::exists(out.path() / "mimic4_tokens.parquet"));
  EXPECT_TRUE(temp_leftovers(out.path()).empty());
  EXPECT_EQ(status_of(asset_statuses(o), "export_tokens").state, AssetState::UpToDate);
}

TEST_F(Workflow, OneMaterializationAtATimePerOutputFolder) {
  TempDir out;
  const RunOptions o = options(out.path());
  fs::create_directories(out.path() / ".ehrtok");
  const int fd = ::open((out.path() / ".ehrtok/lock").c_str(), O_CREAT | O_RDWR, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);  // as another ehrtok process would hold it
  try {
    run_pipeline(o);
    ADD_FAILURE() << "ran while the folder was locked";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("being materialized by another ehrtok process"),
              std::string::npos)
        << e.what();
  }
  ::close(fd);
  EXPECT_NO_THROW(run_pipeline(o));
}

TEST(Fingerprint, VersionChangeIsAStaleReason) {
  const json before = {{"ehrtok_version", "0.0.9"},
                       {"config", json::object()},
                       {"inputs", json::object()},
                       {"files", json::object()}};
  json now = before;
  now["ehrtok_version"] = "0.1.0";
  EXPECT_EQ(stale_reasons(before, now),
            std::vector<std::string>{"ehrtok version changed 0.0.9 → 0.1.0"});
}

// ---- materialize ----

TEST_F(Workflow, MaterializeBuildsOnlyTheAssetAndItsUpstream) {
  TempDir out;
  const RunOptions o = options(out.path());
  auto done = this_run(materialize(o, {{"lab_quantiles"}}));
  EXPECT_EQ(with(done, "built"),
            (std::set<std::string>{"raw_labevents", "top_200_labs", "lab_quantiles"}));
  EXPECT_EQ(with(done, "never materialized").size(), 12u);
  EXPECT_TRUE(fs::exists(out.path() / "lab_quantiles.parquet"));
  EXPECT_FALSE(fs::exists(out.path() / "events_merged.parquet"));

  done = this_run(materialize(o, {{"lab_quantiles"}}));
  EXPECT_TRUE(with(done, "built").empty());

  done = this_run(materialize(o, {{"lab_quantiles"}, /*force=*/true}));
  EXPECT_EQ(with(done, "built"), std::set<std::string>{"lab_quantiles"});
  EXPECT_EQ(with(done, "loaded"), (std::set<std::string>{"raw_labevents", "top_200_labs"}));
}

// Imported tables no later asset of the run reads: their caches, written in the background, are
// settled at the end of the run and recorded.
TEST_F(Workflow, MaterializeImportedTablesOnly) {
  TempDir out;
  const RunOptions o = options(out.path());
  auto done = this_run(materialize(o, {{"raw_diagnoses_icd", "raw_prescriptions"}}));
  EXPECT_EQ(with(done, "built"), (std::set<std::string>{"raw_diagnoses_icd", "raw_prescriptions"}));
  done = this_run(materialize(o, {{"raw_diagnoses_icd", "raw_prescriptions"}}));
  EXPECT_TRUE(with(done, "built").empty());
  EXPECT_EQ(with(done, "not rebuilt"),
            (std::set<std::string>{"raw_diagnoses_icd", "raw_prescriptions"}));
}

// After a change of time bins only tokens_final and export_tokens are built, from events_merged
// and stg_admissions read back; the files equal those of a fresh run with the new bins.
TEST_F(Workflow, TimeBinChangeRebuildsOnlyTokensFromStoredEvents) {
  TempDir rerun, fresh;
  RunOptions o = options(rerun.path());
  run_pipeline(o);
  set_config_value(o, "time_bins.edges", "0,12,48");
  set_config_value(o, "time_bins.names", "PRE,FIRST_12H,FIRST_2D,LATER");
  const auto done = this_run(run_pipeline(o));
  EXPECT_EQ(with(done, "built"), (std::set<std::string>{"tokens_final", "export_tokens"}));
  EXPECT_EQ(with(done, "loaded"), (std::set<std::string>{"events_merged", "stg_admissions"}));

  expect_same_as_fresh_run(o, fresh.path());
}

// A rebuilt export overwrites the previous one's files and removes what it had besides this
// export's patients, as well as reusing the folder a killed export left.
TEST_F(Workflow, RebuiltExportKeepsNothingOfThePreviousOne) {
  TempDir rerun, fresh;
  RunOptions o = options(rerun.path());
  run_pipeline(o);
  const fs::path previous = o.output_dir / "mimic4_tokens.parquet";
  fs::create_directories(previous / "subject_id=999999999");
  testing::write_file(previous / "subject_id=999999999" / "data_0.parquet", "not parquet");
  testing::write_file(previous / "notes.txt", "a stray file");
  fs::path kept;  // a patient folder both exports have
  for (const auto& e : fs::directory_iterator(previous))
    if (e.path().filename() != "subject_id=999999999" && fs::is_directory(e.path()))
      kept = e.path();
  ASSERT_FALSE(kept.empty());
  set_config_value(o, "time_bins.edges", "0,12,48");
  set_config_value(o, "time_bins.names", "PRE,FIRST_12H,FIRST_2D,LATER");
  run_pipeline(o);
  expect_same_as_fresh_run(o, fresh.path());

  // A temporary export left by a killed run (here: the finished one, renamed) is reused: its
  // files are rewritten, not replaced.
  struct stat before {};
  ASSERT_EQ(stat((kept / "data_0.parquet").c_str(), &before), 0);
  fs::rename(previous, o.output_dir / "mimic4_tokens.parquet.ehrtok-tmp");
  set_config_value(o, "time_bins.edges", "0,24");
  set_config_value(o, "time_bins.names", "PRE,DAY1,LATER");
  run_pipeline(o);
  EXPECT_TRUE(temp_leftovers(o.output_dir).empty());
  struct stat after {};
  ASSERT_EQ(stat((kept / "data_0.parquet").c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);
  TempDir fresh2;
  expect_same_as_fresh_run(o, fresh2.path());
}

// Gathers the events of timeline windows in order, checking that each window is nonempty, that
// its events belong to its admissions and that no subject appears in two windows.
struct WindowCollector {
  explicit WindowCollector(const StgAdmissions& admissions) : subject(admissions.subject_id()) {}
  EventsWindowFn fn() {
    return [this](const EventsView& view) {
      ++windows;
      EXPECT_GT(view.size(), 0u);
      std::set<int64_t> in_window;
      for (size_t i = 0; i < view.admission_count(); ++i)
        for (uint64_t e = view.start[i]; e < view.start[i + 1]; ++e) {
          EXPECT_EQ(view.events[e].admission, view.first_admission + i);
          in_window.insert(subject[view.events[e].admission]);
          events.push_back(view.events[e]);
        }
      for (int64_t id : in_window) EXPECT_TRUE(subjects_seen.insert(id).second) << id;
    };
  }
  const BigVector<int64_t>& subject;
  std::vector<MergedEvent> events;
  std::set<int64_t> subjects_seen;
  size_t windows = 0;
};

// events_merged read back row group by row group gives the events it was written from; rows out
// of admission order are named.
// Read back row group by row group, the stored events come out as the events written, in
// windows of whole subjects; row groups out of admission order are an error naming the row.
TEST_F(Workflow, StoredEventsReadBackInWindowsOfWholeSubjects) {
  TempDir dir;
  const auto run = testing::run_in_memory(hosp());
  const std::string path = dir.path() / "events_merged.parquet";
  parquet::write_table(path, run->events_merged_table(), 1000);
  const parquet::FileReader file(path);
  ASSERT_GT(file.num_row_groups(), 3u);
  std::vector<Table> groups(file.num_row_groups());
  for (size_t g = 0; g < groups.size(); ++g)
    file.read_row_group(g, {"hadm_id", "code", "code_type", "event_time"}, groups[g]);

  CodeBook codes;
  StoredEventWindows stored(run->admissions, codes);
  WindowCollector collected(run->admissions);
  const auto collect = collected.fn();
  for (const auto& group : groups) {
    stored.append(group);
    stored.hand_out(collect);
  }
  stored.hand_out(collect, /*last=*/true);
  const std::vector<MergedEvent>& back = collected.events;
  EXPECT_GT(collected.windows, 3u);  // subjects longer than a row group make fewer windows
  ASSERT_EQ(back.size(), run->merged.events.size());
  for (size_t i = 0; i < back.size(); ++i) {
    const MergedEvent &a = back[i], &b = run->merged.events[i];
    ASSERT_EQ(a.event_time, b.event_time) << i;
    ASSERT_EQ(a.admission, b.admission) << i;
    ASSERT_EQ(a.type, b.type) << i;
    ASSERT_EQ(codes.at(a.code), run->codes->at(b.code)) << i;
  }

  StoredEventWindows swapped(run->admissions, codes);
  swapped.append(groups[1]);
  try {
    swapped.append(groups[0]);
    ADD_FAILURE() << "row groups out of admission order were read without an error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("not in admission order at row 1001"), std::string::npos)
        << e.what();
  }
}

// In memory the windows end at the first subject boundary after the window size, and together
// hold every event; tokens built window by window do not depend on the window size.
TEST_F(Workflow, TimelineWindowsHoldWholeSubjects) {
  const auto run = testing::run_in_memory(hosp());
  const auto& subject = run->admissions.subject_id();
  for (size_t window_events : {size_t{1}, size_t{50}, size_t{1000}, size_t{1} << 30}) {
    size_t events = 0, windows = 0;
    for_each_subject_window(run->merged, run->admissions, window_events, [&](const EventsView& v) {
      ++windows;
      EXPECT_GT(v.size(), 0u);
      EXPECT_EQ(v.start.front(), events);  // consecutive
      events += v.size();
      const uint32_t last = v.first_admission + static_cast<uint32_t>(v.admission_count());
      if (last < run->admissions.size()) {
        EXPECT_NE(subject[last], subject[last - 1]);
      }
      // Short of the size before its last subject's first admission.
      const uint32_t last_subject_start = [&] {
        uint32_t a = last - 1;
        while (a > v.first_admission && subject[a - 1] == subject[last - 1]) --a;
        return a;
      }();
      EXPECT_LT(v.start[last_subject_start - v.first_admission] - v.start[0], window_events);
    });
    EXPECT_EQ(events, run->merged.events.size()) << window_events;
    if (window_events == size_t{1} << 30) {
      EXPECT_EQ(windows, 1u);
    }
  }
  TempDir dir;
  parquet::write_table(dir.path() / "small.parquet", run->tokens_final_table(1), 1000);
  parquet::write_table(dir.path() / "one.parquet", run->tokens_final_table(1u << 30), 1000);
  EXPECT_EQ(testing::read_bytes(dir.path() / "small.parquet"),
            testing::read_bytes(dir.path() / "one.parquet"));
}

// Given partition by partition, cut anywhere (within a subject too, and a partition holding only
// the middle admission of a subject), the timeline comes out in windows of whole subjects that
// hold every event in order.
TEST_F(Workflow, PartitionWindowsHoldWholeSubjects) {
  const auto run = testing::run_in_memory(hosp());
  const auto& subject = run->admissions.subject_id();
  const EventsMerged& merged = run->merged;
  const size_t admissions = merged.admission_start.size() - 1;
  std::set<size_t> cuts;
  for (size_t a = 7; a < admissions; a += 7) cuts.insert(a);
  for (size_t a = 2; a < admissions; ++a)
    if (subject[a - 2] == subject[a - 1] && subject[a - 1] == subject[a]) {
      cuts.insert(a - 1);  // [a - 1, a) is the middle admission of three
      cuts.insert(a);
      break;
    }
  cuts.insert(admissions);
  PartitionEventWindows windows(run->admissions, 50);
  WindowCollector collected(run->admissions);
  const auto collect = collected.fn();
  size_t first = 0;
  for (const size_t last : cuts) {
    EventsMerged part;
    part.first_admission = static_cast<uint32_t>(first);
    for (size_t a = first; a <= last; ++a)
      part.admission_start.push_back(merged.admission_start[a] - merged.admission_start[first]);
    part.events.assign(
        merged.events.begin() + static_cast<ptrdiff_t>(merged.admission_start[first]),
        merged.events.begin() + static_cast<ptrdiff_t>(merged.admission_start[last]));
    windows.append(part, collect);
    first = last;
  }
  windows.finish(collect);
  const std::vector<MergedEvent>& back = collected.events;
  ASSERT_EQ(back.size(), merged.events.size());
  for (size_t i = 0; i < back.size(); ++i) {
    ASSERT_EQ(back[i].admission, merged.events[i].admission) << i;
    ASSERT_EQ(back[i].event_time, merged.events[i].event_time) << i;
    ASSERT_EQ(back[i].code, merged.events[i].code) << i;
  }
}

// A change of top_labs re-reads labevents from the raw cache, never from the CSV.
TEST_F(Workflow, TopLabsChangeReadsLabeventsFromTheCache) {
  TempDir rerun, fresh;
  RunOptions o = options(rerun.path());
  run_pipeline(o);
  o.top_labs = 20;
  const auto done = this_run(run_pipeline(o));
  // stg_admissions is read back rather than rebuilt from raw_admissions.
  EXPECT_EQ(with(done, "loaded"),
            (std::set<std::string>{"raw_diagnoses_icd", "raw_procedures_icd", "raw_prescriptions",
                                   "raw_labevents", "stg_admissions"}));
  EXPECT_FALSE(with(done, "built").contains("raw_labevents"));
  expect_same_as_fresh_run(o, fresh.path());
}

// ---- run history, progress and the command line ----

TEST_F(Workflow, RunHistoryRecordsEveryMaterialization) {
  TempDir out;
  const std::string args =
      fmt::format("--input {} --output {}", hosp().string(), out.path().string());
  ASSERT_EQ(testing::ehrtok("run --quiet " + args).exit_code, 0);
  ASSERT_EQ(testing::ehrtok("materialize tokens_final --force --quiet " + args).exit_code, 0);
  const auto runs = testing::ehrtok("runs --json --output " + out.path().string());
  ASSERT_EQ(runs.exit_code, 0) << runs.output;
  std::vector<json> lines;
  std::istringstream in(runs.output);
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  ASSERT_EQ(lines.size(), 16u);
  for (const auto& l : lines) {
    EXPECT_EQ(l["outcome"], "built");
    for (const char* key : {"run", "asset", "started", "finished", "rows", "fingerprint"})
      EXPECT_TRUE(l.contains(key)) << key;
  }
  EXPECT_EQ(lines.back()["asset"], "tokens_final");
  EXPECT_NE(lines.front()["run"], lines.back()["run"]);
  const auto table = testing::ehrtok("runs --limit 1 --output " + out.path().string());
  EXPECT_NE(table.output.find("tokens_final"), std::string::npos) << table.output;
  EXPECT_EQ(table.output.find("raw_labevents"), std::string::npos) << table.output;
}

TEST_F(Workflow, ProgressAsJsonEventsLogLinesOrNothing) {
  TempDir out;
  const std::string args =
      fmt::format("--input {} --output {}", hosp().string(), out.path().string());
  const auto quiet = testing::ehrtok("materialize stg_admissions --quiet " + args);
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.output, "");
  const auto log = testing::ehrtok("materialize top_200_labs " + args);
  EXPECT_NE(log.output.find("raw_labevents      built"), std::string::npos) << log.output;
  EXPECT_NE(log.output.find("done in "), std::string::npos) << log.output;
  const auto events = testing::ehrtok("run --json " + args);
  ASSERT_EQ(events.exit_code, 0) << events.output;
  std::istringstream in(events.output);
  std::map<std::string, int> kinds;
  std::string last;
  for (std::string line; std::getline(in, line);) {
    const json e = json::parse(line);  // every line is one JSON event
    kinds[e["event"]]++;
    last = e["event"];
  }
  EXPECT_EQ(kinds["finish"], 15);
  EXPECT_EQ(last, "done");
  EXPECT_GE(kinds["start"], 12);  // the others were up to date
}

TEST_F(Workflow, AssetsCommandShowsStatusGraphAndUnknownNames) {
  TempDir out;
  const std::string args =
      fmt::format("--input {} --output {}", hosp().string(), out.path().string());
  ASSERT_EQ(testing::ehrtok("run --quiet " + args).exit_code, 0);
  const auto listing = testing::ehrtok("assets --num-quantiles 5 " + args);
  EXPECT_NE(listing.output.find("- config num_quantiles changed 10 → 5"), std::string::npos)
      << listing.output;
  const auto dot = testing::ehrtok("assets --graph --format dot " + args);
  EXPECT_NE(dot.output.find("\"lab_quantiles\" -> \"stg_labs\";"), std::string::npos);
  const auto mermaid = testing::ehrtok("assets --graph --format mermaid " + args);
  EXPECT_NE(mermaid.output.find("events_merged --> tokens_final"), std::string::npos);
  const auto text = testing::ehrtok("assets --graph " + args);
  EXPECT_NE(text.output.find("top_200_labs [up to date] <- raw_labevents"), std::string::npos);
  const auto unknown = testing::ehrtok("materialize lab_quantile " + args);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("unknown asset \"lab_quantile\""), std::string::npos);
}

// ---- interruption ----

pid_t spawn_ehrtok(const std::vector<std::string>& args) {
  std::vector<std::string> argv_storage = {EHRTOK_BINARY};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  argv_storage.push_back("--quiet");
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  EXPECT_EQ(posix_spawn(&pid, EHRTOK_BINARY, nullptr, nullptr, argv.data(), environ), 0);
  return pid;
}

// After each kill no asset reported up to date may differ from the uninterrupted run's output.
void expect_up_to_date_means_complete(const RunOptions& o,
                                      const std::map<std::string, std::string>& reference) {
  const auto now = testing::output_files(o.output_dir);
  for (const auto& s : asset_statuses(o)) {
    if (s.state != AssetState::UpToDate || s.stored_output.empty()) continue;
    for (const auto& [name, bytes] : reference)
      if (name == s.stored_output || name.starts_with(s.stored_output + "/")) {
        ASSERT_TRUE(now.contains(name)) << s.asset->name << " up to date without " << name;
        EXPECT_TRUE(now.at(name) == bytes)
            << s.asset->name << " up to date but " << name << " differs";
      }
  }
}

TEST_F(Workflow, KilledRunsNeverLeaveAFinishedLookingAssetAndResume) {
  TempDir ref_dir, out;
  RunOptions ref = options(ref_dir.path());
  const std::vector<std::string> base = {"run", "--input",          hosp().string(), "--threads",
                                         "2",   "--row-group-rows", "4096"};
  auto args_for = [&](const fs::path& dir) {
    auto args = base;
    args.insert(args.end(), {"--output", dir.string()});
    return args;
  };
  const auto start = std::chrono::steady_clock::now();
  int status = 0;
  waitpid(spawn_ehrtok(args_for(ref.output_dir)), &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const double reference_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto reference = testing::output_files(ref.output_dir);

  RunOptions o = ref;
  o.output_dir = out.path();
  int killed = 0;
  for (int k = 1; k <= 16; ++k) {
    const pid_t pid = spawn_ehrtok(args_for(o.output_dir));
    std::this_thread::sleep_for(std::chrono::duration<double>(reference_seconds * k / 17.0));
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    killed += WIFSIGNALED(status) ? 1 : 0;
    expect_up_to_date_means_complete(o, reference);
    // The next run resumes from what this one left, then the one after starts over.
    if (k % 2 == 0) fs::remove_all(o.output_dir);
  }
  EXPECT_GE(killed, 6) << "most runs should have been killed while working";
  waitpid(spawn_ehrtok(args_for(o.output_dir)), &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_TRUE(temp_leftovers(o.output_dir).empty());
  const auto resumed = testing::output_files(o.output_dir);
  ASSERT_EQ(resumed.size(), reference.size());
  for (const auto& [name, bytes] : reference)
    EXPECT_TRUE(resumed.at(name) == bytes) << name << " differs after resuming";
}

TEST(Interrupt, SigintStopsWithinASecondAndRemovesTemporaryFiles) {
  TempDir data, out;
  synth::generate({.output_dir = (data.path() / "hosp").string(), .patients = 3000, .seed = 3});
  const std::vector<std::string> args = {
      "run",       "--input", (data.path() / "hosp").string(), "--output", out.path().string(),
      "--threads", "2"};
  for (double delay : {0.05, 0.3, 0.8}) {
    const pid_t pid = spawn_ehrtok(args);
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    const auto sent = std::chrono::steady_clock::now();
    kill(pid, SIGINT);
    int status = 0;
    waitpid(pid, &status, 0);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
    EXPECT_LT(seconds, 1.0) << "after " << delay << " s";
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) continue;  // finished before the signal
    // 130 from ehrtok's handler; a signal that arrives before main() installed it (a slow start,
    // e.g. under a sanitizer) ends the process by SIGINT's default action, before any output.
    const bool handled = WIFEXITED(status) && WEXITSTATUS(status) == 130;
    const bool before_main = WIFSIGNALED(status) && WTERMSIG(status) == SIGINT;
    EXPECT_TRUE(handled || before_main) << "status " << status << " after " << delay << " s";
    if (handled && fs::exists(out.path() / ".ehrtok/runs.jsonl")) {
      const auto history = read_run_history(out.path());
      ASSERT_FALSE(history.empty());
      // The asset being built when the signal came, if any, is recorded as interrupted.
      if (history.back()["outcome"] != "built") {
        EXPECT_EQ(history.back()["outcome"], "interrupted") << history.back().dump();
      }
    }
    EXPECT_EQ(temp_leftovers(out.path()), std::vector<std::string>{}) << "after " << delay;
  }
}

// An asset builds on a raw table in place only when no later asset reads it: then the table
// leaves the run; otherwise the asset gets a copy and the run keeps the table.
TEST(RunState, TakeRawMovesTheTableOnlyFromItsLastReader) {
  const RunOptions options;
  RunState state(options, 1);
  mimic::RawTable raw;
  raw.table.fields = {{"x", ColumnType::Int64, true}};
  raw.table.columns.emplace_back(ColumnType::Int64);
  raw.table.columns[0].ints = {1, 2, 3};
  state.raw["raw_x"] = raw;

  bool last = false;
  state.last_reader = [&last](const std::string& name) { return name == "raw_x" && last; };
  const mimic::RawTable copy = state.take_raw("raw_x");
  EXPECT_EQ(copy.table.num_rows(), 3u);
  ASSERT_TRUE(state.raw.contains("raw_x"));
  EXPECT_EQ(state.raw.at("raw_x").table.num_rows(), 3u);

  last = true;
  const mimic::RawTable taken = state.take_raw("raw_x");
  EXPECT_EQ(taken.table.columns[0].ints, raw.table.columns[0].ints);
  EXPECT_FALSE(state.raw.contains("raw_x"));
}

}  // namespace
}  // namespace ehrtok

// The ehrtok command line: parses flags, calls the library, reports. It computes nothing itself.
#include <malloc.h>

#include <cstdio>
#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/inspect_commands.h"
#include "io/input_error.h"
#include "pipeline/pipeline.h"
#include "synth/synth.h"

namespace {

using namespace ehrtok;

// Exit codes: 0 success, 1 internal error, 2 bad input or usage.
constexpr int kExitBadInput = 2;

void add_run(CLI::App& app, RunOptions& o, bool& no_export) {
  auto* run =
      app.add_subcommand("run", "Build every asset of SPEC.md from a MIMIC-IV hosp/ folder");
  run->add_option("--input", o.input_dir, "MIMIC-IV hosp/ folder (tables as .csv.gz or .csv)")
      ->required()
      ->check(CLI::ExistingDirectory);
  run->add_option("--output", o.output_dir, "Output folder (created if missing)")->required();
  run->add_option("--threads", o.threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1, 1024));
  run->add_flag("--no-export", no_export,
                "Do not write the Hive layout mimic4_tokens.parquet/subject_id=N/");
  run->add_option("--top-labs", o.top_labs, "Number of lab items kept (top_200_labs)")
      ->check(CLI::Range(1, 1000000));
  run->add_option("--quantile-sample", o.quantiles.sample_fraction,
                  "Fraction of lab values used for lab_quantiles (deterministic sample)")
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            const double v = std::strtod(text.c_str(), nullptr);
            return v > 0 && v <= 1 ? "" : "must be above 0 and at most 1, got " + text;
          },
          "(0, 1]"));
  run->add_option("--quantile-seed", o.quantiles.seed, "Seed of the lab_quantiles sample");
  run->add_option("--row-group-rows", o.row_group_rows, "Rows per Parquet row group")
      ->check(CLI::Range(1024, 1 << 30));
}

void add_synth(CLI::App& app, synth::SynthOptions& o, double& scale) {
  auto* cmd = app.add_subcommand(
      "synth", "Write small, realistic MIMIC-IV-shaped tables for trying ehrtok without data");
  cmd->add_option("--output", o.output_dir, "Folder for the five .csv.gz tables")->required();
  cmd->add_option("--patients", o.patients, "Number of patients")->check(CLI::Range(1, 100000000));
  cmd->add_option("--scale", scale, "Size relative to full MIMIC-IV (overrides --patients)")
      ->check(CLI::Range(1e-6, 100.0));
  cmd->add_option("--seed", o.seed, "Random seed (same seed, same files)");
}

int run(RunOptions& options) {
  options.log = [](const std::string& line) { std::cerr << line << '\n'; };
  const auto report = run_pipeline(options);
  std::cerr << fmt::format("done in {:.2f} s; report: {}\n", report["seconds"].get<double>(),
                           (options.output_dir / "run_report.json").string());
  return 0;
}

int synthesize(synth::SynthOptions& options, double scale) {
  if (scale > 0) options.patients = synth::patients_for_scale(scale);
  const auto s = synth::generate(options);
  std::cerr << fmt::format(
      "wrote {}: {} admissions, {} diagnoses, {} procedures, {} prescriptions, {} lab events\n",
      options.output_dir, s.admissions, s.diagnoses_icd, s.procedures_icd, s.prescriptions,
      s.labevents);
  return 0;
}

}  // namespace

// A run allocates and frees many buffers of a few MB (CSV chunks, row groups). By default glibc
// returns each to the kernel and the next one arrives as fresh pages the kernel must zero: at
// --scale 0.1 that was 4.2 s of the 18 s CPU. Keeping them in the heap halves system time.
void keep_freed_memory_for_reuse() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

int main(int argc, char** argv) {
  keep_freed_memory_for_reuse();
  CLI::App app{"ehrtok: MIMIC-IV to tokenized patient timelines"};
  app.set_version_flag("--version", std::string("ehrtok ") + EHRTOK_VERSION);
  app.require_subcommand(1);
  RunOptions run_options;
  bool no_export = false;
  synth::SynthOptions synth_options;
  double scale = 0;
  add_run(app, run_options, no_export);
  add_synth(app, synth_options, scale);
  cli::InspectCommands inspect;
  cli::add_inspect_commands(app, inspect);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  try {
    if (const auto code = cli::run_inspect_command(inspect)) return *code;
    if (app.got_subcommand("run")) {
      run_options.export_hive = !no_export;
      return run(run_options);
    }
    return synthesize(synth_options, scale);
  } catch (const InputError& e) {
    std::cerr << "ehrtok: error: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "ehrtok: internal error: " << e.what() << '\n';
    return 1;
  }
}

// The ehrtok command line: parses flags, calls the library, reports. It computes nothing itself.
#include <malloc.h>

#include <cstdio>
#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/asset_commands.h"
#include "cli/inspect_commands.h"
#include "cli/interrupt.h"
#include "io/input_error.h"
#include "synth/synth.h"

namespace {

using namespace ehrtok;

// Exit codes: 0 success, 1 internal error, 2 bad input or usage.
constexpr int kExitBadInput = 2;

void add_synth(CLI::App& app, synth::SynthOptions& o, double& scale) {
  auto* cmd = app.add_subcommand(
      "synth", "Write small, realistic MIMIC-IV-shaped tables for trying ehrtok without data");
  cmd->add_option("--output", o.output_dir, "Folder for the five .csv.gz tables")->required();
  cmd->add_option("--patients", o.patients, "Number of patients")->check(CLI::Range(1, 100000000));
  cmd->add_option("--scale", scale, "Size relative to full MIMIC-IV (overrides --patients)")
      ->check(CLI::Range(1e-6, 100.0));
  cmd->add_option("--seed", o.seed, "Random seed (same seed, same files)");
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
  cli::handle_interrupts();
  CLI::App app{"ehrtok: MIMIC-IV to tokenized patient timelines"};
  app.set_version_flag("--version", std::string("ehrtok ") + EHRTOK_VERSION);
  app.require_subcommand(1);
  cli::AssetCommands asset_commands;
  asset_commands.add_to(app);
  synth::SynthOptions synth_options;
  double scale = 0;
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
    if (const auto code = asset_commands.run_chosen()) return *code;
    if (const auto code = cli::run_inspect_command(inspect)) return *code;
    return synthesize(synth_options, scale);
  } catch (const InputError& e) {
    std::cerr << "ehrtok: error: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "ehrtok: internal error: " << e.what() << '\n';
    return 1;
  }
}

#include "cli/inspect_commands.h"

#include <iostream>

#include <fmt/format.h>

#include "inspect/output_dir.h"
#include "inspect/patient_view.h"
#include "inspect/quality_checks.h"

namespace ehrtok::cli {
namespace {

constexpr int kExitCheckFailed = 1;
constexpr int kExitNotFound = 2;

void add_output_option(CLI::App* cmd, InspectCommands& c) {
  cmd->add_option("--output", c.output_dir, "Output folder of `ehrtok run`")->required();
}

void add_check_options(CLI::App* cmd, InspectCommands& c) {
  cmd->add_option(
         "--time-bins", c.time_bins,
         "Expected time-bin names, comma separated (default: those tokens_final was built with)")
      ->delimiter(',');
  cmd->add_option("--quantiles", c.quantiles,
                  "Number of lab value bins LAB:<itemid>_Q1..Qn (default: from lab_quantiles)")
      ->check(CLI::Range(1, 1000));
}

inspect::CheckOptions check_options(const InspectCommands& c) {
  inspect::CheckOptions options;
  options.time_bin_names = c.time_bins;
  options.num_quantiles = c.quantiles;  // 0: read from lab_quantiles.parquet
  return options;
}

std::string checks_summary(const std::vector<inspect::CheckResult>& results) {
  size_t failed = 0;
  for (const auto& r : results) failed += !r.passed();
  return failed == 0 ? fmt::format("all {} checks passed", results.size())
                     : fmt::format("{} of {} checks failed", failed, results.size());
}

int show(const InspectCommands& c) {
  const auto view = inspect::load_patient(c.output_dir, c.subject);
  if (!view) {
    std::cerr << fmt::format("ehrtok: subject {} not found in {}\n", c.subject,
                             c.output_dir.string());
    return kExitNotFound;
  }
  if (c.json)
    std::cout << inspect::patient_view_json(*view, c.limit).dump(2) << '\n';
  else
    std::cout << inspect::format_patient_view(*view, c.limit);
  return 0;
}

int check(const InspectCommands& c) {
  const auto results = inspect::check_output_dir(c.output_dir, check_options(c));
  if (c.json)
    std::cout << inspect::checks_json(results).dump(2) << '\n';
  else
    std::cout << inspect::format_checks(results) << checks_summary(results) << '\n';
  return inspect::all_passed(results) ? 0 : kExitCheckFailed;
}

int report(const InspectCommands& c) {
  const auto files = inspect::write_report(c.output_dir, check_options(c));
  const auto& checks = files.report["checks"];
  std::cerr << fmt::format(
      "wrote {} and {}; checks: {}\n", files.html.string(), files.json.string(),
      checks["passed"].get<bool>() ? "all passed" : "some FAILED (see report)");
  return checks["passed"].get<bool>() ? 0 : kExitCheckFailed;
}

}  // namespace

void add_inspect_commands(CLI::App& app, InspectCommands& c) {
  c.show = app.add_subcommand("show", "One patient's admissions and token sequence");
  c.show->add_option("SUBJECT_ID", c.subject, "subject_id of the patient")->required();
  add_output_option(c.show, c);
  c.show->add_option("--limit", c.limit, "Tokens shown per admission (0: all)")
      ->capture_default_str();
  c.show->add_flag("--json", c.json, "Print JSON instead of text");

  c.check =
      app.add_subcommand("check", "Data-quality checks of a run's outputs (exit 1 on failure)");
  add_output_option(c.check, c);
  c.check->add_flag("--json", c.json, "Print JSON instead of text");
  add_check_options(c.check, c);

  c.report = app.add_subcommand(
      "report", "Write OUT_DIR/report.html and report.json: sequence lengths, codes, checks");
  add_output_option(c.report, c);
  add_check_options(c.report, c);
}

std::optional<int> run_inspect_command(const InspectCommands& c) {
  if (c.show->parsed()) return show(c);
  if (c.check->parsed()) return check(c);
  if (c.report->parsed()) return report(c);
  return std::nullopt;
}

}  // namespace ehrtok::cli

#include "test_support.h"

#include "assets/timeline_partitions.h"

#include <isa-l.h>

#include <sys/wait.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "assets/event_windows.h"
#include "assets/stg_diagnoses.h"
#include "assets/stg_labs.h"
#include "assets/stg_medications.h"
#include "assets/stg_procedures.h"
#include "assets/timeline_partitions.h"
#include "assets/timeline_rows.h"
#include "io/csv_scanner.h"
#include "parquet/parquet_reader.h"
#include "table/timestamp.h"

namespace ehrtok::testing {

std::filesystem::path demo_hosp_dir() { return "../shared/data/mimic-iv-demo-2.2/hosp"; }
std::filesystem::path golden_dir() { return "../shared/data/expected/mimic-iv-demo-2.2"; }
bool demo_available() {
  return std::filesystem::is_directory(demo_hosp_dir()) &&
         std::filesystem::is_directory(golden_dir());
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() / fmt::format("ehrtok-test-{:x}", rd());
  std::filesystem::create_directories(path_);
}
TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::vector<std::vector<std::string>> read_csv_rows(const std::filesystem::path& file) {
  CsvChunker chunker(open_byte_source(file), file.string());
  std::vector<std::vector<std::string>> rows{chunker.header()};
  CsvRecord record;
  std::string scratch;
  while (auto chunk = chunker.next()) {
    CsvRecordSplitter splitter(chunk->text(), 0);
    while (splitter.next(record)) {
      auto& row = rows.emplace_back();
      for (size_t k = 0; k < record.size(); ++k)
        row.emplace_back(unescape(record.field(k), scratch));
    }
  }
  return rows;
}

std::string cell_text(const Column& c, size_t row) {
  if (c.is_null(row)) return "";
  switch (c.type) {
    case ColumnType::Int64:
      return std::to_string(c.ints[row]);
    case ColumnType::Timestamp:
      return format_timestamp(c.ints[row]);
    case ColumnType::Double:
      return fmt::format("{}", c.doubles[row]);
    case ColumnType::String:
      return std::string(c.string_at(row));
  }
  return "";
}

namespace {

bool doubles_match(const std::string& expected, double actual) {
  const double e = std::stod(expected);
  return std::fabs(e - actual) <= 1e-12 * std::max(std::fabs(e), std::fabs(actual));
}

}  // namespace

std::string diff_against_golden(const Table& table, const std::filesystem::path& golden) {
  const auto rows = read_csv_rows(golden);
  std::string out;
  std::vector<std::string> names;
  for (const auto& f : table.fields) names.push_back(f.name);
  if (rows.front() != names)
    return fmt::format("header: expected {}, got {}", fmt::join(rows.front(), ","),
                       fmt::join(names, ","));
  if (rows.size() - 1 != table.num_rows())
    out += fmt::format("rows: expected {}, got {}\n", rows.size() - 1, table.num_rows());
  int differences = 0;
  for (size_t r = 0; r + 1 < rows.size() && r < table.num_rows() && differences < 10; ++r) {
    for (size_t c = 0; c < names.size(); ++c) {
      const Column& col = table.columns[c];
      const std::string& want = rows[r + 1][c];
      const bool same = col.type == ColumnType::Double && !want.empty() && !col.is_null(r)
                            ? doubles_match(want, col.doubles[r])
                            : want == cell_text(col, r);
      if (!same) {
        out += fmt::format("row {} column {}: expected '{}', got '{}'\n", r + 1, names[c], want,
                           cell_text(col, r));
        ++differences;
      }
    }
  }
  return out;
}

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

CliOutcome ehrtok(const std::string& args) {
  const std::string command = fmt::format("{} {} 2>&1", EHRTOK_BINARY, args);
  std::FILE* pipe = popen(command.c_str(), "r");
  CliOutcome out{-1, ""};
  std::array<char, 4096> buffer;
  while (size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
    out.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::string bytes = content;
  if (path.extension() == ".gz") {
    std::string compressed(content.size() + 1024, '\0');
    isal_zstream stream;
    isal_deflate_stateless_init(&stream);
    stream.gzip_flag = IGZIP_GZIP;
    stream.end_of_stream = 1;
    stream.next_in = reinterpret_cast<uint8_t*>(bytes.data());
    stream.avail_in = static_cast<uint32_t>(bytes.size());
    stream.next_out = reinterpret_cast<uint8_t*>(compressed.data());
    stream.avail_out = static_cast<uint32_t>(compressed.size());
    if (isal_deflate_stateless(&stream) != COMP_OK) throw std::runtime_error("gzip failed");
    compressed.resize(stream.total_out);
    bytes = std::move(compressed);
  }
  std::ofstream(path, std::ios::binary) << bytes;
}

Table slice(const Table& t, size_t begin, size_t end) {
  Table out = Table::empty(t.fields);
  for (size_t c = 0; c < t.columns.size(); ++c) {
    const Column& from = t.columns[c];
    Column& to = out.columns[c];
    to.dictionary = from.dictionary;
    to.ints.assign(from.ints.begin() + (from.ints.empty() ? 0 : begin),
                   from.ints.begin() + (from.ints.empty() ? 0 : end));
    to.doubles.assign(from.doubles.begin() + (from.doubles.empty() ? 0 : begin),
                      from.doubles.begin() + (from.doubles.empty() ? 0 : end));
    to.codes.assign(from.codes.begin() + (from.codes.empty() ? 0 : begin),
                    from.codes.begin() + (from.codes.empty() ? 0 : end));
    if (!from.valid.empty()) to.valid.assign(from.valid.begin() + begin, from.valid.begin() + end);
  }
  return out;
}

std::unique_ptr<InMemoryRun> run_in_memory(const std::filesystem::path& hosp_dir, int threads,
                                           size_t top_labs) {
  auto load = [&](const mimic::TableSpec& spec) {
    return mimic::load_raw_table(spec, hosp_dir, threads);
  };
  auto run = std::make_unique<InMemoryRun>();
  InMemoryRun& a = *run;
  a.labevents = load(mimic::labevents());
  a.admissions_raw = load(mimic::admissions());
  a.diagnoses_raw = load(mimic::diagnoses_icd());
  a.procedures_raw = load(mimic::procedures_icd());
  a.prescriptions_raw = load(mimic::prescriptions());
  a.admissions = build_stg_admissions(a.admissions_raw);
  LabIntakeOptions lab_options;
  lab_options.admissions = &a.admissions;
  LabIntake labs(lab_options);
  labs.add(labs.take_in(a.labevents.table));
  labs.end_of_input();
  a.top = build_top_200_labs(labs.items(), top_labs);
  a.quantiles = build_lab_quantiles(labs.items(), a.top);
  a.dx = build_stg_diagnoses(a.diagnoses_raw, *a.codes);
  a.pr = build_stg_procedures(a.procedures_raw, *a.codes);
  a.med = build_stg_medications(a.prescriptions_raw, *a.codes);
  a.lab = stg_labs_counts(labs.items(), a.top);
  std::vector<JoinedStage> joined;
  for (const StagedEvents* stage : {&a.dx, &a.pr, &a.med})
    joined.push_back(join_admissions(*stage, a.admissions, 2));
  LabCodes lab_codes(a.top, a.quantiles, *a.codes);
  merge_by_partition(
      {labs, lab_codes, {&joined[0], &joined[1], &joined[2]}, a.admissions, *a.codes}, 0, threads,
      a.merged, [](const EventsMerged&) {});
  for (const auto& stage : joined) count_stage(a.merged.counts, stage);
  a.bins = intern_time_bins(TimeBins{}, *a.codes);
  return run;
}

Table InMemoryRun::events_merged_table() const {
  Table table = empty_timeline_table("event_seq", codes);
  resize_timeline_rows(table, merged.events.size());
  events_merged_rows(table, 0, merged, admissions, 0, merged.events.size());
  return table;
}

Table InMemoryRun::tokens_final_table(size_t window_events, size_t row_group_rows) const {
  TempDir dir;
  const std::string path = dir.path() / "tokens_final.parquet";
  TokensFinalFile file(path, codes, row_group_rows, 2);
  for_each_subject_window(merged, admissions, window_events, [&](const EventsView& events) {
    file.append(build_tokens_final(events, bins, admissions, 2), admissions);
  });
  file.finish();
  return parquet::read_table(path);
}

std::map<std::string, std::string> output_files(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().filename() == "run_report.json") continue;
    const std::string relative = fs::relative(e.path(), dir).string();
    const auto ext = e.path().extension();
    if (relative.starts_with(".ehrtok/") && (ext == ".json" || ext == ".jsonl")) continue;
    files[relative] = read_bytes(e.path());
  }
  return files;
}

}  // namespace ehrtok::testing

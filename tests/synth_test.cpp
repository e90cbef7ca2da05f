// ehrtok synth and the gzip writer: files readable by an independent inflater, MIMIC-IV headers
// and quoting, deterministic bytes, and the data properties the pipeline's rules rely on.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <isa-l.h>

#include "io/gzip_writer.h"
#include "synth/format.h"
#include "synth/rows.h"
#include "synth/synth.h"
#include "synth/vocab.h"

namespace {

namespace fs = std::filesystem;
using ehrtok::GzipWriter;
using Rows = std::vector<std::vector<std::string>>;

class TempFolder {
 public:
  TempFolder() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("ehrtok_synth_test_" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Decompresses a whole (single-member) gzip file with ISA-L's inflater.
std::string gunzip(const fs::path& path) {
  std::string packed = read_bytes(path);
  inflate_state state;
  isal_inflate_init(&state);
  state.crc_flag = ISAL_GZIP;
  state.next_in = reinterpret_cast<uint8_t*>(packed.data());
  state.avail_in = static_cast<uint32_t>(packed.size());
  std::string out;
  std::vector<uint8_t> chunk(1 << 20);
  while (state.block_state != ISAL_BLOCK_FINISH) {
    state.next_out = chunk.data();
    state.avail_out = static_cast<uint32_t>(chunk.size());
    const int status = isal_inflate(&state);
    if (status != ISAL_DECOMP_OK) throw std::runtime_error("inflate error in " + path.string());
    const size_t produced = chunk.size() - state.avail_out;
    if (produced == 0 && state.avail_in == 0 && state.block_state != ISAL_BLOCK_FINISH) {
      throw std::runtime_error("truncated gzip " + path.string());
    }
    out.append(reinterpret_cast<char*>(chunk.data()), produced);
  }
  if (state.avail_in != 0) throw std::runtime_error("trailing bytes in " + path.string());
  return out;
}

// RFC 4180 parser (quotes, doubled quotes); every record must end with '\n'.
Rows parse_csv(const std::string& text) {
  Rows rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
    } else {
      field += c;
    }
  }
  EXPECT_FALSE(quoted);
  EXPECT_TRUE(row.empty() && field.empty()) << "last line not terminated";
  return rows;
}

// "YYYY-MM-DD HH:MM:SS" or "YYYY-MM-DD" to seconds since 1970; nullopt if malformed.
std::optional<int64_t> parse_time(const std::string& s) {
  static const std::string kShape = "dddd-dd-dd dd:dd:dd";
  if (s.size() != 19 && s.size() != 10) return std::nullopt;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool digit = std::isdigit(static_cast<unsigned char>(s[i])) != 0;
    if (kShape[i] == 'd' ? !digit : s[i] != kShape[i]) return std::nullopt;
  }
  const int y = std::stoi(s.substr(0, 4)), mo = std::stoi(s.substr(5, 2)),
            d = std::stoi(s.substr(8, 2));
  if (mo < 1 || mo > 12 || d < 1) return std::nullopt;
  const int64_t day = ehrtok::synth::days_from_civil(y, mo, d);
  if (ehrtok::synth::civil_from_days(day).day != d) return std::nullopt;  // e.g. Feb 30
  int64_t seconds = day * 86400;
  if (s.size() == 19) {
    const int h = std::stoi(s.substr(11, 2)), mi = std::stoi(s.substr(14, 2)),
              se = std::stoi(s.substr(17, 2));
    if (h > 23 || mi > 59 || se > 59) return std::nullopt;
    seconds += h * 3600 + mi * 60 + se;
  }
  return seconds;
}

// Column index by name.
size_t col(const Rows& rows, const std::string& name) {
  const auto& h = rows.at(0);
  const auto it = std::find(h.begin(), h.end(), name);
  if (it == h.end()) throw std::runtime_error("no column " + name);
  return static_cast<size_t>(it - h.begin());
}

const char* const kTables[] = {"admissions", "diagnoses_icd", "procedures_icd", "prescriptions",
                               "labevents"};

// ---------------------------------------------------------------------------------------------
// GzipWriter

TEST(GzipWriter, RoundTripsSmallAndLargeWritesThroughIsalInflate) {
  TempFolder dir;
  const fs::path path = dir.path() / "data.csv.gz";
  std::string expected;
  {
    GzipWriter w(path);
    std::mt19937_64 gen(7);  // test data only; its exact values do not matter
    for (int i = 0; i < 20000; ++i) {
      const std::string line = "row," + std::to_string(gen() % 100000) + ",text\n";
      w.write(line);
      expected += line;
    }
    const std::string big(9 << 20, 'x');  // larger than the writer's buffers
    w.write(big);
    expected += big;
    w.write("tail\n");
    expected += "tail\n";
    EXPECT_TRUE(fs::exists(path.string() + ".tmp"));
    EXPECT_FALSE(fs::exists(path));
    w.finish();
    EXPECT_EQ(w.bytes_in(), expected.size());
  }
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
  ASSERT_TRUE(fs::exists(path));
  EXPECT_EQ(gunzip(path), expected);
  if (fs::exists("/bin/gzip")) {
    const std::string command = "/bin/gzip -t '" + path.string() + "'";
    EXPECT_EQ(std::system(command.c_str()), 0);
  }
}

TEST(GzipWriter, EmptyStreamIsValidGzip) {
  TempFolder dir;
  const fs::path path = dir.path() / "empty.gz";
  GzipWriter w(path);
  w.finish();
  EXPECT_EQ(gunzip(path), "");
}

TEST(GzipWriter, UnfinishedWriterLeavesNoFile) {
  TempFolder dir;
  const fs::path path = dir.path() / "partial.gz";
  {
    GzipWriter w(path);
    w.write(std::string(1 << 20, 'a'));
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(path.string() + ".tmp"));
}

TEST(GzipWriter, ErrorsNameTheFile) {
  TempFolder dir;
  const fs::path path = dir.path() / "missing_folder" / "x.gz";
  try {
    GzipWriter w(path);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing_folder"), std::string::npos) << e.what();
  }
}

// ---------------------------------------------------------------------------------------------
// synth

constexpr int64_t kPatients = 50;

// One generated data set, decompressed and parsed, shared by the tests below.
class SynthData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempFolder();
    ehrtok::synth::SynthOptions o;
    o.output_dir = (dir_->path() / "a").string();
    o.patients = kPatients;
    o.seed = 42;
    summary_ = ehrtok::synth::generate(o);
    for (const char* t : kTables) {
      text_[t] = gunzip(dir_->path() / "a" / (std::string(t) + ".csv.gz"));
      rows_[t] = parse_csv(text_[t]);
    }
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
    text_.clear();
    rows_.clear();
  }
  static fs::path file(const std::string& sub, const std::string& table) {
    return dir_->path() / sub / (table + ".csv.gz");
  }
  static ehrtok::synth::SynthSummary generate_into(const std::string& sub, uint64_t seed) {
    ehrtok::synth::SynthOptions o;
    o.output_dir = (dir_->path() / sub).string();
    o.patients = kPatients;
    o.seed = seed;
    return ehrtok::synth::generate(o);
  }

  static inline TempFolder* dir_ = nullptr;
  static inline ehrtok::synth::SynthSummary summary_{};
  static inline std::map<std::string, std::string> text_;
  static inline std::map<std::string, Rows> rows_;
};

TEST_F(SynthData, WritesAllTablesAndNoTemporaryFiles) {
  for (const auto& entry : fs::directory_iterator(dir_->path() / "a")) {
    EXPECT_EQ(entry.path().extension(), ".gz") << entry.path();
  }
  for (const char* t : kTables) {
    EXPECT_TRUE(fs::exists(file("a", t))) << t;
    if (fs::exists("/bin/gzip")) {
      const std::string command = "/bin/gzip -t '" + file("a", t).string() + "'";
      EXPECT_EQ(std::system(command.c_str()), 0) << t;
    }
  }
}

TEST_F(SynthData, HeadersAreMimicIvHeaders) {
  const std::map<std::string, std::string> expected = {
      {"admissions", ehrtok::synth::kAdmissionsHeader},
      {"diagnoses_icd", ehrtok::synth::kDiagnosesHeader},
      {"procedures_icd", ehrtok::synth::kProceduresHeader},
      {"prescriptions", ehrtok::synth::kPrescriptionsHeader},
      {"labevents", ehrtok::synth::kLabeventsHeader}};
  const fs::path demo = "../shared/data/mimic-iv-demo-2.2/hosp";
  for (const char* t : kTables) {
    const std::string& text = text_[t];
    const std::string header = text.substr(0, text.find('\n'));
    EXPECT_EQ(header, expected.at(t)) << t;
    const fs::path real = demo / (std::string(t) + ".csv.gz");
    if (fs::exists(real)) {
      const std::string real_text = gunzip(real);
      EXPECT_EQ(header, real_text.substr(0, real_text.find('\n'))) << t;
    }
  }
}

TEST_F(SynthData, SummaryCountsEqualRowsAndEveryRowHasAllFields) {
  const std::map<std::string, int64_t> counts = {{"admissions", summary_.admissions},
                                                 {"diagnoses_icd", summary_.diagnoses_icd},
                                                 {"procedures_icd", summary_.procedures_icd},
                                                 {"prescriptions", summary_.prescriptions},
                                                 {"labevents", summary_.labevents}};
  for (const char* t : kTables) {
    const Rows& rows = rows_[t];
    EXPECT_EQ(static_cast<int64_t>(rows.size()) - 1, counts.at(t)) << t;
    // No field holds a line break, so lines equal records.
    EXPECT_EQ(std::count(text_[t].begin(), text_[t].end(), '\n'), counts.at(t) + 1) << t;
    for (const auto& row : rows) ASSERT_EQ(row.size(), rows[0].size()) << t;
    EXPECT_GT(counts.at(t), 0) << t;
  }
  // Per-subject sizes near full MIMIC-IV's (wide bounds: 50 subjects, heavy tails).
  EXPECT_GT(summary_.admissions, kPatients);
  EXPECT_GT(summary_.labevents, 100 * kPatients);
}

TEST_F(SynthData, SameSeedSameBytesOtherSeedOtherBytes) {
  const auto again = generate_into("same", 42);
  EXPECT_EQ(again.labevents, summary_.labevents);
  generate_into("other", 43);
  for (const char* t : kTables) {
    const std::string bytes = read_bytes(file("a", t));
    EXPECT_EQ(read_bytes(file("same", t)), bytes) << t;
    EXPECT_NE(read_bytes(file("other", t)), bytes) << t;
  }
}

TEST_F(SynthData, DrugsWithCommasAndQuotesAreQuotedAsMimicDoes) {
  const Rows& rows = rows_["prescriptions"];
  const size_t drug = col(rows, "drug");
  std::set<std::string> special;
  for (size_t i = 1; i < rows.size(); ++i) {
    const std::string& name = rows[i][drug];
    if (name.find_first_of(",\"") != std::string::npos) special.insert(name);
  }
  EXPECT_TRUE(special.count("Acetaminophen (Liquid), 650 mg"));
  EXPECT_TRUE(special.count("\"Insulin\" Humalog"));
  const std::string& text = text_["prescriptions"];
  EXPECT_NE(text.find(",\"Acetaminophen (Liquid), 650 mg\","), std::string::npos);
  EXPECT_NE(text.find(",\"\"\"Insulin\"\" Humalog\","), std::string::npos);
  // Quoting only when needed: plain names are bare.
  EXPECT_NE(text.find(",Furosemide,"), std::string::npos);
  EXPECT_EQ(text.find(",\"Furosemide\","), std::string::npos);
  // Every parsed name is a vocabulary name, so encoding round-trips.
  std::set<std::string> names;
  for (const auto& d : ehrtok::synth::vocabulary().drugs.entries) names.insert(d.name);
  for (size_t i = 1; i < rows.size(); ++i) ASSERT_TRUE(names.count(rows[i][drug])) << rows[i][drug];
}

TEST_F(SynthData, IdsHaveMimicShapes) {
  const Rows& adm = rows_["admissions"];
  std::set<std::string> hadm_ids;
  for (size_t i = 1; i < adm.size(); ++i) {
    EXPECT_EQ(adm[i][col(adm, "subject_id")].size(), 8u);
    EXPECT_EQ(adm[i][col(adm, "hadm_id")].size(), 8u);
    EXPECT_TRUE(hadm_ids.insert(adm[i][col(adm, "hadm_id")]).second) << "duplicate hadm_id";
  }
  const Rows& lab = rows_["labevents"];
  std::set<std::string> lab_ids;
  for (size_t i = 1; i < lab.size(); ++i) {
    EXPECT_TRUE(lab_ids.insert(lab[i][col(lab, "labevent_id")]).second) << "duplicate labevent_id";
  }
}

TEST_F(SynthData, TimestampsParseAndLieInMimicYears) {
  const int64_t lo = ehrtok::synth::seconds_from_civil(2100, 1, 1);
  const int64_t hi = ehrtok::synth::seconds_from_civil(2201, 1, 1);
  const std::map<std::string, std::vector<std::string>> columns = {
      {"admissions", {"admittime", "dischtime", "deathtime", "edregtime", "edouttime"}},
      {"procedures_icd", {"chartdate"}},
      {"prescriptions", {"starttime", "stoptime"}},
      {"labevents", {"charttime", "storetime"}}};
  for (const auto& [table, names] : columns) {
    const Rows& rows = rows_[table];
    for (const auto& name : names) {
      const size_t c = col(rows, name);
      for (size_t i = 1; i < rows.size(); ++i) {
        const std::string& v = rows[i][c];
        if (v.empty()) continue;
        const auto t = parse_time(v);
        ASSERT_TRUE(t.has_value()) << table << "." << name << " = " << v;
        ASSERT_TRUE(*t >= lo && *t < hi) << table << "." << name << " = " << v;
        if (name != "chartdate") {
          ASSERT_EQ(v.substr(17), "00") << "MIMIC has whole minutes";
        }
      }
    }
  }
}

struct Stay {
  int64_t hadm_id, admit, disch;
};

std::map<std::string, std::vector<Stay>> stays_by_subject(const Rows& adm) {
  std::map<std::string, std::vector<Stay>> stays;
  for (size_t i = 1; i < adm.size(); ++i) {
    stays[adm[i][col(adm, "subject_id")]].push_back({std::stoll(adm[i][col(adm, "hadm_id")]),
                                                     *parse_time(adm[i][col(adm, "admittime")]),
                                                     *parse_time(adm[i][col(adm, "dischtime")])});
  }
  for (auto& [subject, list] : stays) {
    std::sort(list.begin(), list.end(), [](auto& a, auto& b) { return a.admit < b.admit; });
  }
  return stays;
}

TEST_F(SynthData, AdmissionsAreChronologicalAndDoNotOverlap) {
  for (const auto& [subject, list] : stays_by_subject(rows_["admissions"])) {
    for (size_t i = 0; i < list.size(); ++i) {
      EXPECT_LT(list[i].admit, list[i].disch) << subject;
      if (i > 0) {
        EXPECT_LT(list[i - 1].disch, list[i].admit) << subject;
      }
    }
  }
}

TEST_F(SynthData, LabsExerciseTheReclaimRule) {
  const Rows& lab = rows_["labevents"];
  const auto stays = stays_by_subject(rows_["admissions"]);
  const size_t hadm = col(lab, "hadm_id"), subject = col(lab, "subject_id"),
               chart = col(lab, "charttime");
  int64_t null_hadm = 0, reclaimable = 0, at_admit = 0, at_minus_24h = 0, near_miss = 0;
  for (size_t i = 1; i < lab.size(); ++i) {
    if (!lab[i][hadm].empty()) continue;
    ++null_hadm;
    const int64_t t = *parse_time(lab[i][chart]);
    bool in_window = false;
    for (const Stay& s : stays.at(lab[i][subject])) {
      const int64_t before = s.admit - t;
      if (before >= 0 && before <= 86400) {
        in_window = true;
        at_admit += before == 0;
        at_minus_24h += before == 86400;
      }
      near_miss += before > 86400 && before <= 86400 + 3 * 3600;
    }
    reclaimable += in_window;
  }
  const double share = static_cast<double>(null_hadm) / static_cast<double>(lab.size() - 1);
  EXPECT_GE(share, 0.25);
  EXPECT_LE(share, 0.50);
  EXPECT_GT(reclaimable, 0);
  EXPECT_GT(at_admit + at_minus_24h, 0) << "boundary cases of [admittime - 24h, admittime]";
  EXPECT_GT(near_miss, 0) << "just outside the window";
}

TEST_F(SynthData, LabValuesHaveNullsTiesAndASkewedItemDistribution) {
  const Rows& lab = rows_["labevents"];
  const size_t valuenum = col(lab, "valuenum"), value = col(lab, "value"),
               itemid = col(lab, "itemid");
  int64_t null_values = 0;
  std::map<std::string, int64_t> per_item;
  std::map<std::string, std::set<std::string>> distinct;
  for (size_t i = 1; i < lab.size(); ++i) {
    ++per_item[lab[i][itemid]];
    if (lab[i][valuenum].empty()) {
      ++null_values;
    } else {
      distinct[lab[i][itemid]].insert(lab[i][valuenum]);
      ASSERT_TRUE(lab[i][value] == "___" ||
                  std::stod(lab[i][value]) == std::stod(lab[i][valuenum]));
    }
  }
  const int64_t n = static_cast<int64_t>(lab.size()) - 1;
  EXPECT_GT(null_values, n / 50);
  EXPECT_LT(null_values, n / 3);
  // Ties: the most frequent item (thousands of rows) has far fewer distinct values.
  const auto top = std::max_element(per_item.begin(), per_item.end(),
                                    [](auto& a, auto& b) { return a.second < b.second; });
  EXPECT_LT(static_cast<int64_t>(distinct[top->first].size()), top->second / 4);
  // Skew: the 200 most frequent items hold almost all rows.
  std::vector<int64_t> counts;
  for (const auto& [id, c] : per_item) counts.push_back(c);
  std::sort(counts.rbegin(), counts.rend());
  int64_t top200 = 0;
  for (size_t i = 0; i < std::min<size_t>(200, counts.size()); ++i) top200 += counts[i];
  EXPECT_GT(static_cast<double>(top200) / static_cast<double>(n), 0.95);
}

TEST_F(SynthData, EventsFallInsideTheirAdmissions) {
  std::map<int64_t, Stay> by_hadm;
  for (const auto& [subject, list] : stays_by_subject(rows_["admissions"])) {
    for (const Stay& s : list) by_hadm[s.hadm_id] = s;
  }
  const Rows& rx = rows_["prescriptions"];
  for (size_t i = 1; i < rx.size(); ++i) {
    const std::string& h = rx[i][col(rx, "hadm_id")];
    const std::string& start = rx[i][col(rx, "starttime")];
    if (h.empty() || start.empty()) continue;
    const Stay& s = by_hadm.at(std::stoll(h));
    const int64_t t = *parse_time(start);
    ASSERT_TRUE(t >= s.admit && t <= s.disch) << start;
  }
  const Rows& dx = rows_["diagnoses_icd"];
  for (size_t i = 1; i < dx.size(); ++i) {
    ASSERT_TRUE(by_hadm.count(std::stoll(dx[i][col(dx, "hadm_id")])));
    const std::string& version = dx[i][col(dx, "icd_version")];
    ASSERT_TRUE(version == "9" || version == "10");
  }
}

TEST(Synth, ScaleOneIsFullMimicIv) {
  EXPECT_EQ(ehrtok::synth::patients_for_scale(1.0), 223000);
  EXPECT_EQ(ehrtok::synth::patients_for_scale(0.01), 2230);
  EXPECT_EQ(ehrtok::synth::patients_for_scale(1e-9), 1);
}

TEST(Synth, ZeroPatientsGivesHeadersOnly) {
  TempFolder dir;
  ehrtok::synth::SynthOptions o;
  o.output_dir = (dir.path() / "nested" / "out").string();
  o.patients = 0;
  const auto s = ehrtok::synth::generate(o);
  EXPECT_EQ(s.admissions + s.diagnoses_icd + s.procedures_icd + s.prescriptions + s.labevents, 0);
  EXPECT_EQ(gunzip(dir.path() / "nested" / "out" / "admissions.csv.gz"),
            std::string(ehrtok::synth::kAdmissionsHeader) + "\n");
}

TEST(Synth, UnwritableOutputNamesThePath) {
  TempFolder dir;
  const fs::path blocker = dir.path() / "a_file";
  std::ofstream(blocker) << "x";
  ehrtok::synth::SynthOptions o;
  o.output_dir = (blocker / "out").string();
  try {
    ehrtok::synth::generate(o);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("a_file"), std::string::npos) << e.what();
  }
}

}  // namespace

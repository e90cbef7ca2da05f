// The lab path in partitions: LabIntake (tallies, value counts, rows by bucket, spilling),
// seq_num within admissions, quantiles from value counts, and the memory_limit setting.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>

#include "assets/group_sequence.h"
#include "assets/lab_intake.h"
#include "io/input_error.h"
#include "pipeline/config_file.h"
#include "test_support.h"

namespace ehrtok {
namespace {

using testing::slice;
using testing::TempDir;

// stg_admissions of `subjects` subjects with 1 to 3 admissions each, a day apart from day 10.
StgAdmissions make_admissions(int subjects) {
  mimic::RawTable raw;
  raw.table = mimic::empty_raw_table(mimic::admissions());
  auto& c = raw.table.columns;
  int64_t hadm = 1000;
  for (int s = 1; s <= subjects; ++s)
    for (int v = 0; v < 1 + s % 3; ++v) {
      c[0].ints.push_back(s);
      c[1].ints.push_back(hadm++);
      c[2].ints.push_back((10 + v) * 86'400 * kMicrosPerSecond);
      c[3].ints.push_back((11 + v) * 86'400 * kMicrosPerSecond);
    }
  return build_stg_admissions(raw);
}

// `n` random labevents rows of those subjects (and a few unknown ones): hadm_id an admission,
// NULL (some within a day before an admission), or no admission; values with repeats, -0.0 and
// NULLs; some NULL itemids.
Table random_labevents(size_t n, int subjects, uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  Table t = mimic::empty_raw_table(mimic::labevents());
  for (auto& column : t.columns) column.valid.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const int subject = pick(1, subjects + 2);
    const int kind = pick(0, 9);
    const int64_t hadm = kind < 5 ? 1000 + pick(0, 2 * subjects) : kind < 6 ? 99'999 : kNullId;
    const int64_t time = (pick(8, 13) * 24 + pick(0, 23)) * 3600 * kMicrosPerSecond;
    const int value = pick(-3, 20);
    const int64_t values[] = {static_cast<int64_t>(i), subject, hadm, 50'000 + pick(0, 6), time};
    for (size_t c = 0; c < 5; ++c) {
      const bool null = (c == 2 && hadm == kNullId) || (c == 3 && pick(0, 99) == 0);
      t.columns[c].ints.push_back(null ? 0 : values[c]);
      t.columns[c].valid.push_back(null ? 0 : 1);
    }
    t.columns[5].doubles.push_back(value == -3 ? -0.0 : value / 4.0);
    t.columns[5].valid.push_back(value == 20 ? 0 : 1);
  }
  return t;
}

std::vector<LabRow> rows_of(const LabRowSpans& spans) {
  std::vector<LabRow> rows;
  for (const auto& span : spans) rows.insert(rows.end(), span.begin(), span.end());
  return rows;
}

bool same_rows(const std::vector<LabRow>& a, const std::vector<LabRow>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(LabRow)) == 0;
}

TEST(LabIntake, SpilledRowsReadBackAsHeldOnes) {
  TempDir dir;
  const StgAdmissions admissions = make_admissions(600);  // ~1 200 admissions, 256 buckets
  const Table labs = random_labevents(20'000, 600, 7);
  LabIntakeOptions held_options;
  held_options.admissions = &admissions;
  LabIntakeOptions spilled_options = held_options;
  spilled_options.memory_budget = 40 * 1000;  // a spill after every chunk of 1 500 rows
  spilled_options.spill = dir.path() / "spill";
  LabIntake held(held_options), spilled(spilled_options);
  LabRowScratch scratch_a, scratch_b;
  for (size_t begin = 0; begin < labs.num_rows(); begin += 1'500) {
    const Table chunk = slice(labs, begin, std::min(labs.num_rows(), begin + 1'500));
    held.add(held.take_in(chunk));
    spilled.add(spilled.take_in(chunk));
  }
  // The last spill may still be being written: the rows are read once the input is over.
  EXPECT_THROW(spilled.read_partition(0, 1, scratch_b), std::logic_error);
  held.end_of_input();
  spilled.end_of_input();
  EXPECT_GT(spilled.spills(), 5);
  EXPECT_EQ(held.spills(), 0);
  ASSERT_EQ(held.bucket_count(), spilled.bucket_count());
  // Spilled rows come back bucket by bucket: the same rows, in file order within each bucket
  // (so within each admission, what a partition's reader may rely on).
  const auto by_admission = [](std::vector<LabRow> rows) {
    std::stable_sort(rows.begin(), rows.end(),
                     [](const LabRow& x, const LabRow& y) { return x.admission < y.admission; });
    return rows;
  };
  for (size_t bucket = 0; bucket < held.bucket_count(); ++bucket)
    EXPECT_TRUE(same_rows(rows_of(held.read_partition(bucket, bucket + 1, scratch_a)),
                          rows_of(spilled.read_partition(bucket, bucket + 1, scratch_b))))
        << "bucket " << bucket;
  size_t total = 0;
  for (size_t first = 0; first < held.bucket_count(); first += 37) {
    const size_t last = std::min(held.bucket_count(), first + 37);
    const auto a = rows_of(held.read_partition(first, last, scratch_a));
    const auto b = rows_of(spilled.read_partition(first, last, scratch_b));
    EXPECT_TRUE(same_rows(by_admission(a), by_admission(b))) << "buckets " << first << ".." << last;
    const uint32_t first_admission = held.bucket_admissions(first).first;
    const uint32_t last_admission = held.bucket_admissions(last - 1).second;
    for (const LabRow& row : a) {
      EXPECT_GE(row.admission, first_admission);
      EXPECT_LT(row.admission, last_admission);
    }
    total += a.size();
  }
  // Every row is accounted for once; the buckets hold the rows of an itemid that reach an
  // admission.
  int64_t rows = held.items().null_item.rows(), kept = 0;
  for (const auto& [item, tally] : held.items().tally) {
    rows += tally.rows();
    kept += tally.original - tally.orphaned + tally.reclaimed;
  }
  EXPECT_EQ(rows, 20'000);
  EXPECT_EQ(static_cast<size_t>(kept), total);
  spilled.release_rows();
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "spill.ehrtok-tmp"));
}

TEST(LabIntake, FatesOfRows) {
  const StgAdmissions admissions = make_admissions(2);  // subject 1: hadm 1000, 1001; 2: 1002..
  Table t = mimic::empty_raw_table(mimic::labevents());
  const int64_t day = 86'400 * kMicrosPerSecond;
  // (subject, hadm, charttime): own admission; no admission; reclaimed into 1000 (12 h
  // before); too early; subject without admissions.
  const std::vector<std::array<int64_t, 3>> rows = {{1, 1000, 10 * day},
                                                    {1, 5, 10 * day},
                                                    {1, kNullId, 10 * day - day / 2},
                                                    {1, kNullId, 8 * day},
                                                    {9, kNullId, 10 * day}};
  for (const auto& [subject, hadm, time] : rows) {
    const int64_t values[] = {1, subject, hadm, 50'000, time};
    for (size_t c = 0; c < 5; ++c) {
      t.columns[c].ints.push_back(values[c] == kNullId ? 0 : values[c]);
      t.columns[c].valid.push_back(values[c] == kNullId ? 0 : 1);
    }
    t.columns[5].doubles.push_back(1.5);
    t.columns[5].valid.push_back(1);
  }
  LabIntakeOptions options;
  options.admissions = &admissions;
  LabIntake intake(options);
  intake.add(intake.take_in(t));
  intake.end_of_input();
  const ItemTally& tally = intake.items().tally.at(50'000);
  EXPECT_EQ(tally.original, 2);
  EXPECT_EQ(tally.orphaned, 1);
  EXPECT_EQ(tally.reclaimed, 1);
  EXPECT_EQ(tally.not_reclaimed, 2);
  LabRowScratch scratch;
  const auto kept = rows_of(intake.read_partition(0, intake.bucket_count(), scratch));
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(admissions.hadm_id()[kept[0].admission], 1000);
  EXPECT_EQ(admissions.hadm_id()[kept[1].admission], 1000);
  EXPECT_EQ(kept[1].charttime, 10 * day - day / 2);
  EXPECT_EQ(intake.items().values.at(50'000).at(std::bit_cast<uint64_t>(1.5)), 5);
}

// Items whose ids share their low bits (-1, 4095, 8191), or are negative, keep their own tallies
// and values, whichever comes first in the chunk.
TEST(LabIntake, ItemsWithTheSameLowBitsStayApart) {
  Table t = mimic::empty_raw_table(mimic::labevents());
  const std::vector<int64_t> items = {-1, 4095, -1, 8191, 4095, -1};
  for (size_t r = 0; r < items.size(); ++r) {
    const int64_t values[] = {static_cast<int64_t>(r), 1, 1000, items[r], 0};
    for (size_t c = 0; c < 5; ++c) t.columns[c].ints.push_back(values[c]);
    t.columns[5].doubles.push_back(static_cast<double>(items[r]));
  }
  const LabItems got = lab_items_of(t);
  ASSERT_EQ(got.tally.size(), 3u);
  EXPECT_EQ(got.tally.at(-1).original, 3);
  EXPECT_EQ(got.tally.at(4095).original, 2);
  EXPECT_EQ(got.tally.at(8191).original, 1);
  EXPECT_EQ(got.values.at(-1).at(std::bit_cast<uint64_t>(-1.0)), 3);
  EXPECT_EQ(got.values.at(4095).size(), 1u);
  EXPECT_EQ(got.values.at(8191).at(std::bit_cast<uint64_t>(8191.0)), 1);
}

// Times of three shapes: few distinct ones and NULLs; no NULL (the numbering packs a time and a
// row's place into one word); times over the whole int64 range (too wide to pack).
class GroupSequence : public ::testing::TestWithParam<int> {};

TEST_P(GroupSequence, WithinAdmissionsEqualsWithinGroups) {
  std::mt19937_64 rng(3);
  const size_t n = 5'000;
  BigVector<uint32_t> admission(n);
  BigVector<int64_t> subject(n), hadm(n), time(n);
  for (size_t i = 0; i < n; ++i) {
    admission[i] = 100 + rng() % 50;
    hadm[i] = admission[i];
    // Every fifth admission has some rows of another subject.
    subject[i] = admission[i] % 5 == 0 && rng() % 10 == 0 ? 7 : admission[i] / 3;
    const uint64_t r = rng();
    time[i] = GetParam() == 0   ? (r % 8 == 0 ? kNullTime : static_cast<int64_t>(r % 20))
              : GetParam() == 1 ? 4102444800000000 + static_cast<int64_t>(r % 7) * 60000000
                                : static_cast<int64_t>(r | 1);  // never kNullTime
  }
  // SPEC.md: 1, 2, ... per (subject_id, hadm_id) by (time with NULLs last, file order).
  const auto before = [&](size_t j, size_t i) {
    if (time[j] != time[i])
      return time[i] == kNullTime || (time[j] != kNullTime && time[j] < time[i]);
    return j < i;
  };
  BigVector<int64_t> expected(n);
  for (size_t i = 0; i < n; ++i) {
    expected[i] = 1;
    for (size_t j = 0; j < n; ++j)
      expected[i] += subject[j] == subject[i] && hadm[j] == hadm[i] && before(j, i) ? 1 : 0;
  }
  const auto by_group = sequence_within_groups(subject, hadm, time, 2);
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), by_group.begin()));
  for (int threads : {1, 2}) {
    BigVector<int64_t> by_admission = {9};  // replaced
    std::vector<uint64_t> start;
    BigVector<uint32_t> rows;
    sequence_within_admissions(admission, 100, 50, subject, time, threads, by_admission, start,
                               rows);
    EXPECT_TRUE(std::equal(by_group.begin(), by_group.end(), by_admission.begin()));
    // Each admission's rows, all of them, in numbering order: (subject, seq).
    ASSERT_EQ(start.size(), 51u);
    ASSERT_EQ(start.back(), n);
    for (size_t k = 0; k < 50; ++k)
      for (uint64_t i = start[k]; i < start[k + 1]; ++i) {
        EXPECT_EQ(admission[rows[i]], 100 + k);
        if (i > start[k]) {
          EXPECT_LT(std::pair(subject[rows[i - 1]], by_admission[rows[i - 1]]),
                    std::pair(subject[rows[i]], by_admission[rows[i]]));
        }
      }
  }
}

INSTANTIATE_TEST_SUITE_P(TimeShapes, GroupSequence, ::testing::Values(0, 1, 2));

TEST(LabQuantiles, FromValueCountsAsFromSortedValues) {
  const Table labs = random_labevents(10'000, 50, 11);
  const LabItems items = lab_items_of(labs);
  const TopLabs top = build_top_200_labs(items, 200);
  const LabQuantiles q = build_lab_quantiles(items, top, {}, 2);
  ASSERT_GT(q.table.num_rows(), 3u);
  for (size_t r = 0; r < q.table.num_rows(); ++r) {
    std::vector<double> sorted;
    for (size_t i = 0; i < labs.num_rows(); ++i)
      if (!labs.columns[3].is_null(i) && labs.columns[3].ints[i] == q.table.columns[0].ints[r] &&
          !labs.columns[5].is_null(i))
        sorted.push_back(labs.columns[5].doubles[i]);
    std::sort(sorted.begin(), sorted.end());
    for (int k = 1; k <= 9; ++k)
      EXPECT_EQ(q.table.columns[k].doubles[r], quantile_cont(sorted, k / 10.0))
          << "item " << q.table.columns[0].ints[r] << " q" << k;
  }
}

TEST(Config, MemoryLimitTakesSizes) {
  RunOptions o;
  set_config_value(o, "memory_limit", "3GB");
  EXPECT_EQ(o.memory_limit, uint64_t{3} << 30);
  EXPECT_EQ(config_value(o, "memory_limit"), "3GB");
  set_config_value(o, "memory_limit", "512mib");
  EXPECT_EQ(o.memory_limit, uint64_t{512} << 20);
  EXPECT_EQ(config_value(o, "memory_limit"), "512MB");
  set_config_value(o, "memory_limit", "0");
  EXPECT_EQ(o.memory_limit, 0u);
  set_config_value(o, "memory_limit", "1000");
  EXPECT_EQ(config_value(o, "memory_limit"), "1000");
  for (const char* bad : {"", "GB", "3 GB", "-1", "2PB", "99999999999T"})
    EXPECT_THROW(set_config_value(o, "memory_limit", bad), InputError) << bad;
}

}  // namespace
}  // namespace ehrtok

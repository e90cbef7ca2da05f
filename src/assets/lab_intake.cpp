#include "assets/lab_intake.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "io/direct_io.h"
#include "util/counting_sort.h"

namespace ehrtok {

void ItemTally::add(const ItemTally& o) {
  original += o.original;
  orphaned += o.orphaned;
  reclaimed += o.reclaimed;
  not_reclaimed += o.not_reclaimed;
}

// What one chunk contributes: its items, and its kept rows ordered by bucket (file order within
// a bucket).
struct LabIntake::Contribution {
  LabItems items;
  std::vector<int64_t> item_ids;  // of the rows' `item` (a chunk-local index until add())
  std::vector<LabRow> rows;       // ordered by bucket: bucket b's are [bucket_start[b], ...[b+1])
  std::vector<uint32_t> bucket_start;
};

namespace {

// For a lab row without hadm_id: the admission of the same subject whose admittime lies in
// [charttime, charttime + window], the earliest such (then smallest hadm_id), or -1.
// stg_admissions is ordered by (subject_id, admittime NULLs last, hadm_id): each subject's
// admissions are one run, already in the order the tie-break needs.
int64_t reclaiming_admission(const StgAdmissions& admissions,
                             const std::pair<uint32_t, uint32_t>& run, int64_t charttime,
                             int64_t window) {
  const Column& admit = admissions.admittime();
  uint32_t hi = run.second;
  while (hi > run.first && admit.is_null(hi - 1)) --hi;  // NULL admittimes never qualify
  const auto first = admit.ints.begin() + run.first, last = admit.ints.begin() + hi;
  const auto at = std::lower_bound(first, last, charttime);
  if (at == last || *at > charttime + window) return -1;
  return at - admit.ints.begin();
}

// A chunk's items, numbered in order of first appearance, so that a row looks its item up once.
// MIMIC's itemids are a few thousand consecutive numbers: a table indexed by the itemid's low
// bits finds nearly every row's slot without hashing; the map holds them all.
struct ChunkItems {
  static constexpr size_t kRecent = 4096;
  struct Recent {
    int64_t itemid = 0;
    uint32_t slot_plus_one = 0;  // 0: empty (any int64 may be an itemid)
  };
  std::vector<Recent> recent = std::vector<Recent>(kRecent);
  absl::flat_hash_map<int64_t, uint32_t> slot_of;
  std::vector<int64_t> item;
  std::vector<ItemTally> tally;
  std::vector<ValueCounts> values;

  uint32_t slot(int64_t itemid) {
    Recent& r = recent[static_cast<uint64_t>(itemid) % kRecent];
    if (r.slot_plus_one != 0 && r.itemid == itemid) return r.slot_plus_one - 1;
    const auto [it, fresh] = slot_of.try_emplace(itemid, static_cast<uint32_t>(item.size()));
    if (fresh) {
      item.push_back(itemid);
      tally.emplace_back();
      values.emplace_back();
    }
    r = {itemid, it->second + 1};
    return it->second;
  }
};

// The spill file is written and read past the page cache (io/direct_io.h): each spill starts on
// a block and its last block is padded, and a partition's rows are read in whole blocks.
constexpr size_t kDirectRows = kDirectBlock / sizeof(LabRow);
static_assert(kDirectBlock % sizeof(LabRow) == 0);
// Rows gathered before a write: 4 MiB (a multiple of the block, and 2 MiB-aligned by BigVector).
constexpr size_t kStagingRows = size_t{1} << 17;

uint64_t round_up(uint64_t rows, uint64_t to) { return (rows + to - 1) / to * to; }

int open_spill_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error(
        fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
  set_direct_io(fd, true);  // where the file system refuses it (tmpfs), through the page cache
  return fd;
}

void transfer_rows(Transfer transfer, int fd, LabRow* rows, size_t count, uint64_t first_row,
                   const std::filesystem::path& path) {
  transfer_all(transfer, fd, reinterpret_cast<char*>(rows), count * sizeof(LabRow),
               first_row * sizeof(LabRow), path.string());
}

// Writes `chunks`' rows bucket after bucket (file order within a bucket) from row `first_row` of
// the spill file on, gathered through `staging` (kStagingRows rows, block-aligned); the last
// block is padded.
template <class Chunks>
void write_spill(int fd, const Chunks& chunks, size_t buckets, uint64_t first_row,
                 BigVector<LabRow>& staging, const std::filesystem::path& path) {
  staging.resize(kStagingRows);
  size_t filled = 0;
  auto flush = [&](size_t rows) {
    transfer_rows(Transfer::Write, fd, staging.data(), rows, first_row, path);
    first_row += rows;
    filled = 0;
  };
  for (size_t b = 0; b < buckets; ++b) {
    for (const auto& chunk : chunks) {
      const LabRow* from = chunk.held + chunk.bucket_start[b];
      size_t left = chunk.bucket_start[b + 1] - chunk.bucket_start[b];
      while (left > 0) {
        const size_t n = std::min(left, kStagingRows - filled);
        std::copy_n(from, n, staging.data() + filled);
        filled += n;
        from += n;
        left -= n;
        if (filled == kStagingRows) flush(filled);
      }
    }
  }
  if (filled == 0) return;
  const size_t padded = round_up(filled, kDirectRows);
  std::fill(staging.data() + filled, staging.data() + padded, LabRow{});
  flush(padded);
}

}  // namespace

LabIntake::LabIntake(LabIntakeOptions options) : options_(std::move(options)) {
  if (!options_.admissions) return;
  // What a killed run spilled (one process at a time works in an output folder).
  if (!options_.spill.empty()) AtomicOutput::remove(options_.spill);
  const StgAdmissions& admissions = *options_.admissions;
  admissions_per_bucket_ = std::max<size_t>(1, (admissions.size() + kLabBuckets - 1) / kLabBuckets);
  // At least one bucket, even without admissions (it is then empty).
  bucket_rows_.resize(std::max<size_t>(
      1, (admissions.size() + admissions_per_bucket_ - 1) / admissions_per_bucket_));
  const auto& subject = admissions.subject_id();
  for (uint32_t i = 0; i < subject.size(); ++i) {
    auto [it, fresh] = subject_admissions_.try_emplace(subject[i], i, i + 1);
    if (!fresh) it->second.second = i + 1;
  }
}

std::any LabIntake::take_in(const Table& chunk) const {
  const Column& id = chunk.column("labevent_id");
  const Column& subject = chunk.column("subject_id");
  const Column& hadm = chunk.column("hadm_id");
  const Column& itemid = chunk.column("itemid");
  const Column& charttime = chunk.column("charttime");
  const Column& valuenum = chunk.column("valuenum");
  const StgAdmissions* admissions = options_.admissions;

  // First the fate of every row (kept rows: their row, admission and item), then the kept rows
  // in bucket order.
  Contribution out;
  struct Kept {
    uint32_t row, admission, item;
  };
  std::vector<Kept> kept;
  if (admissions) kept.reserve(chunk.num_rows());
  std::optional<AdmissionFinder> finder;
  if (admissions) finder.emplace(*admissions);
  ChunkItems items;
  const bool sample_all = options_.quantiles.sample_fraction >= 1;
  for (size_t r = 0; r < chunk.num_rows(); ++r) {
    const bool has_item = !itemid.is_null(r);
    const int64_t item = has_item ? itemid.ints[r] : 0;
    const uint32_t slot = has_item ? items.slot(item) : 0;
    ItemTally& tally = has_item ? items.tally[slot] : out.items.null_item;
    if (has_item && !valuenum.is_null(r) &&
        (sample_all || in_quantile_sample(id.is_null(r) ? 0 : id.ints[r], options_.quantiles)))
      ++items.values[slot][std::bit_cast<uint64_t>(valuenum.doubles[r])];

    int64_t rank = -1;
    if (!hadm.is_null(r)) {
      ++tally.original;
      if (!admissions) continue;
      rank = finder->rank(hadm.ints[r]);
      if (rank < 0) {
        ++tally.orphaned;
        continue;
      }
    } else {
      if (admissions && has_item && !subject.is_null(r) && !charttime.is_null(r)) {
        const auto run = subject_admissions_.find(subject.ints[r]);
        if (run != subject_admissions_.end())
          rank = reclaiming_admission(*admissions, run->second, charttime.ints[r],
                                      options_.reclaim_window_micros);
      }
      if (rank < 0) {
        ++tally.not_reclaimed;
        continue;
      }
      ++tally.reclaimed;
    }
    if (has_item) kept.push_back({static_cast<uint32_t>(r), static_cast<uint32_t>(rank), slot});
  }
  out.items.rows = static_cast<int64_t>(chunk.num_rows());
  for (size_t slot = 0; slot < items.item.size(); ++slot) {  // before items.item is moved
    out.items.tally[items.item[slot]] = items.tally[slot];
    if (!items.values[slot].empty())
      out.items.values[items.item[slot]] = std::move(items.values[slot]);
  }

  // The kept rows by bucket, in file order within one.
  std::vector<uint32_t> order;
  order_by_key(
      kept.size(), bucket_rows_.size(),
      [&](size_t i) { return kept[i].admission / admissions_per_bucket_; }, out.bucket_start,
      order);
  out.rows.resize(kept.size());
  constexpr double kNullValue = std::numeric_limits<double>::quiet_NaN();
  for (size_t i = 0; i < order.size(); ++i) {
    const Kept& k = kept[order[i]];
    out.rows[i] = {value_or(subject, k.row, kNullId), value_or(charttime, k.row, kNullTime),
                   valuenum.is_null(k.row) ? kNullValue : valuenum.doubles[k.row], k.admission,
                   k.item};
  }
  out.item_ids = std::move(items.item);
  return out;
}

LabIntake::~LabIntake() {
  if (spill_write_.valid()) spill_write_.wait();
  if (spill_fd_ >= 0) ::close(spill_fd_);
}

void LabIntake::add(std::any&& contribution) {
  auto in = std::any_cast<Contribution>(std::move(contribution));
  items_.rows += in.items.rows;
  items_.null_item.add(in.items.null_item);
  for (const auto& [item, tally] : in.items.tally) items_.tally[item].add(tally);
  for (auto& [item, values] : in.items.values) {
    auto& to = items_.values[item];
    if (to.empty()) {
      to = std::move(values);
      continue;
    }
    for (const auto& [bits, count] : values) to[bits] += count;
  }
  if (!keeps_rows()) return;
  // The chunk's item numbers become the intake's.
  std::vector<uint32_t> item_of(in.item_ids.size());
  for (size_t i = 0; i < item_of.size(); ++i) {
    const auto [it, fresh] =
        item_index_.try_emplace(in.item_ids[i], static_cast<uint32_t>(item_ids_.size()));
    if (fresh) item_ids_.push_back(in.item_ids[i]);
    item_of[i] = it->second;
  }
  for (LabRow& row : in.rows) row.item = item_of[row.item];
  for (size_t b = 0; b < bucket_rows_.size(); ++b)
    bucket_rows_[b] += in.bucket_start[b + 1] - in.bucket_start[b];
  held_rows_ += in.rows.size();
  chunks_.push_back({std::move(in.bucket_start), hold(in.rows)});
  if (options_.memory_budget > 0 && held_rows_ * sizeof(LabRow) > options_.memory_budget / 2)
    spill();
}

void LabIntake::end_of_input() {
  finish_spill_write();
  std::vector<BigVector<LabRow>>().swap(writing_blocks_);
  BigVector<LabRow>().swap(spill_staging_);
  while (!held_blocks_.empty() && held_blocks_.back().empty()) held_blocks_.pop_back();
}

const LabRow* LabIntake::hold(std::span<const LabRow> rows) {
  constexpr size_t kBlockRows = size_t{1} << 20;  // 32 MiB
  if (filling_block_ < held_blocks_.size() && !held_blocks_[filling_block_].empty() &&
      held_blocks_[filling_block_].size() + rows.size() > held_blocks_[filling_block_].capacity())
    ++filling_block_;
  if (filling_block_ == held_blocks_.size()) held_blocks_.emplace_back();
  BigVector<LabRow>& block = held_blocks_[filling_block_];
  if (block.empty()) block.reserve(std::max(kBlockRows, rows.size()));  // holds nothing yet
  const size_t at = block.size();
  block.insert(block.end(), rows.begin(), rows.end());  // within capacity: nothing moves
  return block.data() + at;
}

std::pair<uint32_t, uint32_t> LabIntake::bucket_admissions(size_t b) const {
  const size_t admissions = options_.admissions ? options_.admissions->size() : 0;
  return {static_cast<uint32_t>(std::min(b * admissions_per_bucket_, admissions)),
          static_cast<uint32_t>(std::min((b + 1) * admissions_per_bucket_, admissions))};
}

// Writes the rows of every held chunk to the spill file, bucket by bucket, on a background thread
// (one spill at a time), and takes fresh rows into the blocks of the spill before (their memory is
// kept).
void LabIntake::spill() {
  if (!spill_dir_) {
    spill_dir_ = std::make_unique<AtomicOutput>(options_.spill);
    std::filesystem::create_directories(spill_dir_->temp_path());
    spill_fd_ = open_spill_file(spill_file());
  }
  finish_spill_write();
  const size_t buckets = bucket_rows_.size();
  // Each spill starts on a block, after the padded end of the one before.
  const uint64_t first_row =
      spilled_.empty()
          ? 0
          : spilled_.back().first_row + round_up(spilled_.back().bucket_start.back(), kDirectRows);
  SpilledRun run{first_row, std::vector<uint64_t>(buckets + 1, 0)};
  for (size_t b = 0; b < buckets; ++b) {
    run.bucket_start[b + 1] = run.bucket_start[b];
    for (const HeldChunk& chunk : chunks_)
      run.bucket_start[b + 1] += chunk.bucket_start[b + 1] - chunk.bucket_start[b];
  }
  spilled_.push_back(std::move(run));
  std::swap(held_blocks_, writing_blocks_);
  for (auto& block : held_blocks_) block.clear();  // refilled from the first, memory kept
  filling_block_ = 0;
  held_rows_ = 0;
  ++spills_;
  spill_write_ = std::async(std::launch::async,
                            [fd = spill_fd_, path = spill_file(), &staging = spill_staging_,
                             chunks = std::exchange(chunks_, {}), buckets, first_row] {
                              write_spill(fd, chunks, buckets, first_row, staging, path);
                            });
}

void LabIntake::finish_spill_write() {
  if (spill_write_.valid()) spill_write_.get();
}

std::filesystem::path LabIntake::spill_file() const { return spill_dir_->temp_path() / "labs.bin"; }

void LabIntake::release_rows() {
  if (spill_write_.valid()) spill_write_.wait();  // its error, if any, was end_of_input's
  spill_write_ = {};
  std::vector<HeldChunk>().swap(chunks_);
  std::vector<SpilledRun>().swap(spilled_);
  std::vector<BigVector<LabRow>>().swap(held_blocks_);
  std::vector<BigVector<LabRow>>().swap(writing_blocks_);
  BigVector<LabRow>().swap(spill_staging_);
  filling_block_ = 0;
  if (spill_fd_ >= 0) ::close(spill_fd_);
  spill_fd_ = -1;
  spill_dir_.reset();
  held_rows_ = 0;
}

LabRowSpans LabIntake::read_partition(size_t first, size_t last, LabRowScratch& scratch) const {
  if (spill_write_.valid()) throw std::logic_error("lab rows read before the end of the input");
  // Each spill's rows of the partition are one stretch of the file, read in whole blocks. The
  // blocks are counted first and `scratch` sized once, so that it never moves under a span; it is
  // at least 2 MiB, so that BigVector aligns it for O_DIRECT.
  struct Stretch {
    uint64_t begin, end;  // the rows wanted, in rows of the file
  };
  std::vector<Stretch> stretches;
  size_t blocks_rows = 0;
  for (const SpilledRun& run : spilled_) {
    const Stretch s{run.first_row + run.bucket_start[first],
                    run.first_row + run.bucket_start[last]};
    if (s.begin == s.end) continue;
    stretches.push_back(s);
    blocks_rows += round_up(s.end, kDirectRows) - s.begin / kDirectRows * kDirectRows;
  }
  constexpr size_t kAlignedRows = HugePageAllocator<LabRow>::kHugePage / sizeof(LabRow);
  scratch.clear();  // the previous partition's rows are not kept when it grows
  if (blocks_rows > 0) scratch.reserve(std::max(blocks_rows, kAlignedRows));
  scratch.resize(blocks_rows);
  LabRowSpans spans;
  size_t at = 0;
  for (const Stretch& s : stretches) {
    const uint64_t block_begin = s.begin / kDirectRows * kDirectRows;
    const uint64_t block_end = round_up(s.end, kDirectRows);
    transfer_rows(Transfer::Read, spill_fd_, scratch.data() + at, block_end - block_begin,
                  block_begin, spill_file());
    spans.emplace_back(scratch.data() + at + (s.begin - block_begin), s.end - s.begin);
    at += block_end - block_begin;
  }
  for (const HeldChunk& chunk : chunks_) {
    const uint32_t begin = chunk.bucket_start[first], end = chunk.bucket_start[last];
    if (begin != end) spans.emplace_back(chunk.held + begin, end - begin);
  }
  return spans;
}

LabItems lab_items_of(const Table& labevents, const QuantileOptions& quantiles) {
  LabIntakeOptions options;
  options.quantiles = quantiles;
  LabIntake intake(options);
  intake.add(intake.take_in(labevents));
  return std::move(intake.items());
}

}  // namespace ehrtok

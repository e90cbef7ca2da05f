// What the lab assets need of labevents, gathered chunk by chunk while the table is imported (or
// read back from its cache), so that the table itself is never held whole (163 M rows, 8.8 GB
// of columns at full MIMIC-IV scale):
// - per itemid, its rows by fate (top_200_labs ranks the items by them, stg_labs and
//   events_merged account with them) and its sampled non-NULL values (lab_quantiles);
// - the rows that can reach an admission (SPEC.md stg_labs: a hadm_id that is an admission, or
//   NULL and reclaimed into one) as compact LabRows, in buckets of consecutive admissions, in
//   file order within a bucket. stg_labs and events_merged then work bucket by bucket: the
//   partitions of subjects that bound a run's memory. Buckets are spilled to disk when the rows
//   held pass a memory budget, and read back one partition at a time.
#pragma once

#include <any>
#include <cstdint>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "assets/lab_quantiles.h"
#include "assets/staged_events.h"
#include "assets/stg_admissions.h"
#include "io/atomic_output.h"
#include "table/big_vector.h"
#include "table/column.h"

namespace ehrtok {

// A labevents row that can reach an admission, in 32 bytes.
struct LabRow {
  int64_t subject_id;  // kNullId when NULL
  int64_t charttime;   // kNullTime when NULL
  double valuenum;     // NaN when NULL (an imported value is always finite)
  uint32_t admission;  // row of stg_admissions: its own hadm_id's, or the reclaiming one's
  uint32_t item;       // index into LabIntake::item_ids(); rows without an itemid are never kept

  bool has_value() const { return valuenum == valuenum; }
};
static_assert(sizeof(LabRow) == 32);

// An item's rows by what becomes of them.
struct ItemTally {
  int64_t original = 0;       // hadm_id not NULL (what top_200_labs counts)
  int64_t orphaned = 0;       // of those, hadm_id not an admission (events_merged drops them)
  int64_t reclaimed = 0;      // hadm_id NULL, admission within the reclaim window
  int64_t not_reclaimed = 0;  // hadm_id NULL, no such admission (or no admissions to look in)

  int64_t rows() const { return original + reclaimed + not_reclaimed; }
  void add(const ItemTally& o);
};

// How often each value occurs, by the value's bits (so that -0.0 and 0.0 stay apart, as bits
// are what a quantile returns). Lab values repeat (they are measured to a few digits), so an
// item's values take the room of its distinct values, not of its rows.
using ValueCounts = absl::flat_hash_map<uint64_t, int64_t>;

// Per itemid: tallies and sampled values. Rows with a NULL itemid have their own tally.
struct LabItems {
  int64_t rows = 0;
  absl::flat_hash_map<int64_t, ItemTally> tally;
  ItemTally null_item;
  // The non-NULL valuenum of rows in the quantile sample, by itemid.
  absl::flat_hash_map<int64_t, ValueCounts> values;
};

// Rows are held in about this many buckets of consecutive admissions: the grain of the
// partitions (a few thousand admissions each at full MIMIC-IV scale).
constexpr size_t kLabBuckets = 256;

struct LabIntakeOptions {
  // Without admissions (a run that builds no stg_labs) only the tallies and values are kept.
  const StgAdmissions* admissions = nullptr;
  int64_t reclaim_window_micros = 24 * 3600 * int64_t{1'000'000};
  QuantileOptions quantiles;
  // Bytes of rows held at most (0: no limit, never spilled): when the rows held pass half of it
  // they are written to the spill file in the background while the next rows fill other blocks.
  size_t memory_budget = 0;
  std::filesystem::path spill;  // the folder to spill into (created on the first spill)
};

// A partition's lab rows: spans, together the rows of its buckets, in file order within each
// bucket (so within each admission). Valid until the next read_partition or the intake's end.
using LabRowSpans = std::vector<std::span<const LabRow>>;
// Where read_partition puts spilled rows: grown without being zeroed, as it is read into.
using LabRowScratch = std::vector<LabRow, UninitializedHugePageAllocator<LabRow>>;

class LabIntake {
 public:
  explicit LabIntake(LabIntakeOptions options);

  // What a chunk of raw labevents columns contributes; on any thread (a parsing one).
  std::any take_in(const Table& chunk) const;
  // Adds a chunk's contribution (what take_in returned), chunks in file order.
  void add(std::any&& contribution);
  // Every chunk is added: the spill being written is finished, and the memory of held blocks a
  // spill emptied goes.
  void end_of_input();

  LabItems& items() { return items_; }
  const LabItems& items() const { return items_; }
  // The itemid of each LabRow::item.
  const std::vector<int64_t>& item_ids() const { return item_ids_; }
  // The values are no longer needed (lab_quantiles is built).
  void release_values() { items_.values.clear(); }
  bool keeps_rows() const { return options_.admissions != nullptr; }

  // At least 1 when rows are kept (keeps_rows()).
  size_t bucket_count() const { return bucket_rows_.size(); }
  // The admissions of bucket b: [first, last) rows of stg_admissions.
  std::pair<uint32_t, uint32_t> bucket_admissions(size_t b) const;
  // Rows of bucket b.
  size_t bucket_rows(size_t b) const { return bucket_rows_[b]; }
  // The rows of buckets [first, last); those spilled are read back into `scratch`. After
  // end_of_input().
  LabRowSpans read_partition(size_t first, size_t last, LabRowScratch& scratch) const;
  int64_t spills() const { return spills_; }
  // Frees every row held or spilled (no partition is read after this).
  void release_rows();

 private:
  struct Contribution;
  // One chunk's kept rows held in memory at `held` (in one of held_blocks_), ordered by bucket:
  // bucket b's are [bucket_start[b], bucket_start[b+1]).
  struct HeldChunk {
    std::vector<uint32_t> bucket_start;
    const LabRow* held = nullptr;
  };
  // The rows of the chunks one spill wrote: bucket after bucket, in file order within a bucket,
  // from row `first_row` of the spill file on; bucket b's are [bucket_start[b],
  // bucket_start[b+1]) of the spill.
  struct SpilledRun {
    uint64_t first_row = 0;
    std::vector<uint64_t> bucket_start;
  };
  // Copies a chunk's rows to the end of the held blocks; returns where they now are.
  const LabRow* hold(std::span<const LabRow> rows);
  void spill();
  // Waits for the spill being written (rethrowing its error); its blocks are then free.
  void finish_spill_write();
  std::filesystem::path spill_file() const;

  LabIntakeOptions options_;
  LabItems items_;
  std::vector<int64_t> item_ids_;
  absl::flat_hash_map<int64_t, uint32_t> item_index_;
  size_t admissions_per_bucket_ = 1;
  std::vector<size_t> bucket_rows_;
  std::vector<HeldChunk> chunks_;  // not spilled, in file order; all after the spilled ones
  std::vector<SpilledRun> spilled_;
  // Held rows, chunk after chunk, in blocks of reserved capacity (never moved while they hold
  // rows) backed by huge pages: each chunk's rows would otherwise be fresh memory faulted in page
  // by page. A spill hands the blocks to the background write, and the next rows fill the blocks
  // of the spill before, their memory already in place.
  std::vector<BigVector<LabRow>> held_blocks_;
  std::vector<BigVector<LabRow>> writing_blocks_;  // of the spill being written
  BigVector<LabRow> spill_staging_;  // a spill's rows gathered by bucket, block by block
  size_t filling_block_ = 0;
  size_t held_rows_ = 0;
  int64_t spills_ = 0;
  std::unique_ptr<AtomicOutput> spill_dir_;  // never committed: removed when done or interrupted
  int spill_fd_ = -1;
  absl::flat_hash_map<int64_t, std::pair<uint32_t, uint32_t>> subject_admissions_;
  std::future<void> spill_write_;  // last: waited for before the blocks it reads are freed

 public:
  ~LabIntake();
  LabIntake(const LabIntake&) = delete;
  LabIntake& operator=(const LabIntake&) = delete;
};

// The items of a whole table of raw labevents columns, without admissions (every row with a NULL
// hadm_id counts as not reclaimed): for callers that hold the table, such as tests.
LabItems lab_items_of(const Table& labevents, const QuantileOptions& quantiles = {});

}  // namespace ehrtok

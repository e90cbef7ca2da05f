// The file layout: "PAR1", the column chunks of each row group in schema order, the FileMetaData
// footer, its 4-byte little-endian length, "PAR1".
#include "parquet/parquet_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include "io/output_file.h"
#include "parquet/column_writer.h"
#include "parquet/file_metadata.h"
#include "parquet/zstd_compressor.h"

namespace ehrtok::parquet {

struct FileWriter::RowGroupMeta : RowGroupMetadata {};

namespace {

constexpr char kMagic[4] = {'P', 'A', 'R', '1'};

std::runtime_error file_error(const std::string& path, const std::string& what) {
  return std::runtime_error(path + ": " + what);
}

// A failed system call on `path`, with the reason errno gave right after it.
std::runtime_error errno_error(const std::string& path, const std::string& what, int error) {
  return file_error(path, what + ": " + std::strerror(error));
}

// Opens `path` for writing, truncated unless `in_place`. In place, a file with other hard links
// (a backup made with `cp -l` or `rsync --link-dest`) is unlinked first, so they keep its bytes.
int open_for_writing(const std::string& path, bool in_place) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (in_place ? 0 : O_TRUNC), 0666);
  struct stat st {};
  if (fd >= 0 && in_place && ::fstat(fd, &st) == 0 && st.st_nlink > 1) {
    ::close(fd);
    ::unlink(path.c_str());
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_TRUNC, 0666);
  }
  if (fd < 0) throw errno_error(path, "cannot open for writing", errno);
  return fd;
}

void shift_offsets(ColumnChunkMetadata& chunk, int64_t base) {
  chunk.data_page_offset += base;
  if (chunk.dictionary_page_offset) *chunk.dictionary_page_offset += base;
}

}  // namespace

FileWriter::FileWriter(std::string path, std::vector<Field> schema, WriterOptions options)
    : path_(std::move(path)), schema_(std::move(schema)), options_(std::move(options)) {
  if (options_.page_values == 0) throw file_error(path_, "page_values must be positive");
  file_ = std::make_unique<OutputFile>(path_, open_for_writing(path_, options_.overwrite_in_place),
                                       options_.direct_io);
  file_->write(kMagic, sizeof kMagic);
  offset_ = sizeof kMagic;
}

FileWriter::~FileWriter() = default;

void FileWriter::write_row_group(const std::vector<ColumnSlice>& columns) {
  if (file_ == nullptr) throw file_error(path_, "write_row_group after finish");
  if (columns.size() != schema_.size()) {
    throw file_error(path_, "row group has " + std::to_string(columns.size()) +
                                " columns, schema has " + std::to_string(schema_.size()));
  }
  try {
    for (size_t i = 0; i < columns.size(); ++i) check_slice(schema_[i], columns[i]);
  } catch (const std::runtime_error& e) {
    throw file_error(path_, e.what());
  }
  const size_t rows = columns.empty() ? 0 : columns.front().length;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].length != rows) {
      throw file_error(path_, "column '" + schema_[i].name + "' has " +
                                  std::to_string(columns[i].length) + " rows, column '" +
                                  schema_[0].name + "' has " + std::to_string(rows));
    }
  }
  // A row group without rows holds nothing a reader needs; leaving it out keeps every reader happy
  // (the footer alone carries the schema).
  if (rows == 0) return;

  std::vector<EncodedChunk> chunks = encode_columns(columns);
  RowGroupMeta group;
  group.num_rows = static_cast<int64_t>(rows);
  for (EncodedChunk& chunk : chunks) {
    shift_offsets(chunk.metadata, static_cast<int64_t>(offset_));
    file_->write(chunk.bytes.data(), chunk.bytes.size());
    offset_ += chunk.bytes.size();
    group.columns.push_back(std::move(chunk.metadata));
  }
  row_groups_.push_back(std::move(group));
}

// Columns are independent, so they are encoded in parallel; the file is still written in
// column order.
std::vector<EncodedChunk> FileWriter::encode_columns(const std::vector<ColumnSlice>& columns) {
  std::vector<EncodedChunk> chunks(columns.size());
  std::atomic<size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    // One compression context per thread and level, kept across files: creating one costs more
    // than compressing a one-patient file (the Hive export writes a file per patient).
    thread_local std::map<int, std::unique_ptr<ZstdCompressor>> contexts;
    auto& context = contexts[options_.zstd_level];
    if (!context) context = std::make_unique<ZstdCompressor>(options_.zstd_level);
    ZstdCompressor& zstd = *context;
    for (size_t i = next++; i < columns.size(); i = next++) {
      try {
        chunks[i] = encode_column_chunk(schema_[i], columns[i], options_.page_values, zstd);
      } catch (const std::runtime_error& e) {  // a page or string too large for the format
        std::lock_guard lock(error_mutex);
        if (!error)
          error = std::make_exception_ptr(
              file_error(path_, "column '" + schema_[i].name + "': " + e.what()));
      }
    }
  };
  std::vector<std::thread> pool;
  const size_t helpers = std::min<size_t>(std::max(options_.threads, 1), columns.size());
  for (size_t t = 1; t < helpers; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  return chunks;
}

void FileWriter::finish() {
  if (file_ == nullptr) throw file_error(path_, "finish called twice");
  std::vector<const RowGroupMetadata*> groups;
  for (const RowGroupMeta& group : row_groups_) groups.push_back(&group);
  const std::vector<uint8_t> footer = serialize_file_metadata(schema_, groups, options_.created_by);
  const auto length = static_cast<uint32_t>(footer.size());
  const uint8_t length_le[4] = {static_cast<uint8_t>(length), static_cast<uint8_t>(length >> 8),
                                static_cast<uint8_t>(length >> 16),
                                static_cast<uint8_t>(length >> 24)};
  file_->write(footer.data(), footer.size());
  file_->write(length_le, sizeof length_le);
  file_->write(kMagic, sizeof kMagic);
  std::exchange(file_, nullptr)->close();  // cut there when overwriting a longer file in place
}

void write_table(const std::string& path, const Table& table, size_t row_group_rows,
                 WriterOptions options) {
  if (table.fields.size() != table.columns.size()) {
    throw file_error(path, "table has " + std::to_string(table.fields.size()) + " fields and " +
                               std::to_string(table.columns.size()) + " columns");
  }
  if (row_group_rows == 0) throw file_error(path, "row_group_rows must be positive");
  FileWriter writer(path, table.fields, std::move(options));
  const size_t rows = table.num_rows();
  std::vector<ColumnSlice> slices(table.columns.size());
  for (size_t begin = 0; begin < rows; begin += row_group_rows) {
    const size_t length = std::min(row_group_rows, rows - begin);
    for (size_t i = 0; i < slices.size(); ++i) slices[i] = {&table.columns[i], begin, length};
    writer.write_row_group(slices);
  }
  writer.finish();
}

}  // namespace ehrtok::parquet

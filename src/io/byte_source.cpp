#include "io/byte_source.h"

#include <isa-l.h>

#include <fmt/format.h>

#include "io/input_error.h"
#include "io/input_file.h"

namespace ehrtok {
namespace {

class PlainSource final : public ByteSource {
 public:
  explicit PlainSource(const std::filesystem::path& path) : file_(path) {}
  size_t read(std::span<char> out) override { return file_.read(out); }
  uint64_t consumed() const override { return file_.consumed(); }

 private:
  InputFile file_;
};

// gzip via ISA-L's inflate, with the gzip header parsed and the CRC verified by ISA-L.
// Concatenated members (as written by parallel compressors) are decoded one after another.
class GzipSource final : public ByteSource {
 public:
  explicit GzipSource(const std::filesystem::path& path) : file_(path) {
    isal_inflate_init(&state_);
    state_.crc_flag = ISAL_GZIP;
  }

  size_t read(std::span<char> out) override {
    size_t produced = 0;
    while (produced < out.size()) {
      if (state_.block_state == ISAL_BLOCK_FINISH && !start_next_member()) break;
      if (state_.avail_in == 0) refill();
      state_.next_out = reinterpret_cast<uint8_t*>(out.data() + produced);
      state_.avail_out = static_cast<uint32_t>(out.size() - produced);
      const int rc = isal_inflate(&state_);
      if (rc < 0) fail(describe(rc));
      const size_t now = out.size() - state_.avail_out;
      // No input left, nothing produced, member unfinished: the file ends mid-stream.
      if (eof_ && state_.avail_in == 0 && now == produced &&
          state_.block_state != ISAL_BLOCK_FINISH)
        fail("truncated gzip stream");
      produced = now;
    }
    return produced;
  }
  uint64_t consumed() const override { return file_.consumed(); }

 private:
  bool refill() {
    if (eof_) return false;
    const std::span<const char> block = file_.next_block();
    if (block.empty()) {
      eof_ = true;
      return false;
    }
    // ISA-L takes non-const input but only reads it.
    state_.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(block.data()));
    state_.avail_in = static_cast<uint32_t>(block.size());
    return true;
  }

  // After a member ends: true if another member follows (trailing zero padding ends the stream).
  bool start_next_member() {
    if (state_.avail_in == 0 && !refill()) return false;
    if (state_.next_in[0] == 0) return false;
    uint8_t* next_in = state_.next_in;
    const uint32_t avail_in = state_.avail_in;
    isal_inflate_reset(&state_);
    state_.crc_flag = ISAL_GZIP;
    state_.next_in = next_in;
    state_.avail_in = avail_in;
    return true;
  }

  static const char* describe(int rc) {
    switch (rc) {
      case ISAL_INCORRECT_CHECKSUM:
        return "corrupt gzip stream (checksum mismatch)";
      case ISAL_INVALID_WRAPPER:
      case ISAL_UNSUPPORTED_METHOD:
        return "not a gzip file (bad gzip header)";
      default:
        return "corrupt gzip stream (invalid deflate data)";
    }
  }

  [[noreturn]] void fail(const char* what) const {
    throw InputError(fmt::format("{}: {}", file_.path(), what));
  }

  InputFile file_;
  inflate_state state_{};
  bool eof_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> open_byte_source(const std::filesystem::path& file) {
  if (file.extension() == ".gz") return std::make_unique<GzipSource>(file);
  return std::make_unique<PlainSource>(file);
}

std::filesystem::path find_table_file(const std::filesystem::path& dir, const std::string& name) {
  for (const char* ext : {".csv.gz", ".csv"}) {
    auto candidate = dir / (name + ext);
    if (std::filesystem::is_regular_file(candidate)) return candidate;
  }
  throw InputError(fmt::format("{}: missing table {} (expected {}.csv.gz or {}.csv)", dir.string(),
                               name, name, name));
}

}  // namespace ehrtok

#include "synth/stream.h"

#include <cstring>

namespace ehrtok::synth {
namespace {

constexpr size_t kMaxQueued = 8;                  // blocks waiting for the compressor
constexpr size_t kSubmitBytes = size_t{4} << 20;  // shuffled text is passed on in 4 MB pieces

}  // namespace

void LineBuffer::grow() {
  const size_t capacity = std::max(capacity_ * 2, size_ + kMaxLine + (size_t{1} << 20));
  auto data = std::make_unique_for_overwrite<char[]>(capacity);  // no zero-fill
  if (size_ > 0) std::memcpy(data.get(), data_.get(), size_);
  data_ = std::move(data);
  capacity_ = capacity;
}

Compressor::Compressor(std::vector<std::filesystem::path> paths) {
  for (auto& p : paths) writers_.push_back(std::make_unique<GzipWriter>(std::move(p)));
  thread_ = std::thread([this] { run(); });
}

Compressor::~Compressor() { stop(); }

void Compressor::stop() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string Compressor::submit(size_t file, std::string block) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return error_ || queue_.size() < kMaxQueued; });
  if (error_) std::rethrow_exception(error_);
  queue_.emplace_back(file, std::move(block));
  std::string spare;
  if (!spare_.empty()) {
    spare = std::move(spare_.back());
    spare_.pop_back();
  }
  changed_.notify_all();
  return spare;
}

void Compressor::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return closing_ || !queue_.empty(); });
    if (queue_.empty() || error_) return;  // closing, and all written (or failed)
    auto [file, block] = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    try {
      writers_[file]->write(block);
    } catch (...) {
      lock.lock();
      error_ = std::current_exception();
      changed_.notify_all();
      return;
    }
    block.clear();
    lock.lock();
    if (spare_.size() < kMaxQueued) spare_.push_back(std::move(block));
    changed_.notify_all();
  }
}

void Compressor::finish() {
  stop();
  if (error_) std::rethrow_exception(error_);
  for (auto& w : writers_) w->finish();
}

TableStream::TableStream(Compressor& compressor, size_t file, std::string_view header,
                         size_t block_bytes, uint64_t seed)
    : compressor_(compressor), file_(file), block_bytes_(block_bytes), rng_(seed) {
  pending_.reserve(kSubmitBytes + block_bytes_ + LineBuffer::kMaxLine);
  pending_.append(header);
  pending_ += '\n';
}

void TableStream::flush_block() {
  const size_t n = rows_.lines();
  order_.resize(n);
  for (size_t i = 0; i < n; ++i) order_[i] = static_cast<uint32_t>(i);
  for (size_t i = n; i > 1; --i) std::swap(order_[i - 1], order_[rng_.below(i)]);
  for (uint32_t i : order_) pending_.append(rows_.line(i));
  row_count_ += static_cast<int64_t>(n);
  rows_.clear();
  if (pending_.size() >= kSubmitBytes) submit_pending();
}

void TableStream::submit_pending() {
  std::string spare = compressor_.submit(file_, std::move(pending_));
  pending_ = std::move(spare);
  pending_.clear();
  pending_.reserve(kSubmitBytes + block_bytes_ + LineBuffer::kMaxLine);  // no regrowth
}

void TableStream::flush() {
  flush_block();
  submit_pending();
}

}  // namespace ehrtok::synth

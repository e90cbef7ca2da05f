#include "parquet/thrift_compact.h"

#include <bit>
#include <stdexcept>

#include "parquet/varint.h"

namespace ehrtok::parquet {

void ThriftWriter::begin_struct() {
  saved_ids_.push_back(last_id_);
  last_id_ = 0;
}

void ThriftWriter::end_struct() {
  if (saved_ids_.empty()) throw std::logic_error("thrift: end_struct without begin_struct");
  out_.push_back(0);
  last_id_ = saved_ids_.back();
  saved_ids_.pop_back();
}

void ThriftWriter::field_header(int16_t id, ThriftType type) {
  const int delta = id - last_id_;
  const auto type_bits = static_cast<uint8_t>(type);
  if (delta > 0 && delta <= 15) {
    out_.push_back(static_cast<uint8_t>(delta << 4 | type_bits));
  } else {
    out_.push_back(type_bits);
    append_varint(out_, zigzag(id));
  }
  last_id_ = id;
}

void ThriftWriter::field_i32(int16_t id, int32_t value) {
  field_header(id, ThriftType::I32);
  append_varint(out_, zigzag(value));
}

void ThriftWriter::field_i64(int16_t id, int64_t value) {
  field_header(id, ThriftType::I64);
  append_varint(out_, zigzag(value));
}

void ThriftWriter::field_bool(int16_t id, bool value) {
  field_header(id, value ? ThriftType::True : ThriftType::False);
}

void ThriftWriter::field_double(int16_t id, double value) {
  field_header(id, ThriftType::Double);
  // The compact protocol stores doubles little-endian (unlike the binary protocol).
  const auto bits = std::bit_cast<uint64_t>(value);
  for (int shift = 0; shift < 64; shift += 8) out_.push_back(static_cast<uint8_t>(bits >> shift));
}

void ThriftWriter::field_binary(int16_t id, std::string_view value) {
  field_header(id, ThriftType::Binary);
  element_binary(value);
}

void ThriftWriter::field_struct(int16_t id) {
  field_header(id, ThriftType::Struct);
  begin_struct();
}

void ThriftWriter::field_list(int16_t id, ThriftType element_type, size_t size) {
  field_header(id, ThriftType::List);
  list_header(element_type, size);
}

void ThriftWriter::list_header(ThriftType element_type, size_t size) {
  const auto type_bits = static_cast<uint8_t>(element_type);
  if (size < 15) {
    out_.push_back(static_cast<uint8_t>(size << 4 | type_bits));
  } else {
    out_.push_back(static_cast<uint8_t>(0xF0 | type_bits));
    append_varint(out_, size);
  }
}

void ThriftWriter::element_i32(int32_t value) { append_varint(out_, zigzag(value)); }

void ThriftWriter::element_i64(int64_t value) { append_varint(out_, zigzag(value)); }

void ThriftWriter::element_binary(std::string_view value) {
  append_varint(out_, value.size());
  out_.insert(out_.end(), value.begin(), value.end());
}

}  // namespace ehrtok::parquet

#include "parquet/thrift_compact_reader.h"

#include <limits>
#include <string>

#include "parquet/format_error.h"
#include "parquet/varint.h"

namespace ehrtok::parquet {
namespace {

// Parquet's structs nest a handful of levels (FileMetaData > RowGroup > ColumnChunk >
// ColumnMetaData > Statistics); anything far deeper is hostile.
constexpr int kMaxDepth = 64;

std::string type_name(ThriftType type) { return std::to_string(static_cast<int>(type)); }

bool is_bool(ThriftType type) { return type == ThriftType::True || type == ThriftType::False; }

}  // namespace

void ThriftReader::enter() {
  if (++depth_ > kMaxDepth) throw FormatError("thrift: structures nested too deep");
}

uint64_t ThriftReader::varint() { return read_varint(pos_, end_); }

bool ThriftReader::next_field(int16_t& last_id, ThriftField& field) {
  if (pos_ == end_) throw FormatError("thrift: struct runs past the end of its data");
  const uint8_t header = *pos_++;
  field.type = static_cast<ThriftType>(header & 0x0F);
  if (field.type == ThriftType::Stop) return false;
  const int delta = header >> 4;
  int64_t id = delta != 0 ? last_id + delta : unzigzag(varint());
  if (id < std::numeric_limits<int16_t>::min() || id > std::numeric_limits<int16_t>::max()) {
    throw FormatError("thrift: field id out of range");
  }
  field.id = static_cast<int16_t>(id);
  last_id = field.id;
  return true;
}

void ThriftReader::expect(const ThriftField& field, ThriftType type) const {
  if (field.type != type && !(is_bool(type) && is_bool(field.type))) {
    throw FormatError("thrift: field " + std::to_string(field.id) + " has type " +
                      type_name(field.type) + ", expected " + type_name(type));
  }
}

int32_t ThriftReader::read_i32(const ThriftField& field) {
  expect(field, ThriftType::I32);
  return element_i32();
}

int32_t ThriftReader::element_i32() {
  const int64_t v = unzigzag(varint());
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
    throw FormatError("thrift: i32 value out of range");
  }
  return static_cast<int32_t>(v);
}

int64_t ThriftReader::read_i64(const ThriftField& field) {
  expect(field, ThriftType::I64);
  return unzigzag(varint());
}

bool ThriftReader::read_bool(const ThriftField& field) {
  expect(field, ThriftType::True);
  return field.type == ThriftType::True;  // a bool field carries its value in its type
}

std::string_view ThriftReader::read_binary(const ThriftField& field) {
  expect(field, ThriftType::Binary);
  return element_binary();
}

std::string_view ThriftReader::element_binary() {
  const uint64_t size = varint();
  if (size > static_cast<uint64_t>(end_ - pos_)) {
    throw FormatError("thrift: binary of " + std::to_string(size) + " bytes runs past the end");
  }
  std::string_view value(reinterpret_cast<const char*>(pos_), size);
  pos_ += size;
  return value;
}

size_t ThriftReader::list_header(ThriftType expected_element) {
  if (pos_ == end_) throw FormatError("thrift: list header runs past the end");
  const uint8_t header = *pos_++;
  const auto element = static_cast<ThriftType>(header & 0x0F);
  uint64_t size = header >> 4;
  if (size == 15) size = varint();
  // Every element takes at least one byte, so a longer list cannot fit: reject it before anyone
  // reserves memory for it.
  if (size > static_cast<uint64_t>(end_ - pos_)) {
    throw FormatError("thrift: list of " + std::to_string(size) + " elements runs past the end");
  }
  if (element != expected_element && !(is_bool(element) && is_bool(expected_element))) {
    throw FormatError("thrift: list of type " + type_name(element) + ", expected " +
                      type_name(expected_element));
  }
  return size;
}

void ThriftReader::skip(ThriftType type) {
  auto skip_bytes = [&](uint64_t n) {
    if (n > static_cast<uint64_t>(end_ - pos_))
      throw FormatError("thrift: value runs past the end");
    pos_ += n;
  };
  switch (type) {
    case ThriftType::True:
    case ThriftType::False:
      return;  // the value is in the field header (a bool list element is skipped as I8 below)
    case ThriftType::I8:
      return skip_bytes(1);
    case ThriftType::I16:
    case ThriftType::I32:
    case ThriftType::I64:
      varint();
      return;
    case ThriftType::Double:
      return skip_bytes(8);
    case ThriftType::Binary:
      return skip_bytes(varint());
    case ThriftType::List:
    case ThriftType::Set: {
      enter();
      if (pos_ == end_) throw FormatError("thrift: list header runs past the end");
      const uint8_t header = *pos_++;
      const auto element = static_cast<ThriftType>(header & 0x0F);
      uint64_t size = header >> 4;
      if (size == 15) size = varint();
      if (size > static_cast<uint64_t>(end_ - pos_)) throw FormatError("thrift: list too long");
      for (uint64_t i = 0; i < size; ++i) skip(is_bool(element) ? ThriftType::I8 : element);
      --depth_;
      return;
    }
    case ThriftType::Map: {
      enter();
      const uint64_t size = varint();
      if (size > 0) {
        if (pos_ == end_) throw FormatError("thrift: map header runs past the end");
        const uint8_t types = *pos_++;
        if (size > static_cast<uint64_t>(end_ - pos_)) throw FormatError("thrift: map too long");
        const auto key = static_cast<ThriftType>(types >> 4);
        const auto value = static_cast<ThriftType>(types & 0x0F);
        for (uint64_t i = 0; i < size; ++i) {
          skip(is_bool(key) ? ThriftType::I8 : key);
          skip(is_bool(value) ? ThriftType::I8 : value);
        }
      }
      --depth_;
      return;
    }
    case ThriftType::Struct:
      read_struct([&](const ThriftField& field) { skip(field.type); });
      return;
    case ThriftType::Stop:
      break;
  }
  throw FormatError("thrift: unknown type " + type_name(type));
}

}  // namespace ehrtok::parquet

// A decoder for the Thrift compact protocol (the counterpart of ThriftWriter), enough to parse
// the Parquet footer and page headers. Every read is bounds-checked and every field type checked;
// unknown fields are skipped, whatever their type, so files from newer writers still parse.
// Malformed input throws FormatError.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "parquet/thrift_compact.h"

namespace ehrtok::parquet {

struct ThriftField {
  int16_t id;
  ThriftType type;
};

class ThriftReader {
 public:
  explicit ThriftReader(std::span<const uint8_t> bytes)
      : pos_(bytes.data()), begin_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  // Reads the fields of a struct up to its stop field, calling on_field(field) for each; the
  // callback reads the value with one of the typed reads below or calls skip(field.type).
  template <typename OnField>
  void read_struct(OnField&& on_field) {
    enter();
    int16_t last_id = 0;
    for (ThriftField field; next_field(last_id, field);) on_field(field);
    --depth_;
  }

  // Reads a list header, checks its element type, and calls on_element(i) for each element.
  template <typename OnElement>
  void read_list(const ThriftField& field, ThriftType element_type, OnElement&& on_element) {
    expect(field, ThriftType::List);
    const size_t size = list_header(element_type);
    for (size_t i = 0; i < size; ++i) on_element(i);
  }

  // Typed reads of a field's value; each checks that the field has that type.
  int32_t read_i32(const ThriftField& field);
  int64_t read_i64(const ThriftField& field);
  bool read_bool(const ThriftField& field);
  std::string_view read_binary(const ThriftField& field);
  // List elements carry no field header.
  int32_t element_i32();
  std::string_view element_binary();

  void skip(ThriftType type);
  size_t position() const { return static_cast<size_t>(pos_ - begin_); }

 private:
  bool next_field(int16_t& last_id, ThriftField& field);
  size_t list_header(ThriftType expected_element);
  uint64_t varint();
  void expect(const ThriftField& field, ThriftType type) const;
  void enter();

  const uint8_t* pos_;
  const uint8_t* begin_;
  const uint8_t* end_;
  int depth_ =
      0;  // nesting of structs and containers, bounded so hostile input cannot recurse deep
};

}  // namespace ehrtok::parquet

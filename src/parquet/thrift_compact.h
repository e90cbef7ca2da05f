// An encoder for the Thrift compact protocol, enough to serialize the Parquet footer and page
// headers: structs (and unions, which are structs with one field), i32/i64/bool/binary/double
// fields, and lists. The caller writes fields in ascending id order and closes every struct.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace ehrtok::parquet {

// Compact-protocol type ids. Field headers and list headers use the same numbers except for
// booleans: a bool field carries its value in the type (True/False), a bool list element is Bool.
enum class ThriftType : uint8_t {
  Stop = 0,
  True = 1,
  False = 2,
  Bool = 2,
  I8 = 3,
  I16 = 4,
  I32 = 5,
  I64 = 6,
  Double = 7,
  Binary = 8,
  List = 9,
  Set = 10,
  Map = 11,
  Struct = 12,
};

class ThriftWriter {
 public:
  explicit ThriftWriter(std::vector<uint8_t>& out) : out_(out) {}

  // Opens a struct: the top-level one, a list element, or the value after field_struct().
  void begin_struct();
  // Writes the stop field and returns to the enclosing struct's field numbering.
  void end_struct();

  void field_i32(int16_t id, int32_t value);
  void field_i64(int16_t id, int64_t value);
  void field_bool(int16_t id, bool value);
  void field_double(int16_t id, double value);
  void field_binary(int16_t id, std::string_view value);
  // Writes the header of a struct-valued field and opens the struct; close it with end_struct().
  void field_struct(int16_t id);
  // Writes the header of a list-valued field; the caller then writes `size` elements.
  void field_list(int16_t id, ThriftType element_type, size_t size);

  void element_i32(int32_t value);
  void element_i64(int64_t value);
  void element_binary(std::string_view value);

 private:
  void field_header(int16_t id, ThriftType type);
  void list_header(ThriftType element_type, size_t size);

  std::vector<uint8_t>& out_;
  int16_t last_id_ = 0;
  // Field ids are relative within a struct, so each open struct saves its parent's last id.
  std::vector<int16_t> saved_ids_;
};

}  // namespace ehrtok::parquet

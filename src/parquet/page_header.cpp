#include "parquet/page_header.h"

#include "parquet/thrift_compact.h"

namespace ehrtok::parquet {
namespace {

void begin_page_header(ThriftWriter& thrift, format::PageType type, PageSizes sizes) {
  thrift.begin_struct();
  thrift.field_i32(1, static_cast<int32_t>(type));
  thrift.field_i32(2, sizes.uncompressed);
  thrift.field_i32(3, sizes.compressed);
}

}  // namespace

void append_data_page_header(std::vector<uint8_t>& out, PageSizes sizes, int32_t num_values,
                             format::Encoding encoding) {
  ThriftWriter thrift(out);
  begin_page_header(thrift, format::PageType::DataPage, sizes);
  thrift.field_struct(5);
  thrift.field_i32(1, num_values);
  thrift.field_i32(2, static_cast<int32_t>(encoding));
  thrift.field_i32(3, static_cast<int32_t>(format::Encoding::Rle));
  thrift.field_i32(4, static_cast<int32_t>(format::Encoding::Rle));
  thrift.end_struct();
  thrift.end_struct();
}

void append_dictionary_page_header(std::vector<uint8_t>& out, PageSizes sizes, int32_t num_values) {
  ThriftWriter thrift(out);
  begin_page_header(thrift, format::PageType::DictionaryPage, sizes);
  thrift.field_struct(7);
  thrift.field_i32(1, num_values);
  thrift.field_i32(2, static_cast<int32_t>(format::Encoding::Plain));
  thrift.end_struct();
  thrift.end_struct();
}

}  // namespace ehrtok::parquet

#include "parquet/page_header.h"

#include "parquet/format_error.h"
#include "parquet/thrift_compact.h"
#include "parquet/thrift_compact_reader.h"

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

namespace ehrtok::parquet {

PageHeader parse_page_header(std::span<const uint8_t> bytes) {
  ThriftReader thrift(bytes);
  PageHeader header;
  bool has_type = false, has_values = false;
  auto read_values = [&](const ThriftField& outer) {
    if (outer.type != ThriftType::Struct) return thrift.skip(outer.type);
    thrift.read_struct([&](const ThriftField& f) {
      if (f.id == 1) {
        header.num_values = thrift.read_i32(f);
        has_values = true;
      } else if (f.id == 2) {
        header.encoding = static_cast<format::Encoding>(thrift.read_i32(f));
      } else if (f.id == 3 && outer.id == 5) {
        header.definition_level_encoding = static_cast<format::Encoding>(thrift.read_i32(f));
      } else {
        thrift.skip(f.type);
      }
    });
  };
  thrift.read_struct([&](const ThriftField& f) {
    switch (f.id) {
      case 1:
        header.type = static_cast<format::PageType>(thrift.read_i32(f));
        has_type = true;
        break;
      case 2:
        header.sizes.uncompressed = thrift.read_i32(f);
        break;
      case 3:
        header.sizes.compressed = thrift.read_i32(f);
        break;
      case 5:  // DataPageHeader
      case 7:  // DictionaryPageHeader
        if (header.type ==
            (f.id == 5 ? format::PageType::DataPage : format::PageType::DictionaryPage))
          read_values(f);
        else
          thrift.skip(f.type);
        break;
      default:
        thrift.skip(f.type);
    }
  });
  if (!has_type) throw FormatError("page header without page type");
  if (header.sizes.uncompressed < 0 || header.sizes.compressed < 0) {
    throw FormatError("page header with a negative page size");
  }
  const bool needs_values =
      header.type == format::PageType::DataPage || header.type == format::PageType::DictionaryPage;
  if (needs_values && (!has_values || header.num_values < 0)) {
    throw FormatError("page header without a valid value count");
  }
  header.header_bytes = thrift.position();
  return header;
}

}  // namespace ehrtok::parquet

// PageHeader (parquet.thrift) for the two page kinds this writer emits: V1 data pages and
// dictionary pages. Headers are written uncompressed in front of each page body. The reader
// parses any page header and leaves it to the caller to reject kinds it does not decode.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "parquet/parquet_format.h"

namespace ehrtok::parquet {

struct PageSizes {
  int32_t uncompressed;
  int32_t compressed;
};

// `num_values` counts NULLs too. Levels are declared RLE whether or not the page has any.
void append_data_page_header(std::vector<uint8_t>& out, PageSizes sizes, int32_t num_values,
                             format::Encoding encoding);

// Dictionary pages are always PLAIN-encoded (PLAIN_DICTIONARY is deprecated for them).
void append_dictionary_page_header(std::vector<uint8_t>& out, PageSizes sizes, int32_t num_values);

// A parsed page header. Sizes are checked non-negative; the rest is as stored.
struct PageHeader {
  format::PageType type = format::PageType::DataPage;
  PageSizes sizes{0, 0};
  int32_t num_values = 0;  // of the data page or the dictionary page header
  format::Encoding encoding = format::Encoding::Plain;
  format::Encoding definition_level_encoding = format::Encoding::Rle;
  size_t header_bytes = 0;  // the serialized header's length
};

// Parses the header at the start of `bytes`; throws FormatError when it is malformed.
PageHeader parse_page_header(std::span<const uint8_t> bytes);

}  // namespace ehrtok::parquet

// PageHeader (parquet.thrift) for the two page kinds this writer emits: V1 data pages and
// dictionary pages. Headers are written uncompressed in front of each page body.
#pragma once

#include <cstdint>
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

}  // namespace ehrtok::parquet

// OUT_DIR/rejects/<table>.csv: every row an import skipped, with file, line, reason and value.
#pragma once

#include <filesystem>

#include "mimic/raw_table.h"

namespace ehrtok {

void write_rejects_file(const std::filesystem::path& path, const mimic::RawTable& table);

}  // namespace ehrtok

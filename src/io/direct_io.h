// Transfers between memory and a file past the page cache (O_DIRECT) where the file system allows
// it: whole blocks of kDirectBlock bytes, from block-aligned memory at block-aligned offsets. On a
// virtual machine the page cache's fresh pages cost more than the disk (2 GB written buffered:
// 6.8 s of kernel CPU; with O_DIRECT next to none), so big files written once (spills, raw
// caches) go this way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ehrtok {

constexpr size_t kDirectBlock = 4096;

// Switches O_DIRECT on or off for `fd`; false where the file system refuses it.
bool set_direct_io(int fd, bool on);

// Writes (pwrite) or reads (pread) all `bytes` at `offset` of `fd`, resuming short transfers. A
// transfer that a file system refuses under O_DIRECT although it took the flag (a block larger
// than kDirectBlock, an unaligned rest after a short transfer) is done without it. Throws
// std::runtime_error naming `path`.
enum class Transfer { Write, Read };
void transfer_all(Transfer transfer, int fd, char* data, size_t bytes, uint64_t offset,
                  const std::string& path);
// Reads up to `bytes` at `offset` the same way, stopping early only at the end of the file;
// returns how many were read.
size_t read_up_to(int fd, char* data, size_t bytes, uint64_t offset, const std::string& path);

}  // namespace ehrtok

// Ctrl-C and kill: a dedicated thread waits for SIGINT/SIGTERM, removes the temporary outputs of
// the assets being written and exits with 130 (SIGINT) or 143 (SIGTERM) at once. Stopping this
// abruptly is safe because no output or record is written under its final name before it is
// complete (see AtomicOutput).
#pragma once

namespace ehrtok::cli {

// Call first in main, before any other thread starts: blocks the signals in every thread and
// starts the waiting thread.
void handle_interrupts();

}  // namespace ehrtok::cli

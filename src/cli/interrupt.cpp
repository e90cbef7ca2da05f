#include "cli/interrupt.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <thread>

#include "io/atomic_output.h"
#include "pipeline/materialization_record.h"

namespace ehrtok::cli {

void handle_interrupts() {
  static sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  // Threads inherit the mask, so only the waiting thread ever receives these signals.
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread([] {
    int signal = 0;
    sigwait(&signals, &signal);
    const int removed = remove_pending_outputs();
    record_interrupted_build();
    std::fprintf(stderr, "\nehrtok: interrupted; removed %d unfinished output%s\n", removed,
                 removed == 1 ? "" : "s");
    std::fflush(stderr);
    remove_pending_outputs();  // and what a build wrote in the meantime
    _exit(128 + signal);
  }).detach();
}

}  // namespace ehrtok::cli

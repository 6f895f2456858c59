// Temporary files that must not outlive the process, and the signal handler that removes them.
//
// The writers of this library (media's atomic file replacement, the output checks) register every
// temporary file they create. A host that installs install_signal_cleanup() then never leaves one
// behind on SIGINT, SIGTERM or SIGHUP, whatever the process was doing when the signal came.
#pragma once

#include "kizuna/error.hpp"

namespace kizuna {

// Installs handlers for SIGINT, SIGTERM and SIGHUP that remove every registered temporary file
// and end the process at once with _exit(128 + signal number) (130 for SIGINT, 143 for SIGTERM,
// 129 for SIGHUP), as a shell reports a process killed by that signal. A signal whose disposition
// is "ignore" when this is called (nohup) stays ignored. Call it from main() before starting
// work; a host with signal handling of its own calls remove_registered_temp_files() from its
// handler instead. Errors: internal, when sigaction fails. Not thread safe against concurrent
// sigaction calls of the host.
Result<void> install_signal_cleanup();

// Unlinks every registered path. Async-signal-safe (atomics and unlink only); meant for signal
// handlers. After it, the registrations are spent: their destructors do nothing.
void remove_registered_temp_files() noexcept;

// Keeps `path` registered for removal by the signal handler for as long as the object lives.
// Register BEFORE creating the file, so that no instant exists in which the file exists
// unregistered; the destructor only unregisters (it never removes the file: its owner removes or
// renames it first). At most 64 paths of up to 4095 bytes are registered at a time; beyond that,
// ok() is false and the file is not covered (the caller goes on: a signal then may leave it).
// Move-only; registering and unregistering are thread safe and lock-free.
class TempFileRegistration {
public:
    TempFileRegistration() noexcept = default;
    explicit TempFileRegistration(const char* path) noexcept;
    TempFileRegistration(TempFileRegistration&& other) noexcept : slot_(other.slot_) {
        other.slot_ = -1;
    }
    TempFileRegistration& operator=(TempFileRegistration&& other) noexcept;
    TempFileRegistration(const TempFileRegistration&) = delete;
    TempFileRegistration& operator=(const TempFileRegistration&) = delete;
    ~TempFileRegistration() { release(); }

    bool ok() const noexcept { return slot_ >= 0; }
    // Unregisters now (idempotent).
    void release() noexcept;

private:
    int slot_ = -1;
};

}  // namespace kizuna

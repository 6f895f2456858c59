// Ctrl-C, SIGTERM and SIGHUP during an export: the first stops it cleanly (the frames in
// progress are finished and the output is kept as a playable partial file or removed, as asked);
// a second one removes every registered temporary file and ends the process at once, as the
// default handler of kizuna/temp_files.hpp does.
#pragma once

#include <atomic>

namespace kizuna::cli {

class InterruptScope {
public:
    // Installs the handlers (a signal the process ignores, e.g. under nohup, stays ignored).
    InterruptScope();
    // Puts back the default handlers of install_signal_cleanup().
    ~InterruptScope();
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;

    // Set by the first signal; for ExportOptions::cancel.
    const std::atomic<bool>& flag() const noexcept;
    // The first signal's number, 0 when none came.
    int signal() const noexcept;
};

}  // namespace kizuna::cli

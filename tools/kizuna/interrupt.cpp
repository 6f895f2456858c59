#include "interrupt.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstring>

#include "kizuna/temp_files.hpp"

namespace kizuna::cli {

namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

extern "C" void on_signal(int sig) {
    if (g_stop.exchange(true)) {
        remove_registered_temp_files();
        ::_exit(128 + sig);
    }
    g_signal.store(sig);
    static const char kMessage[] =
        "\nkizuna: stopping: finishing the frames in progress (send the signal again to quit at "
        "once)\n";
    const ssize_t n = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
    (void)n;
}

}  // namespace

InterruptScope::InterruptScope() {
    g_stop.store(false);
    g_signal.store(0);
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&sa.sa_mask, sig);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction old {};
        if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        ::sigaction(sig, &sa, nullptr);
    }
}

InterruptScope::~InterruptScope() {
    (void)install_signal_cleanup();
}

const std::atomic<bool>& InterruptScope::flag() const noexcept {
    return g_stop;
}

int InterruptScope::signal() const noexcept {
    return g_signal.load();
}

}  // namespace kizuna::cli

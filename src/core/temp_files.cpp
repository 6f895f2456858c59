#include "kizuna/temp_files.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace kizuna {
namespace {

// A slot is free (0), being filled by its registering thread (1), registered (2), or being
// removed by a signal handler (3). Only the owner of a 0 -> 1 transition writes the path, and only
// the owner of a 2 -> 3 transition reads it, so the handler never reads a path being changed.
enum : int { kFree = 0, kFilling = 1, kRegistered = 2, kRemoving = 3 };

constexpr int kSlots = 64;
constexpr size_t kPathBytes = 4096;

struct Slot {
    std::atomic<int> state{kFree};
    char path[kPathBytes];
};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs lock-free atomics");

Slot g_slots[kSlots];

extern "C" void cleanup_and_exit(int sig) {
    remove_registered_temp_files();
    ::_exit(128 + sig);
}

}  // namespace

TempFileRegistration::TempFileRegistration(const char* path) noexcept {
    const size_t len = std::strlen(path);
    if (len == 0 || len >= kPathBytes) return;
    for (int i = 0; i < kSlots; ++i) {
        int expected = kFree;
        if (!g_slots[i].state.compare_exchange_strong(expected, kFilling,
                                                      std::memory_order_acquire)) {
            continue;
        }
        std::memcpy(g_slots[i].path, path, len + 1);
        g_slots[i].state.store(kRegistered, std::memory_order_release);
        slot_ = i;
        return;
    }
}

TempFileRegistration& TempFileRegistration::operator=(TempFileRegistration&& other) noexcept {
    if (this != &other) {
        release();
        slot_ = other.slot_;
        other.slot_ = -1;
    }
    return *this;
}

void TempFileRegistration::release() noexcept {
    if (slot_ < 0) return;
    int expected = kRegistered;
    // Fails only while a signal handler removes the file; the process is then ending.
    g_slots[slot_].state.compare_exchange_strong(expected, kFree, std::memory_order_acq_rel);
    slot_ = -1;
}

void remove_registered_temp_files() noexcept {
    const int saved_errno = errno;
    for (Slot& s : g_slots) {
        int expected = kRegistered;
        if (s.state.compare_exchange_strong(expected, kRemoving, std::memory_order_acquire)) {
            ::unlink(s.path);
        }
    }
    errno = saved_errno;
}

Result<void> install_signal_cleanup() {
    struct sigaction sa {};
    sa.sa_handler = cleanup_and_exit;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&sa.sa_mask, sig);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction old {};
        if (::sigaction(sig, nullptr, &old) != 0) {
            return make_error(Errc::internal, fmt::format("cannot read the handler of signal {}: "
                                                          "{}",
                                                          sig, std::strerror(errno)));
        }
        if (old.sa_handler == SIG_IGN) continue;
        if (::sigaction(sig, &sa, nullptr) != 0) {
            return make_error(Errc::internal,
                              fmt::format("cannot install a handler for signal {}: {}", sig,
                                          std::strerror(errno)));
        }
    }
    return {};
}

}  // namespace kizuna

#include "media/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include <fmt/format.h>

namespace kizuna::media {
namespace {

namespace fs = std::filesystem;

Errc errno_code(int e) {
    return (e == ENOENT || e == ENOTDIR) ? Errc::not_found : Errc::io_error;
}

Error os_error(int e, const fs::path& path, std::string_view what) {
    return make_error(errno_code(e),
                      fmt::format("{}: {}: {}", path.string(), what, std::strerror(e)));
}

// Six characters unlikely to collide between processes and threads; O_EXCL settles collisions.
std::string random_suffix() {
    static std::atomic<uint64_t> counter{0};
    thread_local std::mt19937_64 rng{std::random_device{}() ^
                                     (static_cast<uint64_t>(::getpid()) << 32)};
    static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    uint64_t v = rng() ^ counter.fetch_add(0x9e3779b97f4a7c15ULL, std::memory_order_relaxed);
    std::string s(6, 'a');
    for (char& c : s) {
        c = alphabet[v % 36];
        v /= 36;
    }
    return s;
}

// Owns an open temporary file; closes and removes it unless commit() succeeded.
class TempFile {
public:
    TempFile() = default;
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        if (fd_ >= 0) ::close(fd_);
        if (!name_.empty()) ::unlink(name_.c_str());
    }

    Result<void> create(const fs::path& dir, const fs::path& target) {
        std::string base = target.filename().string();
        base.insert(base.begin(), '.');
        base.append(".kizuna-tmp-");
        for (int attempt = 0; attempt < 100; ++attempt) {
            const fs::path candidate = dir / (base + random_suffix());
            const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
            if (fd >= 0) {
                fd_ = fd;
                name_ = candidate;
                return {};
            }
            if (errno != EEXIST) {
                const int e = errno;
                std::error_code ec;
                if ((e == ENOENT || e == ENOTDIR) && !fs::is_directory(dir, ec)) {
                    return make_error(Errc::not_found,
                                      fmt::format("{}: cannot write: folder '{}' does not exist "
                                                  "({})",
                                                  target.string(), dir.string(), std::strerror(e)));
                }
                return os_error(e, target,
                                fmt::format("cannot create a file in folder '{}'", dir.string()));
            }
        }
        return make_error(Errc::io_error, fmt::format("{}: cannot pick a temporary file name in "
                                                      "'{}'",
                                                      target.string(), dir.string()));
    }

    Result<void> write(std::span<const uint8_t> bytes, const fs::path& target) {
        size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
            if (n < 0) {
                if (errno == EINTR) continue;
                return os_error(errno, target, "cannot write");
            }
            done += static_cast<size_t>(n);
        }
        if (::fsync(fd_) != 0) return os_error(errno, target, "cannot flush to disk");
        const int fd = fd_;
        fd_ = -1;
        if (::close(fd) != 0) return os_error(errno, target, "cannot close");
        return {};
    }

    Result<void> commit(const fs::path& target) {
        if (::rename(name_.c_str(), target.c_str()) != 0) {
            const int e = errno;
            return make_error(Errc::io_error, fmt::format("{}: cannot replace: {}", target.string(),
                                                          std::strerror(e)));
        }
        name_.clear();
        return {};
    }

private:
    int fd_ = -1;
    fs::path name_;  // empty once renamed (nothing to remove)
};

}  // namespace

Result<void> write_file_atomically(const fs::path& path, std::span<const uint8_t> bytes) {
    if (!path.has_filename()) {
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: not a file name", path.string()));
    }
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    TempFile tmp;
    KZ_TRY(tmp.create(dir, path));
    KZ_TRY(tmp.write(bytes, path));
    return tmp.commit(path);
}

}  // namespace kizuna::media

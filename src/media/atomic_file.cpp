#include "media/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "core/temp_name.hpp"
#include "kizuna/output_file.hpp"
#include "kizuna/temp_files.hpp"

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

    // `existing`: the target's status when it exists; the new file then starts private (0600) and
    // takes the target's mode and ownership before any data goes in.
    Result<void> create(const fs::path& dir, const fs::path& target, const fs::path& path,
                        const std::optional<struct stat>& existing) {
        const std::string prefix =
            core::temp_name_prefix(target.filename().string(), core::name_max_of(dir.c_str()));
        for (int attempt = 0; attempt < 100; ++attempt) {
            const fs::path candidate = dir / (prefix + core::random_temp_suffix());
            // Registered before the file exists: a signal at any point cannot leave it behind.
            TempFileRegistration reg(candidate.c_str());
            const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                                  existing ? 0600 : 0666);
            if (fd >= 0) {
                fd_ = fd;
                name_ = candidate;
                reg_ = std::move(reg);
                if (existing) keep_mode_and_owner(*existing);
                return {};
            }
            if (errno != EEXIST) {
                const int e = errno;
                std::error_code ec;
                if ((e == ENOENT || e == ENOTDIR) && !fs::is_directory(dir, ec)) {
                    return make_error(Errc::not_found,
                                      fmt::format("{}: cannot write: folder '{}' does not exist "
                                                  "({})",
                                                  path.string(), dir.string(), std::strerror(e)));
                }
                return os_error(e, path,
                                fmt::format("cannot create a file in folder '{}'", dir.string()));
            }
        }
        return make_error(Errc::io_error, fmt::format("{}: cannot pick a temporary file name in "
                                                      "'{}'",
                                                      path.string(), dir.string()));
    }

    Result<void> write(std::span<const uint8_t> bytes, const fs::path& path) {
        size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
            if (n < 0) {
                if (errno == EINTR) continue;
                return os_error(errno, path, "cannot write");
            }
            done += static_cast<size_t>(n);
        }
        if (::fsync(fd_) != 0) return os_error(errno, path, "cannot flush to disk");
        const int fd = fd_;
        fd_ = -1;
        if (::close(fd) != 0) return os_error(errno, path, "cannot close");
        return {};
    }

    Result<void> commit(const fs::path& target, const fs::path& path) {
        if (::rename(name_.c_str(), target.c_str()) != 0) {
            const int e = errno;
            return make_error(Errc::io_error, fmt::format("{}: cannot replace: {}", path.string(),
                                                          std::strerror(e)));
        }
        name_.clear();
        reg_.release();
        return {};
    }

private:
    // Best effort: the owner can be given away only by root, the group only to one of ours; the
    // permission bits are ours to set.
    void keep_mode_and_owner(const struct stat& st) {
        if (::fchown(fd_, st.st_uid, st.st_gid) != 0) {
            (void)::fchown(fd_, static_cast<uid_t>(-1), st.st_gid);
        }
        (void)::fchmod(fd_, st.st_mode & 07777);
    }

    int fd_ = -1;
    fs::path name_;  // empty once renamed (nothing to remove)
    TempFileRegistration reg_;
};

}  // namespace

Result<void> write_file_atomically(const fs::path& path, std::span<const uint8_t> bytes) {
    if (!path.has_filename()) {
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: not a file name", path.string()));
    }
    auto target = resolve_output_target(path);
    if (!target) return std::move(target).error();
    std::optional<struct stat> existing;
    struct stat st {};
    if (::stat(target->c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            return make_error(Errc::io_error,
                              fmt::format("{}: cannot replace: Is a directory", path.string()));
        }
        if (!S_ISREG(st.st_mode)) {
            return make_error(Errc::invalid_argument,
                              fmt::format("{}: exists and is not a regular file; kizuna only "
                                          "replaces regular files",
                                          path.string()));
        }
        existing = st;
    }
    const fs::path dir = target->has_parent_path() ? target->parent_path() : fs::path(".");
    TempFile tmp;
    KZ_TRY(tmp.create(dir, *target, path, existing));
    KZ_TRY(tmp.write(bytes, path));
    return tmp.commit(*target, path);
}

}  // namespace kizuna::media

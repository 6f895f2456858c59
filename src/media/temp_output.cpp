#include "media/temp_output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "core/temp_name.hpp"
#include "kizuna/output_file.hpp"

namespace kizuna::media {
namespace {

namespace fs = std::filesystem;

Error os_error(int e, const fs::path& path, std::string_view what) {
    const Errc code = (e == ENOENT || e == ENOTDIR) ? Errc::not_found : Errc::io_error;
    return make_error(code, fmt::format("{}: {}: {}", path.string(), what, std::strerror(e)));
}

// Best effort: the owner can be given away only by root, the group only to one of ours; the
// permission bits are ours to set.
void keep_mode_and_owner(int fd, const struct stat& st) {
    if (::fchown(fd, st.st_uid, st.st_gid) != 0) {
        (void)::fchown(fd, static_cast<uid_t>(-1), st.st_gid);
    }
    (void)::fchmod(fd, st.st_mode & 07777);
}

}  // namespace

TempOutput::TempOutput(TempOutput&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      temp_(std::exchange(other.temp_, {})),
      target_(std::move(other.target_)),
      shown_(std::move(other.shown_)),
      reg_(std::move(other.reg_)) {}

TempOutput& TempOutput::operator=(TempOutput&& other) noexcept {
    if (this != &other) {
        discard();
        fd_ = std::exchange(other.fd_, -1);
        temp_ = std::exchange(other.temp_, {});
        target_ = std::move(other.target_);
        shown_ = std::move(other.shown_);
        reg_ = std::move(other.reg_);
    }
    return *this;
}

TempOutput::~TempOutput() {
    discard();
}

Result<TempOutput> TempOutput::create(const fs::path& path) {
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
    const std::string prefix =
        core::temp_name_prefix(target->filename().string(), core::name_max_of(dir.c_str()));
    TempOutput out;
    out.target_ = *target;
    out.shown_ = path;
    for (int attempt = 0; attempt < 100; ++attempt) {
        const fs::path candidate = dir / (prefix + core::random_temp_suffix());
        // Registered before the file exists: a signal at any point cannot leave it behind.
        TempFileRegistration reg(candidate.c_str());
        const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                              existing ? 0600 : 0666);
        if (fd >= 0) {
            out.fd_ = fd;
            out.temp_ = candidate;
            out.reg_ = std::move(reg);
            if (existing) keep_mode_and_owner(fd, *existing);
            return out;
        }
        if (errno != EEXIST) {
            const int e = errno;
            std::error_code ec;
            if ((e == ENOENT || e == ENOTDIR) && !fs::is_directory(dir, ec)) {
                return make_error(Errc::not_found,
                                  fmt::format("{}: cannot write: folder '{}' does not exist ({})",
                                              path.string(), dir.string(), std::strerror(e)));
            }
            return os_error(e, path,
                            fmt::format("cannot create a file in folder '{}'", dir.string()));
        }
    }
    return make_error(Errc::io_error, fmt::format("{}: cannot pick a temporary file name in '{}'",
                                                  path.string(), dir.string()));
}

Result<void> TempOutput::write(std::span<const uint8_t> bytes) {
    if (fd_ < 0) return make_error(Errc::internal, shown_.string() + ": write after close");
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return os_error(errno, shown_, "cannot write");
        }
        done += static_cast<size_t>(n);
    }
    return {};
}

Result<void> TempOutput::close() {
    if (fd_ < 0) return {};
    const int fd = std::exchange(fd_, -1);
    if (::fsync(fd) != 0) {
        const int e = errno;
        ::close(fd);
        return os_error(e, shown_, "cannot flush to disk");
    }
    if (::close(fd) != 0) return os_error(errno, shown_, "cannot close");
    return {};
}

Result<void> TempOutput::sync() {
    KZ_TRY(close());
    if (temp_.empty()) return {};
    const int fd = ::open(temp_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return os_error(errno, shown_, "cannot reopen to flush");
    const int rc = ::fsync(fd);
    const int e = errno;
    ::close(fd);
    if (rc != 0) return os_error(e, shown_, "cannot flush to disk");
    return {};
}

Result<void> TempOutput::commit() {
    return rename_to(target_, shown_);
}

Result<void> TempOutput::commit_as(const fs::path& destination) {
    return rename_to(destination, destination);
}

Result<void> TempOutput::rename_to(const fs::path& destination, const fs::path& shown) {
    KZ_TRY(close());
    if (temp_.empty()) return make_error(Errc::internal, shown.string() + ": nothing to commit");
    if (::rename(temp_.c_str(), destination.c_str()) != 0) {
        const int e = errno;
        return make_error(Errc::io_error,
                          fmt::format("{}: cannot replace: {}", shown.string(), std::strerror(e)));
    }
    temp_.clear();
    reg_.release();
    return {};
}

void TempOutput::discard() noexcept {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
    if (!temp_.empty()) {
        ::unlink(temp_.c_str());
        temp_.clear();
    }
    reg_.release();
}

}  // namespace kizuna::media

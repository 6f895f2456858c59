#include "kizuna/output_file.hpp"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "core/temp_name.hpp"
#include "kizuna/temp_files.hpp"

namespace kizuna {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxLinks = 40;  // as the kernel's ELOOP limit

Error bad(Errc code, const fs::path& path, std::string_view reason) {
    return make_error(code, fmt::format("{}: {}", path.string(), reason));
}

// The destination's name as given plus, when a link was followed, where it leads.
std::string describe_target(const fs::path& path, const fs::path& target) {
    if (target == path) return {};
    return fmt::format(" (a link to {})", target.string());
}

}  // namespace

Result<fs::path> resolve_output_target(const fs::path& path) {
    fs::path p = path;
    for (int i = 0; i <= kMaxLinks; ++i) {
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
        std::string buf(static_cast<size_t>(st.st_size > 0 ? st.st_size : PATH_MAX) + 1, '\0');
        const ssize_t n = ::readlink(p.c_str(), buf.data(), buf.size());
        if (n < 0) {
            return bad(
                Errc::io_error, path,
                fmt::format("cannot read the link {}: {}", p.string(), std::strerror(errno)));
        }
        buf.resize(static_cast<size_t>(n));
        const fs::path next(buf);
        p = next.is_absolute() ? next : p.parent_path() / next;
    }
    return bad(Errc::invalid_argument, path,
               fmt::format("more than {} symbolic links in a row (a loop?)", kMaxLinks));
}

Result<void> check_output_file(const fs::path& path, std::span<const fs::path> inputs) {
    if (!path.has_filename() || path.filename() == "." || path.filename() == "..") {
        return bad(Errc::invalid_argument, path, "is not a file name");
    }
    auto resolved = resolve_output_target(path);
    if (!resolved) return std::move(resolved).error();
    const fs::path& target = *resolved;
    const std::string via = describe_target(path, target);

    struct stat st {};
    const bool exists = ::stat(target.c_str(), &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        return bad(Errc::invalid_argument, path, fmt::format("is a folder{}, not a file", via));
    }
    if (exists && !S_ISREG(st.st_mode)) {
        return bad(Errc::invalid_argument, path,
                   fmt::format("exists and is not a regular file{} (a device, FIFO or socket); "
                               "kizuna only replaces regular files",
                               via));
    }

    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    struct stat dst {};
    if (::stat(dir.c_str(), &dst) != 0 || !S_ISDIR(dst.st_mode)) {
        return bad(Errc::not_found, path,
                   fmt::format("output folder {} does not exist{}", dir.string(), via));
    }
    const std::string name = target.filename().string();
    const size_t name_max = core::name_max_of(dir.c_str());
    if (name.size() > name_max) {
        return bad(Errc::invalid_argument, path,
                   fmt::format("the file name is {} bytes long, more than the {} its folder "
                               "allows",
                               name.size(), name_max));
    }
    const size_t temp_len = core::temp_name_prefix(name, name_max).size() + core::kTempRandomChars;
    if (dir.string().size() + 1 + std::max(temp_len, name.size()) >= PATH_MAX) {
        return bad(Errc::invalid_argument, path,
                   fmt::format("the path is too long (the limit is {} bytes)", PATH_MAX - 1));
    }

    // Create (and remove) a file there: permission bits alone say nothing for root, a read-only
    // mount or a pseudo file system. The name is registered before the file exists, so that a
    // signal during the check cannot leave it behind.
    for (int attempt = 0;; ++attempt) {
        const std::string probe =
            (dir / (".kizuna-write-check-" + core::random_temp_suffix())).string();
        TempFileRegistration reg(probe.c_str());
        const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            ::close(fd);
            ::unlink(probe.c_str());
            break;
        }
        const int e = errno;
        if (e == EEXIST && attempt < 100) continue;
        return bad(
            Errc::io_error, path,
            fmt::format("output folder {} is not writable ({})", dir.string(), std::strerror(e)));
    }

    if (exists) {
        for (const fs::path& input : inputs) {
            struct stat in {};
            if (::stat(input.c_str(), &in) != 0) continue;
            if (in.st_dev == st.st_dev && in.st_ino == st.st_ino) {
                const bool same_name = input == path;
                return bad(Errc::invalid_argument, path,
                           same_name ? std::string("is also the input; write the output to "
                                                   "another file")
                                     : fmt::format("is the same file as the input {}{}; write "
                                                   "the output to another file",
                                                   input.string(), via));
            }
        }
    }
    return {};
}

}  // namespace kizuna

#include "media/atomic_file.hpp"

#include "media/temp_output.hpp"

namespace kizuna::media {

Result<void> write_file_atomically(const std::filesystem::path& path,
                                   std::span<const uint8_t> bytes) {
    auto tmp = TempOutput::create(path);
    if (!tmp) return std::move(tmp).error();
    KZ_TRY(tmp->write(bytes));
    KZ_TRY(tmp->close());
    return tmp->commit();
}

}  // namespace kizuna::media

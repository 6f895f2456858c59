// libFuzzer target for still-image reading through kizuna's reader: FFmpeg's demuxers and
// decoders behind read_image, the header admission, FFmpeg's reason capture, the conversion to
// RGBA and the transparency scan.
//
// Input: the bytes of an image file. They are written to one file per process (read_image reads
// files; the name has no extension, so the format comes from the content alone). The admission
// refuses pictures over 4 Mpx, as a memory budget would, so that the fuzzer keeps its speed and
// memory; max_pixels stays FFmpeg's default so that the decoders' own size checks are reached.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "kizuna/log.hpp"
#include "kizuna/media.hpp"
#include "kizuna/text.hpp"

using namespace kizuna;

namespace {

const std::string& scratch_path() {
    static const std::string path = [] {
        const char* dir = std::getenv("TMPDIR");
        return std::string(dir && *dir ? dir : "/tmp") + "/kizuna-fuzz-image-" +
               std::to_string(::getpid());
    }();
    return path;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // FFmpeg's log goes through kizuna (captured for the error messages), then nowhere.
    set_log_level(LogLevel::off);
    route_ffmpeg_log_to_kizuna(LogLevel::debug);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    {
        std::ofstream f(scratch_path(), std::ios::binary | std::ios::trunc);
        f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    ImageReadOptions opts;
    opts.admit = [](const ImageHeader& h) -> Result<void> {
        if (h.width <= 0 || h.height <= 0) std::abort();  // a header must have a size
        if (static_cast<int64_t>(h.width) * h.height > 4'000'000) {
            return make_error(Errc::out_of_memory, "over the fuzzer's budget");
        }
        return {};
    };
    ImageReadInfo info;
    auto image = read_image(scratch_path(), opts, &info);
    if (!image) {
        // Every error is one line, and stays one line once escaped.
        const std::string& m = image.error().message;
        if (m.empty() || escape_for_terminal(m).find('\n') != std::string::npos) std::abort();
        return 0;
    }
    (void)has_transparency(image->view());
    return 0;
}

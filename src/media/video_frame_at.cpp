// read_video_frame: the picture shown at a given time, found by decoding from the start.
#include <fmt/format.h>

#include "kizuna/media.hpp"

namespace kizuna {

Result<Image> read_video_frame(const std::filesystem::path& path, double at_s,
                               VideoFrameInfo* frame) {
    if (!(at_s >= 0)) {
        return make_error(Errc::invalid_argument,
                          fmt::format("--at: {} is not a time in the video", at_s));
    }
    auto reader = VideoReader::open(path);
    if (!reader) return std::move(reader).error();
    Image current, next;
    VideoFrameInfo current_info, next_info;
    bool have = false;
    double first_s = 0;
    for (;;) {
        auto got = reader->read_frame(next, next_info);
        if (!got) return std::move(got).error();
        if (!*got) break;
        if (!have) first_s = next_info.pts_s;
        // Times count from the first picture, as players show them.
        if (have && next_info.pts_s - first_s > at_s + 1e-9) {
            if (frame) *frame = current_info;
            return current;
        }
        std::swap(current, next);
        current_info = next_info;
        have = true;
    }
    if (!have) {
        return make_error(Errc::corrupt_data,
                          fmt::format("{}: the video holds no picture", path.string()));
    }
    // The last picture is shown until its end (one frame at the stream's rate).
    const double rate = reader->info().frame_rate.to_double();
    const double end_s = current_info.pts_s - first_s + (rate > 0 ? 1.0 / rate : 0.0);
    if (at_s >= end_s + 1e-9) {
        return make_error(Errc::invalid_argument,
                          fmt::format("--at {}: {} ends at {:.3f} s", at_s, path.string(), end_s));
    }
    if (frame) *frame = current_info;
    return current;
}

}  // namespace kizuna

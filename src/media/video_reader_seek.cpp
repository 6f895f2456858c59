// VideoReader::seek: jump to the picture shown at a time, for players.
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "kizuna/media.hpp"
#include "media/av_error.hpp"
#include "media/video_reader_impl.hpp"

namespace kizuna {

Result<void> VideoReader::seek(double pts_s) {
    if (!impl_) return make_error(Errc::invalid_argument, "seek on a VideoReader that is not open");
    Impl& s = *impl_;
    auto time_base = media::seek_time_base(pts_s, s.time_base, s.path);
    if (!time_base) return std::move(time_base).error();
    const double tb = *time_base;
    const int64_t target = static_cast<int64_t>(std::floor(pts_s / tb + 1e-6));
    // The key frame at or before the target; a stream whose index cannot say (or a target before
    // the first key frame) goes back to the start.
    int err = av_seek_frame(s.input.get(), s.stream, target, AVSEEK_FLAG_BACKWARD);
    if (err < 0) err = av_seek_frame(s.input.get(), s.stream, s.start_pts, AVSEEK_FLAG_BACKWARD);
    if (err < 0) {
        err = avformat_seek_file(s.input.get(), s.stream, INT64_MIN, s.start_pts, s.start_pts, 0);
    }
    if (err < 0) return media::av_error(s.path, "cannot seek", err);
    avcodec_flush_buffers(s.decoder.get());
    av_frame_unref(s.frame.get());
    s.held.clear();
    s.draining = false;
    s.finished = false;
    s.last_pts = AV_NOPTS_VALUE;

    // Decode up to the first picture that starts after the target: the one before it is shown at
    // the target (or the first one decoded, when even that starts later).
    for (;;) {
        int64_t pts = 0;
        auto got = s.decode_next(pts);
        if (!got) return std::move(got).error();
        if (!*got) break;
        HeldFrame h{media::AvFramePtr(av_frame_alloc()), pts};
        if (!h.frame) return make_error(Errc::out_of_memory, s.path.string() + ": out of memory");
        av_frame_move_ref(h.frame.get(), s.frame.get());
        if (pts <= target || s.held.empty()) {
            const bool after = pts > target;
            s.held.clear();
            s.held.push_back(std::move(h));
            if (after) break;
            continue;
        }
        s.held.push_back(std::move(h));
        break;
    }
    if (!s.held.empty()) {
        const double rate = av_q2d(s.frame_rate);
        const double t = static_cast<double>(s.held.front().pts - s.start_pts) * tb;
        s.next_index = rate > 0 ? std::llround(t * rate) : 0;
    }
    return {};
}

}  // namespace kizuna

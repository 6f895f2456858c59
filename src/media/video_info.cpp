#include "media/video_info.hpp"

#include <cmath>

extern "C" {
#include <libavutil/pixdesc.h>
}

#include "media/frame_convert.hpp"

namespace kizuna::media {

AVRational stream_frame_rate(const AVStream& st) {
    if (st.avg_frame_rate.num > 0 && st.avg_frame_rate.den > 0) return st.avg_frame_rate;
    if (st.r_frame_rate.num > 0 && st.r_frame_rate.den > 0) return st.r_frame_rate;
    return AVRational{0, 1};
}

VideoInfo video_info_of(const AVFormatContext& fmt, const AVStream& st,
                        const AVCodecContext& decoder) {
    const AVCodecParameters& par = *st.codecpar;
    const AVRational rate = stream_frame_rate(st);
    VideoInfo info;
    info.width = par.width;
    info.height = par.height;
    info.frame_rate = {rate.num, rate.den};
    info.time_base = {st.time_base.num, st.time_base.den};
    if (st.duration != AV_NOPTS_VALUE && st.duration > 0) {
        info.duration_s = static_cast<double>(st.duration) * av_q2d(st.time_base);
    } else if (fmt.duration != AV_NOPTS_VALUE && fmt.duration > 0) {
        info.duration_s = static_cast<double>(fmt.duration) / AV_TIME_BASE;
    }
    if (st.nb_frames > 0) {
        info.frame_count = st.nb_frames;
    } else if (rate.num > 0) {
        info.frame_count = std::llround(info.duration_s * av_q2d(rate));
    }
    info.codec_name = decoder.codec ? decoder.codec->name : avcodec_get_name(par.codec_id);
    const auto pix = static_cast<AVPixelFormat>(par.format);
    const char* pix_name = av_get_pix_fmt_name(pix);
    info.pixel_format_name = pix_name ? pix_name : "unknown";
    info.bits_per_channel = pix_name ? max_component_depth(pix) : 0;
    info.color = color_info_from_av(par.color_space, par.color_range, par.color_trc,
                                    par.color_primaries, par.chroma_location, /*still=*/false);
    return info;
}

}  // namespace kizuna::media

// probe_media_libraries: libav* versions and the video encoders of this FFmpeg.
#include <fmt/format.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libswscale/swscale.h>
}

#include "kizuna/probe.hpp"

namespace kizuna {
namespace {

std::string version_string(const char* name, unsigned v) {
    return fmt::format("{} {}.{}.{}", name, AV_VERSION_MAJOR(v), AV_VERSION_MINOR(v),
                       AV_VERSION_MICRO(v));
}

}  // namespace

MediaLibraryInfo probe_media_libraries() {
    MediaLibraryInfo info;
    info.library_versions = {
        version_string("libavformat", avformat_version()),
        version_string("libavcodec", avcodec_version()),
        version_string("libavutil", avutil_version()),
        version_string("libswscale", swscale_version()),
    };
    void* it = nullptr;
    while (const AVCodec* codec = av_codec_iterate(&it)) {
        if (codec->type != AVMEDIA_TYPE_VIDEO || !av_codec_is_encoder(codec)) continue;
        info.video_encoders.push_back(
            fmt::format("{} ({})", codec->name, codec->long_name ? codec->long_name : ""));
    }
    return info;
}

}  // namespace kizuna

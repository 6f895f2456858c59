// probe_media_kind: still image or video, by the demuxer FFmpeg picks for the content.
#include <string_view>

#include <fmt/format.h>

#include "kizuna/media.hpp"
#include "media/media_input.hpp"

namespace kizuna {

Result<MediaKind> probe_media_kind(const std::filesystem::path& path) {
    auto input = media::MediaInput::open(path, media::MediaInput::Probe::name_and_content, "media");
    if (!input) return std::move(input).error();
    const AVFormatContext* fmt = input->get();
    const std::string_view name = fmt->iformat->name;
    // FFmpeg's still-image demuxers: "image2" (by name) and the "<codec>_pipe" family (by
    // content), which yield one picture.
    const bool image_demuxer =
        name == "image2" || (name.size() > 5 && name.substr(name.size() - 5) == "_pipe");
    if (image_demuxer) return MediaKind::still;
    for (unsigned i = 0; i < fmt->nb_streams; ++i) {
        if (fmt->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) return MediaKind::video;
    }
    // Some containers only list their streams after reading packets.
    if (fmt->nb_streams == 0 || (fmt->ctx_flags & AVFMTCTX_NOHEADER)) return MediaKind::video;
    return make_error(Errc::unsupported, fmt::format("{}: no video stream in this {} file",
                                                     path.string(), fmt->iformat->name));
}

}  // namespace kizuna

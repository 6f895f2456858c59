#include "media/output_color.hpp"

#include <fmt/format.h>

extern "C" {
#include <libavutil/pixdesc.h>
}

#include "media/frame_convert.hpp"

namespace kizuna::media {

namespace {

const char* name_or(const char* name, const char* fallback) {
    return name ? name : fallback;
}

bool is_yuvj(int format) {
    switch (static_cast<AVPixelFormat>(format)) {
        case AV_PIX_FMT_YUVJ420P:
        case AV_PIX_FMT_YUVJ422P:
        case AV_PIX_FMT_YUVJ444P:
        case AV_PIX_FMT_YUVJ440P:
        case AV_PIX_FMT_YUVJ411P:
            return true;
        default:
            return false;
    }
}

}  // namespace

std::string OutputColor::describe() const {
    return fmt::format(
        "{} matrix, {} range, {} primaries, {} transfer", name_or(av_color_space_name(matrix), "?"),
        name_or(av_color_range_name(range), "?"), name_or(av_color_primaries_name(primaries), "?"),
        name_or(av_color_transfer_name(transfer), "?"));
}

OutputColor export_output_color(const AVCodecParameters& src, int out_height,
                                bool chroma_subsampled) {
    OutputColor c;
    const int src_height = src.height;
    if (src.color_space == AVCOL_SPC_BT2020_NCL || src.color_space == AVCOL_SPC_BT2020_CL) {
        c.matrix = AVCOL_SPC_BT2020_NCL;
    } else if (untagged_video_matrix(out_height) == ColorMatrix::bt709) {
        c.matrix = AVCOL_SPC_BT709;
    } else if (src.color_space == AVCOL_SPC_BT470BG || src.color_space == AVCOL_SPC_SMPTE170M) {
        c.matrix = src.color_space;
    } else {
        c.matrix = AVCOL_SPC_SMPTE170M;
    }
    // Full range only for a full-range Y'CbCr source; RGB sources (always full) become limited
    // range, which every player expects of video.
    const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(src.format));
    const bool rgb = src.color_space == AVCOL_SPC_RGB ||
                     (desc && (desc->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL)));
    c.range = !rgb && (src.color_range == AVCOL_RANGE_JPEG || is_yuvj(src.format))
                  ? AVCOL_RANGE_JPEG
                  : AVCOL_RANGE_MPEG;
    const bool primaries_known = src.color_primaries != AVCOL_PRI_UNSPECIFIED &&
                                 src.color_primaries != AVCOL_PRI_RESERVED &&
                                 src.color_primaries != AVCOL_PRI_RESERVED0;
    if (primaries_known) {
        c.primaries = src.color_primaries;
    } else if (src_height > 576) {
        c.primaries = AVCOL_PRI_BT709;
    } else if (src_height > 480) {
        c.primaries = AVCOL_PRI_BT470BG;
    } else {
        c.primaries = AVCOL_PRI_SMPTE170M;
    }
    const bool transfer_known = src.color_trc != AVCOL_TRC_UNSPECIFIED &&
                                src.color_trc != AVCOL_TRC_RESERVED &&
                                src.color_trc != AVCOL_TRC_RESERVED0;
    c.transfer = transfer_known ? src.color_trc : AVCOL_TRC_BT709;
    c.chroma = chroma_subsampled ? AVCHROMA_LOC_LEFT : AVCHROMA_LOC_UNSPECIFIED;
    return c;
}

}  // namespace kizuna::media

// Decoded AVFrame -> RGBA Image, using the frame's own colour metadata.
#pragma once

#include <filesystem>

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "media/av_ptr.hpp"

namespace kizuna::media {

// The deepest component of a pixel format in bits (8 for yuv420p and pal8, 10 for yuv420p10le).
int max_component_depth(AVPixelFormat format);

// ColorInfo from FFmpeg's code points; values this enum cannot express become unspecified.
// `still`: an unspecified transfer/primaries becomes sRGB/BT.709 (the image defaults).
ColorInfo color_info_from_av(AVColorSpace matrix, AVColorRange range,
                             AVColorTransferCharacteristic trc, AVColorPrimaries primaries,
                             AVChromaLocation chroma, bool still);

// The matrix of a Y'CbCr picture that does not say: BT.709 above 576 lines, BT.601 up to 576
// (SD: 480 and 576 lines). Stage 1 (src/stages/normalize.hpp) follows the same rule, so decoding
// here or there gives the same colours.
ColorMatrix untagged_video_matrix(int height) noexcept;

// Converts frames to RGBA8 (sources of <= 8 bits per component) or RGBA32F in [0, 1] (deeper
// sources). YUV uses the frame's matrix and range; an unspecified matrix follows
// untagged_video_matrix; an unspecified range means limited (full for yuvj* formats).
// The scaler context and scratch buffer are kept and reused while the frame's size, format and
// colour metadata stay the same. Not thread safe.
class FrameConverter {
public:
    explicit FrameConverter(bool still) : still_(still) {}

    // Writes `frame` into `out`, reallocating `out` only when its size or format differs.
    // `source` names the file in errors.
    Result<void> convert(const AVFrame& frame, Image& out, const std::filesystem::path& source);

private:
    struct Key {
        int width = 0;
        int height = 0;
        int format = -1;
        int matrix = -1;
        int full_range = -1;
        int chroma = -1;
        bool operator==(const Key&) const = default;
    };

    Result<void> prepare(const Key& key, const std::filesystem::path& source);

    bool still_;
    Key key_;
    SwsContextPtr sws_;
    Image scratch_;  // RGBA64 (native endian) for deep sources; storage only, its format is unused
};

}  // namespace kizuna::media

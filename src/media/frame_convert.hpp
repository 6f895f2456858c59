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

// Converts frames to RGBA8 (sources of <= 8 bits per component) or RGBA32F in [0, 1] (deeper
// sources). YUV uses the frame's matrix and range; an unspecified matrix means BT.601 below 720
// lines and BT.709 from 720; an unspecified range means limited (full for yuvj* formats).
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

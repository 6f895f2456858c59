// The colour description an export writes: the Y'CbCr matrix and range its RGB -> Y'CbCr
// conversion uses, and the tags the encoder and container carry.
#pragma once

#include <string>

#include "media/av_ptr.hpp"

namespace kizuna::media {

struct OutputColor {
    AVColorSpace matrix = AVCOL_SPC_BT709;
    AVColorRange range = AVCOL_RANGE_MPEG;
    AVColorPrimaries primaries = AVCOL_PRI_BT709;
    AVColorTransferCharacteristic transfer = AVCOL_TRC_BT709;
    AVChromaLocation chroma = AVCHROMA_LOC_LEFT;

    // e.g. "bt709 matrix, tv range, bt709 primaries, bt709 transfer"
    std::string describe() const;
};

// The rule, from the source stream's own tags (`source`, its height `source_height`) and the
// output height:
//  - matrix: BT.2020 (ncl) when the source is BT.2020; otherwise the matrix a player assumes for
//    the output's size when a file carries no tag (untagged_video_matrix: BT.709 above 576 lines,
//    BT.601 up to 576), so that even a player that ignores tags shows the right colours; a
//    BT.601 source that stays SD keeps its own code point (bt470bg or smpte170m);
//  - range: full when the source is full-range Y'CbCr (tagged so, or a yuvj* format), else
//    limited (RGB sources too);
//  - primaries and transfer: the source's when it has them (the gamut is not converted);
//    otherwise from the source's size: BT.709 above 576 lines, BT.601-625 (bt470bg) for 481 to
//    576 lines, BT.601-525 (smpte170m) up to 480; transfer BT.709 (the same curve as BT.601's);
//  - chroma siting: left (the MPEG-2 / H.264 default) when chroma is subsampled, else
//    unspecified.
OutputColor export_output_color(const AVCodecParameters& source, int out_height,
                                bool chroma_subsampled);

}  // namespace kizuna::media

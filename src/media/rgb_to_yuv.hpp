// R'G'B' -> planar Y'CbCr by the matrix definition, computed in floating point and rounded once:
// the export's conversion wherever swscale is not exact enough (float pictures, and every output
// deeper than 8 bits: swscale's 16-bit RGB path is off by up to 2 levels of 10-bit luma).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kizuna/image.hpp"

namespace kizuna::media {

struct YuvPlanes {
    uint8_t* data[3] = {};     // Y, Cb, Cr
    ptrdiff_t stride[3] = {};  // bytes
    int bits = 8;              // 8: one byte per sample; 9..16: little-endian uint16
    int sub_x = 2, sub_y = 2;  // chroma subsampling: 4:2:0 is 2, 2; 4:2:2 2, 1; 4:4:4 1, 1
    double kr = 0.2126, kb = 0.0722;
    bool full_range = false;
};

// Converts `rgba` (RGBA8, RGBA16F or RGBA32F; values clamped to [0, 1], NaN as 0; alpha ignored)
// into `out`, which holds planes of rgba's size (chroma planes rounded up).
//  - Y' = Kr R' + Kg G' + Kb B', Cb = (B' - Y') / (2 (1 - Kb)), Cr = (R' - Y') / (2 (1 - Kr));
//  - limited range: Y = (16 + 219 Y') 2^(n-8), C = (128 + 224 C) 2^(n-8); full range:
//    Y = Y' (2^n - 1), C = C (2^n - 1) + 2^(n-1); rounded to nearest, clamped to the code range;
//  - chroma siting "left" (MPEG-2 / H.264): horizontally subsampled chroma is co-sited with the
//    even luma columns ([1 2 1] / 4 around them), vertically it sits between the two rows it
//    covers (their mean); edges are clamped.
// `scratch` holds three rows of floats per plane between calls (resized when the width changes).
void rgb_to_yuv(ConstImageView rgba, const YuvPlanes& out, std::vector<float>& scratch);

}  // namespace kizuna::media

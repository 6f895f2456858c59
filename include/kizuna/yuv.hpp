// A non-owning view of a planar Y'CbCr picture (as decoders produce it), the input of the
// preview chain's normalize stage when the source is video.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kizuna/image.hpp"

namespace kizuna {

// Chroma plane size relative to luma: 4:2:0 halves both sides, 4:2:2 halves the width only,
// 4:4:4 keeps full size. Halved sizes round up: (width + 1) / 2.
enum class ChromaSubsampling : uint8_t { s420, s422, s444 };

// Planar Y, Cb (u), Cr (v). Strides are in bytes and may exceed the row size. bit_depth 8 stores
// one uint8 per sample; bit_depth 10 stores one little-endian uint16 per sample holding a value
// in [0, 1023] (higher bits are ignored). color.matrix / range / chroma_location say how to
// decode: unspecified matrix means BT.709 for heights above 576 and BT.601 otherwise,
// unspecified range means limited, unspecified chroma location means left (MPEG-2/H.264
// default). ColorMatrix::rgb means the planes hold G, B, R (no matrix).
struct YuvView {
    const std::byte* y = nullptr;
    const std::byte* u = nullptr;
    const std::byte* v = nullptr;
    ptrdiff_t y_stride = 0;
    ptrdiff_t u_stride = 0;
    ptrdiff_t v_stride = 0;
    int width = 0;  // luma size, pixels
    int height = 0;
    int bit_depth = 8;  // 8 or 10
    ChromaSubsampling subsampling = ChromaSubsampling::s420;
    ColorInfo color;

    int chroma_width() const noexcept {
        return subsampling == ChromaSubsampling::s444 ? width : (width + 1) / 2;
    }
    int chroma_height() const noexcept {
        return subsampling == ChromaSubsampling::s420 ? (height + 1) / 2 : height;
    }
    bool empty() const noexcept { return width <= 0 || height <= 0; }
};

}  // namespace kizuna

// A planar Y'CbCr picture owned by a test (the planes behind a YuvView), for the tests of the
// Y'CbCr entries: the stages' decode, the preview chains and the public Preview API.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kizuna/image.hpp"
#include "kizuna/yuv.hpp"

namespace kizuna::test {

// Three planes and the view on them. Moving keeps the view valid (the vectors keep their
// storage); a copy would not, so pass it by reference.
struct YuvPicture {
    std::vector<std::byte> y, u, v;
    YuvView view;

    // Bytes per sample: 1 up to 8 bits, else 2 (little-endian).
    size_t sample_bytes() const { return view.bit_depth > 8 ? 2 : 1; }

    // Stores the low 8 or 16 bits of `code` (by the bit depth) as sample (x, row) of plane `p`
    // (0: Y', 1: Cb, 2: Cr); bits above the bit depth are stored as given.
    void set(int p, int x, int row, uint32_t code) {
        std::vector<std::byte>& plane = p == 0 ? y : p == 1 ? u : v;
        const ptrdiff_t stride = p == 0 ? view.y_stride : p == 1 ? view.u_stride : view.v_stride;
        std::byte* s = plane.data() + row * stride + x * static_cast<ptrdiff_t>(sample_bytes());
        s[0] = static_cast<std::byte>(code & 0xffu);
        if (sample_bytes() == 2) s[1] = static_cast<std::byte>((code >> 8) & 0xffu);
    }
};

// A w x h picture of `bits` (8 or 10) per sample with `sub` and `color`; every row is padded by
// `pad` samples. All bytes, the padding included, start as 0xa5 (a read of an unwritten sample or
// of the padding shows).
inline YuvPicture yuv_picture(int w, int h, int bits,
                              ChromaSubsampling sub = ChromaSubsampling::s420, ColorInfo color = {},
                              int pad = 0) {
    YuvPicture pic;
    YuvView& in = pic.view;
    in.width = w;
    in.height = h;
    in.bit_depth = bits;
    in.subsampling = sub;
    in.color = color;
    const auto bps = static_cast<ptrdiff_t>(pic.sample_bytes());
    const int cw = in.chroma_width(), ch = in.chroma_height();
    in.y_stride = (w + pad) * bps;
    in.u_stride = in.v_stride = (cw + pad) * bps;
    pic.y.assign(static_cast<size_t>(in.y_stride) * h, std::byte{0xa5});
    pic.u.assign(static_cast<size_t>(in.u_stride) * ch, std::byte{0xa5});
    pic.v.assign(static_cast<size_t>(in.v_stride) * ch, std::byte{0xa5});
    in.y = pic.y.data();
    in.u = pic.u.data();
    in.v = pic.v.data();
    return pic;
}

// A 4:2:0 limited-range picture whose luma code rises by one per column from 300 (10 bits) or
// its quarter (8 bits), with neutral chroma: decoded, grey (300 + x - 64) / 876 at column x,
// so a chain that keeps 10 bits follows the ramp and one that keeps 8 shows its steps.
inline YuvPicture luma_ramp(int w, int h, int bits) {
    YuvPicture pic = yuv_picture(w, h, bits);
    for (int row = 0; row < h; ++row) {
        for (int x = 0; x < w; ++x)
            pic.set(0, x, row, static_cast<uint32_t>(bits > 8 ? 300 + x : (300 + x) >> 2));
    }
    const uint32_t mid = bits > 8 ? 512 : 128;
    for (int row = 0; row < pic.view.chroma_height(); ++row) {
        for (int x = 0; x < pic.view.chroma_width(); ++x) {
            pic.set(1, x, row, mid);
            pic.set(2, x, row, mid);
        }
    }
    return pic;
}

// The largest error over R, G and B of `out`, an RGBA32F picture of the luma ramp of w x h
// upscaled to 2w x 2h, against the exact ramp: output column ox sits at input position
// (ox + 0.5) / 2 - 0.5. Rows within 4 and columns within 16 of the edges are left out.
inline float luma_ramp_error(const Image& out) {
    float worst = 0.0f;
    for (int oy = 4; oy < out.height() - 4; ++oy) {
        const float* row = out.view().row_as<const float>(oy);
        for (int ox = 16; ox < out.width() - 16; ++ox) {
            const float s = (static_cast<float>(ox) + 0.5f) * 0.5f - 0.5f;
            const float want = (300.0f + s - 64.0f) / 876.0f;
            for (int c = 0; c < 3; ++c) worst = std::max(worst, std::fabs(row[4 * ox + c] - want));
        }
    }
    return worst;
}

}  // namespace kizuna::test

#include "media/rgb8_to_yuv8.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace kizuna::media {

namespace {

// Weights of R, G, B (8-bit codes) in one output, plus its offset.
struct Row3 {
    float r, g, b, add;
};

// The code value v >= -0.5 rounded to nearest (ties up) and clamped to [0, 255].
inline uint8_t to_code(float v) {
    const int c = static_cast<int>(v + 0.5f);
    return static_cast<uint8_t>(c < 0 ? 0 : (c > 255 ? 255 : c));
}

// Y' codes of one row into `y`, and Cb, Cr (before their scale and offset) into cb, cr.
void luma_row(const uint8_t* __restrict src, int w, const Row3& ky, const Row3& kcb,
              const Row3& kcr, uint8_t* __restrict y, float* __restrict cb, float* __restrict cr) {
    for (int x = 0; x < w; ++x) {
        uint32_t px;
        std::memcpy(&px, src + 4 * static_cast<size_t>(x), 4);
        const float r = static_cast<float>(px & 0xffu);
        const float g = static_cast<float>((px >> 8) & 0xffu);
        const float b = static_cast<float>((px >> 16) & 0xffu);
        y[x] = to_code(ky.add + ky.r * r + ky.g * g + ky.b * b);
        cb[x] = kcb.r * r + kcb.g * g + kcb.b * b;
        cr[x] = kcr.r * r + kcr.g * g + kcr.b * b;
    }
}

// One chroma row from full-width rows a and b (b == a when the chroma row covers one luma row):
// vertical mean when sub_y is 2, then [1 2 1] / 4 around the even columns when sub_x is 2.
void chroma_row(const float* a, const float* b, int w, int sub_x, int sub_y, float add, float mul,
                float* __restrict mean, uint8_t* __restrict out) {
    if (sub_y == 2) {
        for (int x = 0; x < w; ++x) mean[x] = 0.5f * (a[x] + b[x]);
        a = mean;
    }
    if (sub_x == 1) {
        for (int x = 0; x < w; ++x) out[x] = to_code(add + mul * a[x]);
        return;
    }
    const int cw = (w + 1) / 2;
    const auto at = [&](int x) { return a[std::clamp(x, 0, w - 1)]; };
    out[0] = to_code(add + mul * (0.25f * at(-1) + 0.5f * a[0] + 0.25f * at(1)));
    // Inner columns: 2x - 1 and 2x + 1 inside the row.
    const int inner_end = (w - 1) / 2;  // first x whose 2x + 1 is past the row
    for (int x = 1; x < inner_end; ++x) {
        out[x] =
            to_code(add + mul * (0.25f * a[2 * x - 1] + 0.5f * a[2 * x] + 0.25f * a[2 * x + 1]));
    }
    for (int x = std::max(1, inner_end); x < cw; ++x) {
        out[x] =
            to_code(add + mul * (0.25f * at(2 * x - 1) + 0.5f * at(2 * x) + 0.25f * at(2 * x + 1)));
    }
}

}  // namespace

void rgb8_to_yuv8(ConstImageView rgba, const YuvPlanes& o, std::vector<float>& scratch) {
    const int w = rgba.width, h = rgba.height;
    const size_t n = static_cast<size_t>(w);
    scratch.resize(5 * n);
    float* cb = scratch.data();  // two rows of Cb, then two of Cr, then the vertical mean
    float* cr = cb + 2 * n;
    float* mean = cr + 2 * n;
    const double kr = o.kr, kb = o.kb, kg = 1.0 - kr - kb;
    const double y_mul = 219.0 / 255.0;
    const Row3 ky{static_cast<float>(kr * y_mul), static_cast<float>(kg * y_mul),
                  static_cast<float>(kb * y_mul), 16.0f};
    // Cb = (B' - Y') / (2 (1 - Kb)), Cr = (R' - Y') / (2 (1 - Kr)), on codes / 255.
    const double sb = 1.0 / (2.0 * (1.0 - kb) * 255.0), sr = 1.0 / (2.0 * (1.0 - kr) * 255.0);
    const Row3 kcb{static_cast<float>(-kr * sb), static_cast<float>(-kg * sb),
                   static_cast<float>((1.0 - kb) * sb), 0.0f};
    const Row3 kcr{static_cast<float>((1.0 - kr) * sr), static_cast<float>(-kg * sr),
                   static_cast<float>(-kb * sr), 0.0f};
    const float c_mul = 224.0f;
    const float c_add = 128.0f;
    for (int cy = 0; cy * o.sub_y < h; ++cy) {
        const int rows = std::min(o.sub_y, h - cy * o.sub_y);
        for (int k = 0; k < rows; ++k) {
            const int y = cy * o.sub_y + k;
            luma_row(rgba.row_as<const uint8_t>(y), w, ky, kcb, kcr, o.data[0] + y * o.stride[0],
                     cb + k * n, cr + k * n);
        }
        // An odd last row (4:2:0) has its own chroma: the second row repeats the first.
        const size_t second = rows == 2 ? n : 0;
        chroma_row(cb, cb + second, w, o.sub_x, o.sub_y, c_add, c_mul, mean,
                   o.data[1] + cy * o.stride[1]);
        chroma_row(cr, cr + second, w, o.sub_x, o.sub_y, c_add, c_mul, mean,
                   o.data[2] + cy * o.stride[2]);
    }
}

}  // namespace kizuna::media

#include "media/rgb_to_yuv.hpp"

#include <algorithm>
#include <cmath>

#include "core/half.hpp"

namespace kizuna::media {

namespace {

float clamp01(float v) {
    return v > 0.0f ? (v < 1.0f ? v : 1.0f) : 0.0f;  // NaN -> 0
}

// R', G', B' of row y as floats.
void load_row(ConstImageView img, int y, float* r, float* g, float* b) {
    const int w = img.width;
    switch (img.format) {
        case PixelFormat::rgba8: {
            const uint8_t* p = img.row_as<const uint8_t>(y);
            for (int x = 0; x < w; ++x) {
                r[x] = p[4 * x] / 255.0f;
                g[x] = p[4 * x + 1] / 255.0f;
                b[x] = p[4 * x + 2] / 255.0f;
            }
            break;
        }
        case PixelFormat::rgba16f: {
            const uint16_t* p = img.row_as<const uint16_t>(y);
            for (int x = 0; x < w; ++x) {
                r[x] = clamp01(half_to_float(p[4 * x]));
                g[x] = clamp01(half_to_float(p[4 * x + 1]));
                b[x] = clamp01(half_to_float(p[4 * x + 2]));
            }
            break;
        }
        case PixelFormat::rgba32f: {
            const float* p = img.row_as<const float>(y);
            for (int x = 0; x < w; ++x) {
                r[x] = clamp01(p[4 * x]);
                g[x] = clamp01(p[4 * x + 1]);
                b[x] = clamp01(p[4 * x + 2]);
            }
            break;
        }
    }
}

void store(uint8_t* row, int x, int bits, double code, double max) {
    const double c = std::clamp(std::nearbyint(code), 0.0, max);
    if (bits == 8) {
        row[x] = static_cast<uint8_t>(c);
    } else {
        const auto v = static_cast<uint16_t>(c);
        row[2 * x] = static_cast<uint8_t>(v & 0xff);
        row[2 * x + 1] = static_cast<uint8_t>(v >> 8);
    }
}

}  // namespace

void rgb_to_yuv(ConstImageView rgba, const YuvPlanes& o, std::vector<float>& scratch) {
    const int w = rgba.width, h = rgba.height;
    const size_t n = static_cast<size_t>(w);
    scratch.resize(7 * n);
    float* r = scratch.data();
    float* g = r + n;
    float* b = g + n;
    float* cb = b + n;  // two rows of Cb and of Cr at full width
    float* cr = cb + 2 * n;
    const double kr = o.kr, kb = o.kb, kg = 1.0 - kr - kb;
    const double scale = std::ldexp(1.0, o.bits - 8);
    const double max = std::ldexp(1.0, o.bits) - 1.0;
    const double y_mul = o.full_range ? max : 219.0 * scale;
    const double y_add = o.full_range ? 0.0 : 16.0 * scale;
    const double c_mul = o.full_range ? max : 224.0 * scale;
    const double c_add = o.full_range ? std::ldexp(1.0, o.bits - 1) : 128.0 * scale;
    const int cw = (w + o.sub_x - 1) / o.sub_x;
    for (int cy = 0; cy * o.sub_y < h; ++cy) {
        // The luma rows this chroma row covers: Y' of each, and Cb, Cr at full width.
        const int rows = std::min(o.sub_y, h - cy * o.sub_y);
        for (int k = 0; k < rows; ++k) {
            const int y = cy * o.sub_y + k;
            load_row(rgba, y, r, g, b);
            uint8_t* yrow = o.data[0] + y * o.stride[0];
            for (int x = 0; x < w; ++x) {
                const double luma = kr * r[x] + kg * g[x] + kb * b[x];
                store(yrow, x, o.bits, y_add + y_mul * luma, max);
                cb[k * n + x] = static_cast<float>((b[x] - luma) / (2.0 * (1.0 - kb)));
                cr[k * n + x] = static_cast<float>((r[x] - luma) / (2.0 * (1.0 - kr)));
            }
        }
        if (rows == 1 && o.sub_y == 2) {  // an odd last row: its own chroma
            std::copy(cb, cb + n, cb + n);
            std::copy(cr, cr + n, cr + n);
        }
        uint8_t* urow = o.data[1] + cy * o.stride[1];
        uint8_t* vrow = o.data[2] + cy * o.stride[2];
        const auto at = [&](const float* plane, int x) {
            x = std::clamp(x, 0, w - 1);
            return o.sub_y == 2 ? 0.5 * (plane[x] + plane[n + x]) : double{plane[x]};
        };
        for (int x = 0; x < cw; ++x) {
            double u, v;
            if (o.sub_x == 2) {
                const int c = 2 * x;
                u = 0.25 * at(cb, c - 1) + 0.5 * at(cb, c) + 0.25 * at(cb, c + 1);
                v = 0.25 * at(cr, c - 1) + 0.5 * at(cr, c) + 0.25 * at(cr, c + 1);
            } else {
                u = at(cb, x);
                v = at(cr, x);
            }
            store(urow, x, o.bits, c_add + c_mul * u, max);
            store(vrow, x, o.bits, c_add + c_mul * v, max);
        }
    }
}

}  // namespace kizuna::media

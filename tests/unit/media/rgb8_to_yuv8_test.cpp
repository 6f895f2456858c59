// The export's single-precision RGBA8 -> limited-range 8-bit Y'CbCr converter against the exact
// (double) definition, rgb_to_yuv: every subsampling, three matrices, odd sizes (odd last row and
// column) and random, flat and extreme pictures. It may differ by one level where the exact
// value lies within float rounding of a half level, and nowhere else.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "media/rgb8_to_yuv8.hpp"
#include "media/rgb_to_yuv.hpp"

namespace kizuna::media {
namespace {

struct Planes {
    std::vector<uint8_t> y, u, v;
    YuvPlanes view;
};

// Limited-range planes, filled with 0xAB.
Planes make_planes(int w, int h, int sub_x, int sub_y, double kr, double kb) {
    Planes p;
    const int cw = (w + sub_x - 1) / sub_x, ch = (h + sub_y - 1) / sub_y;
    p.y.assign(static_cast<size_t>(w) * h, 0xAB);
    p.u.assign(static_cast<size_t>(cw) * ch, 0xAB);
    p.v.assign(static_cast<size_t>(cw) * ch, 0xAB);
    p.view.data[0] = p.y.data();
    p.view.data[1] = p.u.data();
    p.view.data[2] = p.v.data();
    p.view.stride[0] = w;
    p.view.stride[1] = p.view.stride[2] = cw;
    p.view.bits = 8;
    p.view.sub_x = sub_x;
    p.view.sub_y = sub_y;
    p.view.kr = kr;
    p.view.kb = kb;
    p.view.full_range = false;
    return p;
}

// Returns the samples that differ; fails on a difference above one level.
int64_t compare(const std::vector<uint8_t>& got, const std::vector<uint8_t>& want,
                const std::string& what) {
    int64_t differ = 0;
    for (size_t i = 0; i < want.size(); ++i) {
        const int d = std::abs(int{got[i]} - int{want[i]});
        EXPECT_LE(d, 1) << what << " at sample " << i << ": " << int{got[i]} << " vs "
                        << int{want[i]};
        if (d > 1) return differ;
        differ += d != 0;
    }
    return differ;
}

TEST(Rgb8ToYuv8, AgreesWithTheExactDefinition) {
    struct Matrix {
        const char* name;
        double kr, kb;
    };
    const Matrix matrices[] = {
        {"bt709", 0.2126, 0.0722}, {"bt601", 0.299, 0.114}, {"bt2020", 0.2627, 0.0593}};
    const int sizes[][2] = {{1, 1}, {2, 2}, {3, 5}, {17, 9}, {64, 33}, {131, 20}};
    const int subs[][2] = {{2, 2}, {2, 1}, {1, 1}};
    std::mt19937 rng(7);
    int64_t samples = 0, differ = 0;
    std::vector<float> scratch_fast, scratch_exact;
    for (const auto& sz : sizes) {
        const int w = sz[0], h = sz[1];
        for (int fill = 0; fill < 3; ++fill) {
            Image img = std::move(*Image::create(w, h, PixelFormat::rgba8));
            for (int y = 0; y < h; ++y) {
                uint8_t* row = img.view().row_as<uint8_t>(y);
                for (int i = 0; i < 4 * w; ++i) {
                    row[i] = fill == 0   ? static_cast<uint8_t>(rng())
                             : fill == 1 ? uint8_t{200}
                                         : static_cast<uint8_t>((rng() & 1) ? 255 : 0);
                }
            }
            for (const Matrix& m : matrices) {
                for (const auto& s : subs) {
                    const std::string what = std::to_string(w) + "x" + std::to_string(h) +
                                             " fill " + std::to_string(fill) + " " + m.name +
                                             " sub " + std::to_string(s[0]) + "x" +
                                             std::to_string(s[1]);
                    Planes fast = make_planes(w, h, s[0], s[1], m.kr, m.kb);
                    Planes exact = make_planes(w, h, s[0], s[1], m.kr, m.kb);
                    rgb8_to_yuv8(img.view(), fast.view, scratch_fast);
                    rgb_to_yuv(img.view(), exact.view, scratch_exact);
                    differ += compare(fast.y, exact.y, what + " Y");
                    differ += compare(fast.u, exact.u, what + " Cb");
                    differ += compare(fast.v, exact.v, what + " Cr");
                    samples += static_cast<int64_t>(fast.y.size() + 2 * fast.u.size());
                }
            }
        }
    }
    // Half-level ties within float rounding are rare: at most 1 sample in 2000.
    EXPECT_LE(differ * 2000, samples) << differ << " of " << samples << " samples differ";
    std::printf("rgb8_to_yuv8: %lld of %lld samples one level off the exact value\n",
                static_cast<long long>(differ), static_cast<long long>(samples));
}

}  // namespace
}  // namespace kizuna::media

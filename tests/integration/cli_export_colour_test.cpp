// Colour through the export: 10-bit sources keep their precision, and solid patches of known
// Y'CbCr codes come out within one level, converted with the matrix the output is tagged with.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <set>

#include "cli_runner.hpp"
#include "export_fixtures.hpp"

namespace kizuna::test {
namespace {

// Profile settings under which the chain leaves a flat colour patch unchanged.
const char* kIdentity =
    " --profile performance --set stages.enhance.enabled=false --progress none"
    " --set output.video_codec=ffv1";

TEST(ExportColour, TenBitInTenBitOutWithoutBanding) {
    TempDir dir;
    // A horizontal luma ramp of 256 consecutive 10-bit codes (256..511): 8 bits anywhere in the
    // chain would leave at most about 64 distinct levels.
    const int w = 256, h = 16;
    std::string frame;
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const int v = 256 + x;
            frame += static_cast<char>(v & 0xff);
            frame += static_cast<char>(v >> 8);
        }
    }
    for (int i = 0; i < 2 * (w / 2) * (h / 2); ++i) frame += std::string("\x00\x02", 2);  // 512
    std::string raw;
    for (int f = 0; f < 4; ++f) raw += frame;
    write_file(dir / "ramp.yuv", raw);
    const std::string in = dir / "ramp.mkv";
    ASSERT_TRUE(ffmpeg_ok("-f rawvideo -pix_fmt yuv420p10le -s 256x16 -r 24 -i '" +
                          (dir / "ramp.yuv") + "' -c:v ffv1 -pix_fmt yuv420p10le '" + in + "'"));
    const std::string out = dir / "out.mkv";
    auto r = run_cli("-q upscale '" + in + "' -o '" + out + "'" + kIdentity +
                     " --set output.pixel_format=yuv420p10le");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(stream_field(out, "v:0", "pix_fmt"), "yuv420p10le");
    const std::string pixels = decode_first_frame(out, "yuv420p10le", dir / "out.yuv");
    ASSERT_EQ(pixels.size(), 512u * 32 * 2 * 3 / 2);
    std::set<int> levels;
    const int row = 16;
    for (int x = 0; x < 512; ++x) {
        const auto lo = static_cast<uint8_t>(pixels[2 * (row * 512 + x)]);
        const auto hi = static_cast<uint8_t>(pixels[2 * (row * 512 + x) + 1]);
        levels.insert(lo | (hi << 8));
    }
    EXPECT_GT(levels.size(), 200u) << "distinct 10-bit luma levels in one row of the ramp";
    EXPECT_GE(*levels.begin(), 255);
    EXPECT_LE(*levels.rbegin(), 512);

    // The same source into 8-bit output: a notice says the bits are dropped.
    r = run_cli("upscale '" + in + "' -o '" + (dir / "eight.mkv") + "'" + kIdentity);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("10-bit video is encoded as 8-bit yuv420p"), std::string::npos) << r.err;
}

// Kr, Kb of a matrix.
struct Matrix {
    double kr, kb;
};
constexpr Matrix kBt601{0.299, 0.114};
constexpr Matrix kBt709{0.2126, 0.0722};

// Limited-range 8-bit Y'CbCr -> R'G'B' in [0, 1] -> Y'CbCr with another matrix.
std::array<double, 3> convert(std::array<int, 3> ycc, Matrix from, Matrix to) {
    const double y = (ycc[0] - 16) / 219.0, cb = (ycc[1] - 128) / 224.0,
                 cr = (ycc[2] - 128) / 224.0;
    const double kg = 1 - from.kr - from.kb;
    const double r = y + 2 * (1 - from.kr) * cr;
    const double b = y + 2 * (1 - from.kb) * cb;
    const double g = (y - from.kr * r - from.kb * b) / kg;
    const double y2 = to.kr * r + (1 - to.kr - to.kb) * g + to.kb * b;
    return {16 + 219 * y2, 128 + 224 * (b - y2) / (2 * (1 - to.kb)),
            128 + 224 * (r - y2) / (2 * (1 - to.kr))};
}

// Four vertical bands of solid colours, as R'G'B' well inside the cube, so that they stay
// inside it whichever matrix codes them.
constexpr std::array<std::array<double, 3>, 4> kPatches{{
    {0.80, 0.20, 0.15},
    {0.20, 0.70, 0.25},
    {0.15, 0.25, 0.85},
    {0.60, 0.60, 0.60},
}};

// R'G'B' -> limited-range 8-bit Y'CbCr codes with matrix m, rounded.
std::array<int, 3> codes(const std::array<double, 3>& rgb, Matrix m) {
    const double y = m.kr * rgb[0] + (1 - m.kr - m.kb) * rgb[1] + m.kb * rgb[2];
    const double cb = (rgb[2] - y) / (2 * (1 - m.kb));
    const double cr = (rgb[0] - y) / (2 * (1 - m.kr));
    return {static_cast<int>(std::lround(16 + 219 * y)),
            static_cast<int>(std::lround(128 + 224 * cb)),
            static_cast<int>(std::lround(128 + 224 * cr))};
}

struct ColourCase {
    const char* name;
    int w, h;
    const char* tags;           // ffmpeg options tagging the source, or "" for none
    const char* scale;          // --scale of the export
    Matrix in, out;             // the matrix the source means, the one the output must use
    const char* out_matrix;     // ffprobe's color_space of the output
    const char* out_primaries;  // and its color_primaries (the source's, or the size rule's)
};

class ExportColourPatches : public ::testing::TestWithParam<ColourCase> {};

TEST_P(ExportColourPatches, PatchesLandWithinOneLevelAndTheTagsAreRight) {
    const ColourCase& c = GetParam();
    TempDir dir;
    const auto band = [&](int x, int width) { return std::min(3, x * 4 / width); };
    std::array<std::array<int, 3>, 4> in_codes{};
    for (int p = 0; p < 4; ++p) in_codes[p] = codes(kPatches[p], c.in);
    const std::string raw = raw_yuv420(
        c.w, c.h, 3, [&](int x, int) { return in_codes[band(x, c.w)][0]; },
        [&](int x, int) { return in_codes[band(x, c.w / 2)][1]; },
        [&](int x, int) { return in_codes[band(x, c.w / 2)][2]; });
    write_file(dir / "in.yuv", raw);
    const std::string in = dir / "in.mkv";
    ASSERT_TRUE(ffmpeg_ok("-f rawvideo -pix_fmt yuv420p -s " + std::to_string(c.w) + "x" +
                          std::to_string(c.h) + " -r 24 -i '" + (dir / "in.yuv") + "' -c:v ffv1 " +
                          c.tags + " '" + in + "'"));
    const std::string out = dir / "out.mkv";
    auto r = run_cli("-q upscale '" + in + "' -o '" + out + "' --scale " + c.scale + kIdentity);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(stream_field(out, "v:0", "color_space"), c.out_matrix);
    EXPECT_EQ(stream_field(out, "v:0", "color_range"), "tv");
    EXPECT_EQ(stream_field(out, "v:0", "color_primaries"), c.out_primaries);
    const int ow = std::stoi(stream_field(out, "v:0", "width"));
    const int oh = std::stoi(stream_field(out, "v:0", "height"));
    const std::string px = decode_first_frame(out, "yuv420p", dir / "out.yuv");
    ASSERT_EQ(px.size(), static_cast<size_t>(ow * oh * 3 / 2));
    const auto at = [&](int plane, int x, int y) {
        const size_t luma = static_cast<size_t>(ow) * oh;
        const size_t chroma = luma / 4;
        const size_t base = plane == 0 ? 0 : plane == 1 ? luma : luma + chroma;
        const int stride = plane == 0 ? ow : ow / 2;
        return static_cast<int>(static_cast<uint8_t>(px[base + y * stride + x]));
    };
    for (int p = 0; p < 4; ++p) {
        const std::array<double, 3> want = convert(in_codes[p], c.in, c.out);
        const int cx = (2 * p + 1) * ow / 8;  // the middle of band p
        const int cy = oh / 2;
        EXPECT_NEAR(at(0, cx, cy), want[0], 1.0) << c.name << " patch " << p << " Y";
        EXPECT_NEAR(at(1, cx / 2, cy / 2), want[1], 1.0) << c.name << " patch " << p << " Cb";
        EXPECT_NEAR(at(2, cx / 2, cy / 2), want[2], 1.0) << c.name << " patch " << p << " Cr";
    }
}

INSTANTIATE_TEST_SUITE_P(
    Sources, ExportColourPatches,
    ::testing::Values(
        // SD, tagged BT.601, stays SD: the same matrix and its tags.
        ColourCase{"bt601_sd", 160, 120,
                   "-colorspace smpte170m -color_primaries smpte170m -color_trc smpte170m "
                   "-color_range tv",
                   "2", kBt601, kBt601, "smpte170m", "smpte170m"},
        // HD, tagged BT.709.
        ColourCase{"bt709_hd", 1280, 720,
                   "-colorspace bt709 -color_primaries bt709 -color_trc bt709 -color_range tv", "1",
                   kBt709, kBt709, "bt709", "bt709"},
        // Untagged: BT.709 above 576 lines and BT.601 up to 576, for reading and writing alike.
        ColourCase{"untagged_hd", 1280, 720, "", "1", kBt709, kBt709, "bt709", "bt709"},
        ColourCase{"untagged_sd", 160, 120, "", "2", kBt601, kBt601, "smpte170m", "smpte170m"},
        // SD BT.601 upscaled past 576 lines: converted to BT.709, and tagged so.
        ColourCase{"bt601_to_hd", 240, 200,
                   "-colorspace smpte170m -color_primaries smpte170m -color_trc smpte170m "
                   "-color_range tv",
                   "3", kBt601, kBt709, "bt709", "smpte170m"}),
    [](const ::testing::TestParamInfo<ColourCase>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace kizuna::test

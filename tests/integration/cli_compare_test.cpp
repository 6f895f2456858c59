// `kizuna compare` end to end: the two halves are the shader-only and the AI chain's outputs
// byte for byte below their label bands, --crop zooms the matching region, --at picks a video's
// frame, a model that cannot run is labelled (or an error with --require-ai), and bad options
// get one line. The bitmap font the labels use is checked on its own at the end.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "cli_runner.hpp"
#include "kizuna/media.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/upscaler.hpp"

// The CLI's sources form no library, so the font is compiled into this test program.
#include "../../tools/kizuna/bitmap_font.cpp"  // NOLINT(bugprone-suspicious-include)

namespace kizuna::test {
namespace {

namespace fs = std::filesystem;

constexpr int kSeparator = 2;  // the CLI's separator between the halves, in pixels

Image load(const std::string& path) {
    auto img = read_image(path);
    EXPECT_TRUE(img.ok()) << (img ? "" : img.error().message);
    if (!img) return {};
    EXPECT_EQ(img->format(), PixelFormat::rgba8);
    return std::move(*img);
}

const uint8_t* pixel(const Image& img, int x, int y) {
    return reinterpret_cast<const uint8_t*>(img.data() + y * img.stride()) + x * 4;
}

// The profile's AI chain on `path`, as the CLI's right half should show it.
Image ai_reference(const std::string& path, const std::string& profile_name) {
    auto in = read_image(path);
    EXPECT_TRUE(in.ok());
    auto profile = builtin_profile(profile_name);
    EXPECT_TRUE(profile.ok());
    UpscalerOptions opts;
    opts.require_ai = true;
    auto up = Upscaler::create(*profile, opts);
    EXPECT_TRUE(up.ok()) << (up ? "" : up.error().message);
    if (!in || !up) return {};
    int w = 0, h = 0;
    up->output_size(in->width(), in->height(), w, h);
    auto out = Image::create(w, h, PixelFormat::rgba8);
    UpscaleReport report;
    auto r = up->process(in->view(), *out, {}, &report);
    EXPECT_TRUE(r.ok()) << (r ? "" : r.error().message);
    EXPECT_TRUE(report.ai_used) << report.ai_note;
    return std::move(*out);
}

// Compares the half of `cmp` that starts at column x0 with `ref`, where the half's pixel (x, y)
// should be ref's (rx + x / zoom, ry + y / zoom). Every row below the label band must match; the
// band (rows at the top that differ) must exist, cover at most half the height, and hold text:
// white pixels and dark ones. Returns the band's height.
int expect_half_equals(const Image& cmp, int x0, int width, const Image& ref, int rx, int ry,
                       int zoom, const std::string& what) {
    const int height = cmp.height();
    int band = 0;
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            if (std::memcmp(pixel(cmp, x0 + x, y), pixel(ref, rx + x / zoom, ry + y / zoom), 4) !=
                0) {
                band = y + 1;
                break;
            }
        }
    }
    EXPECT_GT(band, 0) << what << ": no label band (the half equals the reference everywhere)";
    EXPECT_LE(band, height / 2) << what << ": pixels differ from the reference down to row "
                                << band - 1 << " of " << height;
    int white = 0, dark = 0;
    for (int y = 0; y < band; ++y) {
        for (int x = 0; x < width; ++x) {
            const uint8_t* p = pixel(cmp, x0 + x, y);
            if (p[0] == 255 && p[1] == 255 && p[2] == 255) ++white;
            if (p[0] < 110 && p[1] < 110 && p[2] < 110) ++dark;
        }
    }
    EXPECT_GT(white, 20) << what << ": no text in the label band";
    EXPECT_GT(dark, white) << what << ": the label band is not dark";
    return band;
}

// Pixels below `band` where the two halves differ.
int differing_pixels(const Image& cmp, int width, int band) {
    int n = 0;
    for (int y = band; y < cmp.height(); ++y) {
        for (int x = 0; x < width; ++x) {
            n += std::memcmp(pixel(cmp, x, y), pixel(cmp, width + kSeparator + x, y), 4) != 0;
        }
    }
    return n;
}

class Compare : public StillInputTest {
protected:
    Compare() : StillInputTest("64x48") {}
    // The shader-only chain of the profile, through `kizuna upscale`.
    Image shader_reference(const std::string& args) {
        const std::string ref = dir_ / "shader-ref.png";
        auto r = run_cli("-q upscale " + args + " -o '" + ref + "' --set ai.enabled=false");
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return load(ref);
    }
};

TEST_F(Compare, HalvesAreTheShaderOnlyAndTheAiOutputs) {
    const std::string out = dir_ / "cmp.png";
    auto r = run_cli("compare '" + input_ + "' -o '" + out + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("AI unavailable"), std::string::npos) << r.err;
    const Image cmp = load(out);
    ASSERT_EQ(cmp.width(), 2 * 128 + kSeparator);
    ASSERT_EQ(cmp.height(), 96);

    const Image shader = shader_reference("'" + input_ + "' -p balanced");
    ASSERT_EQ(shader.width(), 128);
    const int band = expect_half_equals(cmp, 0, 128, shader, 0, 0, 1, "shader-only half");
    const Image ai = ai_reference(input_, "balanced");
    ASSERT_EQ(ai.width(), 128);
    expect_half_equals(cmp, 128 + kSeparator, 128, ai, 0, 0, 1, "AI half");
    EXPECT_GT(differing_pixels(cmp, 128, band), 128 * 10) << "the AI half looks shader-only";
    for (int y = 0; y < cmp.height(); ++y) {
        for (int x = 128; x < 128 + kSeparator; ++x) {
            const uint8_t* p = pixel(cmp, x, y);
            EXPECT_TRUE(p[0] == p[1] && p[1] == p[2] && p[3] == 255)
                << "separator at " << x << "," << y;
        }
    }
}

TEST_F(Compare, ScaleOptionAndSetApplyToBothHalves) {
    const std::string out = dir_ / "cmp.png";
    const std::string args = "'" + input_ + "' --scale 3 --set stages.enhance.saturation=1.5";
    auto r = run_cli("-q compare " + args + " -o '" + out + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Image cmp = load(out);
    ASSERT_EQ(cmp.width(), 2 * 192 + kSeparator);
    ASSERT_EQ(cmp.height(), 144);
    const Image shader = shader_reference(args + " -p balanced");
    expect_half_equals(cmp, 0, 192, shader, 0, 0, 1, "shader-only half at x3");
}

TEST_F(Compare, CropShowsTheMatchingOutputRegionZoomed) {
    const std::string out = dir_ / "crop.png";
    // Input region 8..24 x 8..20 is output region 16..48 x 16..40 (32x24): zoomed x16 to 512 wide.
    auto r = run_cli("-q compare '" + input_ + "' --crop 8,8,16,12 -o '" + out + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Image cmp = load(out);
    ASSERT_EQ(cmp.width(), 2 * 512 + kSeparator);
    ASSERT_EQ(cmp.height(), 24 * 16);
    const Image shader = shader_reference("'" + input_ + "' -p balanced");
    expect_half_equals(cmp, 0, 512, shader, 16, 16, 16, "cropped shader-only half");
    const Image ai = ai_reference(input_, "balanced");
    expect_half_equals(cmp, 512 + kSeparator, 512, ai, 16, 16, 16, "cropped AI half");
}

TEST_F(Compare, BadCropIsOneLineAndWritesNothing) {
    const std::string out = dir_ / "o.png";
    const auto run = [&](const std::string& crop) {
        return run_cli("compare '" + input_ + "' -o '" + out + "' --crop '" + crop + "'");
    };
    expect_one_line_error(run("60,40,10,10"), "reaches past the 64x48 picture");
    expect_one_line_error(run("0,0,0,10"), "--crop width");
    expect_one_line_error(run("0,0,10,0"), "--crop height");
    expect_one_line_error(run("left,top,10,10"), "--crop X");
    expect_one_line_error(run("1,2,3"), "is not X,Y,WIDTH,HEIGHT");
    expect_one_line_error(run("garbage"), "is not X,Y,WIDTH,HEIGHT");
    EXPECT_FALSE(fs::exists(out));
}

TEST_F(Compare, VideoNeedsAtAndAtPicksTheFrame) {
    const std::string clip = dir_ / "clip.mkv";
    ASSERT_EQ(shell("ffmpeg -v error -f lavfi -i testsrc2=size=64x48:rate=10 -t 1 -c:v ffv1 -y '" +
                    clip + "'"),
              0);
    const std::string out = dir_ / "v.png";
    auto r = run_cli("compare '" + clip + "' -o '" + out + "'");
    expect_one_line_error(r, "pass --at");
    EXPECT_FALSE(fs::exists(out));

    r = run_cli("-q compare '" + clip + "' --at 0:00.5 -o '" + out + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Image cmp = load(out);
    ASSERT_EQ(cmp.width(), 2 * 128 + kSeparator);
    // `kizuna upscale VIDEO --at` runs the shader-only chain on the same frame.
    const Image shader = shader_reference("'" + clip + "' --at 0.5 -p balanced");
    expect_half_equals(cmp, 0, 128, shader, 0, 0, 1, "shader-only half of the video frame");

    expect_one_line_error(run_cli("compare '" + input_ + "' --at 1 -o '" + out + "'"),
                          "still image");
}

TEST_F(Compare, BrokenModelIsLabelledUnavailableOrAnErrorWithRequireAi) {
    const std::string param = dir_ / "broken.param";
    std::ofstream(param) << "7767517\n2 2\nInput in 0 1 data\nNoSuchLayer x 1 1 data out\n";
    std::ofstream(dir_ / "broken.bin") << "";
    const std::string out = dir_ / "cmp.png";
    auto r = run_cli("compare '" + input_ + "' --model '" + param + "' -o '" + out + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("AI unavailable"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("broken.param"), std::string::npos) << r.err;
    const Image cmp = load(out);
    ASSERT_EQ(cmp.width(), 2 * 128 + kSeparator);
    // Both halves hold the shader-only picture; only the labels differ.
    const Image shader = shader_reference("'" + input_ + "' -p balanced");
    expect_half_equals(cmp, 0, 128, shader, 0, 0, 1, "shader-only half");
    expect_half_equals(cmp, 128 + kSeparator, 128, shader, 0, 0, 1, "unavailable AI half");

    fs::remove(out);
    r = run_cli("compare '" + input_ + "' --model '" + param + "' --require-ai -o '" + out + "'");
    expect_one_line_error(r, "broken.param");
    EXPECT_FALSE(fs::exists(out));
}

TEST_F(Compare, ProfileWithoutAiIsLabelledAndRequireAiRefusesIt) {
    const std::string out = dir_ / "cmp.png";
    auto r =
        run_cli("compare '" + input_ + "' -p balanced --set ai.enabled=false -o '" + out + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("AI unavailable"), std::string::npos) << r.err;
    r = run_cli("compare '" + input_ + "' --set ai.enabled=false --require-ai -o '" + out +
                "x.png'");
    expect_one_line_error(r, "--require-ai");
    EXPECT_FALSE(fs::exists(out + "x.png"));
}

TEST_F(Compare, ModelOptionTurnsTheAiOnWithThatModel) {
    const std::string out = dir_ / "cmp.png";
    auto r = run_cli("compare '" + input_ +
                     "' -p performance --model realesr-animevideov3-x3 "
                     "--require-ai -o '" +
                     out + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("realesr-animevideov3-x3"), std::string::npos) << r.err;
    const Image cmp = load(out);
    EXPECT_EQ(cmp.width(), 2 * 128 + kSeparator);  // performance: output x2
}

TEST_F(Compare, RefusesToOverwriteTheInput) {
    const std::string before = read_file(input_);
    expect_one_line_error(run_cli("compare '" + input_ + "' -o '" + input_ + "'"), "in.png");
    EXPECT_EQ(read_file(input_), before);
}

// The font on its own.

TEST(BitmapFont, EveryPrintableGlyphIsDistinctAndOnlySpaceIsBlank) {
    std::set<std::vector<uint8_t>> seen;
    for (int c = 32; c <= 126; ++c) {
        const auto rows = cli::glyph_rows(static_cast<char>(c));
        std::vector<uint8_t> bits(rows.begin(), rows.end());
        bool any = false;
        for (uint8_t b : bits) {
            EXPECT_EQ(b & ~0x1F, 0) << "glyph " << c << " is wider than 5 columns";
            any |= b != 0;
        }
        EXPECT_EQ(any, c != ' ') << "glyph " << c;
        EXPECT_TRUE(seen.insert(bits).second) << "glyph " << c << " repeats an earlier one";
    }
    const auto q = cli::glyph_rows('?');
    for (char c : {'\n', '\x7f', '\xe9'}) {
        const auto g = cli::glyph_rows(c);
        EXPECT_TRUE(std::equal(g.begin(), g.end(), q.begin())) << "non-printable drawn as '?'";
    }
}

TEST(BitmapFont, WidthsAndWrapping) {
    EXPECT_EQ(cli::text_width("", 2), 0);
    EXPECT_EQ(cli::text_width("A", 1), 5);
    EXPECT_EQ(cli::text_width("AB", 2), 22);
    // 29 pixels hold (29 + 1) / 6 = 5 characters.
    EXPECT_EQ(cli::wrap_text("ab cd efg", 29, 1), (std::vector<std::string>{"ab cd", "efg"}));
    EXPECT_EQ(cli::wrap_text("ab abcdefghijkl", 29, 1),
              (std::vector<std::string>{"ab ab", "cdefg", "hijkl"}));
    EXPECT_EQ(cli::wrap_text("abcdef", 58, 2), (std::vector<std::string>{"abcde", "f"}));
    EXPECT_EQ(cli::wrap_text("", 29, 1), (std::vector<std::string>{""}));
    EXPECT_EQ(cli::wrap_text("  a  ", 1, 1), (std::vector<std::string>{"a"}));
    for (const auto& line : cli::wrap_text("the quick brown fox jumps over the lazy dog", 40, 1)) {
        EXPECT_LE(cli::text_width(line, 1), 40) << line;
    }
}

TEST(BitmapFont, DrawTextPaintsTheGlyphScaledAndClipped) {
    auto img = Image::create(13, 20, PixelFormat::rgba8);
    ASSERT_TRUE(img.ok());
    std::memset(img->data(), 0, static_cast<size_t>(img->stride()) * img->height());
    // 'T' at scale 2 from (1, 1): its top bar covers x 1..10 on rows 1-2; its stem x 5..6 down
    // to row 14; nothing else.
    cli::draw_text(img->view(), 1, 1, "T", 2, {255, 255, 255, 255});
    const auto rows = cli::glyph_rows('T');
    for (int y = 0; y < 20; ++y) {
        for (int x = 0; x < 13; ++x) {
            const int fx = (x - 1) / 2, fy = (y - 1) / 2;
            const bool on = x >= 1 && y >= 1 && fx < 5 && fy < 9 && ((rows[fy] >> (4 - fx)) & 1);
            EXPECT_EQ(pixel(*img, x, y)[0], on ? 255 : 0) << x << "," << y;
            EXPECT_EQ(pixel(*img, x, y)[3], on ? 255 : 0) << x << "," << y;
        }
    }
    // Half off every edge: clipped, no write outside the image (ASan would see it).
    cli::draw_text(img->view(), -7, -9, "W@", 3, {10, 20, 30, 255});
    cli::draw_text(img->view(), 8, 15, "W@", 3, {10, 20, 30, 255});
    // Translucent colour composites over the picture.
    cli::fill_rect(img->view(), 0, 19, 13, 1, {0, 0, 0, 255});
    cli::fill_rect(img->view(), 0, 19, 1, 1, {200, 100, 0, 128});
    EXPECT_EQ(pixel(*img, 0, 19)[0], 100);
    EXPECT_EQ(pixel(*img, 0, 19)[1], 50);
    EXPECT_EQ(pixel(*img, 0, 19)[3], 255);
    // Other formats are left alone.
    auto f = Image::create(4, 4, PixelFormat::rgba32f);
    ASSERT_TRUE(f.ok());
    std::memset(f->data(), 0, static_cast<size_t>(f->stride()) * 4);
    cli::draw_text(f->view(), 0, 0, "#", 1, {255, 255, 255, 255});
    for (int i = 0; i < 4 * 4 * 4; ++i) EXPECT_EQ(reinterpret_cast<const float*>(f->data())[i], 0);
}

}  // namespace
}  // namespace kizuna::test

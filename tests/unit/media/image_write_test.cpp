// write_image round trips, checked with our reader and with the ffmpeg tool's decode.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "kizuna/media.hpp"
#include "media_test_support.hpp"

namespace kizuna::test {
namespace {

std::vector<uint8_t> packed_rgba8(ConstImageView v) {
    std::vector<uint8_t> out;
    for (int y = 0; y < v.height; ++y) {
        const auto* p = v.row_as<const uint8_t>(y);
        out.insert(out.end(), p, p + v.width * 4);
    }
    return out;
}

bool leftover_temp_files(const fs::path& dir) {
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().filename().string().find(".kizuna-tmp-") != std::string::npos) return true;
    }
    return false;
}

// Writes `src` to `file` with `options` (the write must succeed) and reads the file back.
Result<Image> write_and_read(const fs::path& file, ConstImageView src,
                             const ImageWriteOptions& options = {}) {
    auto w = write_image(file, src, options);
    EXPECT_TRUE(w.ok()) << file << ": " << w.error().message;
    return read_image(file);
}

TEST(WriteImage, Png8RoundTripIsExactWithAlpha) {
    TempDir dir;
    Image src = random_rgba8(67, 43, 7, /*alpha=*/true);
    const fs::path file = dir / "rt.png";
    auto w = write_image(file, src.view());
    ASSERT_TRUE(w.ok()) << w.error().message;
    auto back = read_image(file);
    ASSERT_TRUE(back.ok()) << back.error().message;
    ASSERT_EQ(back->format(), PixelFormat::rgba8);
    EXPECT_TRUE(equals_raw_rgba8(back->view(), packed_rgba8(src.view()))) << "seed 7";
    // ffmpeg decodes the same pixels: the file is a standard PNG.
    EXPECT_TRUE(equals_raw_rgba8(src.view(), ffmpeg_decode_raw(file, "rgba", dir / "ff.rgba")));
    EXPECT_FALSE(leftover_temp_files(dir.path()));
}

TEST(WriteImage, OpaqueImageStaysOpaque) {
    TempDir dir;
    Image src = random_rgba8(33, 17, 8, /*alpha=*/false);
    auto back = write_and_read(dir / "o.png", src.view());
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_TRUE(equals_raw_rgba8(back->view(), packed_rgba8(src.view())));
}

// Random 16-bit values (as k / 65535 floats) survive PNG and TIFF at 16 bits exactly.
TEST(WriteImage, SixteenBitRoundTripIsExact) {
    for (const char* name : {"deep.png", "deep.tiff"}) {
        TempDir dir;
        const int w = 67, h = 43;
        Image src = std::move(*Image::create(w, h, PixelFormat::rgba32f));
        std::mt19937 rng(99);
        for (int y = 0; y < h; ++y) {
            float* p = src.view().row_as<float>(y);
            for (int i = 0; i < w * 4; ++i) p[i] = static_cast<float>(rng() % 65536) / 65535.0f;
        }
        auto back = write_and_read(dir / name, src.view(), ImageWriteOptions{.bit_depth = 16});
        ASSERT_TRUE(back.ok()) << back.error().message;
        ASSERT_EQ(back->format(), PixelFormat::rgba32f) << name;
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                for (int c = 0; c < 4; ++c) {
                    ASSERT_EQ(std::lrint(channel(back->view(), x, y, c) * 65535),
                              std::lrint(channel(src.view(), x, y, c) * 65535))
                        << name << " pixel " << x << "," << y << " channel " << c << " seed 99";
                }
            }
        }
    }
}

TEST(WriteImage, Tiff8RoundTripIsExact) {
    TempDir dir;
    Image src = random_rgba8(67, 43, 11, /*alpha=*/true);
    auto back = write_and_read(dir / "a.tif", src.view());
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_TRUE(equals_raw_rgba8(back->view(), packed_rgba8(src.view()))) << "seed 11";
}

// WebP lossless keeps every visible pixel and all alpha values exactly (libwebp may change the
// colour of fully transparent pixels, which cannot be seen).
TEST(WriteImage, WebpLosslessRoundTripIsExact) {
    TempDir dir;
    Image src = random_rgba8(67, 43, 12, /*alpha=*/true);
    auto back = write_and_read(dir / "l.webp", src.view(), ImageWriteOptions{.lossless = true});
    ASSERT_TRUE(back.ok()) << back.error().message;
    for (int y = 0; y < 43; ++y) {
        const auto* a = src.view().row_as<const uint8_t>(y);
        const auto* b = back->view().row_as<const uint8_t>(y);
        for (int x = 0; x < 67; ++x) {
            ASSERT_EQ(a[x * 4 + 3], b[x * 4 + 3]) << "alpha at " << x << "," << y;
            if (a[x * 4 + 3] == 0) continue;
            for (int c = 0; c < 3; ++c) {
                ASSERT_EQ(a[x * 4 + c], b[x * 4 + c]) << x << "," << y << " c" << c << " seed 12";
            }
        }
    }
}

TEST(WriteImage, JpegIsCloseAndQualityControlsSize) {
    TempDir dir;
    Image src = gradient_rgba8(67, 43);
    ImageWriteOptions hi{.quality = 95, .jpeg_chroma_subsampling = false};
    ASSERT_TRUE(write_image(dir / "hi.jpg", src.view(), hi).ok());
    ASSERT_TRUE(write_image(dir / "lo.JPEG", src.view(), ImageWriteOptions{.quality = 10}).ok());
    auto back = read_image(dir / "hi.jpg");
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_LE(max_abs_diff(back->view(), src.view()), 6.0f / 255);
    auto lo = read_image(dir / "lo.JPEG");
    ASSERT_TRUE(lo.ok()) << lo.error().message;
    EXPECT_LT(fs::file_size(dir / "lo.JPEG"), fs::file_size(dir / "hi.jpg"));
    // Also a standard JPEG for ffmpeg.
    const auto ff = ffmpeg_decode_raw(dir / "hi.jpg", "rgba", dir / "ff.rgba");
    EXPECT_EQ(ff.size(), 67u * 43u * 4u);
}

TEST(WriteImage, WebpLossyIsCloseAndKeepsAlpha) {
    TempDir dir;
    Image src = gradient_rgba8(67, 43);
    for (int y = 0; y < 43; ++y) {
        for (int x = 0; x < 67; ++x) src.view().row_as<uint8_t>(y)[x * 4 + 3] = x < 30 ? 255 : 64;
    }
    ASSERT_TRUE(write_image(dir / "q.WebP", src.view(), ImageWriteOptions{.quality = 95}).ok());
    auto back = read_image(dir / "q.WebP");
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_LE(max_abs_diff(back->view(), src.view()), 8.0f / 255);
    EXPECT_EQ(back->view().row_as<const uint8_t>(20)[60 * 4 + 3], 64);
}

TEST(WriteImage, AcceptsHalfFloatAndClampsFloats) {
    TempDir dir;
    Image src = std::move(*Image::create(3, 1, PixelFormat::rgba32f));
    float* p = src.view().row_as<float>(0);
    const float values[12] = {-1, 0.5f, 2, 1, NAN, 1, 0, 1, 0.25f, 0.75f, 1.5f, 1};
    std::copy(values, values + 12, p);
    auto back = write_and_read(dir / "c.png", src.view());
    ASSERT_TRUE(back.ok()) << back.error().message;
    const uint8_t want[12] = {0, 128, 255, 255, 0, 255, 0, 255, 64, 191, 255, 255};
    EXPECT_TRUE(equals_raw_rgba8(back->view(), std::vector<uint8_t>(want, want + 12)));

    Image half = std::move(*Image::create(1, 1, PixelFormat::rgba16f));
    const uint16_t h[4] = {0x3800, 0x3C00, 0x0000, 0x3C00};  // 0.5, 1, 0, 1
    std::memcpy(half.data(), h, sizeof h);
    auto hb = write_and_read(dir / "h.png", half.view());
    ASSERT_TRUE(hb.ok());
    const uint8_t hw[4] = {128, 255, 0, 255};
    EXPECT_TRUE(equals_raw_rgba8(hb->view(), std::vector<uint8_t>(hw, hw + 4)));
}

TEST(WriteImage, ReplacesAnExistingFile) {
    TempDir dir;
    write_bytes(dir / "x.png", {1, 2, 3});
    Image src = random_rgba8(5, 4, 3, false);
    auto back = write_and_read(dir / "x.png", src.view());
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_TRUE(equals_raw_rgba8(back->view(), packed_rgba8(src.view())));
    EXPECT_FALSE(leftover_temp_files(dir.path()));
}

}  // namespace
}  // namespace kizuna::test

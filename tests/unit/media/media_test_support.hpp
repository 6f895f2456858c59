// Helpers for the media tests: a temporary folder, the ffmpeg command-line tool for fixtures,
// raw pixel files, and pixel comparisons.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "kizuna/image.hpp"

namespace kizuna::test {

namespace fs = std::filesystem;

// A fresh folder under the system temp dir, removed with everything in it at destruction.
class TempDir {
public:
    TempDir() {
        std::random_device rd;
        path_ = fs::temp_directory_path() /
                ("kizuna-media-test-" + std::to_string(rd()) + std::to_string(rd()));
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    fs::path operator/(const std::string& name) const { return path_ / name; }

private:
    fs::path path_;
};

// Runs `ffmpeg -hide_banner -loglevel error -y <args>`; fails the test if it does not exit 0.
inline void ffmpeg(const std::string& args) {
    const std::string cmd = "ffmpeg -nostdin -hide_banner -loglevel error -y " + args;
    const int rc = std::system(cmd.c_str());
    ASSERT_EQ(rc, 0) << "fixture command failed: " << cmd;
}

// Runs the ffmpeg tool with `args` (inputs and options) writing `file`; returns `file`.
inline fs::path ffmpeg_to(const fs::path& file, const std::string& args) {
    ffmpeg(args + " '" + file.string() + "'");
    return file;
}

inline std::vector<uint8_t> read_bytes(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const fs::path& p, const std::vector<uint8_t>& bytes) {
    std::ofstream f(p, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// Decodes `file` with the ffmpeg tool to packed raw pixels of `pix_fmt` (e.g. "rgba",
// "rgba64le"): the independent oracle for what a file contains.
inline std::vector<uint8_t> ffmpeg_decode_raw(const fs::path& file, const std::string& pix_fmt,
                                              const fs::path& scratch) {
    ffmpeg("-i '" + file.string() + "' -frames:v 1 -f rawvideo -pix_fmt " + pix_fmt + " '" +
           scratch.string() + "'");
    return read_bytes(scratch);
}

// Channel c of pixel (x, y) of an RGBA8 or RGBA32F image, scaled to [0, 1].
inline float channel(ConstImageView v, int x, int y, int c) {
    if (v.format == PixelFormat::rgba8) return v.row_as<const uint8_t>(y)[x * 4 + c] / 255.0f;
    return v.row_as<const float>(y)[x * 4 + c];
}

// An RGBA8 image of random pixels (alpha random too when `alpha`, else 255).
inline Image random_rgba8(int w, int h, uint32_t seed, bool alpha) {
    Image img = std::move(*Image::create(w, h, PixelFormat::rgba8));
    std::mt19937 rng(seed);
    for (int y = 0; y < h; ++y) {
        uint8_t* row = img.view().row_as<uint8_t>(y);
        for (int x = 0; x < w * 4; ++x) {
            row[x] = static_cast<uint8_t>(rng());
            if (x % 4 == 3 && !alpha) row[x] = 255;
        }
    }
    return img;
}

// A smooth RGBA8 gradient, friendly to lossy codecs.
inline Image gradient_rgba8(int w, int h) {
    Image img = std::move(*Image::create(w, h, PixelFormat::rgba8));
    for (int y = 0; y < h; ++y) {
        uint8_t* row = img.view().row_as<uint8_t>(y);
        for (int x = 0; x < w; ++x) {
            row[x * 4 + 0] = static_cast<uint8_t>(40 + 160 * x / w);
            row[x * 4 + 1] = static_cast<uint8_t>(200 - 150 * y / h);
            row[x * 4 + 2] = static_cast<uint8_t>(90 + 60 * (x + y) / (w + h));
            row[x * 4 + 3] = 255;
        }
    }
    return img;
}

// Largest absolute difference between two same-sized images over all channels, in [0, 1] units.
inline float max_abs_diff(ConstImageView a, ConstImageView b) {
    float m = 0;
    for (int y = 0; y < a.height; ++y) {
        for (int x = 0; x < a.width; ++x) {
            for (int c = 0; c < 4; ++c) {
                m = std::max(m, std::abs(channel(a, x, y, c) - channel(b, x, y, c)));
            }
        }
    }
    return m;
}

// Compares an RGBA8 image with packed raw RGBA bytes exactly; reports the first mismatch.
inline ::testing::AssertionResult equals_raw_rgba8(ConstImageView img,
                                                   const std::vector<uint8_t>& raw) {
    if (img.format != PixelFormat::rgba8) return ::testing::AssertionFailure() << "not rgba8";
    if (raw.size() != static_cast<size_t>(img.width) * img.height * 4) {
        return ::testing::AssertionFailure()
               << "raw size " << raw.size() << " for " << img.width << "x" << img.height;
    }
    for (int y = 0; y < img.height; ++y) {
        const uint8_t* row = img.row_as<const uint8_t>(y);
        for (int i = 0; i < img.width * 4; ++i) {
            const uint8_t want = raw[(static_cast<size_t>(y) * img.width) * 4 + i];
            if (row[i] != want) {
                return ::testing::AssertionFailure()
                       << "pixel (" << i / 4 << "," << y << ") channel " << i % 4 << ": got "
                       << int(row[i]) << " want " << int(want);
            }
        }
    }
    return ::testing::AssertionSuccess();
}

}  // namespace kizuna::test

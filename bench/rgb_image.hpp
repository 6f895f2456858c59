// Interleaved 8-bit RGB pictures for the benchmarks, read, scaled and written through the ffmpeg
// program (so the peers' own conversions never touch them), and converted to and from the
// library's Image and Tensor. Header-only; single-threaded; every failure is a false return.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "kizuna/image.hpp"
#include "kizuna/tensor.hpp"

namespace kizuna::bench {

// Interleaved 8-bit RGB, rows packed (stride 3 * w bytes).
struct Rgb {
    int w = 0, h = 0;
    std::vector<uint8_t> px;
    uint8_t at(int x, int y, int c) const { return px[(static_cast<size_t>(y) * w + x) * 3 + c]; }
};

// `s` in single quotes for sh.
inline std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// Runs `cmd` with sh and keeps its standard output; true when it exits with 0.
inline bool run_capture(const std::string& cmd, std::vector<uint8_t>& out) {
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return false;
    out.clear();
    std::vector<uint8_t> buf(1 << 16);
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
        out.insert(out.end(), buf.data(), buf.data() + n);
    return pclose(p) == 0;
}

// Reads any still ffmpeg decodes as RGB (alpha dropped), cropped to even sizes so that an x2
// round trip is exact.
inline bool read_image(const std::string& path, Rgb& img) {
    std::vector<uint8_t> txt;
    if (!run_capture("ffprobe -v error -select_streams v:0 -show_entries stream=width,height "
                     "-of csv=p=0 " +
                         quote(path),
                     txt))
        return false;
    std::string s(txt.begin(), txt.end());
    if (std::sscanf(s.c_str(), "%d,%d", &img.w, &img.h) != 2) return false;
    if (!run_capture("ffmpeg -v error -i " + quote(path) + " -f rawvideo -pix_fmt rgb24 -", img.px))
        return false;
    if (img.px.size() != static_cast<size_t>(img.w) * img.h * 3) return false;
    const int ew = img.w & ~1, eh = img.h & ~1;
    if (ew != img.w || eh != img.h) {
        std::vector<uint8_t> c(static_cast<size_t>(ew) * eh * 3);
        for (int y = 0; y < eh; ++y)
            std::memcpy(&c[static_cast<size_t>(y) * ew * 3],
                        &img.px[static_cast<size_t>(y) * img.w * 3], static_cast<size_t>(ew) * 3);
        img = {ew, eh, std::move(c)};
    }
    return true;
}

// Writes a PNG through ffmpeg (rgb24, no colour conversion).
inline bool write_png(const Rgb& img, const std::filesystem::path& path) {
    const std::string cmd =
        fmt::format("ffmpeg -v error -y -f rawvideo -pix_fmt rgb24 -s {}x{} -i - -frames:v 1 {}",
                    img.w, img.h, quote(path.string()));
    FILE* p = popen(cmd.c_str(), "w");
    if (!p) return false;
    const bool wrote = fwrite(img.px.data(), 1, img.px.size(), p) == img.px.size();
    return pclose(p) == 0 && wrote;
}

// The w x h window at (x, y), which must lie inside `in`.
inline Rgb crop(const Rgb& in, int x, int y, int w, int h) {
    Rgb o{w, h, std::vector<uint8_t>(static_cast<size_t>(w) * h * 3)};
    for (int j = 0; j < h; ++j)
        std::memcpy(&o.px[static_cast<size_t>(j) * w * 3],
                    &in.px[(static_cast<size_t>(y + j) * in.w + x) * 3],
                    static_cast<size_t>(w) * 3);
    return o;
}

// x2 shrink by the mean of each 2x2 block, rounded.
inline Rgb area_down2(const Rgb& in) {
    Rgb o{in.w / 2, in.h / 2, {}};
    o.px.resize(static_cast<size_t>(o.w) * o.h * 3);
    for (int y = 0; y < o.h; ++y)
        for (int x = 0; x < o.w; ++x)
            for (int c = 0; c < 3; ++c) {
                const int s = in.at(2 * x, 2 * y, c) + in.at(2 * x + 1, 2 * y, c) +
                              in.at(2 * x, 2 * y + 1, c) + in.at(2 * x + 1, 2 * y + 1, c);
                o.px[(static_cast<size_t>(y) * o.w + x) * 3 + c] =
                    static_cast<uint8_t>((s + 2) / 4);
            }
    return o;
}

// FFmpeg's scaler (`flags`: bicubic, lanczos, ...) on planar RGB (no YUV round trip inside
// swscale). With frames > 1 the same picture is scaled that many times in one process and the
// last copy kept; *seconds gets the ffmpeg process's wall time when not null.
inline bool ffmpeg_scale(const Rgb& in, int ow, int oh, const char* flags, int frames, Rgb& out,
                         double* seconds) {
    const std::string tmp_in =
        (std::filesystem::temp_directory_path() / "kz_bench_scale_in.gbrp").string();
    FILE* f = std::fopen(tmp_in.c_str(), "wb");
    if (!f) return false;
    std::vector<uint8_t> planar(static_cast<size_t>(in.w) * in.h * 3);
    const size_t n = static_cast<size_t>(in.w) * in.h;
    static constexpr int order[3] = {1, 2, 0};  // gbrp: G, B, R planes
    for (int p = 0; p < 3; ++p)
        for (size_t i = 0; i < n; ++i) planar[p * n + i] = in.px[i * 3 + order[p]];
    for (int i = 0; i < frames; ++i) std::fwrite(planar.data(), 1, planar.size(), f);
    std::fclose(f);
    const std::string cmd = fmt::format(
        "ffmpeg -v error -f rawvideo -pix_fmt gbrp -s {}x{} -i {} -vf scale={}:{}:flags={}"
        "+accurate_rnd+full_chroma_int -f rawvideo -pix_fmt gbrp -",
        in.w, in.h, quote(tmp_in), ow, oh, flags);
    std::vector<uint8_t> raw;
    const auto t0 = std::chrono::steady_clock::now();
    const bool ok = run_capture(cmd, raw);
    if (seconds)
        *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::filesystem::remove(tmp_in);
    const size_t on = static_cast<size_t>(ow) * oh;
    if (!ok || raw.size() != on * 3 * frames) return false;
    out = {ow, oh, std::vector<uint8_t>(on * 3)};
    const uint8_t* last = raw.data() + (frames - 1) * on * 3;
    for (int p = 0; p < 3; ++p)
        for (size_t i = 0; i < on; ++i) out.px[i * 3 + order[p]] = last[p * on + i];
    return true;
}

// RGBA8, alpha opaque.
inline Image to_image(const Rgb& in) {
    Image img = std::move(Image::create(in.w, in.h, PixelFormat::rgba8).value());
    for (int y = 0; y < in.h; ++y) {
        auto* row = img.view().row_as<uint8_t>(y);
        for (int x = 0; x < in.w; ++x) {
            for (int c = 0; c < 3; ++c) row[4 * x + c] = in.at(x, y, c);
            row[4 * x + 3] = 255;
        }
    }
    return img;
}

// RGB of an RGBA8 view (alpha dropped).
inline Rgb from_image(ConstImageView in) {
    Rgb o{in.width, in.height, std::vector<uint8_t>(static_cast<size_t>(in.width) * in.height * 3)};
    for (int y = 0; y < in.height; ++y) {
        const auto* row = in.row_as<const uint8_t>(y);
        for (int x = 0; x < in.width; ++x)
            for (int c = 0; c < 3; ++c)
                o.px[(static_cast<size_t>(y) * o.w + x) * 3 + c] = row[4 * x + c];
    }
    return o;
}

// 3 x h x w planar values / 255, as the models take them.
inline Tensor to_tensor(const Rgb& in) {
    Tensor t = std::move(Tensor::create(3, in.h, in.w).value());
    for (int c = 0; c < 3; ++c)
        for (int y = 0; y < in.h; ++y) {
            float* row = t.view().row(c, y);
            for (int x = 0; x < in.w; ++x) row[x] = in.at(x, y, c) / 255.0f;
        }
    return t;
}

}  // namespace kizuna::bench

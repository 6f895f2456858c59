// Shared helpers of the hybrid-chain and Y'CbCr-chain tests: test-owned tensors, cartoon frames and
// AI-like pictures drawn from one procedural scene at any size, and the test's own oracle of the
// chain assembled from the stage references (normalize_ref ... pack_ref), so that expected values
// never come from the chains under test (ref/cpu/vk preview.cpp, ref/hybrid.cpp).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "chain_params.hpp"
#include "core/half.hpp"
#include "kernel_check.hpp"
#include "kizuna/image.hpp"
#include "kizuna/tensor.hpp"
#include "kizuna/yuv.hpp"
#include "stages/color.hpp"
#include "stages/enhance.hpp"
#include "stages/planar.hpp"
#include "stages/preview_backend.hpp"
#include "stages/reconstruct.hpp"
#include "stages/ref/enhance.hpp"
#include "stages/ref/normalize.hpp"
#include "stages/ref/pack.hpp"
#include "stages/ref/reconstruct.hpp"
#include "stages/ref/resample.hpp"
#include "stages/ref/temporal.hpp"
#include "stages/ref/upscale.hpp"
#include "stages/stage_params.hpp"
#include "yuv_picture.hpp"

namespace kizuna::stages::hybridtest {

// A 3 x height x width float tensor owned by the test; planes are plane_stride apart and the
// values between planes hold a sentinel (a write past a plane shows).
struct TestTensor {
    static constexpr float kSentinel = -1234.5f;
    std::vector<float> data;
    int width = 0, height = 0;
    ptrdiff_t plane_stride = 0;

    TestTensor(int w, int h, int pad = 0)
        : width(w), height(h), plane_stride(static_cast<ptrdiff_t>(w) * h + pad) {
        data.assign(static_cast<size_t>(3 * plane_stride), kSentinel);
    }
    TensorView view() { return {data.data(), 3, height, width, plane_stride}; }
    ConstTensorView cview() const { return {data.data(), 3, height, width, plane_stride}; }
    float& at(int c, int y, int x) {
        return data[c * plane_stride + static_cast<ptrdiff_t>(y) * width + x];
    }
    float at(int c, int y, int x) const {
        return data[c * plane_stride + static_cast<ptrdiff_t>(y) * width + x];
    }
    // The 3 planes' w * h values, one after another.
    std::vector<float> values() const {
        std::vector<float> v;
        for (int c = 0; c < 3; ++c) {
            for (int y = 0; y < height; ++y) {
                for (int x = 0; x < width; ++x) v.push_back(at(c, y, x));
            }
        }
        return v;
    }
    // True when nothing between the planes was written.
    bool padding_untouched() const {
        for (int c = 0; c < 3; ++c) {
            for (ptrdiff_t i = static_cast<ptrdiff_t>(width) * height; i < plane_stride; ++i) {
                if (data[c * plane_stride + i] != kSentinel) return false;
            }
        }
        return true;
    }
};

// The scene every frame and AI picture is drawn from, at normalized coordinates (u, v) in
// [0, 1): flat fills, a disc with a dark outline that moves with `index`, inverted when `scene`
// is odd. Channel c of the colour.
inline float scene_value(float u, float v, int index, int scene, int c) {
    const float d = std::hypot(u - 0.33f - 0.01f * static_cast<float>(index), (v - 0.5f) * 0.7f);
    const float r0 = 0.18f;
    float col[3] = {0.8f, 0.85f, 0.9f};
    if (d < r0) col[0] = 0.9f, col[1] = 0.4f, col[2] = 0.3f;
    if (std::fabs(d - r0) < 0.02f) col[0] = col[1] = col[2] = 0.1f;
    return scene % 2 ? 1.0f - col[c] : col[c];
}

// A cartoon frame of the scene, RGBA32F or RGBA16F, with faint noise; alpha, when asked, a
// diagonal ramp that moves with `index`.
inline Image cartoon(int w, int h, int index, int scene, uint32_t seed, bool alpha,
                     PixelFormat format = PixelFormat::rgba32f) {
    auto img = Image::create(w, h, format);
    EXPECT_TRUE(img.ok());
    std::mt19937 rng(seed * 131u + static_cast<uint32_t>(index));
    std::uniform_real_distribution<float> noise(-0.01f, 0.01f);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            float px[4];
            for (int c = 0; c < 3; ++c) {
                const float u = (static_cast<float>(x) + 0.5f) / static_cast<float>(w);
                const float v = (static_cast<float>(y) + 0.5f) / static_cast<float>(h);
                px[c] = std::clamp(scene_value(u, v, index, scene, c) + noise(rng), 0.0f, 1.0f);
            }
            px[3] = alpha ? static_cast<float>((x + 2 * y + index) % 7) / 6.0f : 1.0f;
            for (int c = 0; c < 4; ++c) {
                if (format == PixelFormat::rgba16f) {
                    img->view().row_as<uint16_t>(y)[4 * x + c] = float_to_half(px[c]);
                } else {
                    img->view().row_as<float>(y)[4 * x + c] = px[c];
                }
            }
        }
    }
    return std::move(*img);
}

// A planar Y'CbCr picture of the scene owned by the test (BT.709 or BT.601 coefficients, limited
// range, chroma point-sampled at the siting of `color`), 8 or 10 bits; rows padded by 3 samples.
using test::YuvPicture;

inline YuvPicture yuv_scene(int w, int h, int bits, ChromaSubsampling sub, ColorInfo color,
                            int index, int scene, uint32_t seed) {
    YuvPicture pic = test::yuv_picture(w, h, bits, sub, color, 3);
    const bool bt601 = color.matrix == ColorMatrix::bt601 ||
                       (color.matrix == ColorMatrix::unspecified && h <= 576);
    const float kr = bt601 ? 0.299f : 0.2126f, kb = bt601 ? 0.114f : 0.0722f;
    const float shift = static_cast<float>(1 << (bits - 8));
    const int max_code = (1 << bits) - 1;
    std::mt19937 rng(seed * 77u + static_cast<uint32_t>(index));
    std::uniform_real_distribution<float> noise(-0.01f, 0.01f);
    auto put = [&](int plane, int x, int y, float code) {
        const int c = std::clamp(static_cast<int>(std::lround(code)), 0, max_code);
        pic.set(plane, x, y, static_cast<uint32_t>(c));
    };
    auto rgb_at = [&](float px, float py, float rgb[3]) {
        const float u = (px + 0.5f) / static_cast<float>(w);
        const float v = (py + 0.5f) / static_cast<float>(h);
        for (int c = 0; c < 3; ++c) rgb[c] = scene_value(u, v, index, scene, c);
    };
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            float rgb[3];
            rgb_at(static_cast<float>(x), static_cast<float>(y), rgb);
            const float luma = kr * rgb[0] + (1.0f - kr - kb) * rgb[1] + kb * rgb[2];
            put(0, x, y, (16.0f + 219.0f * (luma + noise(rng))) * shift);
        }
    }
    const int sx = sub == ChromaSubsampling::s444 ? 1 : 2;
    const int sy = sub == ChromaSubsampling::s420 ? 2 : 1;
    for (int j = 0; j < pic.view.chroma_height(); ++j) {
        for (int i = 0; i < pic.view.chroma_width(); ++i) {
            float rgb[3];
            rgb_at(static_cast<float>(sx * i), static_cast<float>(sy * j), rgb);
            const float luma = kr * rgb[0] + (1.0f - kr - kb) * rgb[1] + kb * rgb[2];
            const float cb = (rgb[2] - luma) / (2.0f * (1.0f - kb));
            const float cr = (rgb[0] - luma) / (2.0f * (1.0f - kr));
            put(1, i, j, (128.0f + 224.0f * cb) * shift);
            put(2, i, j, (128.0f + 224.0f * cr) * shift);
        }
    }
    return pic;
}

// A Y'CbCr format of the chain tests, drawn from `salt`: 10 bits for odd salts, else 8;
// 4:2:0 / 4:2:2 / 4:4:4 by salt % 3; BT.709 for odd salts, else BT.601; limited range for
// salt % 4 < 2, else full; chroma sited left, or at `other_siting` when salt % 3 is 0.
struct YuvFormat {
    int bits;
    ChromaSubsampling sub;
    ColorInfo color;
};

inline YuvFormat yuv_format(uint32_t salt, ChromaLocation other_siting) {
    constexpr ChromaSubsampling kSubs[] = {ChromaSubsampling::s420, ChromaSubsampling::s422,
                                           ChromaSubsampling::s444};
    YuvFormat f{salt % 2 ? 10 : 8, kSubs[salt % 3], {}};
    f.color.matrix = salt % 2 ? ColorMatrix::bt709 : ColorMatrix::bt601;
    f.color.range = salt % 4 < 2 ? ColorRange::limited : ColorRange::full;
    f.color.chroma_location = salt % 3 ? ChromaLocation::left : other_siting;
    return f;
}

// An AI-like picture of the scene at any size (gamma-encoded), with noise of +-0.02; `wild` adds
// values outside [0, 1] (about 2%) and one NaN, which the chain must sanitize.
inline TestTensor ai_picture(int w, int h, int index, int scene, uint32_t seed, bool wild,
                             int pad = 0) {
    TestTensor t(w, h, pad);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> noise(-0.02f, 0.02f);
    std::uniform_int_distribution<int> pick(0, 49);
    for (int c = 0; c < 3; ++c) {
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                const float u = (static_cast<float>(x) + 0.5f) / static_cast<float>(w);
                const float v = (static_cast<float>(y) + 0.5f) / static_cast<float>(h);
                float val = scene_value(u, v, index, scene, c) + noise(rng);
                if (wild && pick(rng) == 0) val = pick(rng) % 2 ? -0.2f : 1.3f;
                t.at(c, y, x) = val;
            }
        }
    }
    if (wild) t.at(1, h / 2, w / 2) = std::numeric_limits<float>::quiet_NaN();
    return t;
}

// The planes of a frame as a tensor (R, G, B).
inline TestTensor to_tensor(const PlanarFrame& f, int pad = 0) {
    TestTensor t(f.width(), f.height(), pad);
    const Plane* p[3] = {&f.r, &f.g, &f.b};
    for (int c = 0; c < 3; ++c) {
        for (int y = 0; y < f.height(); ++y) {
            for (int x = 0; x < f.width(); ++x) t.at(c, y, x) = p[c]->row(y)[x];
        }
    }
    return t;
}

inline float sanitize(float v) {
    return v == v ? std::clamp(v, 0.0f, 1.0f) : 0.0f;
}

inline bool is_linear(const PreviewParams& p) {
    return p.normalize_enabled && p.normalize.linear_light;
}

// Stages 1-2 by the references, as the preview chain runs them.
struct RefFront {
    PlanarFrame normalized;
    FeatureMap features;
    void run(ConstImageView in, const PreviewParams& p) {
        ASSERT_TRUE(
            normalize_ref(in, p.normalize_enabled ? p.normalize : NormalizeParams{}, normalized));
        reconstruct(p);
    }
    void run(const YuvView& in, const PreviewParams& p) {
        ASSERT_TRUE(normalize_yuv_ref(in, p.normalize_enabled ? p.normalize : NormalizeParams{},
                                      normalized));
        reconstruct(p);
    }
    void reconstruct(const PreviewParams& p) {
        if (p.reconstruct_enabled) {
            ASSERT_TRUE(reconstruct_ref(normalized, p.reconstruct, features));
        } else {
            ASSERT_TRUE(reconstruct_disabled(normalized.width(), normalized.height(), features));
        }
    }
    // The preview's stage 3 of the frame (upscale_ref, or plain_resample_ref when disabled).
    PlanarFrame upscaled(const PreviewParams& p) const {
        PlanarFrame u;
        if (p.upscale_enabled) {
            EXPECT_TRUE(upscale_ref(normalized, features, p.upscale, u));
        } else {
            EXPECT_TRUE(plain_resample_ref(normalized, p.upscale, u));
        }
        return u;
    }
};

// The model's input of the rule (hybrid.hpp), written out here: the normalized frame, clamped,
// sRGB-encoded and clamped again when the chain is linear.
inline TestTensor expected_model_input(const PlanarFrame& normalized, bool linear) {
    TestTensor t(normalized.width(), normalized.height());
    const Plane* planes[3] = {&normalized.r, &normalized.g, &normalized.b};
    for (int c = 0; c < 3; ++c) {
        for (int y = 0; y < normalized.height(); ++y) {
            for (int x = 0; x < normalized.width(); ++x) {
                float v = sanitize(planes[c]->row(y)[x]);
                if (linear) v = sanitize(color::linear_to_srgb(v));
                t.at(c, y, x) = v;
            }
        }
    }
    return t;
}

// Stages 4-5 and packing by the references, with their own temporal history: what the preview
// does after stage 3, given the stage-3 frame and stage 2's map of the source frame.
struct RefTail {
    TemporalHistory history;
    PlanarFrame enhanced, stabilized;
    void run(const PlanarFrame& upscaled, const FeatureMap& features, const PreviewParams& p,
             ImageView out) {
        const bool linear = is_linear(p);
        const PlanarFrame* cur = &upscaled;
        if (p.enhance_enabled && !enhance_is_identity(p.enhance)) {
            ASSERT_TRUE(enhance_ref(*cur, &features, p.enhance, linear, enhanced));
            cur = &enhanced;
        }
        if (p.temporal_enabled) {
            ASSERT_TRUE(temporal_ref(*cur, p.temporal, history, stabilized));
            cur = &stabilized;
        } else {
            history.reset();
        }
        ASSERT_TRUE(pack_ref(*cur, linear, out));
    }
};

// The AI picture of the rule (hybrid.hpp steps 1-3), written out here from the resample
// reference and the colour math: sanitize, resample to ow x oh when the size differs, sanitize,
// decode when linear.
inline PlanarFrame expected_ai_picture(const TestTensor& ai, int ow, int oh, float anti_ringing,
                                       bool linear) {
    PlanarFrame f;
    EXPECT_TRUE(f.ensure(ow, oh, false));
    Plane* dst[3] = {&f.r, &f.g, &f.b};
    for (int c = 0; c < 3; ++c) {
        Plane src;
        EXPECT_TRUE(src.ensure(ai.width, ai.height));
        for (int y = 0; y < ai.height; ++y) {
            for (int x = 0; x < ai.width; ++x) src.row(y)[x] = sanitize(ai.at(c, y, x));
        }
        if (ai.width != ow || ai.height != oh) {
            resample_plane_ref(src, *dst[c], ResampleFilter::lanczos3, anti_ringing);
        } else {
            for (int y = 0; y < oh; ++y) std::copy_n(src.row(y), ow, dst[c]->row(y));
        }
        for (int y = 0; y < oh; ++y) {
            for (int x = 0; x < ow; ++x) {
                const float v = sanitize(dst[c]->row(y)[x]);
                dst[c]->row(y)[x] = linear ? color::srgb_to_linear(v) : v;
            }
        }
    }
    return f;
}

// s * a + (1 - s) * u per R, G, B value (two products, then the sum); alpha from u.
inline PlanarFrame blend_frames(const PlanarFrame& a, const PlanarFrame& u, float s) {
    PlanarFrame f;
    EXPECT_TRUE(f.ensure(u.width(), u.height(), u.has_alpha()));
    const Plane* pa[3] = {&a.r, &a.g, &a.b};
    const Plane* pu[3] = {&u.r, &u.g, &u.b};
    Plane* pd[3] = {&f.r, &f.g, &f.b};
    const float t = 1.0f - s;
    for (int c = 0; c < 3; ++c) {
        for (int y = 0; y < u.height(); ++y) {
            for (int x = 0; x < u.width(); ++x) {
                const float ai_part = s * pa[c]->row(y)[x];
                const float shader_part = t * pu[c]->row(y)[x];
                pd[c]->row(y)[x] = ai_part + shader_part;
            }
        }
    }
    if (u.has_alpha()) {
        for (int y = 0; y < u.height(); ++y) std::copy_n(u.a.row(y), u.width(), f.a.row(y));
    }
    return f;
}

// The same frame with u's alpha (a's colour): the strength-1 frame.
inline PlanarFrame with_alpha_of(const PlanarFrame& a, const PlanarFrame& u) {
    return blend_frames(a, u, 1.0f);
}

// The values of an RGBA32F image, row by row.
inline std::vector<float> image_values(const Image& img) {
    std::vector<float> v;
    for (int y = 0; y < img.height(); ++y) {
        const float* row = img.view().row_as<const float>(y);
        v.insert(v.end(), row, row + 4 * img.width());
    }
    return v;
}

// Compares two RGBA32F images value by value (kernel_check's compare_values: positions name
// x = 4 * pixel + channel).
inline testing::AssertionResult images_match(const Image& got, const Image& want,
                                             test::Tolerance tol, const std::string& what) {
    return test::compare_values(image_values(got), image_values(want), tol,
                                test::Layout{4 * want.width(), want.height()}, what);
}

// An RGBA32F image of w x h.
inline Image rgba32f(int w, int h) {
    auto img = Image::create(w, h, PixelFormat::rgba32f);
    EXPECT_TRUE(img.ok());
    return std::move(*img);
}

// True when the two images hold the same bytes, row by row.
inline bool bits_equal(const Image& a, const Image& b) {
    for (int y = 0; y < a.height(); ++y) {
        if (std::memcmp(a.view().row(y), b.view().row(y),
                        static_cast<size_t>(a.width()) * bytes_per_pixel(a.format())) != 0) {
            return false;
        }
    }
    return true;
}

// The frame `in` through `chain`'s hybrid entry points: hybrid_begin (its model input, of the
// frame's size, into `model_input` when given, else into a scratch tensor) then hybrid_finish
// with `ai` at `strength` into `out`.
inline testing::AssertionResult run_hybrid(PreviewBackend& chain, const Image& in,
                                           ConstTensorView ai, float strength, ImageView out,
                                           const PreviewParams& p,
                                           TestTensor* model_input = nullptr) {
    TestTensor scratch(in.width(), in.height());
    if (model_input == nullptr) model_input = &scratch;
    auto begun = chain.hybrid_begin(in.view(), model_input->view(), p);
    if (!begun) return testing::AssertionFailure() << "hybrid_begin: " << begun.error().message;
    auto finished = chain.hybrid_finish(ai, strength, out, p);
    if (!finished) {
        return testing::AssertionFailure() << "hybrid_finish: " << finished.error().message;
    }
    return testing::AssertionSuccess();
}

// A frame of the blend tests: the AI picture's size and the strength it is blended at.
struct AiStep {
    int aw, ah;
    float strength;
};

// The oracle's hybrid frame: `in` through stages 1-3 by the references, blended at `strength`
// with the AI picture brought to the output size (expected_ai_picture, at p's anti-ringing), then
// stages 4-5 and packing by `tail`, whose temporal history carries across frames. RGBA32F.
inline Image expected_hybrid(RefTail& tail, const Image& in, const TestTensor& ai, float strength,
                             const PreviewParams& p) {
    const int ow = p.upscale.out_width, oh = p.upscale.out_height;
    RefFront front;
    front.run(in.view(), p);
    const PlanarFrame mixed =
        blend_frames(expected_ai_picture(ai, ow, oh, p.upscale.anti_ringing, is_linear(p)),
                     front.upscaled(p), strength);
    Image want = rgba32f(ow, oh);
    tail.run(mixed, front.features, p, want.view());
    return want;
}

// Frames 0-3 of the scene (a scene cut at frame 3) as `f` pictures of w x h (from `seed`),
// through the reference chain and `chain` (each keeping its own temporal history across them)
// with `p`, the outputs ow x oh: each of `chain`'s within `tol` of the reference's. `who` starts
// the failure label; `corner` goes in it.
inline void check_yuv_frames(PreviewBackend& chain, const SizeCase& c, const YuvFormat& f,
                             const PreviewParams& p, uint32_t seed, test::Tolerance tol,
                             const std::string& who, int corner) {
    auto ref = make_reference_preview();
    for (int i = 0; i < 4; ++i) {
        const YuvPicture pic = yuv_scene(c.w, c.h, f.bits, f.sub, f.color, i, i >= 3, seed);
        Image want = rgba32f(c.ow, c.oh), got = rgba32f(c.ow, c.oh);
        ASSERT_TRUE(ref->process_yuv(pic.view, want.view(), p));
        auto r = chain.process_yuv(pic.view, got.view(), p);
        ASSERT_TRUE(r) << r.error().message;
        EXPECT_TRUE(images_match(
            got, want, tol,
            fmt::format("{}{}x{} -> {}x{} corner {} {}-bit sub {} frame {}{}", who, c.w, c.h, c.ow,
                        c.oh, corner, f.bits, static_cast<int>(f.sub), i, test::seed_note(seed))));
    }
}

}  // namespace kizuna::stages::hybridtest

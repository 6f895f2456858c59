#include "stage_check.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/half.hpp"

namespace kizuna::stages::check {

std::span<const Size> stage_sizes() noexcept {
    static const std::vector<Size> sizes = [] {
        const std::span<const Size> odd = test::odd_sizes();
        std::vector<Size> v(odd.begin(), odd.end());
        v.push_back({67, 43});
        return v;
    }();
    return sizes;
}

Plane& plane(PlanarFrame& f, int c) noexcept {
    Plane* planes[4] = {&f.r, &f.g, &f.b, &f.a};
    return *planes[c];
}

const Plane& plane(const PlanarFrame& f, int c) noexcept {
    const Plane* planes[4] = {&f.r, &f.g, &f.b, &f.a};
    return *planes[c];
}

void fill_plane(Plane& p, Fill fill, std::mt19937& rng, float lo, float hi) {
    for (int y = 0; y < p.height(); ++y) {
        test::fill_values({p.row(y), static_cast<size_t>(p.width())}, fill, rng, lo, hi);
    }
}

PlanarFrame make_frame(int w, int h, bool alpha, Fill fill, uint32_t seed, float lo, float hi) {
    PlanarFrame f;
    EXPECT_TRUE(f.ensure(w, h, alpha).ok()) << w << "x" << h;
    std::mt19937 rng(seed);
    for (int c = 0; c < plane_count(f); ++c) fill_plane(plane(f, c), fill, rng, lo, hi);
    return f;
}

PlanarFrame make_blocky(int w, int h, bool alpha, uint32_t seed) {
    PlanarFrame f;
    EXPECT_TRUE(f.ensure(w, h, alpha).ok()) << w << "x" << h;
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    const float block[4] = {u(rng), u(rng), u(rng), u(rng)};
    for (int c = 0; c < plane_count(f); ++c) {
        for (int y = 0; y < h; ++y) {
            float* row = plane(f, c).row(y);
            for (int x = 0; x < w; ++x) {
                const bool stroke = x + y == 20 || x == 2 * y || x == y / 2 + 3;
                row[x] = stroke ? 0.05f : block[((x / 6) + (y / 5)) & 3];
            }
        }
    }
    return f;
}

std::span<const Input> all_inputs() noexcept {
    static constexpr Input kInputs[] = {{Fill::random},   {Fill::zeros}, {Fill::ones},
                                        {Fill::extremes}, {Fill::wide},  {Fill::random, true}};
    static_assert(std::size(kInputs) == std::size(test::kAllFills) + 1);
    return kInputs;
}

PlanarFrame make_input(int w, int h, bool alpha, Input input, uint32_t seed) {
    return input.blocky ? make_blocky(w, h, alpha, seed)
                        : make_frame(w, h, alpha, input.fill, seed);
}

namespace {

// The width x height values of a plane, row after row (no padding).
void append_values(const Plane& p, std::vector<float>& out) {
    for (int y = 0; y < p.height(); ++y) out.insert(out.end(), p.row(y), p.row(y) + p.width());
}

}  // namespace

::testing::AssertionResult compare_frames(const PlanarFrame& got, const PlanarFrame& ref,
                                          Tolerance tol, std::string_view what) {
    if (got.width() != ref.width() || got.height() != ref.height()) {
        return ::testing::AssertionFailure()
               << what << ": " << got.width() << "x" << got.height() << ", reference "
               << ref.width() << "x" << ref.height();
    }
    if (got.has_alpha() != ref.has_alpha()) {
        return ::testing::AssertionFailure()
               << what << ": alpha plane " << (got.has_alpha() ? "present" : "absent")
               << ", reference " << (ref.has_alpha() ? "present" : "absent");
    }
    std::vector<float> g, r;
    for (int c = 0; c < plane_count(ref); ++c) {
        append_values(plane(got, c), g);
        append_values(plane(ref, c), r);
    }
    return test::compare_values(g, r, tol, {ref.width(), ref.height()}, what);
}

::testing::AssertionResult compare_planes(const Plane& got, const Plane& ref, Tolerance tol,
                                          std::string_view what) {
    if (got.width() != ref.width() || got.height() != ref.height()) {
        return ::testing::AssertionFailure()
               << what << ": " << got.width() << "x" << got.height() << ", reference "
               << ref.width() << "x" << ref.height();
    }
    std::vector<float> g, r;
    append_values(got, g);
    append_values(ref, r);
    return test::compare_values(g, r, tol, {ref.width(), ref.height()}, what);
}

Image make_image(int w, int h, PixelFormat format, Fill fill, uint32_t seed, float lo, float hi) {
    auto created = Image::create(w, h, format);
    EXPECT_TRUE(created.ok()) << w << "x" << h;
    Image img = std::move(*created);
    std::mt19937 rng(seed);
    std::vector<float> v(4 * static_cast<size_t>(w));
    for (int y = 0; y < h; ++y) {
        test::fill_values(v, fill, rng, lo, hi);
        for (size_t i = 0; i < v.size(); ++i) {
            switch (format) {
                case PixelFormat::rgba8:
                    img.view().row_as<uint8_t>(y)[i] =
                        static_cast<uint8_t>(std::lround(std::clamp(v[i], 0.0f, 1.0f) * 255.0f));
                    break;
                case PixelFormat::rgba16f:
                    img.view().row_as<uint16_t>(y)[i] = float_to_half(v[i]);
                    break;
                case PixelFormat::rgba32f:
                    img.view().row_as<float>(y)[i] = v[i];
                    break;
            }
        }
    }
    return img;
}

namespace {

// The 4 * width values of every row, as floats.
std::vector<float> image_floats(ConstImageView img) {
    std::vector<float> v;
    v.reserve(4 * static_cast<size_t>(img.width) * img.height);
    for (int y = 0; y < img.height; ++y) {
        for (int i = 0; i < 4 * img.width; ++i) {
            v.push_back(img.format == PixelFormat::rgba16f
                            ? half_to_float(img.row_as<const uint16_t>(y)[i])
                            : img.row_as<const float>(y)[i]);
        }
    }
    return v;
}

// The bytes of every row's pixels, without the stride's padding.
std::vector<uint8_t> image_bytes(ConstImageView img) {
    const size_t row = bytes_per_pixel(img.format) * static_cast<size_t>(img.width);
    std::vector<uint8_t> v(row * img.height);
    for (int y = 0; y < img.height; ++y) std::memcpy(&v[row * y], img.row(y), row);
    return v;
}

}  // namespace

::testing::AssertionResult compare_images(ConstImageView got, ConstImageView ref, Tolerance tol,
                                          std::string_view what) {
    if (got.width != ref.width || got.height != ref.height || got.format != ref.format) {
        return ::testing::AssertionFailure()
               << what << ": " << got.width << "x" << got.height << " "
               << pixel_format_name(got.format) << ", reference " << ref.width << "x" << ref.height
               << " " << pixel_format_name(ref.format);
    }
    const int bpp = static_cast<int>(bytes_per_pixel(ref.format));
    if (tol.exact() || ref.format == PixelFormat::rgba8) {
        // Exact: byte for byte; the position names the byte within the pixel.
        const std::string bytes = std::string(what) + " (bytes)";
        return test::compare_bytes(image_bytes(got), image_bytes(ref),
                                   static_cast<int>(std::lround(tol.abs)),
                                   {bpp * ref.width, ref.height, bpp}, bytes);
    }
    return test::compare_values(image_floats(got), image_floats(ref), tol,
                                {4 * ref.width, ref.height, 4}, what);
}

::testing::AssertionResult untouched(std::span<const std::byte> guard, std::byte value,
                                     std::string_view what) {
    for (size_t i = 0; i < guard.size(); ++i) {
        if (guard[i] != value) {
            return ::testing::AssertionFailure()
                   << what << ": wrote past the output (guard byte " << i << ")";
        }
    }
    return ::testing::AssertionSuccess();
}

}  // namespace kizuna::stages::check

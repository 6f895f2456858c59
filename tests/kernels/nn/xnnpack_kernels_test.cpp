// Our own NHWC kernels and the weight re-layouts, against direct scalar loops written from the
// layer definitions (layer.hpp), checkasm-style: odd sizes, channel counts off the vector width,
// random / zero / one inputs, thread counts 1 and 2. These are data moves: results are exact.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "kernel_check.hpp"
#include "nn/xnnpack/xnnpack_handles.hpp"
#include "nn/xnnpack/xnnpack_kernels.hpp"
#include "nn/xnnpack/xnnpack_weights.hpp"

namespace kizuna::nn::xnn {
namespace {

std::vector<float> random_vec(size_t n, uint32_t seed) {
    std::mt19937 rng(test::case_seed(seed));
    std::vector<float> v(n);
    test::fill_values(v, test::Fill::random, rng, -1.f, 1.f);
    return v;
}

NhwcView view(std::vector<float>& v, int h, int w, int c) {
    return NhwcView{v.data(), h, w, c, static_cast<size_t>(c)};
}

TEST(XnnpackKernels, LayoutRoundTripExact) {
    for (int threads : {1, 2}) {
        auto pool = ThreadPool::create(threads);
        ASSERT_TRUE(pool);
        const int c = 5, h = 17, w = 13;
        const std::vector<float> nchw = random_vec(static_cast<size_t>(c) * h * w, 1);
        std::vector<float> nhwc(nchw.size());
        nchw_to_nhwc(nchw.data(), static_cast<size_t>(h) * w, view(nhwc, h, w, c), pool->get());
        for (int ch = 0; ch < c; ++ch) {
            for (int y = 0; y < h; ++y) {
                for (int x = 0; x < w; ++x) {
                    ASSERT_EQ(nhwc[(static_cast<size_t>(y) * w + x) * c + ch],
                              nchw[(static_cast<size_t>(ch) * h + y) * w + x])
                        << "c " << ch << " y " << y << " x " << x << " threads " << threads;
                }
            }
        }
        std::vector<float> back(nchw.size());
        nhwc_to_nchw(view(nhwc, h, w, c), back.data(), static_cast<size_t>(h) * w, pool->get());
        EXPECT_EQ(back, nchw) << "threads " << threads;
    }
}

// ncnn order: out[c][y*r+i][x*r+j] = in[c*r*r + i*r + j][y][x], written here on NHWC indices.
std::vector<float> shuffle_expected(const std::vector<float>& in, int h, int w, int c_out, int r) {
    const int c_in = c_out * r * r;
    std::vector<float> out(in.size());
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < c_out; ++c)
                for (int i = 0; i < r; ++i)
                    for (int j = 0; j < r; ++j) {
                        const size_t o =
                            ((static_cast<size_t>(y) * r + i) * w * r + x * r + j) * c_out + c;
                        out[o] =
                            in[(static_cast<size_t>(y) * w + x) * c_in + c * r * r + i * r + j];
                    }
    return out;
}

TEST(XnnpackKernels, PixelShuffleOwnKernelMatchesNcnnOrder) {
    for (int r : {2, 3, 4}) {
        for (int c_out : {1, 3, 5}) {
            const int h = 7, w = 9;
            std::vector<float> in =
                random_vec(static_cast<size_t>(h) * w * c_out * r * r, 10u + r * 7 + c_out);
            std::vector<float> out(in.size());
            pixel_shuffle_ncnn(view(in, h, w, c_out * r * r), view(out, h * r, w * r, c_out), r,
                               nullptr);
            EXPECT_EQ(out, shuffle_expected(in, h, w, c_out, r)) << "r " << r << " c " << c_out;
        }
    }
}

// The build-time fix: permuting the producer's channels with pixel_shuffle_permutation, then
// XNNPACK depth-to-space, must give ncnn pixel-shuffle order on the unpermuted channels.
TEST(XnnpackKernels, PermutationPlusDepthToSpaceIsNcnnPixelShuffle) {
    ASSERT_TRUE(xnn_init_once());
    for (int r : {2, 3, 4}) {
        for (int c_out : {1, 3, 7}) {
            const int h = 5, w = 11, c_in = c_out * r * r;
            const std::vector<float> in =
                random_vec(static_cast<size_t>(h) * w * c_in, 20u + r * 7 + c_out);
            const std::vector<int> perm = pixel_shuffle_permutation(c_out, r);
            ASSERT_EQ(perm.size(), static_cast<size_t>(c_in));
            std::vector<float> permuted(in.size());
            for (size_t p = 0; p < static_cast<size_t>(h) * w; ++p)
                for (int k = 0; k < c_in; ++k)
                    permuted[p * c_in + k] = in[p * c_in + perm[static_cast<size_t>(k)]];
            xnn_operator_t op = nullptr;
            ASSERT_EQ(xnn_create_depth_to_space_nhwc_x32(c_out, c_in, c_out, r, 0, &op),
                      xnn_status_success);
            XnnOperator owner(op);
            std::vector<float> out(in.size());
            ASSERT_EQ(xnn_setup_depth_to_space_nhwc_x32(op, 1, h, w, permuted.data(), out.data(),
                                                        nullptr),
                      xnn_status_success);
            ASSERT_EQ(xnn_run_operator(op, nullptr), xnn_status_success);
            EXPECT_EQ(out, shuffle_expected(in, h, w, c_out, r)) << "r " << r << " c " << c_out;
        }
    }
}

TEST(XnnpackKernels, KernelRelayoutAndBiasPermutation) {
    // ncnn [O][I/g][kh][kw] -> XNNPACK [O][kh][kw][I/g], with an output permutation.
    const int o_n = 6, i_n = 4, g = 2, kh = 3, kw = 2, gi = i_n / g;
    std::vector<float> w(static_cast<size_t>(o_n) * gi * kh * kw);
    for (size_t k = 0; k < w.size(); ++k) w[k] = static_cast<float>(k);
    const std::vector<int> perm = {2, 0, 1, 5, 3, 4};  // within each group of 3 outputs
    const std::vector<float> out = ncnn_to_xnn_kernel(w, o_n, i_n, g, kh, kw, perm);
    for (int o = 0; o < o_n; ++o)
        for (int y = 0; y < kh; ++y)
            for (int x = 0; x < kw; ++x)
                for (int i = 0; i < gi; ++i) {
                    const float want =
                        w[((static_cast<size_t>(perm[o]) * gi + i) * kh + y) * kw + x];
                    ASSERT_EQ(out[((static_cast<size_t>(o) * kh + y) * kw + x) * gi + i], want)
                        << "o " << o << " y " << y << " x " << x << " i " << i;
                }
    const std::vector<float> bias = {10, 11, 12, 13, 14, 15};
    EXPECT_EQ(permute_bias(bias, perm), (std::vector<float>{12, 10, 11, 15, 13, 14}));
    EXPECT_TRUE(permute_bias({}, perm).empty());
}

TEST(XnnpackKernels, NearestCropPasteWeightedSum) {
    for (int threads : {1, 2}) {
        auto pool = ThreadPool::create(threads);
        ASSERT_TRUE(pool);
        const int h = 13, w = 7, c = 3;
        std::vector<float> in = random_vec(static_cast<size_t>(h) * w * c, 30);
        // Nearest to 29 x 16: sy = floor(y * 13 / 29), sx = floor(x * 7 / 16).
        const int oh = 29, ow = 16;
        std::vector<float> up(static_cast<size_t>(oh) * ow * c);
        resize_nearest(view(in, h, w, c), view(up, oh, ow, c), pool->get());
        for (int y = 0; y < oh; ++y)
            for (int x = 0; x < ow; ++x)
                for (int ch = 0; ch < c; ++ch)
                    ASSERT_EQ(up[(static_cast<size_t>(y) * ow + x) * c + ch],
                              in[(static_cast<size_t>(y * h / oh) * w + x * w / ow) * c + ch])
                        << "y " << y << " x " << x << " threads " << threads;
        // Crop (2, 1, 1) of size 10 x 5 x 2, then paste it back into zeros at the same place.
        std::vector<float> cut(10 * 5 * 2);
        crop(view(in, h, w, c), 2, 1, 1, view(cut, 10, 5, 2), pool->get());
        std::vector<float> back(in.size(), 0.f);
        paste(view(cut, 10, 5, 2), view(back, h, w, c), 2, 1, 1, pool->get());
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                for (int ch = 0; ch < c; ++ch) {
                    const bool inside = y >= 2 && y < 12 && x >= 1 && x < 6 && ch >= 1;
                    const size_t k = (static_cast<size_t>(y) * w + x) * c + ch;
                    ASSERT_EQ(back[k], inside ? in[k] : 0.f) << "y " << y << " x " << x;
                }
        // 0.2 * a + 1 * b, accumulated in input order.
        std::vector<float> b = random_vec(in.size(), 31);
        std::vector<float> sum(in.size());
        const NhwcView srcs[2] = {view(in, h, w, c), view(b, h, w, c)};
        const float coeffs[2] = {0.2f, 1.f};
        weighted_sum(srcs, coeffs, 2, view(sum, h, w, c), pool->get());
        for (size_t k = 0; k < in.size(); ++k) {
            float want = 0.2f * in[k];
            want += 1.f * b[k];
            ASSERT_EQ(sum[k], want) << "element " << k;
        }
    }
}

}  // namespace
}  // namespace kizuna::nn::xnn

#include "nn/xnnpack/xnnpack_weights.hpp"

#include <cstddef>

namespace kizuna::nn::xnn {

std::vector<float> ncnn_to_xnn_kernel(const std::vector<float>& w, int num_output, int num_input,
                                      int group, int kernel_h, int kernel_w,
                                      const std::vector<int>& out_perm) {
    const size_t gi = static_cast<size_t>(num_input / group);
    const size_t kk = static_cast<size_t>(kernel_h) * kernel_w;
    std::vector<float> out(static_cast<size_t>(num_output) * gi * kk);
    // Both layouts keep output channels outermost with groups contiguous, so group g's outputs
    // are [g*O/g, (g+1)*O/g) in both; only the inner [I][kh][kw] -> [kh][kw][I] changes.
    for (int o = 0; o < num_output; ++o) {
        const int src_o = out_perm.empty() ? o : out_perm[static_cast<size_t>(o)];
        const float* src = w.data() + static_cast<size_t>(src_o) * gi * kk;
        float* dst = out.data() + static_cast<size_t>(o) * gi * kk;
        for (size_t i = 0; i < gi; ++i) {
            for (size_t k = 0; k < kk; ++k) dst[k * gi + i] = src[i * kk + k];
        }
    }
    return out;
}

std::vector<float> permute_bias(const std::vector<float>& bias, const std::vector<int>& out_perm) {
    if (bias.empty() || out_perm.empty()) return bias;
    std::vector<float> out(bias.size());
    for (size_t k = 0; k < out.size(); ++k) out[k] = bias[static_cast<size_t>(out_perm[k])];
    return out;
}

std::vector<int> pixel_shuffle_permutation(int c_out, int r) {
    std::vector<int> perm(static_cast<size_t>(c_out) * r * r);
    for (int i = 0; i < r; ++i) {
        for (int j = 0; j < r; ++j) {
            for (int c = 0; c < c_out; ++c) {
                perm[static_cast<size_t>((i * r + j) * c_out + c)] = c * r * r + i * r + j;
            }
        }
    }
    return perm;
}

}  // namespace kizuna::nn::xnn

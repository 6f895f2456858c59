// Weight re-layout from ncnn order to XNNPACK order, and the pixel-shuffle channel permutation.
#pragma once

#include <vector>

namespace kizuna::nn::xnn {

// ncnn convolution / deconvolution weights [O][I/g][kh][kw] -> XNNPACK
// [g][O/g][kh][kw][I/g]. `out_perm` (empty = identity) reorders the output channels:
// XNNPACK output channel k takes ncnn output channel out_perm[k] (must stay within the group).
std::vector<float> ncnn_to_xnn_kernel(const std::vector<float>& w, int num_output, int num_input,
                                      int group, int kernel_h, int kernel_w,
                                      const std::vector<int>& out_perm);

// Applies out_perm to a bias vector (empty in = empty out; empty perm = identity).
std::vector<float> permute_bias(const std::vector<float>& bias, const std::vector<int>& out_perm);

// The permutation that turns XNNPACK depth_to_space (block size r, NHWC channel order
// (i, j, c), c innermost) into ncnn/PyTorch pixel shuffle (channel c*r*r + i*r + j):
// perm[(i*r + j)*c_out + c] = c*r*r + i*r + j, for c_out output channels.
std::vector<int> pixel_shuffle_permutation(int c_out, int r);

}  // namespace kizuna::nn::xnn

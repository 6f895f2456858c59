// Small x2 models written by the NN kernel tests themselves, fast on a software Vulkan device.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "model_files.hpp"
#include "xnn_test_util.hpp"

namespace kizuna::nn::test {

// Writes <temp>/<folder>/<stem>.param and .bin and returns the .param path: conv 3 -> 8 (ReLU),
// with `squeeze_excitation` a squeeze-excitation block (the global-pooling path of Real-CUGAN and
// cunet: global average pool, inner product + sigmoid, per-channel multiply), conv 8 -> 12,
// pixel shuffle x2. Random weights drawn from case_seed(seed), layer by layer.
inline std::string tiny_up2_model(const std::string& folder, const std::string& stem, uint32_t seed,
                                  bool squeeze_excitation) {
    std::mt19937 rng(case_seed(seed));
    kizuna::test::BinWriter bin;
    bin.tagged_f32(random_values(216, rng, -0.4f, 0.4f));  // c1 weights, bias
    bin.f32(random_values(8, rng, -0.1f, 0.1f));
    if (squeeze_excitation) {
        bin.tagged_f32(random_values(64, rng, -1.f, 1.f));  // fc weights, bias
        bin.f32(random_values(8, rng, -0.5f, 0.5f));
    }
    const char* const se_block =
        "Split sp 1 2 f f1 f2\n"
        "Pooling gp 1 1 f1 p 0=1 4=1\n"
        "InnerProduct fc 1 1 p s 0=8 1=1 2=64 9=4\n"
        "BinaryOp mul 2 1 f2 s g 0=2\n";
    const std::string param =
        std::string(squeeze_excitation ? "7767517\n8 9\n" : "7767517\n4 4\n") +
        "Input in 0 1 data\n"
        "Convolution c1 1 1 data f 0=8 1=3 4=1 5=1 6=216 9=1\n" +
        (squeeze_excitation ? se_block : "") + "Convolution c2 1 1 " +
        (squeeze_excitation ? "g" : "f") +
        " h 0=12 1=3 4=1 5=1 6=864\n"
        "PixelShuffle ps 1 1 h out 0=2\n";
    bin.tagged_f32(random_values(864, rng, -0.2f, 0.2f));  // c2 weights, bias
    bin.f32(random_values(12, rng, 0.2f, 0.4f));
    return kizuna::test::write_model_files(folder, stem, param, bin);
}

}  // namespace kizuna::nn::test

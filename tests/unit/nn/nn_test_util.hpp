// Helpers for the nn unit tests: build tiny ncnn models in memory and run them.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kizuna/tensor.hpp"
#include "model_files.hpp"
#include "nn/backend.hpp"
#include "nn/ncnn/ncnn_reader.hpp"

namespace kizuna::nn::test {

using kizuna::test::BinWriter;

inline Graph must_read(const std::string& param, const std::vector<uint8_t>& bin) {
    auto g = read_ncnn(param, bin, "test.param", "test.bin");
    EXPECT_TRUE(g.ok()) << (g.ok() ? "" : g.error().message);
    if (!g.ok()) return Graph{};
    return std::move(*g);
}

inline Tensor make_tensor(int c, int h, int w, const std::vector<float>& values) {
    auto t = Tensor::create(c, h, w);
    EXPECT_TRUE(t.ok());
    EXPECT_EQ(values.size(), t->size());
    std::memcpy(t->data(), values.data(), sizeof(float) * std::min(values.size(), t->size()));
    return std::move(*t);
}

inline std::vector<float> values(const Tensor& t) {
    return std::vector<float>(t.data(), t.data() + t.size());
}

// Runs the reference backend; fails the test on error.
inline Tensor run_ref(const Graph& g, const Tensor& in, int threads = 1) {
    auto backend = make_reference_backend(threads);
    Tensor out;
    auto r = backend->run(g, in.view(), out);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return out;
}

// The reference backend's output of the model `param` with weights `bin`, run on `in`.
inline Tensor run_model(const std::string& param, const std::vector<uint8_t>& bin,
                        const Tensor& in) {
    return run_ref(must_read(param, bin), in);
}

}  // namespace kizuna::nn::test

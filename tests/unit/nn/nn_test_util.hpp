// Helpers for the nn unit tests: build tiny ncnn models in memory and run them.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/half.hpp"
#include "kizuna/tensor.hpp"
#include "nn/backend.hpp"
#include "nn/ncnn/ncnn_reader.hpp"

namespace kizuna::nn::test {

// .bin bytes under construction.
struct BinWriter {
    std::vector<uint8_t> bytes;

    void u32(uint32_t v) {
        for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
    void f32(const std::vector<float>& v) {
        for (float f : v) {
            uint32_t bits;
            std::memcpy(&bits, &f, 4);
            u32(bits);
        }
    }
    // A tagged fp32 weight array (tag 0).
    void tagged_f32(const std::vector<float>& v) {
        u32(0);
        f32(v);
    }
    // A tagged fp16 weight array, padded to 4 bytes.
    void tagged_f16(const std::vector<float>& v) {
        u32(0x01306B47);
        for (float f : v) {
            const uint16_t h = float_to_half(f);
            bytes.push_back(static_cast<uint8_t>(h & 0xff));
            bytes.push_back(static_cast<uint8_t>(h >> 8));
        }
        while (bytes.size() % 4) bytes.push_back(0);
    }
};

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

}  // namespace kizuna::nn::test

// Tiny ncnn models that a test defines itself: the .bin bytes built in memory, and the pair of
// files written under the test's temp folder (no model file is committed).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/half.hpp"

namespace kizuna::test {

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

// Writes `param` and `bin` as <temp>/<folder>/<stem>.param and .bin (the folder created when
// missing) and returns the .param path. Each file is written under a name of this process and
// then renamed into place, so that the test processes that ctest runs side by side, each writing
// the same model, never read a file another one is still writing.
inline std::string write_model_files(const std::string& folder, const std::string& stem,
                                     const std::string& param, const BinWriter& bin) {
    const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / folder;
    std::filesystem::create_directories(dir);
    const std::string pid = std::to_string(::getpid());
    auto write = [&](const std::filesystem::path& path, const char* data, size_t size) {
        std::filesystem::path part = path;
        part += ".";
        part += pid;
        std::ofstream(part, std::ios::binary).write(data, static_cast<std::streamsize>(size));
        std::filesystem::rename(part, path);
    };
    write(dir / (stem + ".bin"), reinterpret_cast<const char*>(bin.bytes.data()), bin.bytes.size());
    const std::filesystem::path param_path = dir / (stem + ".param");
    write(param_path, param.data(), param.size());
    return param_path.string();
}

}  // namespace kizuna::test

// ncnn .bin weights -> Layer::weights / Layer::bias. See ncnn_reader.hpp for the format.
#include <cmath>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "core/half.hpp"
#include "nn/ncnn/ncnn_reader.hpp"

namespace kizuna::nn {
namespace {

constexpr uint32_t kTagFp32 = 0;
constexpr uint32_t kTagFp16 = 0x01306B47;
constexpr uint32_t kTagInt8 = 0x000D4B38;

size_t align4(size_t n) {
    return (n + 3) & ~size_t{3};
}

uint32_t read_u32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
           static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

// Bytes the payload of a tagged array of `count` values takes, or 0 for an unsupported tag.
size_t tagged_payload_bytes(uint32_t tag, size_t count) {
    if (tag == kTagFp32) return count * 4;
    if (tag == kTagFp16) return align4(count * 2);
    return 0;
}

// Total size the file should have: walks the tags it can read, assumes fp32 past the end.
size_t expected_size(const ParsedParam& parsed, std::span<const uint8_t> bin) {
    size_t pos = 0;
    for (const auto& specs : parsed.weights) {
        for (const WeightSpec& w : specs) {
            if (!w.tagged) {
                pos += w.count * 4;
                continue;
            }
            uint32_t tag = kTagFp32;
            if (pos + 4 <= bin.size()) tag = read_u32(bin.data() + pos);
            const size_t payload = tagged_payload_bytes(tag, w.count);
            pos += 4 + (payload ? payload : w.count * 4);
        }
    }
    return pos;
}

}  // namespace

Result<void> load_ncnn_bin(ParsedParam& parsed, std::span<const uint8_t> bin,
                           const std::string& source) {
    const size_t expected = expected_size(parsed, bin);
    if (bin.size() < expected)
        return make_error(Errc::corrupt_data,
                          fmt::format("{}: truncated: the model needs {} bytes of weights, the "
                                      "file has {} bytes",
                                      source, expected, bin.size()));
    if (bin.size() > expected)
        return make_error(Errc::corrupt_data,
                          fmt::format("{}: too long: the model needs {} bytes of weights, the "
                                      "file has {} bytes ({} unused)",
                                      source, expected, bin.size(), bin.size() - expected));
    size_t pos = 0;
    for (size_t li = 0; li < parsed.weights.size(); ++li) {
        Layer& layer = parsed.graph.layers[li];
        for (const WeightSpec& w : parsed.weights[li]) {
            auto fail = [&](Errc code, std::string what) {
                return make_error(code, fmt::format("{}: offset {}: layer {} '{}' (line {}): {}",
                                                    source, pos, layer_type_name(layer.type),
                                                    layer.name, layer.line, std::move(what)));
            };
            if (w.count > kMaxWeightValues)
                return fail(Errc::corrupt_data, fmt::format("{} weights is too many", w.count));
            uint32_t tag = kTagFp32;
            if (w.tagged) {
                if (bin.size() - pos < 4) return fail(Errc::corrupt_data, "truncated tag");
                tag = read_u32(bin.data() + pos);
                pos += 4;
            }
            const size_t payload = tagged_payload_bytes(tag, w.count);
            if (payload == 0 && w.count > 0) {
                if (tag == kTagInt8)
                    return fail(Errc::unsupported, "int8 weights are not supported");
                return fail(Errc::unsupported,
                            fmt::format("unsupported weight storage tag 0x{:08X}", tag));
            }
            if (bin.size() - pos < payload) return fail(Errc::corrupt_data, "truncated weights");
            std::vector<float>& dst = w.to_bias ? layer.bias : layer.weights;
            dst.resize(w.count);
            const uint8_t* src = bin.data() + pos;
            if (tag == kTagFp16) {
                for (size_t i = 0; i < w.count; ++i)
                    dst[i] = half_to_float(static_cast<uint16_t>(src[2 * i] | src[2 * i + 1] << 8));
            } else {
                for (size_t i = 0; i < w.count; ++i) {
                    const uint32_t bits = read_u32(src + 4 * i);
                    std::memcpy(&dst[i], &bits, 4);
                }
            }
            // A NaN or an infinity in a weight poisons every pixel it reaches: the picture comes
            // out all white or all black. No trained model holds one; refuse it here.
            for (size_t i = 0; i < w.count; ++i) {
                if (!std::isfinite(dst[i])) {
                    return fail(Errc::corrupt_data,
                                fmt::format("{} {} of {} is {} (a corrupt file)",
                                            w.to_bias ? "bias" : "weight", i, w.count,
                                            std::isnan(dst[i]) ? "NaN" : "infinite"));
                }
            }
            pos += payload;
        }
    }
    return {};
}

Result<Graph> read_ncnn(std::string_view param_text, std::span<const uint8_t> bin,
                        const std::string& param_source, const std::string& bin_source) {
    auto parsed = parse_ncnn_param(param_text, param_source);
    KZ_TRY(parsed);
    KZ_TRY(load_ncnn_bin(*parsed, bin, bin_source));
    return std::move(parsed->graph);
}

namespace {

Result<std::vector<uint8_t>> read_file(const std::filesystem::path& path, size_t max_bytes) {
    std::ifstream f(path, std::ios::binary | std::ios::ate);
    if (!f) {
        std::error_code ec;
        const bool exists = std::filesystem::exists(path, ec);
        return make_error(exists ? Errc::io_error : Errc::not_found,
                          fmt::format("{}: {}", path.string(),
                                      exists ? "cannot open for reading" : "no such file"));
    }
    const std::streamoff size = f.tellg();
    if (size < 0) return make_error(Errc::io_error, fmt::format("{}: cannot size", path.string()));
    if (static_cast<uint64_t>(size) > max_bytes)
        return make_error(Errc::corrupt_data, fmt::format("{}: {} bytes is larger than the {} "
                                                          "bytes accepted",
                                                          path.string(), size, max_bytes));
    std::vector<uint8_t> data(static_cast<size_t>(size));
    f.seekg(0);
    if (size > 0 && !f.read(reinterpret_cast<char*>(data.data()), size))
        return make_error(Errc::io_error, fmt::format("{}: read failed", path.string()));
    return data;
}

}  // namespace

Result<Graph> load_ncnn_model(const std::filesystem::path& param_path) {
    std::filesystem::path bin_path = param_path;
    bin_path.replace_extension(".bin");
    auto text = read_file(param_path, kMaxParamBytes);
    KZ_TRY(text);
    auto parsed = parse_ncnn_param(
        std::string_view(reinterpret_cast<const char*>(text->data()), text->size()),
        param_path.string());
    KZ_TRY(parsed);
    auto bin = read_file(bin_path, kMaxBinBytes);
    KZ_TRY(bin);
    KZ_TRY(load_ncnn_bin(*parsed, *bin, bin_path.string()));
    return std::move(parsed->graph);
}

}  // namespace kizuna::nn

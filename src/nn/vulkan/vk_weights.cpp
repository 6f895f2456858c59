#include "nn/vulkan/vk_weights.hpp"

#include <fmt/format.h>

#include <cstring>

#include "core/half.hpp"
#include "gpu/buffer.hpp"
#include "gpu/command_buffer.hpp"
#include "gpu/context.hpp"

namespace kizuna::nn::vk {
namespace {

// Convolution weights [oc][ic_per_group][kh][kw] -> [group][K][oc_per_group rounded up to 16],
// zeros in the padding (the shader reads 16 channels at a time as vec4s).
void pack_conv(const Layer& l, const ConvolutionParams& p, std::vector<float>& out) {
    const int icg = p.num_input / p.group, ocg = p.num_output / p.group;
    const size_t n_pad = (static_cast<size_t>(ocg) + 63) / 64 * 64;
    const int khw = p.kernel_h * p.kernel_w;
    const size_t k_count = static_cast<size_t>(icg) * khw;
    const size_t base = out.size();
    out.resize(base + static_cast<size_t>(p.group) * k_count * n_pad, 0.f);
    for (int g = 0; g < p.group; ++g)
        for (int n = 0; n < ocg; ++n)
            for (size_t k = 0; k < k_count; ++k)
                out[base + (g * k_count + k) * n_pad + n] =
                    l.weights[(static_cast<size_t>(g) * ocg + n) * k_count + k];
}

}  // namespace

Result<PackedWeights> pack_weights(const Graph& graph) {
    PackedWeights pw;
    pw.layers.resize(graph.layers.size());
    for (size_t i = 0; i < graph.layers.size(); ++i) {
        const Layer& l = graph.layers[i];
        LayerWeights& lw = pw.layers[i];
        if (!l.weights.empty()) {
            const ConvolutionParams* cp = l.get<ConvolutionParams>();
            const bool conv = l.type == LayerType::convolution && cp != nullptr;
            if (conv) pw.values.resize((pw.values.size() + 3) / 4 * 4, 0.f);  // vec4-aligned
            lw.weights = static_cast<int64_t>(pw.values.size());
            if (conv)
                pack_conv(l, *cp, pw.values);
            else
                pw.values.insert(pw.values.end(), l.weights.begin(), l.weights.end());
        }
        if (!l.bias.empty()) {
            lw.bias = static_cast<int64_t>(pw.values.size());
            pw.values.insert(pw.values.end(), l.bias.begin(), l.bias.end());
        }
        if (pw.values.size() > 0x7fffffffu)
            return make_error(Errc::unsupported,
                              fmt::format("{}: over 2^31 weight values, more than the Vulkan "
                                          "backend addresses",
                                          graph.source));
    }
    if (pw.values.empty()) pw.values.push_back(0.f);
    return pw;
}

Result<gpu::Buffer> upload_weights(gpu::Context& context, gpu::CommandBuffer& cmd,
                                   const std::vector<float>& values,
                                   gpu::StoragePrecision precision) {
    const bool f16 = precision == gpu::StoragePrecision::f16;
    const size_t bytes = values.size() * (f16 ? sizeof(uint16_t) : sizeof(float));
    auto staging = gpu::Buffer::create(context, {bytes, gpu::BufferKind::upload});
    KZ_TRY(staging);
    if (f16) {
        auto* dst = static_cast<uint16_t*>(staging->mapped());
        for (size_t i = 0; i < values.size(); ++i) dst[i] = float_to_half(values[i]);
    } else {
        std::memcpy(staging->mapped(), values.data(), bytes);
    }
    KZ_TRY(staging->flush());
    auto device = gpu::Buffer::create(context, {bytes, gpu::BufferKind::device});
    KZ_TRY(device);
    KZ_TRY(cmd.begin());
    cmd.copy(*staging, *device, bytes);
    cmd.barrier_transfer_to_compute();
    auto serial = cmd.submit();
    KZ_TRY(serial);
    KZ_TRY(cmd.wait());
    return std::move(*device);
}

}  // namespace kizuna::nn::vk

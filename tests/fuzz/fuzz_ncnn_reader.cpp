// libFuzzer target for the ncnn reader, shape inference, planning and (for small graphs) the
// reference backend.
//
// Input layout: 4 bytes little-endian N, then N bytes of .param text, then the .bin bytes.
// With an empty .bin part only the .param side (parse, shapes, plan) is exercised.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "kizuna/tensor.hpp"
#include "nn/backend.hpp"
#include "nn/graph/graph_stats.hpp"
#include "nn/ncnn/ncnn_reader.hpp"

using namespace kizuna;
using namespace kizuna::nn;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 4) return 0;
    uint32_t n = 0;
    std::memcpy(&n, data, 4);  // little-endian hosts only, which is all we fuzz on
    data += 4;
    size -= 4;
    if (n > size) n = static_cast<uint32_t>(size);
    const std::string_view text(reinterpret_cast<const char*>(data), n);
    const std::span<const uint8_t> bin(data + n, size - n);

    auto parsed = parse_ncnn_param(text, "fuzz.param");
    if (!parsed) return 0;
    for (int s : {1, 7, 16}) {
        auto plan = make_plan(parsed->graph, 3, s, s);
        if (plan) (void)graph_flops(parsed->graph, plan->shapes);
    }
    (void)receptive_field(parsed->graph);
    if (bin.empty()) return 0;
    if (!load_ncnn_bin(*parsed, bin, "fuzz.bin")) return 0;

    // Run only graphs that are cheap at 8x8 so the fuzzer keeps its speed.
    const Graph& g = parsed->graph;
    auto plan = make_plan(g, 3, 8, 8);
    if (!plan || plan->arena_bytes > (16u << 20) || graph_flops(g, plan->shapes) > 2e6) return 0;
    auto input = Tensor::create(3, 8, 8);
    if (!input) return 0;
    for (size_t i = 0; i < input->size(); ++i) input->data()[i] = static_cast<float>(i % 7) / 7.f;
    Tensor out;
    auto backend = make_reference_backend(1);
    (void)backend->run(g, input->view(), out);
    return 0;
}

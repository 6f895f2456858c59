// Registry entry of Crop (CropParams): the offsets form, the reference form (a second input
// gives the size) and the starts/ends/axes form.
#include <algorithm>
#include <climits>

#include <fmt/format.h>

#include "nn/layers/registry.hpp"
#include "nn/ncnn/param_table.hpp"
#include "nn/ref/ref_kernels.hpp"
#include "nn/vulkan/vk_step_builders.hpp"
#include "nn/xnnpack/xnnpack_step.hpp"

namespace kizuna::nn {
namespace {

using P = CropParams;
using F = Fields<P>;

constexpr int kMaxCrop = 1 << 24;

constexpr ParamField<P> kFields[] = {
    F::integer<&P::woffset>(0, "crop offset").range(0, kMaxCrop),
    F::integer<&P::hoffset>(1, "crop offset").range(0, kMaxCrop),
    F::must_be_off(13, "depth crop (key 13) is not supported"),
    F::integer<&P::coffset>(2, "crop offset").range(0, kMaxCrop),
    F::integer<&P::outw>(3, "crop size").range(0, kMaxCrop).or_value(-233),
    F::integer<&P::outh>(4, "crop size").range(0, kMaxCrop).or_value(-233),
    F::must_be_off(14, "depth crop (key 14) is not supported"),
    F::integer<&P::outc>(5, "crop size").range(0, kMaxCrop).or_value(-233),
    F::integer<&P::woffset2>(6, "crop offset").range(0, kMaxCrop),
    F::integer<&P::hoffset2>(7, "crop offset").range(0, kMaxCrop),
    F::must_be_off(15, "depth crop (key 15) is not supported"),
    F::integer<&P::coffset2>(8, "crop offset").range(0, kMaxCrop),
    F::int_list<&P::starts>(9, "starts"),
    F::int_list<&P::ends>(10, "ends"),
    F::int_list<&P::axes>(11, "axes"),
};

// starts, ends and axes agree in length; axes default to 0, 1, 2 and resolve to 0..2.
Result<void> finish(P& p, const FieldValues&, const LayerIo&, std::vector<WeightSpec>&) {
    if (p.starts.size() != p.ends.size())
        return corrupt_param(
            fmt::format("crop has {} starts but {} ends", p.starts.size(), p.ends.size()));
    if (p.axes.empty() && !p.starts.empty()) {
        for (size_t i = 0; i < p.starts.size() && i < 3; ++i) p.axes.push_back(static_cast<int>(i));
    }
    if (p.axes.size() != p.starts.size())
        return corrupt_param(
            fmt::format("crop has {} starts but {} axes", p.starts.size(), p.axes.size()));
    for (int& a : p.axes) {
        if (a < -3 || a > 2) return corrupt_param(fmt::format("crop axis {} is out of range", a));
        if (a < 0) a += 3;
    }
    return {};
}

constexpr NcnnLayout<P> kLayout{{1, 2, 1, 1}, kFields, nullptr, finish};
constexpr NcnnForm kForms[] = {ncnn_form("Crop", kLayout)};

Result<Shape> shape(const ShapeArgs& a) {
    const P& p = *a.layer.get<P>();
    const Shape& in = a.in();
    int begin[3] = {p.coffset, p.hoffset, p.woffset};
    const int dims[3] = {in.c, in.h, in.w};
    int size[3];
    if (a.layer.inputs.size() == 2) {
        const Shape& ref = a.in(1);
        size[0] = ref.c;
        size[1] = ref.h;
        size[2] = ref.w;
    } else if (!p.starts.empty()) {
        for (int x = 0; x < 3; ++x) {
            begin[x] = 0;
            size[x] = dims[x];
        }
        for (size_t i = 0; i < p.starts.size(); ++i) {
            const int x = p.axes[i];
            const int n = dims[x];
            long long s = p.starts[i];
            long long e = p.ends[i];
            if (s < 0) s += n;
            if (e >= INT_MAX / 2) e = n;
            if (e < 0) e += n;
            s = std::clamp<long long>(s, 0, n);
            e = std::clamp<long long>(e, 0, n);
            size[x] = static_cast<int>(e - s);
        }
        const CropOffsets off = crop_offsets(p, in);
        begin[0] = off.c;
        begin[1] = off.h;
        begin[2] = off.w;
    } else {
        const int out[3] = {p.outc, p.outh, p.outw};
        const int end_off[3] = {p.coffset2, p.hoffset2, p.woffset2};
        for (int x = 0; x < 3; ++x)
            size[x] = (out[x] == 0 || out[x] == -233) ? dims[x] - begin[x] - end_off[x] : out[x];
    }
    for (int x = 0; x < 3; ++x) {
        if (size[x] < 1 || begin[x] < 0 || static_cast<long long>(begin[x]) + size[x] > dims[x])
            return a.fail(fmt::format(
                "crop of {}x{}x{} at offset {},{},{} does not fit the input {}", size[0], size[1],
                size[2], begin[0], begin[1], begin[2], shape_text(in)));
    }
    return Shape{size[0], size[1], size[2]};
}

}  // namespace

CropOffsets crop_offsets(const CropParams& p, const Shape& in) {
    if (p.starts.empty()) return {p.coffset, p.hoffset, p.woffset};
    int begin[3] = {0, 0, 0};
    const int dims[3] = {in.c, in.h, in.w};
    for (size_t i = 0; i < p.starts.size() && i < p.axes.size(); ++i) {
        const int x = p.axes[i];
        if (x < 0 || x > 2) continue;
        long long s = p.starts[i];
        if (s < 0) s += dims[x];
        begin[x] = static_cast<int>(std::clamp<long long>(s, 0, dims[x]));
    }
    return {begin[0], begin[1], begin[2]};
}

extern const LayerDef kCropLayer{
    .type = LayerType::crop,
    .ncnn = kForms,
    .shape = shape,
    .reference = ref::forward<ref::crop>,
    .xnnpack = xnn::make_crop_step,
    .vulkan = vk::crop_steps,
};

}  // namespace kizuna::nn

// Registry entry of BinaryOp (BinaryOpParams): a (op) b with numpy-style broadcasting, or
// a (op) scalar.
#include <fmt/format.h>

#include "nn/layers/registry.hpp"
#include "nn/ncnn/param_table.hpp"
#include "nn/ref/ref_kernels.hpp"
#include "nn/xnnpack/xnnpack_step.hpp"

namespace kizuna::nn {
namespace {

using P = BinaryOpParams;
using F = Fields<P>;

constexpr ParamField<P> kFields[] = {
    F::integer<&P::op>(0, "op_type").range(0, 11),
    F::integer<&P::with_scalar>(1, "with_scalar").range(0, 1),
    F::real<&P::scalar>(2, "b"),
};

// Two inputs, or one with a scalar.
Result<void> finish(P& p, const FieldValues&, const LayerIo& io, std::vector<WeightSpec>&) {
    const int need = p.with_scalar ? 1 : 2;
    return check_io(io.inputs, io.outputs, need, need, 1, 1);
}

constexpr NcnnLayout<P> kLayout{{1, 2, 1, 1}, kFields, nullptr, finish};
constexpr NcnnForm kForms[] = {ncnn_form("BinaryOp", kLayout)};

Result<Shape> shape(const ShapeArgs& a) {
    const Shape& in = a.in();
    if (a.layer.inputs.size() == 1) return in;
    const Shape& b = a.in(1);
    auto dim = [](int x, int y) { return x == y ? x : (x == 1 ? y : (y == 1 ? x : -1)); };
    const Shape out{dim(in.c, b.c), dim(in.h, b.h), dim(in.w, b.w)};
    if (out.c < 0 || out.h < 0 || out.w < 0)
        return a.fail(fmt::format("cannot broadcast {} with {}", shape_text(in), shape_text(b)));
    return out;
}

}  // namespace

extern constinit const LayerDef kBinaryOpLayer = elementwise_layer(
    LayerType::binary_op, kForms, shape, ref::forward<ref::binary_op>, xnn::make_binary_op_step);

}  // namespace kizuna::nn

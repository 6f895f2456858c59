// Reference implementations of the non-convolution layers (definitions in layer.hpp).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/enum_names.hpp"
#include "nn/ref/ref_kernels.hpp"

namespace kizuna::nn::ref {
namespace {

size_t plane(const Shape& s) {
    return static_cast<size_t>(s.h) * s.w;
}

using BinaryFn = float (*)(float, float);

// By BinaryOpType.
constexpr BinaryFn kBinary[] = {
    [](float a, float b) { return a + b; },             // add
    [](float a, float b) { return a - b; },             // sub
    [](float a, float b) { return a * b; },             // mul
    [](float a, float b) { return a / b; },             // div
    [](float a, float b) { return std::max(a, b); },    // max
    [](float a, float b) { return std::min(a, b); },    // min
    [](float a, float b) { return std::pow(a, b); },    // pow
    [](float a, float b) { return b - a; },             // rsub
    [](float a, float b) { return b / a; },             // rdiv
    [](float a, float b) { return std::pow(b, a); },    // rpow
    [](float a, float b) { return std::atan2(a, b); },  // atan2
    [](float a, float b) { return std::atan2(b, a); },  // ratan2
};

// The operation of `op` (0 for a value outside the enumeration).
BinaryFn binary_fn(BinaryOpType op) {
    constexpr BinaryFn kNone = [](float, float) { return 0.f; };
    return enum_lookup<BinaryOpType::ratan2>(op, kBinary, kNone);
}

// Keys' cubic convolution weights for a fractional offset t in [0, 1), A = -0.75.
void cubic_weights(float t, float w[4]) {
    const float A = -0.75f;
    auto near = [&](float x) { return ((A + 2) * x - (A + 3)) * x * x + 1; };       // |x| <= 1
    auto far = [&](float x) { return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A; };  // 1 < |x| < 2
    w[0] = far(t + 1);
    w[1] = near(t);
    w[2] = near(1 - t);
    w[3] = 1.f - w[0] - w[1] - w[2];
}

// Source coordinate of output index d for a linear/cubic resize of n -> out samples.
float source_coord(int d, int n, int out, bool align_corner) {
    if (align_corner) return out > 1 ? static_cast<float>(d) * (n - 1) / (out - 1) : 0.f;
    return static_cast<float>((d + 0.5) * n / out - 0.5);
}

}  // namespace

void prelu(const Layer& l, In in, Out out) {
    const size_t n = plane(in.shape);
    for (int c = 0; c < in.shape.c; ++c) {
        const float slope = l.weights.size() == 1 ? l.weights[0] : l.weights[c];
        const float* s = in.data + c * n;
        float* d = out.data + c * n;
        for (size_t i = 0; i < n; ++i) d[i] = s[i] > 0.f ? s[i] : s[i] * slope;
    }
}

void pixel_shuffle(const Layer& l, In in, Out out) {
    const PixelShuffleParams& p = *l.get<PixelShuffleParams>();
    const int r = p.upscale_factor;
    for (int c = 0; c < out.shape.c; ++c)
        for (int i = 0; i < r; ++i)
            for (int j = 0; j < r; ++j) {
                const int ic = p.mode == 0 ? c * r * r + i * r + j : (i * r + j) * out.shape.c + c;
                const float* s = in.data + ic * plane(in.shape);
                float* d = out.data + c * plane(out.shape);
                for (int y = 0; y < in.shape.h; ++y)
                    for (int x = 0; x < in.shape.w; ++x)
                        d[static_cast<size_t>(y * r + i) * out.shape.w + x * r + j] =
                            s[static_cast<size_t>(y) * in.shape.w + x];
            }
}

void interp(const Layer& l, In in, Out out, Scratch& scratch) {
    const InterpParams& p = *l.get<InterpParams>();
    const int iw = in.shape.w, ih = in.shape.h, ow = out.shape.w, oh = out.shape.h;
    // Per output column/row: up to 4 source indices (clamped to the edge) and their weights.
    const int taps = p.mode == InterpMode::nearest ? 1 : p.mode == InterpMode::bilinear ? 2 : 4;
    auto table = [&](int n, int out_n, float scale, bool from_size, std::vector<int>& idx,
                     std::vector<float>& wt) {
        idx.assign(static_cast<size_t>(out_n) * taps, 0);
        wt.assign(static_cast<size_t>(out_n) * taps, 0.f);
        for (int d = 0; d < out_n; ++d) {
            int* ix = &idx[static_cast<size_t>(d) * taps];
            float* w = &wt[static_cast<size_t>(d) * taps];
            if (p.mode == InterpMode::nearest) {
                const float step = from_size ? static_cast<float>(n) / out_n : 1.f / scale;
                ix[0] = std::min(static_cast<int>(d * step), n - 1);
                w[0] = 1.f;
                continue;
            }
            const float f = source_coord(d, n, out_n, p.align_corner);
            if (p.mode == InterpMode::bilinear) {
                const float fc = std::clamp(f, 0.f, static_cast<float>(n - 1));
                const int i0 = static_cast<int>(std::floor(fc));
                ix[0] = i0;
                ix[1] = std::min(i0 + 1, n - 1);
                w[1] = fc - i0;
                w[0] = 1.f - w[1];
                continue;
            }
            const int i0 = static_cast<int>(std::floor(f));
            cubic_weights(f - i0, w);
            for (int k = 0; k < 4; ++k) ix[k] = std::clamp(i0 - 1 + k, 0, n - 1);
        }
    };
    std::vector<int>& xi = scratch.x_index;
    std::vector<int>& yi = scratch.y_index;
    std::vector<float>& xw = scratch.x_weight;
    std::vector<float>& yw = scratch.y_weight;
    table(iw, ow, p.width_scale, p.output_w > 0, xi, xw);
    table(ih, oh, p.height_scale, p.output_h > 0, yi, yw);
    std::vector<float>& rows = scratch.rows;
    rows.resize(static_cast<size_t>(taps) * ow);
    for (int c = 0; c < in.shape.c; ++c) {
        const float* s = in.data + c * plane(in.shape);
        float* d = out.data + c * plane(out.shape);
        for (int y = 0; y < oh; ++y) {
            // Horizontal pass on the source rows this output row needs, then vertical blend.
            for (int t = 0; t < taps; ++t) {
                const float* srow =
                    s + static_cast<size_t>(yi[static_cast<size_t>(y) * taps + t]) * iw;
                for (int x = 0; x < ow; ++x) {
                    float v = 0.f;
                    for (int k = 0; k < taps; ++k)
                        v += xw[static_cast<size_t>(x) * taps + k] *
                             srow[xi[static_cast<size_t>(x) * taps + k]];
                    rows[static_cast<size_t>(t) * ow + x] = v;
                }
            }
            for (int x = 0; x < ow; ++x) {
                float v = 0.f;
                for (int t = 0; t < taps; ++t)
                    v += yw[static_cast<size_t>(y) * taps + t] *
                         rows[static_cast<size_t>(t) * ow + x];
                d[static_cast<size_t>(y) * ow + x] = v;
            }
        }
    }
}

void binary_op(const Layer& l, In a, const In* b, Out out) {
    const BinaryOpParams& p = *l.get<BinaryOpParams>();
    const BinaryFn binary = binary_fn(p.op);
    const Shape& o = out.shape;
    if (b == nullptr) {
        const size_t n = o.elements();
        for (size_t i = 0; i < n; ++i) out.data[i] = binary(a.data[i], p.scalar);
        return;
    }
    // Broadcast: a dimension of size 1 repeats (stride 0).
    auto strides = [](const Shape& s, size_t st[3]) {
        st[0] = s.c == 1 ? 0 : plane(s);
        st[1] = s.h == 1 ? 0 : static_cast<size_t>(s.w);
        st[2] = s.w == 1 ? 0 : 1;
    };
    size_t sa[3], sb[3];
    strides(a.shape, sa);
    strides(b->shape, sb);
    float* d = out.data;
    for (int c = 0; c < o.c; ++c)
        for (int y = 0; y < o.h; ++y)
            for (int x = 0; x < o.w; ++x)
                *d++ = binary(a.data[c * sa[0] + y * sa[1] + x * sa[2]],
                              b->data[c * sb[0] + y * sb[1] + x * sb[2]]);
}

void eltwise(const Layer& l, std::span<const In> ins, Out out) {
    const EltwiseParams& p = *l.get<EltwiseParams>();
    const size_t n = out.shape.elements();
    for (size_t i = 0; i < n; ++i) {
        float v = p.op == EltwiseOp::sum && !p.coefficients.empty()
                      ? ins[0].data[i] * p.coefficients[0]
                      : ins[0].data[i];
        for (size_t k = 1; k < ins.size(); ++k) {
            const float x = ins[k].data[i];
            switch (p.op) {
                case EltwiseOp::prod:
                    v *= x;
                    break;
                case EltwiseOp::sum:
                    v += p.coefficients.empty() ? x : x * p.coefficients[k];
                    break;
                case EltwiseOp::max:
                    v = std::max(v, x);
                    break;
            }
        }
        out.data[i] = v;
    }
}

void concat(const Layer& l, std::span<const In> ins, Out out) {
    const int axis = l.get<ConcatParams>()->axis;
    const Shape& o = out.shape;
    int pos = 0;  // running offset along the axis
    for (const In& in : ins) {
        const Shape& s = in.shape;
        for (int c = 0; c < s.c; ++c)
            for (int y = 0; y < s.h; ++y) {
                const int oc = axis == 0 ? c + pos : c;
                const int oy = axis == 1 ? y + pos : y;
                const int ox = axis == 2 ? pos : 0;
                std::memcpy(out.data + oc * plane(o) + static_cast<size_t>(oy) * o.w + ox,
                            in.data + c * plane(s) + static_cast<size_t>(y) * s.w,
                            sizeof(float) * s.w);
            }
        pos += axis == 0 ? s.c : axis == 1 ? s.h : s.w;
    }
}

void crop(const Layer& l, In in, Out out) {
    const CropOffsets off = crop_offsets(*l.get<CropParams>(), in.shape);
    const Shape& o = out.shape;
    for (int c = 0; c < o.c; ++c)
        for (int y = 0; y < o.h; ++y)
            std::memcpy(out.data + c * plane(o) + static_cast<size_t>(y) * o.w,
                        in.data + (c + off.c) * plane(in.shape) +
                            static_cast<size_t>(y + off.h) * in.shape.w + off.w,
                        sizeof(float) * o.w);
}

void pooling(const Layer& l, In in, Out out) {
    const PoolingParams& p = *l.get<PoolingParams>();
    const Shape& s = in.shape;
    const Shape& o = out.shape;
    if (p.global) {
        for (int c = 0; c < s.c; ++c) {
            const float* src = in.data + c * plane(s);
            float v = p.type == PoolingType::max ? -std::numeric_limits<float>::infinity() : 0.f;
            for (size_t i = 0; i < plane(s); ++i)
                v = p.type == PoolingType::max ? std::max(v, src[i]) : v + src[i];
            out.data[c] = p.type == PoolingType::max ? v : v / static_cast<float>(plane(s));
        }
        return;
    }
    const Padding pad = resolve_pooling_padding(p, s.h, s.w);
    for (int c = 0; c < s.c; ++c) {
        const float* src = in.data + c * plane(s);
        float* dst = out.data + c * plane(o);
        for (int y = 0; y < o.h; ++y)
            for (int x = 0; x < o.w; ++x) {
                const int y0 = y * p.stride_h - pad.top;
                const int x0 = x * p.stride_w - pad.left;
                float v =
                    p.type == PoolingType::max ? -std::numeric_limits<float>::infinity() : 0.f;
                int count = 0;
                for (int ky = std::max(0, -y0); ky < p.kernel_h && y0 + ky < s.h; ++ky)
                    for (int kx = std::max(0, -x0); kx < p.kernel_w && x0 + kx < s.w; ++kx) {
                        const float e = src[static_cast<size_t>(y0 + ky) * s.w + x0 + kx];
                        v = p.type == PoolingType::max ? std::max(v, e) : v + e;
                        ++count;
                    }
                if (p.type == PoolingType::average) {
                    // ncnn divides by the window clipped to the padded input when counting pad.
                    const int area = p.count_include_pad
                                         ? (std::min(y0 + p.kernel_h, s.h + pad.bottom) -
                                            std::max(y0, -pad.top)) *
                                               (std::min(x0 + p.kernel_w, s.w + pad.right) -
                                                std::max(x0, -pad.left))
                                         : count;
                    v = area > 0 ? v / static_cast<float>(area) : 0.f;
                }
                dst[static_cast<size_t>(y) * o.w + x] = v;
            }
    }
}

void scale(const Layer& l, In in, const In* scale_blob, Out out) {
    const size_t n = plane(in.shape);
    for (int c = 0; c < in.shape.c; ++c) {
        const float s = scale_blob ? scale_blob->data[c] : l.weights[c];
        const float b = l.bias.empty() ? 0.f : l.bias[c];
        const float* src = in.data + c * n;
        float* dst = out.data + c * n;
        for (size_t i = 0; i < n; ++i) dst[i] = src[i] * s + b;
    }
}

}  // namespace kizuna::nn::ref

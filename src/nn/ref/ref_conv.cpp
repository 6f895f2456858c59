// Reference convolution, deconvolution and inner product (see layer.hpp for the definitions).
#include <algorithm>
#include <cmath>

#include "nn/ref/ref_kernels.hpp"
#include "nn/thread_pool.hpp"

namespace kizuna::nn::ref {

void activate(const ActivationParams& a, float* d, size_t n) {
    switch (a.type) {
        case ActivationType::none:
            return;
        case ActivationType::relu:
        case ActivationType::leaky_relu:
            for (size_t i = 0; i < n; ++i) d[i] = d[i] > 0.f ? d[i] : d[i] * a.alpha;
            return;
        case ActivationType::clip:
            for (size_t i = 0; i < n; ++i) d[i] = std::min(std::max(d[i], a.alpha), a.beta);
            return;
        case ActivationType::sigmoid:
            for (size_t i = 0; i < n; ++i) d[i] = 1.f / (1.f + std::exp(-d[i]));
            return;
        case ActivationType::mish:
            for (size_t i = 0; i < n; ++i) d[i] = d[i] * std::tanh(std::log1p(std::exp(d[i])));
            return;
        case ActivationType::hard_swish:
            for (size_t i = 0; i < n; ++i)
                d[i] = d[i] * std::min(std::max(d[i] * a.alpha + a.beta, 0.f), 1.f);
            return;
    }
}

void convolution(const Layer& l, In in, Out out, pthreadpool_t pool) {
    const ConvolutionParams& p = *l.get<ConvolutionParams>();
    const Padding pad = resolve_padding(p, in.shape.h, in.shape.w);
    const int iw = in.shape.w, ih = in.shape.h;
    const int ow = out.shape.w, oh = out.shape.h;
    const int in_per_group = p.num_input / p.group;
    const int out_per_group = p.num_output / p.group;
    const size_t plane_in = static_cast<size_t>(ih) * iw;
    const size_t plane_out = static_cast<size_t>(oh) * ow;
    const bool padded_value = p.pad_value != 0.f;

    parallel_for(pool, static_cast<size_t>(p.num_output), [&](size_t o) {
        float* dst = out.data + o * plane_out;
        std::fill(dst, dst + plane_out, l.bias.empty() ? 0.f : l.bias[o]);
        const int g = static_cast<int>(o) / out_per_group;
        for (int ci = 0; ci < in_per_group; ++ci) {
            const int i = g * in_per_group + ci;
            const float* src = in.data + i * plane_in;
            const float* w = l.weights.data() +
                             (static_cast<size_t>(o) * in_per_group + ci) * p.kernel_h * p.kernel_w;
            for (int ky = 0; ky < p.kernel_h; ++ky) {
                for (int kx = 0; kx < p.kernel_w; ++kx) {
                    const float wv = w[ky * p.kernel_w + kx];
                    const int dx = kx * p.dilation_w - pad.left;  // x_in = x*stride + dx
                    const int dy = ky * p.dilation_h - pad.top;
                    // Output columns whose sample x*stride + dx lies inside the input.
                    const int x_lo =
                        std::min(ow, dx >= 0 ? 0 : (-dx + p.stride_w - 1) / p.stride_w);
                    const int x_hi = std::max(
                        x_lo, std::min(ow, iw - 1 - dx < 0 ? 0 : (iw - 1 - dx) / p.stride_w + 1));
                    for (int y = 0; y < oh; ++y) {
                        const int sy = y * p.stride_h + dy;
                        float* row = dst + static_cast<size_t>(y) * ow;
                        if (sy < 0 || sy >= ih) {
                            if (padded_value)
                                for (int x = 0; x < ow; ++x) row[x] += wv * p.pad_value;
                            continue;
                        }
                        if (padded_value) {
                            for (int x = 0; x < x_lo; ++x) row[x] += wv * p.pad_value;
                            for (int x = x_hi; x < ow; ++x) row[x] += wv * p.pad_value;
                        }
                        const float* srow = src + static_cast<size_t>(sy) * iw;
                        if (p.stride_w == 1) {
                            for (int x = x_lo; x < x_hi; ++x) row[x] += wv * srow[x + dx];
                        } else {
                            for (int x = x_lo; x < x_hi; ++x)
                                row[x] += wv * srow[x * p.stride_w + dx];
                        }
                    }
                }
            }
        }
        activate(p.activation, dst, plane_out);
    });
}

void deconvolution(const Layer& l, In in, Out out, Scratch& scratch, pthreadpool_t pool) {
    const ConvolutionParams& p = *l.get<ConvolutionParams>();
    const int iw = in.shape.w, ih = in.shape.h;
    const int fw = (iw - 1) * p.stride_w + p.dilation_w * (p.kernel_w - 1) + 1 + p.output_pad_right;
    const int fh =
        (ih - 1) * p.stride_h + p.dilation_h * (p.kernel_h - 1) + 1 + p.output_pad_bottom;
    // Crop origin inside the full output: explicit pads, or centred on output_w/h (as ncnn).
    const int x0 = p.output_w > 0 ? (fw - out.shape.w) / 2 : p.pad_left;
    const int y0 = p.output_h > 0 ? (fh - out.shape.h) / 2 : p.pad_top;
    const int in_per_group = p.num_input / p.group;
    const int out_per_group = p.num_output / p.group;
    const size_t plane_in = static_cast<size_t>(ih) * iw;
    const size_t plane_full = static_cast<size_t>(fh) * fw;
    std::vector<float>& full_planes = scratch.full;
    full_planes.resize(plane_full * p.num_output);

    parallel_for(pool, static_cast<size_t>(p.num_output), [&](size_t o) {
        float* full = full_planes.data() + o * plane_full;
        std::fill(full, full + plane_full, 0.f);
        const int g = static_cast<int>(o) / out_per_group;
        for (int ci = 0; ci < in_per_group; ++ci) {
            const float* src = in.data + (g * in_per_group + ci) * plane_in;
            const float* w = l.weights.data() +
                             (static_cast<size_t>(o) * in_per_group + ci) * p.kernel_h * p.kernel_w;
            for (int ky = 0; ky < p.kernel_h; ++ky)
                for (int kx = 0; kx < p.kernel_w; ++kx) {
                    const float wv = w[ky * p.kernel_w + kx];
                    for (int y = 0; y < ih; ++y) {
                        float* row = full +
                                     static_cast<size_t>(y * p.stride_h + ky * p.dilation_h) * fw +
                                     kx * p.dilation_w;
                        const float* srow = src + static_cast<size_t>(y) * iw;
                        for (int x = 0; x < iw; ++x) row[x * p.stride_w] += wv * srow[x];
                    }
                }
        }
        float* dst = out.data + o * out.shape.h * out.shape.w;
        const float b = l.bias.empty() ? 0.f : l.bias[o];
        for (int y = 0; y < out.shape.h; ++y)
            for (int x = 0; x < out.shape.w; ++x)
                dst[static_cast<size_t>(y) * out.shape.w + x] =
                    full[static_cast<size_t>(y + y0) * fw + x + x0] + b;
        activate(p.activation, dst, static_cast<size_t>(out.shape.h) * out.shape.w);
    });
}

void activation(const Layer& l, In in, Out out) {
    const size_t n = out.shape.elements();
    std::copy(in.data, in.data + n, out.data);
    activate(*l.get<ActivationParams>(), out.data, n);
}

void inner_product(const Layer& l, In in, Out out) {
    const InnerProductParams& p = *l.get<InnerProductParams>();
    for (int o = 0; o < p.num_output; ++o) {
        const float* w = l.weights.data() + static_cast<size_t>(o) * p.num_input;
        float sum = l.bias.empty() ? 0.f : l.bias[o];
        for (int i = 0; i < p.num_input; ++i) sum += w[i] * in.data[i];
        out.data[o] = sum;
    }
    activate(p.activation, out.data, static_cast<size_t>(p.num_output));
}

}  // namespace kizuna::nn::ref

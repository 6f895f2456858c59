// Driver of the direct convolution: weight packing, the CPU check and the row x group tasks.
#include "nn/direct/direct_conv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "core/aligned.hpp"
#include "kizuna/probe.hpp"
#include "nn/direct/direct_conv_kernel.hpp"

namespace kizuna::nn::direct {

bool available() noexcept {
    return cpu_level() >= CpuLevel::avx2;
}

void PackedConv::Free::operator()(float* p) const noexcept {
    detail::aligned_free(p);
}

Result<PackedConv> PackedConv::pack(const ConvGeometry& g, const std::vector<float>& w,
                                    const std::vector<float>& bias,
                                    const std::vector<int>& out_perm, const ActivationParams& act,
                                    const std::vector<float>* prelu_slopes) {
    const int no = g.num_output;
    const int ni = g.num_input;
    const size_t taps = static_cast<size_t>(g.kernel_h) * g.kernel_w;
    if (no <= 0 || ni <= 0 || taps == 0 || w.size() != static_cast<size_t>(no) * ni * taps ||
        (!bias.empty() && bias.size() != static_cast<size_t>(no)) ||
        (!out_perm.empty() && out_perm.size() != static_cast<size_t>(no))) {
        return make_error(Errc::invalid_argument,
                          fmt::format("direct convolution: {} weights, {} biases for {} outputs x "
                                      "{} inputs x {} taps",
                                      w.size(), bias.size(), no, ni, taps));
    }
    PackedConv pc;
    pc.g_ = g;
    float slope_all = 0.f;
    bool per_channel_slope = false;
    switch (act.type) {
        case ActivationType::none:
            pc.epilogue_ = Epilogue::none;
            break;
        case ActivationType::relu:
        case ActivationType::leaky_relu:
            pc.epilogue_ = Epilogue::slope;
            slope_all = act.alpha;
            break;
        case ActivationType::clip:
            pc.epilogue_ = Epilogue::clip;
            pc.lo_ = act.alpha;
            pc.hi_ = act.beta;
            break;
        default:
            return make_error(Errc::unsupported,
                              "direct convolution: activation has no epilogue (sigmoid, mish, "
                              "hard-swish)");
    }
    if (prelu_slopes != nullptr) {
        const size_t n = prelu_slopes->size();
        if (pc.epilogue_ != Epilogue::none || (n != 1 && n != static_cast<size_t>(no))) {
            return make_error(Errc::invalid_argument,
                              fmt::format("direct convolution: PReLU with {} slopes after {} "
                                          "outputs or after another activation",
                                          n, no));
        }
        pc.epilogue_ = Epilogue::slope;
        per_channel_slope = n > 1;
        slope_all = (*prelu_slopes)[0];
    }

    const int groups = (no + kGroupChannels - 1) / kGroupChannels;
    const size_t group_weights = taps * static_cast<size_t>(ni) * kGroupChannels;
    const size_t n_weights = group_weights * static_cast<size_t>(groups);
    const size_t n_vec = static_cast<size_t>(groups) * kGroupChannels;
    const size_t n_zeros = (static_cast<size_t>(ni) + 15) / 16 * 16;
    const size_t total = n_weights + 2 * n_vec + n_zeros;
    pc.store_.reset(static_cast<float*>(detail::aligned_alloc_bytes(total * sizeof(float))));
    if (!pc.store_) {
        return make_error(Errc::out_of_memory,
                          fmt::format("direct convolution: cannot allocate {} KB of packed weights",
                                      total * sizeof(float) >> 10));
    }
    float* base = pc.store_.get();
    std::memset(base, 0, total * sizeof(float));
    float* pw = base;
    float* pb = base + n_weights;
    float* ps = pb + n_vec;
    pc.weights_ = pw;
    pc.bias_ = pb;
    pc.slope_ = ps;
    pc.zeros_ = ps + n_vec;
    for (int grp = 0; grp < groups; ++grp) {
        const int c0 = grp * kGroupChannels;
        const int nch = std::min(kGroupChannels, no - c0);
        const size_t lanes = static_cast<size_t>(nch + 15) / 16 * 16;
        float* dst = pw + group_weights * static_cast<size_t>(grp);
        for (int k = 0; k < nch; ++k) {
            const int o = out_perm.empty() ? c0 + k : out_perm[static_cast<size_t>(c0 + k)];
            pb[c0 + k] = bias.empty() ? 0.f : bias[static_cast<size_t>(o)];
            ps[c0 + k] = per_channel_slope ? (*prelu_slopes)[static_cast<size_t>(o)] : slope_all;
            for (int i = 0; i < ni; ++i) {
                for (size_t t = 0; t < taps; ++t) {
                    const float v = w[(static_cast<size_t>(o) * ni + i) * taps + t];
                    dst[(t * ni + static_cast<size_t>(i)) * lanes + static_cast<size_t>(k)] = v;
                }
            }
        }
    }
    return pc;
}

namespace {

struct Task {
    KernelArgs args;
    void (*row)(const KernelArgs&, int, int);
};

void run_task(void* context, size_t row, size_t group) {
    const Task& t = *static_cast<const Task*>(context);
    t.row(t.args, static_cast<int>(row), static_cast<int>(group));
}

}  // namespace

static_assert(PackedConv::max_segments() == kMaxSegments);

void PackedConv::run(const xnn::NhwcView* in, int segments, const xnn::NhwcView& out, int pad_top,
                     int pad_left, pthreadpool_t pool) const {
    Task task;
    task.row = cpu_level() >= CpuLevel::avx512 ? conv_row_avx512 : conv_row_avx2;
    KernelArgs& a = task.args;
    a.n_seg = segments;
    a.in_h = in[0].height;
    a.in_w = in[0].width;
    for (int s = 0; s < segments; ++s) {
        a.seg_in[s] = in[s].data;
        a.seg_c[s] = in[s].channels;
        a.in_c += in[s].channels;
    }
    a.out = out.data;
    a.out_w = out.width;
    a.out_c = out.channels;
    a.kernel_h = g_.kernel_h;
    a.kernel_w = g_.kernel_w;
    a.stride_h = g_.stride_h;
    a.stride_w = g_.stride_w;
    a.dilation_h = g_.dilation_h;
    a.dilation_w = g_.dilation_w;
    a.pad_top = pad_top;
    a.pad_left = pad_left;
    a.weights = weights_;
    a.bias = bias_;
    a.slope = slope_;
    a.zeros = zeros_;
    a.epilogue = static_cast<int>(epilogue_);
    a.lo = lo_;
    a.hi = hi_;
    const size_t groups = static_cast<size_t>(g_.num_output + kGroupChannels - 1) / kGroupChannels;
    pthreadpool_parallelize_2d(pool, run_task, &task, static_cast<size_t>(out.height), groups, 0);
}

}  // namespace kizuna::nn::direct

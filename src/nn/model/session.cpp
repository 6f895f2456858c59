// kizuna::Session: a backend and, per input size seen, everything prepared to run it again
// without allocating (the backend's plan and operators, the padded input and the raw output of
// exact-size runs, the edge-padding index tables). On Vulkan the slots' backends share one
// device and the weights uploaded to it.
#include "kizuna/nn_session.hpp"

#include <algorithm>
#include <climits>
#include <cstring>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "nn/backend.hpp"
#include "nn/model/edge_padding.hpp"
#include "nn/model/model_impl.hpp"

namespace kizuna {
namespace {

constexpr int kMaxSizes = 64;

// What one input size needs. Exact-size runs pad the input into `padded` (rows and columns
// taken from the source through row_src / col_src), run into `raw` and crop from it at
// (crop, crop); raw runs read the caller's input and write the caller's output directly.
struct SessionSlot {
    int height = 0;  // the caller's input size
    int width = 0;
    uint64_t last_run = 0;  // Session::Impl::clock at the last run, for eviction
    std::unique_ptr<nn::Backend> backend;
    TensorShape out;  // what run() writes
    Tensor padded;
    Tensor raw;
    std::vector<int> row_src;
    std::vector<int> col_src;
    int crop = 0;
};

// The slot of an input size, or nullptr (S: a const or mutable vector of slots).
template <class S>
auto* find_slot(S& slots, int height, int width) {
    auto it = std::find_if(slots.begin(), slots.end(), [&](const SessionSlot& s) {
        return s.height == height && s.width == width;
    });
    return it == slots.end() ? nullptr : &*it;
}

}  // namespace

struct Session::Impl {
    std::shared_ptr<const nn::ModelImpl> model;
    SessionOptions options;
    std::shared_ptr<nn::ThreadPool> pool;
    // The Vulkan backend's device: every size slot runs on it, the weights uploaded once.
    std::shared_ptr<nn::VulkanDevice> device;
    std::unique_ptr<nn::Backend> spare;  // made by create(), taken by the first slot
    std::vector<SessionSlot> slots;      // capacity options.max_sizes, reserved by create()
    uint64_t clock = 0;

    const ModelInfo& info() const { return model->info; }
    const nn::Graph& graph() const { return model->graph; }

    Result<SessionSlot*> slot_for(int height, int width);
    Result<void> prepare(SessionSlot& slot, int height, int width);
};

Result<SessionSlot*> Session::Impl::slot_for(int height, int width) {
    if (SessionSlot* s = find_slot(slots, height, width)) return s;
    SessionSlot* slot = nullptr;
    if (slots.size() < static_cast<size_t>(options.max_sizes)) {
        slot = &slots.emplace_back();
    } else {  // drop the least recently run size first, so two never coexist
        slot = &*std::min_element(
            slots.begin(), slots.end(),
            [](const SessionSlot& a, const SessionSlot& b) { return a.last_run < b.last_run; });
        *slot = SessionSlot{};
    }
    if (auto r = prepare(*slot, height, width); !r) {
        *slot = SessionSlot{};  // an empty slot (size 0 x 0) is never found
        return std::move(r).error();
    }
    return slot;
}

Result<void> Session::Impl::prepare(SessionSlot& slot, int height, int width) {
    if (spare) {
        slot.backend = std::move(spare);
    } else {
        auto backend =
            nn::make_backend(options.backend, options.threads, pool, device, options.precision);
        KZ_TRY(backend);
        slot.backend = std::move(*backend);
    }
    const ModelInfo& mi = info();
    const int c = mi.input_channels;
    if (!options.exact_size) {
        auto shape = slot.backend->prepare(graph(), c, height, width);
        KZ_TRY(shape);
        slot.out = {shape->c, shape->h, shape->w};
        slot.height = height;
        slot.width = width;
        return {};
    }
    // Pad so that the output covers the whole input, run, then crop to scale * input.
    const int pad = mi.input_padding;
    const int h = nn::accepted_size_at_least(mi, height + 2 * pad);
    const int w = nn::accepted_size_at_least(mi, width + 2 * pad);
    auto shape = slot.backend->prepare(graph(), c, h, w);
    KZ_TRY(shape);
    const int crop = pad * mi.scale - mi.output_border;
    const int oh = height * mi.scale;
    const int ow = width * mi.scale;
    if (crop < 0 || shape->h < crop + oh || shape->w < crop + ow)
        return make_error(Errc::internal, fmt::format("{}: output {}x{} does not cover the input",
                                                      mi.id, shape->h, shape->w));
    auto padded = Tensor::create(c, h, w);
    KZ_TRY(padded);
    auto raw = Tensor::create(shape->c, shape->h, shape->w);
    KZ_TRY(raw);
    slot.padded = std::move(*padded);
    slot.raw = std::move(*raw);
    slot.row_src.resize(static_cast<size_t>(h));
    slot.col_src.resize(static_cast<size_t>(w));
    for (int y = 0; y < h; ++y) slot.row_src[y] = nn::edge_index(y - pad, height, mi.edge_padding);
    for (int x = 0; x < w; ++x) slot.col_src[x] = nn::edge_index(x - pad, width, mi.edge_padding);
    slot.crop = crop;
    slot.out = {shape->c, oh, ow};
    slot.height = height;
    slot.width = width;
    return {};
}

Session::Session(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

Result<Session> Session::create(const Model& model, const SessionOptions& options) {
    if (options.max_sizes < 1 || options.max_sizes > kMaxSizes)
        return make_error(
            Errc::invalid_argument,
            fmt::format("session: max_sizes {} is outside [1, {}]", options.max_sizes, kMaxSizes));
    auto impl = std::make_unique<Impl>();
    impl->model = nn::ModelAccess::impl(model);
    impl->options = options;
    auto made =
        nn::make_pooled_backend(options.backend, options.threads, nullptr, options.precision);
    KZ_TRY(made);
    impl->pool = std::move(made->pool);
    impl->device = std::move(made->device);
    impl->spare = std::move(made->backend);
    impl->slots.reserve(static_cast<size_t>(options.max_sizes));
    return Session(std::move(impl));
}

const ModelInfo& Session::info() const noexcept {
    return impl_->info();
}

const SessionOptions& Session::options() const noexcept {
    return impl_->options;
}

Result<TensorShape> Session::output_shape(int height, int width) const {
    const ModelInfo& mi = impl_->info();
    if (height < 1 || width < 1 || static_cast<long long>(height) * mi.scale > INT_MAX ||
        static_cast<long long>(width) * mi.scale > INT_MAX)
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: bad input size {}x{}", mi.id, width, height));
    if (const SessionSlot* s = find_slot(impl_->slots, height, width)) return s->out;
    if (impl_->options.exact_size)
        return TensorShape{mi.output_channels, height * mi.scale, width * mi.scale};
    auto shapes = nn::infer_shapes(impl_->graph(), mi.input_channels, height, width);
    KZ_TRY(shapes);
    const nn::Shape& s = (*shapes)[static_cast<size_t>(impl_->graph().output_blob)];
    return TensorShape{s.c, s.h, s.w};
}

Result<void> Session::run(ConstTensorView input, TensorView output) {
    Impl& m = *impl_;
    const ModelInfo& mi = m.info();
    if (input.data == nullptr || input.height < 1 || input.width < 1 ||
        input.plane_stride < static_cast<ptrdiff_t>(input.height) * input.width)
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: empty or malformed input view {}x{}x{}", mi.id,
                                      input.channels, input.height, input.width));
    if (input.channels != mi.input_channels)
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: input has {} channels, the model takes {}", mi.id,
                                      input.channels, mi.input_channels));
    auto found = m.slot_for(input.height, input.width);
    KZ_TRY(found);
    SessionSlot& slot = **found;
    slot.last_run = ++m.clock;
    const TensorShape& os = slot.out;
    if (output.data == nullptr || output.channels != os.channels || output.height != os.height ||
        output.width != os.width ||
        output.plane_stride < static_cast<ptrdiff_t>(os.height) * os.width)
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: output view is {}x{}x{}, the input {}x{} gives {}x{}x{}",
                                      mi.id, output.channels, output.height, output.width,
                                      input.width, input.height, os.channels, os.height, os.width));
    const int scale = mi.scale;
    if (!m.options.exact_size) {
        KZ_TRY(slot.backend->run(m.graph(), input, output));
        // Output pixel j lies over input pixel (j + output_border) / scale.
        const int b = mi.output_border;
        if (mi.adds_nearest_input)
            for (int c = 0; c < os.channels; ++c)
                for (int y = 0; y < os.height; ++y) {
                    float* dst = output.row(c, y);
                    const float* src = input.row(c, (y + b) / scale);
                    for (int x = 0; x < os.width; ++x) dst[x] += src[(x + b) / scale];
                }
        return {};
    }
    const TensorView padded = slot.padded.view();
    for (int c = 0; c < padded.channels; ++c)
        for (int y = 0; y < padded.height; ++y) {
            const float* src = input.row(c, slot.row_src[static_cast<size_t>(y)]);
            float* dst = padded.row(c, y);
            for (int x = 0; x < padded.width; ++x)
                dst[x] = src[slot.col_src[static_cast<size_t>(x)]];
        }
    KZ_TRY(slot.backend->run(m.graph(), std::as_const(slot.padded).view(), slot.raw.view()));
    const ConstTensorView raw = std::as_const(slot.raw).view();
    for (int c = 0; c < os.channels; ++c)
        for (int y = 0; y < os.height; ++y) {
            float* dst = output.row(c, y);
            std::memcpy(dst, raw.row(c, y + slot.crop) + slot.crop, sizeof(float) * os.width);
            if (mi.adds_nearest_input) {
                const float* src = input.row(c, y / scale);
                for (int x = 0; x < os.width; ++x) dst[x] += src[x / scale];
            }
        }
    return {};
}

}  // namespace kizuna

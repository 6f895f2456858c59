// The public DisplayPreview (kizuna/display.hpp): one Vulkan device shared by the preview's
// stages and the compositor, the window's surface and swapchain, and the order of a present:
// compose, acquire (making the swapchain again when the window's size changed or it is out of
// date), copy into the image, submit, present. One mutex serializes every call.
#include "kizuna/display.hpp"

#include <bit>
#include <chrono>
#include <mutex>

#include <fmt/format.h>

#include "core/logging.hpp"
#include "gpu/buffer.hpp"
#include "gpu/context.hpp"
#include "gpu/instance.hpp"
#include "gpu/surface.hpp"
#include "gpu/swapchain.hpp"
#include "pipeline/display/compositor.hpp"
#include "pipeline/preview_params.hpp"
#include "stages/vk/preview.hpp"

namespace kizuna {

namespace {

struct Slot {
    gpu::Buffer picture;  // packed RGBA8
    int width = 0, height = 0;
};

}  // namespace

struct DisplayPreview::Impl {
    // Declaration order is the reverse of destruction: the context outlives everything made on
    // it, the surface outlives the swapchain, and the instance (shared by context and surface)
    // goes last.
    std::unique_ptr<gpu::Context> context;
    gpu::Surface surface;
    std::unique_ptr<gpu::Swapchain> swapchain;
    std::unique_ptr<stages::vk::VkPreviewBackend> backend;
    std::unique_ptr<pipeline::Compositor> compositor;
    std::vector<Slot> slots;
    std::function<void(int&, int&)> pixel_size;

    Profile profile;
    PreviewOptions opts;
    stages::PreviewParams params;
    PreviewTimings timings;
    std::string name;
    uint64_t rebuilds = 0;
    bool stale = false;  // the last present said suboptimal / out of date
    mutable std::mutex mutex;

    ~Impl() {
        if (context) (void)context->wait_idle();
    }

    Result<void> rebuild(int w, int h) {
        KZ_TRY(swapchain->recreate(w, h));
        ++rebuilds;
        stale = false;
        KZ_LOG_DEBUG("display: swapchain made again at {}x{}", swapchain->extent().width,
                     swapchain->extent().height);
        return {};
    }

    Result<void> present(const DisplayCompose& c) {
        if (c.slot < 0 || c.slot >= static_cast<int>(slots.size()) || slots[c.slot].width == 0) {
            return make_error(Errc::invalid_argument,
                              fmt::format("display: slot {} holds no picture", c.slot));
        }
        const Slot& s = slots[c.slot];
        KZ_TRY(compositor->begin_compose(s.picture, s.width, s.height, c));
        int ww = 0, wh = 0;
        pixel_size(ww, wh);
        if (ww <= 0 || wh <= 0) return compositor->submit(nullptr);  // minimized
        const VkExtent2D e = swapchain->extent();
        if (stale || static_cast<int>(e.width) != ww || static_cast<int>(e.height) != wh) {
            KZ_TRY(rebuild(ww, wh));
        }
        gpu::SwapchainImage image;
        auto got = swapchain->acquire(image);
        if (!got) return std::move(got).error();
        if (!*got) {
            KZ_TRY(rebuild(ww, wh));
            got = swapchain->acquire(image);
            if (!got) return std::move(got).error();
            if (!*got) {
                // Still out of date (the window is changing): show this picture next time.
                return compositor->submit(nullptr);
            }
        }
        KZ_TRY(compositor->record_to_image(*swapchain, image));
        KZ_TRY(compositor->submit(&image));
        auto shown = swapchain->present(image.index);
        if (!shown) return std::move(shown).error();
        if (!*shown) stale = true;
        return {};
    }
};

DisplayPreview::DisplayPreview(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
DisplayPreview::DisplayPreview(DisplayPreview&&) noexcept = default;
DisplayPreview& DisplayPreview::operator=(DisplayPreview&&) noexcept = default;
DisplayPreview::~DisplayPreview() = default;

Result<DisplayPreview> DisplayPreview::create(const Profile& profile, const PreviewOptions& opts,
                                              const DisplaySurface& surface,
                                              const DisplayOptions& display) {
    KZ_TRY(validate_profile(profile));
    KZ_TRY(pipeline::validate_preview_options(opts));
    if (display.slots < 1 || display.slots > 16) {
        return make_error(Errc::invalid_argument,
                          fmt::format("display: slots {} is outside [1, 16]", display.slots));
    }
    if (!surface.create_surface || !surface.pixel_size) {
        return make_error(Errc::invalid_argument,
                          "display: the surface callbacks create_surface and pixel_size are "
                          "required");
    }
    auto impl = std::make_unique<Impl>();
    impl->profile = profile;
    impl->opts = opts;
    impl->params = pipeline::preview_params_from_profile(profile);
    impl->pixel_size = surface.pixel_size;
    impl->slots.resize(static_cast<size_t>(display.slots));

    auto instance = gpu::Instance::create(surface.instance_extensions);
    if (!instance) return std::move(instance).error();
    auto shared = std::make_shared<gpu::Instance>(std::move(*instance));
    auto raw = surface.create_surface(static_cast<void*>(shared->get()));
    if (!raw) return std::move(raw).error();
    if (*raw == 0) {
        return make_error(Errc::unsupported, "display: the window system made no Vulkan surface");
    }
    auto owned = gpu::Surface::adopt(shared, std::bit_cast<VkSurfaceKHR>(*raw));
    if (!owned) return std::move(owned).error();
    impl->surface = std::move(*owned);

    gpu::ContextParams cp;
    cp.instance = shared;
    cp.allow_cpu_device = true;  // checked below, so the message can say what was found
    cp.device_extensions = {VK_KHR_SWAPCHAIN_EXTENSION_NAME};
    const gpu::Surface& surf = impl->surface;
    cp.queue_filter = [&surf](VkPhysicalDevice d, uint32_t family) {
        return surf.can_present(d, family);
    };
    auto context = gpu::Context::create(cp);
    if (!context) return std::move(context).error();
    impl->context = std::move(*context);
    const GpuDeviceInfo& dev = impl->context->caps().info;
    if (dev.type == GpuDeviceType::cpu && !display.allow_cpu_device) {
        return make_error(Errc::unsupported,
                          fmt::format("display: the Vulkan device that can present, '{}', is a "
                                      "software rasterizer",
                                      dev.name));
    }
    int ww = 0, wh = 0;
    surface.pixel_size(ww, wh);
    auto swapchain = gpu::Swapchain::create(*impl->context, impl->surface, ww, wh);
    if (!swapchain) return std::move(swapchain).error();
    impl->swapchain = std::move(*swapchain);

    stages::vk::VkPreviewOptions vo;
    vo.shared_context = impl->context.get();
    auto backend = stages::vk::make_vk_preview(vo);
    if (!backend) return std::move(backend).error();
    impl->backend = std::move(*backend);
    auto compositor = pipeline::Compositor::create(*impl->context);
    if (!compositor) return std::move(compositor).error();
    impl->compositor = std::move(*compositor);
    impl->name = std::string(impl->backend->name());
    KZ_LOG_INFO("display: Vulkan swapchain on '{}' ({}, {} images, {}x{})", dev.name,
                impl->swapchain->present_mode_name(), impl->swapchain->image_count(),
                impl->swapchain->extent().width, impl->swapchain->extent().height);
    return DisplayPreview(std::move(impl));
}

Result<void> DisplayPreview::process(ConstImageView in, int slot) {
    const auto t0 = std::chrono::steady_clock::now();
    std::lock_guard lock(impl_->mutex);
    if (slot < 0 || slot >= static_cast<int>(impl_->slots.size())) {
        return make_error(Errc::invalid_argument, fmt::format("display: slot {} is outside [0, {})",
                                                              slot, impl_->slots.size()));
    }
    if (in.empty() || !in.data) {
        return make_error(Errc::invalid_argument, "preview: the input image is empty");
    }
    int ow = 0, oh = 0;
    pipeline::preview_output_size(impl_->profile, impl_->opts, in.width, in.height, ow, oh);
    Slot& s = impl_->slots[slot];
    const size_t bytes = static_cast<size_t>(ow) * oh * 4;
    if (s.picture.size() < bytes) {
        impl_->compositor->forget_sets();
        KZ_TRY(gpu::ensure_buffer(*impl_->context, &s.picture, bytes, gpu::BufferKind::device));
    }
    s.width = ow;
    s.height = oh;
    impl_->params.upscale.out_width = ow;
    impl_->params.upscale.out_height = oh;
    KZ_TRY(impl_->backend->process_to_device(in, s.picture, impl_->params));
    impl_->timings = pipeline::preview_timings(impl_->backend->last_timings(), t0);
    return {};
}

void DisplayPreview::output_size(int in_width, int in_height, int& out_width,
                                 int& out_height) const noexcept {
    pipeline::preview_output_size(impl_->profile, impl_->opts, in_width, in_height, out_width,
                                  out_height);
}

void DisplayPreview::reset_history() {
    std::lock_guard lock(impl_->mutex);
    impl_->backend->reset_history();
}

std::string_view DisplayPreview::backend_name() const noexcept {
    return impl_->name;
}

PreviewTimings DisplayPreview::last_timings() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->timings;
}

Result<void> DisplayPreview::set_ai_picture(ConstImageView ai) {
    std::lock_guard lock(impl_->mutex);
    return impl_->compositor->set_ai_picture(ai);
}

Result<void> DisplayPreview::set_layers(std::span<const DisplayLayer> layers) {
    std::lock_guard lock(impl_->mutex);
    return impl_->compositor->set_layers(layers);
}

Result<void> DisplayPreview::present(const DisplayCompose& c) {
    std::lock_guard lock(impl_->mutex);
    return impl_->present(c);
}

Result<void> DisplayPreview::read_shown(Image& out) {
    std::lock_guard lock(impl_->mutex);
    return impl_->compositor->read_canvas(out);
}

std::string DisplayPreview::describe() const {
    std::lock_guard lock(impl_->mutex);
    const VkExtent2D e = impl_->swapchain->extent();
    return fmt::format("vulkan swapchain, {}, {}x{}", impl_->swapchain->present_mode_name(),
                       e.width, e.height);
}

uint64_t DisplayPreview::swapchain_rebuilds() const noexcept {
    std::lock_guard lock(impl_->mutex);
    return impl_->rebuilds;
}

}  // namespace kizuna

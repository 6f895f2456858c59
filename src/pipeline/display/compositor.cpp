#include "pipeline/display/compositor.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "gpu/shader_pipeline.hpp"

namespace kizuna::pipeline {

namespace {

constexpr uint32_t kLocal = 16;
constexpr size_t kMinBytes = 16;  // a bound buffer is never empty

// Push constants of shaders/display_compose.comp (std430: the ivec4 array at offset 32).
struct ComposePush {
    int32_t width, height, split_x, divider_x, divider_width, layer_count, pad[2];
    int32_t rect[4][4];
    int32_t offset[4];
};
static_assert(sizeof(ComposePush) == 112);

// Push constants of shaders/display_present.comp.
struct PresentPush {
    int32_t src_w, src_h, dst_w, dst_h;
    int32_t rect[4];
    int32_t bgra;
};
static_assert(sizeof(PresentPush) == 36);

template <class T>
std::span<const std::byte> bytes_of(const T& v) {
    return std::as_bytes(std::span<const T, 1>(&v, 1));
}

// The packed words of an RGBA8 view (R in the low byte).
void pack_rgba8(ConstImageView v, uint32_t* out) {
    for (int y = 0; y < v.height; ++y) {
        std::memcpy(out + static_cast<size_t>(y) * v.width, v.row(y),
                    static_cast<size_t>(v.width) * 4);
    }
}

Result<gpu::ComputePipeline> make_pipeline(gpu::Context& context, const char* name,
                                           uint32_t buffers, uint32_t push_size) {
    return gpu::make_shader_pipeline(context, name, buffers, push_size, kLocal, 64);
}

uint32_t groups(int n) {
    return (static_cast<uint32_t>(n) + kLocal - 1) / kLocal;
}

}  // namespace

LetterboxRect letterbox(int width, int height, int ww, int wh) noexcept {
    if (width <= 0 || height <= 0 || ww <= 0 || wh <= 0) return {};
    const double s = std::min(static_cast<double>(ww) / width, static_cast<double>(wh) / height);
    const int w = std::max(1, static_cast<int>(width * s + 0.5));
    const int h = std::max(1, static_cast<int>(height * s + 0.5));
    return {(ww - w) / 2, (wh - h) / 2, w, h};
}

Result<std::unique_ptr<Compositor>> Compositor::create(gpu::Context& context) {
    std::unique_ptr<Compositor> c(new Compositor(context));
    auto cmd = gpu::CommandBuffer::create(context);
    if (!cmd) return std::move(cmd).error();
    c->cmd_ = std::move(*cmd);
    auto compose = make_pipeline(context, "display_compose", 4, sizeof(ComposePush));
    if (!compose) return std::move(compose).error();
    c->compose_ = std::move(*compose);
    auto present = make_pipeline(context, "display_present", 2, sizeof(PresentPush));
    if (!present) return std::move(present).error();
    c->present_ = std::move(*present);
    KZ_TRY(gpu::ensure_buffer(context, &c->ai_, kMinBytes, gpu::BufferKind::device));
    KZ_TRY(gpu::ensure_buffer(context, &c->layers_, kMinBytes, gpu::BufferKind::device));
    return c;
}

Result<void> Compositor::set_ai_picture(ConstImageView ai) {
    if (ai.empty()) {
        ai_w_ = ai_h_ = 0;
        ai_dirty_ = false;
        return {};
    }
    if (ai.format != PixelFormat::rgba8 || ai.data == nullptr) {
        return make_error(Errc::invalid_argument, "display: the AI picture must be RGBA8");
    }
    ai_words_.resize(static_cast<size_t>(ai.width) * ai.height);
    pack_rgba8(ai, ai_words_.data());
    ai_w_ = ai.width;
    ai_h_ = ai.height;
    ai_dirty_ = true;
    return {};
}

Result<void> Compositor::set_layers(std::span<const DisplayLayer> layers) {
    if (layers.size() > static_cast<size_t>(DisplayPreview::kMaxLayers)) {
        return make_error(Errc::invalid_argument,
                          fmt::format("display: {} layers, at most {}", layers.size(),
                                      DisplayPreview::kMaxLayers));
    }
    rects_.clear();
    layer_words_.clear();
    for (const DisplayLayer& l : layers) {
        const ConstImageView& v = l.pixels;
        if (v.empty()) continue;
        if (v.format != PixelFormat::rgba8 || v.data == nullptr || v.width > 4096 ||
            v.height > 4096) {
            return make_error(Errc::invalid_argument,
                              "display: a layer must be RGBA8, at most 4096 x 4096");
        }
        const size_t at = layer_words_.size();
        rects_.push_back({l.x, l.y, v.width, v.height, static_cast<int>(at)});
        layer_words_.resize(at + static_cast<size_t>(v.width) * v.height);
        pack_rgba8(v, layer_words_.data() + at);
    }
    layers_dirty_ = true;
    return {};
}

Result<void> Compositor::upload(const std::vector<uint32_t>& words, gpu::Buffer& staging,
                                gpu::Buffer& device) {
    const size_t bytes = words.size() * 4;
    if (device.size() < bytes) {
        forget_sets();
        KZ_TRY(gpu::ensure_buffer(context_, &device, bytes, gpu::BufferKind::device));
    }
    KZ_TRY(gpu::ensure_buffer(context_, &staging, bytes, gpu::BufferKind::upload));
    std::memcpy(staging.mapped(), words.data(), bytes);
    KZ_TRY(staging.flush());
    cmd_.copy(staging, device, bytes);
    return {};
}

Result<const gpu::DescriptorSet*> Compositor::compose_set(const gpu::Buffer& frame) {
    for (const CachedSet& s : sets_) {
        if (s.frame == frame.get()) return &s.set;
    }
    const VkBuffer buffers[4] = {frame.get(), ai_.get(), layers_.get(), canvas_.get()};
    auto set = compose_.allocate_set(buffers);
    if (!set) return std::move(set).error();
    sets_.push_back({frame.get(), std::move(*set)});
    return &sets_.back().set;
}

Result<void> Compositor::begin_compose(const gpu::Buffer& frame, int width, int height,
                                       const DisplayCompose& c) {
    // Waits for the previous submission: the staging buffers below are free to overwrite.
    KZ_TRY(cmd_.begin());
    const size_t words = static_cast<size_t>(width) * height;
    if (canvas_.size() < words * 4) {
        forget_sets();
        present_set_ = {};
        KZ_TRY(gpu::ensure_buffer(context_, &canvas_, words * 4, gpu::BufferKind::device));
    }
    canvas_w_ = width;
    canvas_h_ = height;
    if (ai_dirty_) {
        KZ_TRY(upload(ai_words_, ai_up_, ai_));
        ai_dirty_ = false;
    }
    if (layers_dirty_ && !layer_words_.empty()) KZ_TRY(upload(layer_words_, layers_up_, layers_));
    layers_dirty_ = false;
    // The uploads above and the preview's copy into `frame` (an earlier submission).
    cmd_.barrier_transfer_to_compute();

    ComposePush push{};
    push.width = width;
    push.height = height;
    const bool split = c.compare && has_ai(width, height);
    push.split_x = split ? std::clamp(c.split_x, 0, width) : width;
    push.divider_x = split && c.divider_width > 0 ? std::min(push.split_x, width - 1) : -1;
    push.divider_width = c.divider_width;
    push.layer_count = static_cast<int32_t>(rects_.size());
    for (size_t i = 0; i < rects_.size(); ++i) {
        push.rect[i][0] = rects_[i].x;
        push.rect[i][1] = rects_[i].y;
        push.rect[i][2] = rects_[i].w;
        push.rect[i][3] = rects_[i].h;
        push.offset[i] = rects_[i].offset;
    }
    auto set = compose_set(frame);
    if (!set) return std::move(set).error();
    cmd_.dispatch_groups(compose_, **set, bytes_of(push), groups(width), groups(height), 1);
    return {};
}

Result<void> Compositor::record_to_image(const gpu::Swapchain& swapchain,
                                         const gpu::SwapchainImage& image) {
    const VkExtent2D e = swapchain.extent();
    const size_t bytes = static_cast<size_t>(e.width) * e.height * 4;
    if (target_.size() < bytes || !present_set_) {
        present_set_ = {};
        KZ_TRY(gpu::ensure_buffer(context_, &target_, bytes, gpu::BufferKind::device));
        const VkBuffer buffers[2] = {canvas_.get(), target_.get()};
        auto set = present_.allocate_set(buffers);
        if (!set) return std::move(set).error();
        present_set_ = std::move(*set);
    }
    const LetterboxRect r =
        letterbox(canvas_w_, canvas_h_, static_cast<int>(e.width), static_cast<int>(e.height));
    PresentPush push{canvas_w_,
                     canvas_h_,
                     static_cast<int32_t>(e.width),
                     static_cast<int32_t>(e.height),
                     {r.x, r.y, r.width, r.height},
                     swapchain.bgra() ? 1 : 0};
    cmd_.barrier_compute_to_compute();
    cmd_.dispatch_groups(present_, present_set_, bytes_of(push), groups(static_cast<int>(e.width)),
                         groups(static_cast<int>(e.height)), 1);
    cmd_.barrier_compute_to_transfer();

    VkImageMemoryBarrier to_dst{};
    to_dst.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER;
    to_dst.srcAccessMask = 0;
    to_dst.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    to_dst.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    to_dst.newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    to_dst.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    to_dst.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    to_dst.image = image.image;
    to_dst.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    // Its source stage is the one the acquire semaphore is waited at.
    vkCmdPipelineBarrier(cmd_.get(), VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                         0, 0, nullptr, 0, nullptr, 1, &to_dst);
    VkBufferImageCopy copy{};
    copy.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    copy.imageExtent = {e.width, e.height, 1};
    vkCmdCopyBufferToImage(cmd_.get(), target_.get(), image.image,
                           VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &copy);
    VkImageMemoryBarrier to_present = to_dst;
    to_present.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    to_present.dstAccessMask = 0;
    to_present.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    to_present.newLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
    vkCmdPipelineBarrier(cmd_.get(), VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0, 0, nullptr, 0, nullptr, 1,
                         &to_present);
    return {};
}

Result<void> Compositor::submit(const gpu::SwapchainImage* image) {
    gpu::SubmitSync sync;
    if (image != nullptr) {
        sync.wait = image->acquired;
        sync.wait_stage = VK_PIPELINE_STAGE_TRANSFER_BIT;
        sync.signal = image->rendered;
    }
    auto serial = cmd_.submit(sync);
    if (!serial) return std::move(serial).error();
    return {};
}

Result<void> Compositor::read_canvas(Image& out) {
    if (canvas_w_ <= 0) return make_error(Errc::invalid_argument, "display: nothing shown yet");
    const size_t bytes = static_cast<size_t>(canvas_w_) * canvas_h_ * 4;
    KZ_TRY(cmd_.begin());
    KZ_TRY(gpu::ensure_buffer(context_, &download_, bytes, gpu::BufferKind::download));
    cmd_.barrier_compute_to_transfer();
    cmd_.copy(canvas_, download_, bytes);
    cmd_.barrier_transfer_to_host();
    auto serial = cmd_.submit();
    if (!serial) return std::move(serial).error();
    KZ_TRY(cmd_.wait());
    KZ_TRY(download_.invalidate());
    if (out.width() != canvas_w_ || out.height() != canvas_h_ ||
        out.format() != PixelFormat::rgba8) {
        auto img = Image::create(canvas_w_, canvas_h_, PixelFormat::rgba8);
        if (!img) return std::move(img).error();
        out = std::move(*img);
    }
    const auto* src = static_cast<const std::byte*>(download_.mapped());
    ImageView v = out.view();
    for (int y = 0; y < canvas_h_; ++y) {
        std::memcpy(v.row(y), src + static_cast<size_t>(y) * canvas_w_ * 4,
                    static_cast<size_t>(canvas_w_) * 4);
    }
    return {};
}

}  // namespace kizuna::pipeline

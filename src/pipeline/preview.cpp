// The public preview façade: profile -> stage parameters, backend choice, output allocation.
#include "kizuna/preview.hpp"
#include "core/enum_names.hpp"

#include <chrono>

#include "core/logging.hpp"
#include "kizuna/probe.hpp"
#include "pipeline/preview_params.hpp"
#include "pipeline/stage_backend.hpp"
#include "stages/preview_backend.hpp"

namespace kizuna {

const char* preview_backend_kind_name(PreviewBackendKind kind) noexcept {
    return enum_name<PreviewBackendKind::reference>(kind, {"auto", "cpu", "vulkan", "reference"});
}

struct Preview::Impl {
    Profile profile;
    PreviewOptions opts;
    stages::PreviewParams params;
    std::unique_ptr<stages::PreviewBackend> backend;
    PreviewTimings timings;

    // The backend's timings of the frame just processed, and the whole call's since t0.
    void record_timings(std::chrono::steady_clock::time_point t0) {
        timings = pipeline::preview_timings(backend->last_timings(), t0);
    }
};

Preview::Preview(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
Preview::Preview(Preview&&) noexcept = default;
Preview& Preview::operator=(Preview&&) noexcept = default;
Preview::~Preview() = default;

Result<Preview> Preview::create(const Profile& profile, const PreviewOptions& opts) {
    KZ_TRY(validate_profile(profile));
    KZ_TRY(pipeline::validate_preview_options(opts));
    auto impl = std::make_unique<Impl>();
    impl->profile = profile;
    impl->opts = opts;
    impl->params = pipeline::preview_params_from_profile(profile);
    auto backend = pipeline::make_stage_backend(opts.backend, opts.threads);
    if (!backend) return std::move(backend).error();
    impl->backend = std::move(*backend);
    return Preview(std::move(impl));
}

void Preview::output_size(int in_width, int in_height, int& out_width,
                          int& out_height) const noexcept {
    pipeline::preview_output_size(impl_->profile, impl_->opts, in_width, in_height, out_width,
                                  out_height);
}

namespace {

// Sizes out for an output of ow x oh: re-allocated only when its size differs; an empty image
// takes empty_format.
Result<void> ensure_output(Image& out, int ow, int oh, PixelFormat empty_format) {
    if (out.empty() || out.width() != ow || out.height() != oh) {
        auto img = Image::create(ow, oh, out.empty() ? empty_format : out.format());
        if (!img) return std::move(img).error();
        out = std::move(*img);
    }
    return {};
}

}  // namespace

Result<void> Preview::process(ConstImageView in, Image& out) {
    const auto t0 = std::chrono::steady_clock::now();
    if (in.empty() || !in.data) {
        return make_error(Errc::invalid_argument, "preview: the input image is empty");
    }
    int ow = 0, oh = 0;
    output_size(in.width, in.height, ow, oh);
    KZ_TRY(ensure_output(out, ow, oh, in.format));
    impl_->params.upscale.out_width = ow;
    impl_->params.upscale.out_height = oh;
    KZ_TRY(impl_->backend->process(in, out.view(), impl_->params));
    impl_->record_timings(t0);
    return {};
}

Result<void> Preview::process(const YuvView& in, Image& out) {
    const auto t0 = std::chrono::steady_clock::now();
    if (in.empty()) {
        return make_error(Errc::invalid_argument, "preview: the Y'CbCr input is empty");
    }
    int ow = 0, oh = 0;
    output_size(in.width, in.height, ow, oh);
    KZ_TRY(
        ensure_output(out, ow, oh, in.bit_depth > 8 ? PixelFormat::rgba16f : PixelFormat::rgba8));
    impl_->params.upscale.out_width = ow;
    impl_->params.upscale.out_height = oh;
    KZ_TRY(impl_->backend->process_yuv(in, out.view(), impl_->params));
    impl_->record_timings(t0);
    return {};
}

void Preview::reset_history() {
    impl_->backend->reset_history();
}

std::string_view Preview::backend_name() const noexcept {
    return impl_->backend->name();
}

PreviewTimings Preview::last_timings() const noexcept {
    return impl_->timings;
}

void preview_output_size(const Profile& profile, const PreviewOptions& opts, int in_width,
                         int in_height, int& out_width, int& out_height) noexcept {
    pipeline::preview_output_size(profile, opts, in_width, in_height, out_width, out_height);
}

}  // namespace kizuna

#include "media/decode_admission.hpp"

#include <algorithm>
#include <exception>

extern "C" {
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
}

#include "media/frame_convert.hpp"

namespace kizuna::media {

void DecodeAdmission::attach(AVCodecContext& ctx) {
    ctx.opaque = this;
    ctx.get_buffer2 = &DecodeAdmission::get_buffer;
    // The hook is not thread safe: no frame threading (slice threads call it from one thread).
    ctx.thread_type = FF_THREAD_SLICE;
}

bool DecodeAdmission::admit(const AVCodecContext& ctx, const AVFrame& frame) {
    if (seen_) return !refusal_;
    seen_ = true;
    const auto format = static_cast<AVPixelFormat>(frame.format);
    ImageHeader& h = header_;
    h.width = ctx.width > 0 ? ctx.width : frame.width;
    h.height = ctx.height > 0 ? ctx.height : frame.height;
    h.codec = ctx.codec ? ctx.codec->name : "";
    const char* name = av_get_pix_fmt_name(format);
    h.pixel_format = name ? name : "unknown";
    h.bits_per_channel = std::max(1, max_component_depth(format));
    const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(format);
    h.alpha = desc && (desc->flags & (AV_PIX_FMT_FLAG_ALPHA | AV_PIX_FMT_FLAG_PAL));
    // FFmpeg's buffer pool pads a little more; 32-byte aligned planes are close to it.
    const int bytes = av_image_get_buffer_size(format, frame.width, frame.height, 32);
    h.decoded_bytes = bytes > 0 ? static_cast<uint64_t>(bytes) : 0;
    if (!admit_) return true;
    try {
        auto r = admit_(h);
        if (!r) refusal_ = std::move(r).error();
    } catch (const std::exception& e) {
        refusal_ = make_error(Errc::internal, e.what());
    }
    return !refusal_;
}

int DecodeAdmission::get_buffer(AVCodecContext* ctx, AVFrame* frame, int flags) {
    auto* self = static_cast<DecodeAdmission*>(ctx->opaque);
    if (!self->admit(*ctx, *frame)) return AVERROR_EXIT;
    return avcodec_default_get_buffer2(ctx, frame, flags);
}

Result<void> DecodeAdmission::admit_decoded(const AVCodecContext& ctx, const AVFrame& frame) {
    if (!admit(ctx, frame)) return *refusal_;
    return {};
}

}  // namespace kizuna::media

#include "stages/vk/normalize_yuv.hpp"

#include <cstring>

#include "stages/vk/normalize.hpp"

namespace kizuna::stages::vk {

namespace {

// Push constants of shaders/unpack_yuv.comp.
struct UnpackYuvPush {
    int32_t width, height, chroma_width, chroma_height;
    int32_t u_base, v_base;
    float y_offset, y_scale, c_offset, c_scale;
    float cr_r, cb_g, cr_g, cb_b;
    int32_t sub_x, sub_y;
    float chroma_x, chroma_y;
    int32_t gbr, transfer;
};
static_assert(sizeof(UnpackYuvPush) == 80);

enum : int32_t { transfer_none = 0, transfer_srgb = 1, transfer_bt709 = 2 };

// Copies rows of row_bytes bytes from a strided plane to dst (tight); returns the end of dst.
std::byte* copy_plane(std::byte* dst, const std::byte* src, ptrdiff_t stride, size_t row_bytes,
                      int rows) {
    for (int y = 0; y < rows; ++y) {
        std::memcpy(dst, src + y * stride, row_bytes);
        dst += row_bytes;
    }
    return dst;
}

}  // namespace

Result<void> VkNormalizeYuv::prepare(VkKernels& k, const YuvView& in, const NormalizeParams& p) {
    raw_bytes_ = 0;  // record() refuses to run until this prepare() succeeds
    KZ_TRY(validate_yuv(in));
    decode_ = resolve_yuv_decode(in);
    bit_depth_ = in.bit_depth;
    chroma_width_ = in.chroma_width();
    chroma_height_ = in.chroma_height();
    const size_t bps = in.bit_depth > 8 ? 2 : 1;
    const size_t luma_row = static_cast<size_t>(in.width) * bps;
    const size_t chroma_row = static_cast<size_t>(chroma_width_) * bps;
    const size_t samples_bytes =
        luma_row * in.height + 2 * chroma_row * static_cast<size_t>(chroma_height_);
    const size_t raw_bytes = (samples_bytes + 3) / 4 * 4;  // the shader reads whole uint words
    KZ_TRY(k.ensure_buffer(staging, raw_bytes, gpu::BufferKind::upload));
    KZ_TRY(k.ensure_buffer(raw, raw_bytes, gpu::BufferKind::device));
    if (p.denoise_strength > 0.0f) KZ_TRY(k.ensure_frame(unpacked, in.width, in.height));
    KZ_TRY(k.ensure_frame(out, in.width, in.height));

    auto* dst = static_cast<std::byte*>(staging.mapped());
    dst = copy_plane(dst, in.y, in.y_stride, luma_row, in.height);
    dst = copy_plane(dst, in.u, in.u_stride, chroma_row, chroma_height_);
    dst = copy_plane(dst, in.v, in.v_stride, chroma_row, chroma_height_);
    std::memset(dst, 0, raw_bytes - samples_bytes);  // the tail of the last word
    KZ_TRY(staging.flush());
    raw_bytes_ = raw_bytes;
    return {};
}

Result<void> VkNormalizeYuv::record(VkKernels& k, gpu::CommandBuffer& cmd,
                                    const NormalizeParams& p) {
    const int w = out.width, h = out.height;
    const bool denoise = p.denoise_strength > 0.0f;
    if (raw_bytes_ == 0 || (denoise && (unpacked.width != w || unpacked.height != h))) {
        return make_error(Errc::internal,
                          "Vulkan normalize (Y'CbCr): record() without a matching prepare()");
    }
    cmd.copy(staging, raw, raw_bytes_);
    cmd.barrier_transfer_to_compute();

    const int32_t transfer = !p.linear_light                           ? transfer_none
                             : decode_.transfer == TransferKind::bt709 ? transfer_bt709
                                                                       : transfer_srgb;
    const YuvDecode& d = decode_;
    const int32_t luma_samples = w * h;
    const UnpackYuvPush push{w,
                             h,
                             chroma_width_,
                             chroma_height_,
                             luma_samples,
                             luma_samples + chroma_width_ * chroma_height_,
                             d.y_offset,
                             d.y_scale,
                             d.c_offset,
                             d.c_scale,
                             d.cr_r,
                             d.cb_g,
                             d.cr_g,
                             d.cb_b,
                             d.sub_x,
                             d.sub_y,
                             d.chroma_x,
                             d.chroma_y,
                             d.gbr ? 1 : 0,
                             denoise ? transfer_none : transfer};
    const auto bits = static_cast<uint32_t>(bit_depth_);
    GpuFrame& first = denoise ? unpacked : out;
    KZ_TRY(k.dispatch(cmd, "unpack_yuv", {0u, bits}, {raw.get(), first.buffer.get()}, push, w, h));
    cmd.barrier_compute_to_compute();
    if (!denoise) return {};

    // The denoise shader knows only the sRGB transfer; BT.709 gets its own in-place pass.
    KZ_TRY(record_denoise(k, cmd, unpacked, out, p, transfer == transfer_srgb));
    if (transfer == transfer_bt709) {
        UnpackYuvPush linear = push;
        linear.transfer = transfer_bt709;
        KZ_TRY(k.dispatch(cmd, "unpack_yuv", {1u, bits}, {out.buffer.get(), out.buffer.get()},
                          linear, w, h));
        cmd.barrier_compute_to_compute();
    }
    return {};
}

}  // namespace kizuna::stages::vk

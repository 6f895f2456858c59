#include "media/image_encoder.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <string>

#include <fmt/format.h>

extern "C" {
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

#include "core/half.hpp"
#include "media/av_error.hpp"
#include "media/av_ptr.hpp"

namespace kizuna::media {
namespace {

namespace fs = std::filesystem;

// One row of any RGBA format as floats (not yet clamped).
void load_row(ConstImageView img, int y, float* out) {
    const int n = img.width * 4;
    switch (img.format) {
        case PixelFormat::rgba8: {
            const uint8_t* s = img.row_as<const uint8_t>(y);
            for (int i = 0; i < n; ++i) out[i] = static_cast<float>(s[i]) * (1.0f / 255.0f);
            break;
        }
        case PixelFormat::rgba16f: {
            const uint16_t* s = img.row_as<const uint16_t>(y);
            for (int i = 0; i < n; ++i) out[i] = kizuna::half_to_float(s[i]);
            break;
        }
        case PixelFormat::rgba32f:
            std::memcpy(out, img.row(y), n * sizeof(float));
            break;
    }
}

// Rounds a [0, 1] value to an integer in [0, max]; NaN becomes 0.
uint32_t quantize(float v, float max) {
    if (!(v > 0.0f)) return 0;
    if (v >= 1.0f) return static_cast<uint32_t>(max);
    return static_cast<uint32_t>(std::lrint(v * max));
}

// How pixels are laid out in the frame handed to an encoder.
struct Layout {
    AVPixelFormat format;
    int channels;     // 3 (RGB) or 4 (RGBA); 0 = one native uint32 0xAARRGGBB per pixel
    bool sixteen;     // 16 bits per channel
    bool big_endian;  // for 16-bit channels
};

// RGB, or RGBA with `alpha`, at 8 or (`sixteen`) 16 bits per channel in the given byte order.
Layout rgb_layout(bool alpha, bool sixteen, bool big_endian) {
    AVPixelFormat format = alpha ? AV_PIX_FMT_RGBA : AV_PIX_FMT_RGB24;
    if (sixteen && big_endian) format = alpha ? AV_PIX_FMT_RGBA64BE : AV_PIX_FMT_RGB48BE;
    if (sixteen && !big_endian) format = alpha ? AV_PIX_FMT_RGBA64LE : AV_PIX_FMT_RGB48LE;
    return {format, alpha ? 4 : 3, sixteen, big_endian};
}

Result<AvFramePtr> make_frame(int width, int height, AVPixelFormat format, const fs::path& path) {
    AvFramePtr f(av_frame_alloc());
    if (!f) return make_error(Errc::out_of_memory, path.string() + ": out of memory");
    f->format = format;
    f->width = width;
    f->height = height;
    const int err = av_frame_get_buffer(f.get(), 0);
    if (err < 0) return av_error(path, "cannot allocate frame", err);
    return f;
}

Result<AvFramePtr> pack_frame(ConstImageView img, const Layout& layout, const fs::path& path) {
    auto frame = make_frame(img.width, img.height, layout.format, path);
    if (!frame) return frame;
    std::vector<float> row(static_cast<size_t>(img.width) * 4);
    const float max = layout.sixteen ? 65535.0f : 255.0f;
    for (int y = 0; y < img.height; ++y) {
        load_row(img, y, row.data());
        uint8_t* d = (*frame)->data[0] + static_cast<ptrdiff_t>(y) * (*frame)->linesize[0];
        for (int x = 0; x < img.width; ++x) {
            const float* p = &row[x * 4];
            if (layout.channels == 0) {
                const uint32_t v = quantize(p[3], 255) << 24 | quantize(p[0], 255) << 16 |
                                   quantize(p[1], 255) << 8 | quantize(p[2], 255);
                std::memcpy(d + x * 4, &v, 4);
                continue;
            }
            for (int c = 0; c < layout.channels; ++c) {
                const uint32_t v = quantize(p[c], max);
                if (!layout.sixteen) {
                    *d++ = static_cast<uint8_t>(v);
                } else if (layout.big_endian) {
                    *d++ = static_cast<uint8_t>(v >> 8);
                    *d++ = static_cast<uint8_t>(v);
                } else {
                    *d++ = static_cast<uint8_t>(v);
                    *d++ = static_cast<uint8_t>(v >> 8);
                }
            }
        }
    }
    return frame;
}

// RGBA8 frame -> a YUV frame with the BT.601 matrix, full or limited range.
Result<AvFramePtr> rgba_to_yuv(const AVFrame& rgba, AVPixelFormat yuv_format, bool full_range,
                               const fs::path& path) {
    auto yuv = make_frame(rgba.width, rgba.height, yuv_format, path);
    if (!yuv) return yuv;
    SwsContextPtr sws(sws_getContext(
        rgba.width, rgba.height, AV_PIX_FMT_RGBA, rgba.width, rgba.height, yuv_format,
        SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP, nullptr, nullptr, nullptr));
    if (!sws) {
        return make_error(Errc::internal,
                          fmt::format("{}: swscale cannot convert RGBA to {}", path.string(),
                                      av_get_pix_fmt_name(yuv_format)));
    }
    const int* bt601 = sws_getCoefficients(SWS_CS_ITU601);
    if (sws_setColorspaceDetails(sws.get(), bt601, 1, bt601, full_range ? 1 : 0, 0, 1 << 16,
                                 1 << 16) < 0) {
        return make_error(Errc::internal,
                          fmt::format("{}: swscale rejected BT.601 details", path.string()));
    }
    const int rows = sws_scale(sws.get(), rgba.data, rgba.linesize, 0, rgba.height, (*yuv)->data,
                               (*yuv)->linesize);
    if (rows < 0) return av_error(Errc::internal, path, "swscale failed", rows);
    (*yuv)->color_range = full_range ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
    (*yuv)->colorspace = AVCOL_SPC_BT470BG;
    return yuv;
}

Result<std::vector<uint8_t>> run_encoder(const AVCodec& codec, AVFrame& frame,
                                         const ImageWriteOptions& opts, ImageFileFormat format,
                                         const fs::path& path) {
    AvCodecContextPtr ctx(avcodec_alloc_context3(&codec));
    if (!ctx) return make_error(Errc::out_of_memory, path.string() + ": out of memory");
    ctx->width = frame.width;
    ctx->height = frame.height;
    ctx->pix_fmt = static_cast<AVPixelFormat>(frame.format);
    ctx->time_base = AVRational{1, 25};
    ctx->color_range = frame.color_range;
    ctx->colorspace = frame.colorspace;
    int err = 0;
    if (format == ImageFileFormat::jpeg) {
        // quality 100 -> qscale 1 (finest), 1 -> 31 (coarsest).
        const int qscale = 1 + (100 - opts.quality) * 30 / 99;
        ctx->flags |= AV_CODEC_FLAG_QSCALE;
        ctx->global_quality = FF_QP2LAMBDA * qscale;
        ctx->qmin = 1;
        ctx->qmax = 31;
        frame.quality = ctx->global_quality;
    } else if (format == ImageFileFormat::webp) {
        err = av_opt_set_int(ctx->priv_data, "lossless", opts.lossless ? 1 : 0, 0);
        if (err >= 0) err = av_opt_set_double(ctx->priv_data, "quality", opts.quality, 0);
        if (err < 0) return av_error(path, "cannot configure the WebP encoder", err);
    }
    err = avcodec_open2(ctx.get(), &codec, nullptr);
    if (err < 0) return av_error(path, fmt::format("cannot open {} encoder", codec.name), err);
    frame.pts = 0;
    err = avcodec_send_frame(ctx.get(), &frame);
    if (err >= 0) err = avcodec_send_frame(ctx.get(), nullptr);
    if (err < 0)
        return av_error(Errc::internal, path, fmt::format("{} encoding failed", codec.name), err);
    AvPacketPtr pkt(av_packet_alloc());
    if (!pkt) return make_error(Errc::out_of_memory, path.string() + ": out of memory");
    std::vector<uint8_t> bytes;
    while ((err = avcodec_receive_packet(ctx.get(), pkt.get())) == 0) {
        bytes.insert(bytes.end(), pkt->data, pkt->data + pkt->size);
        av_packet_unref(pkt.get());
    }
    if (err != AVERROR_EOF) {
        return av_error(Errc::internal, path, fmt::format("{} encoding failed", codec.name), err);
    }
    if (bytes.empty()) {
        return make_error(Errc::internal, fmt::format("{}: {} encoder produced no data",
                                                      path.string(), codec.name));
    }
    return bytes;
}

}  // namespace

Result<ImageFileFormat> image_format_from_path(const fs::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".png") return ImageFileFormat::png;
    if (ext == ".jpg" || ext == ".jpeg" || ext == ".jfif") return ImageFileFormat::jpeg;
    if (ext == ".tif" || ext == ".tiff") return ImageFileFormat::tiff;
    if (ext == ".webp") return ImageFileFormat::webp;
    return make_error(Errc::unsupported,
                      fmt::format("{}: unsupported image extension '{}' (use .png, .jpg, .jpeg, "
                                  ".tif, .tiff or .webp)",
                                  path.string(), ext));
}

Result<std::vector<uint8_t>> encode_image(ImageFileFormat format, ConstImageView image,
                                          const ImageWriteOptions& opts, const fs::path& path) {
    const bool alpha = format != ImageFileFormat::jpeg && has_transparency(image);
    const bool sixteen = opts.bit_depth == 16;
    const AVCodec* codec = nullptr;
    Layout layout{};
    switch (format) {
        case ImageFileFormat::png:
            codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
            layout = rgb_layout(alpha, sixteen, /*big_endian=*/true);
            break;
        case ImageFileFormat::tiff:
            codec = avcodec_find_encoder(AV_CODEC_ID_TIFF);
            layout = rgb_layout(alpha, sixteen, /*big_endian=*/false);
            break;
        case ImageFileFormat::jpeg:
            codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
            layout = {AV_PIX_FMT_RGBA, 4, false, false};
            break;
        case ImageFileFormat::webp:
            codec = avcodec_find_encoder_by_name("libwebp");
            layout = opts.lossless ? Layout{AV_PIX_FMT_RGB32, 0, false, false}
                                   : Layout{AV_PIX_FMT_RGBA, 4, false, false};
            break;
    }
    if (!codec) {
        return make_error(
            Errc::unsupported,
            fmt::format("{}: this FFmpeg has no encoder for the format", path.string()));
    }
    auto frame = pack_frame(image, layout, path);
    if (!frame) return std::move(frame).error();
    if (format == ImageFileFormat::jpeg) {
        auto yuv = rgba_to_yuv(
            **frame, opts.jpeg_chroma_subsampling ? AV_PIX_FMT_YUV420P : AV_PIX_FMT_YUV444P,
            /*full_range=*/true, path);
        if (!yuv) return std::move(yuv).error();
        frame = std::move(yuv);
    } else if (format == ImageFileFormat::webp && !opts.lossless) {
        // Lossy WebP is BT.601 limited-range 4:2:0.
        auto yuv = rgba_to_yuv(**frame, alpha ? AV_PIX_FMT_YUVA420P : AV_PIX_FMT_YUV420P,
                               /*full_range=*/false, path);
        if (!yuv) return std::move(yuv).error();
        frame = std::move(yuv);
    }
    return run_encoder(*codec, **frame, opts, format, path);
}

}  // namespace kizuna::media

#include "media/decoder.hpp"

#include <fmt/format.h>

#include "media/av_error.hpp"

namespace kizuna::media {

Result<AvCodecContextPtr> open_decoder(const AVStream& stream, const DecoderOptions& opts,
                                       const std::filesystem::path& path) {
    const AVCodecParameters& par = *stream.codecpar;
    const AVCodec* codec = avcodec_find_decoder(par.codec_id);
    if (!codec) {
        return make_error(Errc::unsupported,
                          fmt::format("{}: no decoder for {} in this FFmpeg", path.string(),
                                      avcodec_get_name(par.codec_id)));
    }
    AvCodecContextPtr ctx(avcodec_alloc_context3(codec));
    if (!ctx) return make_error(Errc::out_of_memory, path.string() + ": out of memory");
    int err = avcodec_parameters_to_context(ctx.get(), &par);
    if (err < 0) return av_error(path, "cannot configure decoder", err);
    ctx->pkt_timebase = stream.time_base;
    ctx->thread_count = opts.threads;
    ctx->max_pixels = opts.max_pixels;
    if (opts.admission) opts.admission->attach(*ctx);
    if (opts.strict) {
        ctx->err_recognition |= AV_EF_CRCCHECK | AV_EF_BITSTREAM;
        // These decoders otherwise return a grey-filled picture for truncated data. (TIFF is
        // left out: it "explodes" on harmless unknown tags.)
        if (par.codec_id == AV_CODEC_ID_MJPEG || par.codec_id == AV_CODEC_ID_PNG ||
            par.codec_id == AV_CODEC_ID_WEBP) {
            ctx->err_recognition |= AV_EF_EXPLODE;
        }
        ctx->strict_std_compliance = FF_COMPLIANCE_STRICT;
    }
    err = avcodec_open2(ctx.get(), codec, nullptr);
    if (err < 0) {
        return av_error(path, fmt::format("cannot open {} decoder", codec->name), err);
    }
    return ctx;
}

}  // namespace kizuna::media

#include "media/audio_transcoder.hpp"

#include <algorithm>
#include <climits>
#include <vector>

#include <fmt/format.h>

extern "C" {
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>
}

#include "media/av_error.hpp"
#include "media/decoder.hpp"

namespace kizuna::media {

namespace {

struct SwrFree {
    void operator()(SwrContext* p) const noexcept { swr_free(&p); }
};
struct FifoFree {
    void operator()(AVAudioFifo* p) const noexcept { av_audio_fifo_free(p); }
};

// The encoder's sample rate nearest at or above `want` (or its highest), or `want` when it
// takes any.
int pick_rate(const AVCodec& codec, int want) {
    if (!codec.supported_samplerates) return want;
    int best = 0;
    int highest = 0;
    for (const int* r = codec.supported_samplerates; *r; ++r) {
        highest = std::max(highest, *r);
        if (*r >= want && (best == 0 || *r < best)) best = *r;
    }
    return best ? best : highest;
}

AVSampleFormat pick_format(const AVCodec& codec, AVSampleFormat want) {
    if (!codec.sample_fmts) return want;
    for (const AVSampleFormat* f = codec.sample_fmts; *f != AV_SAMPLE_FMT_NONE; ++f) {
        if (*f == want) return want;
    }
    return codec.sample_fmts[0];
}

}  // namespace

struct AudioTranscoder::Impl {
    std::filesystem::path shown;
    int stream_index = -1;
    AVRational in_time_base{1, 1};
    AvCodecContextPtr decoder;
    AvCodecContextPtr encoder;
    std::unique_ptr<SwrContext, SwrFree> swr;
    std::unique_ptr<AVAudioFifo, FifoFree> fifo;
    AvFramePtr decoded;
    AvFramePtr chunk;
    AvPacketPtr encoded;
    int frame_size = 1024;
    int64_t next_pts = AV_NOPTS_VALUE;  // in 1 / sample rate
    std::vector<uint8_t*> planes;

    Error fail(const char* what, int err) const {
        return av_error(shown, fmt::format("audio stream #{}: {}", stream_index, what), err);
    }

    // Sends `frame` (null: flush) to the encoder and writes every packet it returns.
    Result<void> encode(AVFrame* frame, const Writer& write) {
        int err = avcodec_send_frame(encoder.get(), frame);
        if (err < 0 && !(frame == nullptr && err == AVERROR_EOF)) return fail("cannot encode", err);
        for (;;) {
            err = avcodec_receive_packet(encoder.get(), encoded.get());
            if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return {};
            if (err < 0) return fail("cannot encode", err);
            Result<void> r = write(*encoded);
            av_packet_unref(encoded.get());
            if (!r) return r;
        }
    }

    // Encodes whole frames from the FIFO; with `all`, the rest too.
    Result<void> drain_fifo(bool all, const Writer& write) {
        for (;;) {
            const int have = av_audio_fifo_size(fifo.get());
            if (have == 0 || (!all && have < frame_size)) return {};
            const int n = std::min(have, frame_size);
            av_frame_unref(chunk.get());
            chunk->nb_samples = n;
            chunk->format = encoder->sample_fmt;
            chunk->sample_rate = encoder->sample_rate;
            if (int err = av_channel_layout_copy(&chunk->ch_layout, &encoder->ch_layout); err < 0) {
                return fail("cannot set the channel layout", err);
            }
            if (int err = av_frame_get_buffer(chunk.get(), 0); err < 0) {
                return fail("cannot allocate", err);
            }
            if (av_audio_fifo_read(fifo.get(), reinterpret_cast<void**>(chunk->data), n) != n) {
                return make_error(Errc::internal, shown.string() + ": audio FIFO underrun");
            }
            chunk->pts = next_pts;
            next_pts += n;
            KZ_TRY(encode(chunk.get(), write));
        }
    }

    // Resamples `frame` (null: the resampler's remainder) into the FIFO.
    Result<void> resample(const AVFrame* frame) {
        const int in_samples = frame ? frame->nb_samples : 0;
        const int out_max = swr_get_out_samples(swr.get(), in_samples);
        if (out_max < 0) return fail("cannot resample", out_max);
        if (out_max == 0) return {};
        uint8_t** out = nullptr;
        int linesize = 0;
        int err = av_samples_alloc_array_and_samples(
            &out, &linesize, encoder->ch_layout.nb_channels, out_max, encoder->sample_fmt, 0);
        if (err < 0) return fail("cannot allocate", err);
        const int got = swr_convert(
            swr.get(), out, out_max,
            frame ? const_cast<const uint8_t**>(frame->extended_data) : nullptr, in_samples);
        Result<void> r;
        if (got < 0) {
            r = fail("cannot resample", got);
        } else if (got > 0 &&
                   av_audio_fifo_write(fifo.get(), reinterpret_cast<void**>(out), got) < got) {
            r = make_error(Errc::out_of_memory, shown.string() + ": audio FIFO: out of memory");
        }
        av_freep(&out[0]);
        av_freep(&out);
        return r;
    }

    Result<void> receive_decoded(const Writer& write) {
        for (;;) {
            int err = avcodec_receive_frame(decoder.get(), decoded.get());
            if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return {};
            if (err < 0) return fail("cannot decode", err);
            if (next_pts == AV_NOPTS_VALUE) {
                const int64_t ts = decoded->best_effort_timestamp;
                next_pts = ts == AV_NOPTS_VALUE ? 0
                                                : av_rescale_q(ts, in_time_base,
                                                               AVRational{1, encoder->sample_rate});
            }
            Result<void> r = resample(decoded.get());
            av_frame_unref(decoded.get());
            KZ_TRY(r);
            KZ_TRY(drain_fifo(false, write));
        }
    }
};

AudioTranscoder::AudioTranscoder() : impl_(std::make_unique<Impl>()) {}
AudioTranscoder::~AudioTranscoder() = default;

AVRational AudioTranscoder::time_base() const noexcept {
    return impl_->encoder->time_base;
}

const char* AudioTranscoder::encoder_name() const noexcept {
    return impl_->encoder->codec->name;
}

Result<std::unique_ptr<AudioTranscoder>> AudioTranscoder::create(
    const AVStream& in, AVStream& out, const std::string& codec_name, int64_t bitrate,
    bool global_header, const std::filesystem::path& shown) {
    std::unique_ptr<AudioTranscoder> t(new AudioTranscoder());
    Impl& s = *t->impl_;
    s.shown = shown;
    s.stream_index = in.index;
    s.in_time_base = in.time_base;
    const AVCodec* codec = avcodec_find_encoder_by_name(codec_name.c_str());
    if (!codec || codec->type != AVMEDIA_TYPE_AUDIO) {
        return make_error(Errc::unsupported,
                          fmt::format("--audio-codec: \"{}\" is not an audio encoder of this "
                                      "FFmpeg (e.g. aac, libopus, flac)",
                                      codec_name));
    }
    auto dec = open_decoder(in, DecoderOptions{.threads = 1}, shown);
    if (!dec) return std::move(dec).error();
    s.decoder = std::move(*dec);
    s.encoder.reset(avcodec_alloc_context3(codec));
    s.decoded.reset(av_frame_alloc());
    s.chunk.reset(av_frame_alloc());
    s.encoded.reset(av_packet_alloc());
    if (!s.encoder || !s.decoded || !s.chunk || !s.encoded) {
        return make_error(Errc::out_of_memory, shown.string() + ": out of memory");
    }
    AVCodecContext& enc = *s.encoder;
    const AVCodecContext& dctx = *s.decoder;
    enc.sample_fmt = pick_format(*codec, dctx.sample_fmt);
    enc.sample_rate = pick_rate(*codec, dctx.sample_rate > 0 ? dctx.sample_rate : 48000);
    int err = av_channel_layout_copy(&enc.ch_layout, &dctx.ch_layout);
    if (err < 0) return s.fail("cannot set the channel layout", err);
    if (enc.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
        av_channel_layout_uninit(&enc.ch_layout);
        av_channel_layout_default(&enc.ch_layout, dctx.ch_layout.nb_channels);
    }
    enc.time_base = AVRational{1, enc.sample_rate};
    if (bitrate > 0) enc.bit_rate = bitrate;
    if (global_header) enc.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    err = avcodec_open2(&enc, codec, nullptr);
    if (err < 0) return s.fail(fmt::format("cannot open the {} encoder", codec->name).c_str(), err);
    s.frame_size = enc.frame_size > 0 ? enc.frame_size : 1024;

    SwrContext* swr = nullptr;
    AVChannelLayout in_layout{};
    if (dctx.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
        av_channel_layout_default(&in_layout, dctx.ch_layout.nb_channels);
    } else {
        av_channel_layout_copy(&in_layout, &dctx.ch_layout);
    }
    err = swr_alloc_set_opts2(&swr, &enc.ch_layout, enc.sample_fmt, enc.sample_rate, &in_layout,
                              dctx.sample_fmt, dctx.sample_rate, 0, nullptr);
    av_channel_layout_uninit(&in_layout);
    if (err < 0) return s.fail("cannot set up resampling", err);
    s.swr.reset(swr);
    err = swr_init(swr);
    if (err < 0) return s.fail("cannot set up resampling", err);
    s.fifo.reset(av_audio_fifo_alloc(enc.sample_fmt, enc.ch_layout.nb_channels, s.frame_size));
    if (!s.fifo) return make_error(Errc::out_of_memory, shown.string() + ": out of memory");

    err = avcodec_parameters_from_context(out.codecpar, &enc);
    if (err < 0) return s.fail("cannot set the output stream", err);
    out.time_base = enc.time_base;
    return t;
}

Result<void> AudioTranscoder::push(const AVPacket& packet, const Writer& write) {
    Impl& s = *impl_;
    int err = avcodec_send_packet(s.decoder.get(), &packet);
    // A damaged audio packet is skipped, as a player would; the decoder logs it.
    if (err < 0 && err != AVERROR_INVALIDDATA) return s.fail("cannot decode", err);
    return s.receive_decoded(write);
}

Result<void> AudioTranscoder::flush(const Writer& write) {
    Impl& s = *impl_;
    int err = avcodec_send_packet(s.decoder.get(), nullptr);
    if (err < 0 && err != AVERROR_EOF) return s.fail("cannot decode", err);
    KZ_TRY(s.receive_decoded(write));
    if (s.next_pts == AV_NOPTS_VALUE) s.next_pts = 0;
    KZ_TRY(s.resample(nullptr));
    KZ_TRY(s.drain_fifo(true, write));
    return s.encode(nullptr, write);
}

}  // namespace kizuna::media

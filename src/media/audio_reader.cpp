// AudioReader: demux + decode the best audio stream, resampled to interleaved float.
#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

#include "kizuna/media.hpp"
#include "media/av_error.hpp"
#include "media/decoding_stream.hpp"

namespace kizuna {

namespace fs = std::filesystem;
using namespace media;

namespace {

struct SwrFree {
    void operator()(SwrContext* p) const noexcept { swr_free(&p); }
};

}  // namespace

struct AudioReader::Impl : DecodingStream {
    fs::path path;
    std::unique_ptr<SwrContext, SwrFree> swr;
    AVRational time_base{0, 1};
    int rate = 0;
    int channels = 0;
    AudioInfo info;
    bool draining = false;
    bool finished = false;
    bool flushed_swr = false;
    // Time of the next output sample (seconds), from the first decoded frame after open or seek.
    double next_s = NAN;
    // After a seek: output samples before this time are dropped.
    double drop_before_s = -INFINITY;

    Error fail(const char* what, int err) const {
        return av_error(Errc::corrupt_data, path, fmt::format("audio stream #{}: {}", stream, what),
                        err);
    }

    // (Re)creates the resampler for the decoder's input format.
    Result<void> make_resampler(const AVFrame& in) {
        AVChannelLayout out_layout{};
        av_channel_layout_default(&out_layout, channels);
        AVChannelLayout in_layout{};  // zeroed: av_channel_layout_copy first frees what dst holds
        if (in.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || in.ch_layout.nb_channels == 0) {
            av_channel_layout_default(&in_layout, std::max(1, in.ch_layout.nb_channels));
        } else if (int err = av_channel_layout_copy(&in_layout, &in.ch_layout); err < 0) {
            return fail("cannot read the channel layout", err);
        }
        SwrContext* ctx = nullptr;
        int err =
            swr_alloc_set_opts2(&ctx, &out_layout, AV_SAMPLE_FMT_FLT, rate, &in_layout,
                                static_cast<AVSampleFormat>(in.format), in.sample_rate, 0, nullptr);
        av_channel_layout_uninit(&in_layout);
        av_channel_layout_uninit(&out_layout);
        swr.reset(ctx);
        if (err < 0) return fail("cannot set up the resampler", err);
        if (err = swr_init(swr.get()); err < 0) return fail("cannot set up the resampler", err);
        return {};
    }

    // Resamples `in` (null: the resampler's remainder) into `out`.
    Result<void> resample(const AVFrame* in, std::vector<float>& out) {
        const int in_samples = in ? in->nb_samples : 0;
        const int out_max = swr_get_out_samples(swr.get(), in_samples);
        if (out_max < 0) return fail("cannot resample", out_max);
        out.resize(static_cast<size_t>(out_max) * channels);
        uint8_t* planes[1] = {reinterpret_cast<uint8_t*>(out.data())};
        const int got =
            swr_convert(swr.get(), planes, out_max,
                        in ? const_cast<const uint8_t**>(in->extended_data) : nullptr, in_samples);
        if (got < 0) return fail("cannot resample", got);
        out.resize(static_cast<size_t>(got) * channels);
        return {};
    }

    // Decodes the next frame into `frame`; false at the end.
    Result<bool> decode_next() {
        AVCodecContext* dec = decoder.get();
        while (!finished) {
            int err = avcodec_receive_frame(dec, frame.get());
            if (err == 0) return true;
            if (err == AVERROR_EOF || (err == AVERROR(EAGAIN) && draining)) {
                finished = true;
                break;
            }
            if (err != AVERROR(EAGAIN)) return fail("cannot decode", err);
            err = av_read_frame(input.get(), packet.get());
            if (err == AVERROR_EOF) {
                draining = true;
                err = avcodec_send_packet(dec, nullptr);
                if (err < 0 && err != AVERROR_EOF) return fail("cannot decode", err);
                continue;
            }
            if (err < 0) return av_error(path, "cannot read", err);
            if (packet->stream_index == stream) err = avcodec_send_packet(dec, packet.get());
            av_packet_unref(packet.get());
            // A damaged packet is skipped, as players do.
            if (err < 0 && err != AVERROR_INVALIDDATA) return fail("cannot decode", err);
        }
        return false;
    }
};

AudioReader::AudioReader() noexcept = default;
AudioReader::AudioReader(AudioReader&&) noexcept = default;
AudioReader& AudioReader::operator=(AudioReader&&) noexcept = default;
AudioReader::~AudioReader() = default;

const AudioInfo& AudioReader::info() const noexcept {
    static const AudioInfo empty;
    return impl_ ? impl_->info : empty;
}

int AudioReader::sample_rate() const noexcept {
    return impl_ ? impl_->rate : 0;
}

int AudioReader::channels() const noexcept {
    return impl_ ? impl_->channels : 0;
}

Result<AudioReader> AudioReader::open(const fs::path& path, int sample_rate, int channels) {
    if (sample_rate < 8000 || sample_rate > 384000 || channels < 1 || channels > 8) {
        return make_error(Errc::invalid_argument,
                          fmt::format("audio output {} Hz x {} channels: the rate must be in "
                                      "[8000, 384000] and the channels in [1, 8]",
                                      sample_rate, channels));
    }
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->rate = sample_rate;
    impl->channels = channels;
    auto opened = open_decoding_stream(path, {.audio = true});
    if (!opened) return std::move(opened).error();
    static_cast<DecodingStream&>(*impl) = std::move(*opened);
    AVFormatContext* fmt = impl->format();
    const AVStream& st = impl->av_stream();
    impl->time_base = st.time_base;
    impl->info.source_sample_rate = impl->decoder->sample_rate;
    impl->info.source_channels = impl->decoder->ch_layout.nb_channels;
    impl->info.codec_name = impl->decoder->codec->name;
    if (st.duration != AV_NOPTS_VALUE && st.duration > 0) {
        impl->info.duration_s = static_cast<double>(st.duration) * av_q2d(st.time_base);
    } else if (fmt->duration > 0) {
        impl->info.duration_s = static_cast<double>(fmt->duration) / AV_TIME_BASE;
    }
    AudioReader reader;
    reader.impl_ = std::move(impl);
    return reader;
}

Result<bool> AudioReader::read(std::vector<float>& samples, double& start_s) {
    if (!impl_)
        return make_error(Errc::invalid_argument, "read on an AudioReader that is not open");
    Impl& s = *impl_;
    auto got = s.decode_next();
    if (!got) return std::move(got).error();
    if (!*got) {
        // The resampler's remainder, once.
        if (s.flushed_swr || !s.swr) return false;
        s.flushed_swr = true;
        KZ_TRY(s.resample(nullptr, samples));
        start_s = std::isnan(s.next_s) ? 0.0 : s.next_s;
        s.next_s = start_s + static_cast<double>(samples.size() / s.channels) / s.rate;
        return true;
    }
    if (!s.swr) KZ_TRY(s.make_resampler(*s.frame));
    if (std::isnan(s.next_s)) {
        const int64_t ts = s.frame->best_effort_timestamp;
        s.next_s = ts == AV_NOPTS_VALUE ? 0.0 : static_cast<double>(ts) * av_q2d(s.time_base);
    }
    Result<void> r = s.resample(s.frame.get(), samples);
    av_frame_unref(s.frame.get());
    KZ_TRY(r);
    start_s = s.next_s;
    const size_t frames = samples.size() / s.channels;
    s.next_s += static_cast<double>(frames) / s.rate;
    if (start_s < s.drop_before_s) {
        // After a seek: drop what comes before the time sought.
        const double skip_s = s.drop_before_s - start_s;
        const size_t skip = std::min(frames, static_cast<size_t>(std::lround(skip_s * s.rate)));
        samples.erase(samples.begin(), samples.begin() + static_cast<ptrdiff_t>(skip * s.channels));
        start_s += static_cast<double>(skip) / s.rate;
        if (skip == frames) start_s = s.next_s;
    }
    return true;
}

Result<void> AudioReader::seek(double pts_s) {
    if (!impl_)
        return make_error(Errc::invalid_argument, "seek on an AudioReader that is not open");
    Impl& s = *impl_;
    auto time_base = media::seek_time_base(pts_s, s.time_base, s.path);
    if (!time_base) return std::move(time_base).error();
    const double tb = *time_base;
    const int64_t target = static_cast<int64_t>(std::floor(pts_s / tb));
    int err = av_seek_frame(s.input.get(), s.stream, target, AVSEEK_FLAG_BACKWARD);
    if (err < 0) err = avformat_seek_file(s.input.get(), s.stream, INT64_MIN, 0, 0, 0);
    if (err < 0) return av_error(s.path, "cannot seek", err);
    avcodec_flush_buffers(s.decoder.get());
    s.swr.reset();
    s.draining = false;
    s.finished = false;
    s.flushed_swr = false;
    s.next_s = NAN;
    s.drop_before_s = pts_s;
    return {};
}

}  // namespace kizuna

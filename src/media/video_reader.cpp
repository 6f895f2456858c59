// VideoReader: demux + decode the best video stream, frames converted to RGBA.
#include <vector>

#include <fmt/format.h>

#include "kizuna/media.hpp"
#include "media/av_error.hpp"
#include "media/decoder.hpp"
#include "media/frame_convert.hpp"
#include "media/media_input.hpp"
#include "media/video_info.hpp"

namespace kizuna {

namespace fs = std::filesystem;
using namespace media;

struct VideoReader::Impl {
    fs::path path;
    MediaInput input;
    AvCodecContextPtr decoder;
    AvPacketPtr packet;
    AvFramePtr frame;
    FrameConverter converter{/*still=*/false};
    int stream = -1;
    AVRational time_base{0, 1};
    AVRational frame_rate{0, 1};
    VideoInfo info;
    int64_t next_index = 0;
    int64_t last_pts = AV_NOPTS_VALUE;
    bool draining = false;  // the demuxer is at its end and the decoder has been flushed
    bool finished = false;  // the decoder returned its last frame

    // Presentation time of the current frame; estimated from the previous one (or the index and
    // the frame rate) when the stream has none.
    int64_t frame_pts() const {
        const int64_t pts = frame->best_effort_timestamp;
        if (pts != AV_NOPTS_VALUE) return pts;
        if (last_pts != AV_NOPTS_VALUE && frame->pkt_duration > 0) {
            return last_pts + frame->pkt_duration;
        }
        if (frame_rate.num > 0 && time_base.num > 0) {
            return av_rescale_q(next_index, av_inv_q(frame_rate), time_base);
        }
        return next_index;
    }
};

VideoReader::VideoReader() noexcept = default;
VideoReader::VideoReader(VideoReader&&) noexcept = default;
VideoReader& VideoReader::operator=(VideoReader&&) noexcept = default;
VideoReader::~VideoReader() = default;

const VideoInfo& VideoReader::info() const noexcept {
    static const VideoInfo empty;
    return impl_ ? impl_->info : empty;
}

Result<VideoReader> VideoReader::open(const fs::path& path) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    auto input = MediaInput::open(path, MediaInput::Probe::name_and_content, "media");
    if (!input) return std::move(input).error();
    impl->input = std::move(*input);
    AVFormatContext* fmt = impl->input.get();
    // The decoders that find_stream_info opens get the same picture size limit as ours.
    std::vector<AVDictionary*> stream_opts(fmt->nb_streams, nullptr);
    for (AVDictionary*& d : stream_opts) {
        av_dict_set_int(&d, "max_pixels", ImageReadOptions::default_max_pixels, 0);
    }
    int err = avformat_find_stream_info(fmt, stream_opts.empty() ? nullptr : stream_opts.data());
    for (AVDictionary*& d : stream_opts) av_dict_free(&d);
    if (err < 0) return av_error(path, "cannot read stream information", err);
    impl->stream = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    if (impl->stream < 0) {
        return make_error(Errc::unsupported, fmt::format("{}: no video stream in this {} file",
                                                         path.string(), fmt->iformat->name));
    }
    for (unsigned i = 0; i < fmt->nb_streams; ++i) {
        if (static_cast<int>(i) != impl->stream) fmt->streams[i]->discard = AVDISCARD_ALL;
    }
    const AVStream& st = *fmt->streams[impl->stream];
    auto dec = open_decoder(st, DecoderOptions{.threads = 0, .strict = false}, path);
    if (!dec) return std::move(dec).error();
    impl->decoder = std::move(*dec);
    impl->packet.reset(av_packet_alloc());
    impl->frame.reset(av_frame_alloc());
    if (!impl->packet || !impl->frame) {
        return make_error(Errc::out_of_memory, path.string() + ": out of memory");
    }

    impl->time_base = st.time_base;
    impl->frame_rate = stream_frame_rate(st);
    impl->info = video_info_of(*fmt, st, *impl->decoder);
    VideoReader reader;
    reader.impl_ = std::move(impl);
    return reader;
}

Result<bool> VideoReader::read_frame(Image& out, VideoFrameInfo& frame_info) {
    if (!impl_) {
        return make_error(Errc::invalid_argument, "read_frame on a VideoReader that is not open");
    }
    Impl& s = *impl_;
    AVCodecContext* dec = s.decoder.get();
    const auto decode_error = [&](int err) {
        return av_error(Errc::corrupt_data, s.path,
                        fmt::format("cannot decode {} frame {}", dec->codec->name, s.next_index),
                        err);
    };
    while (!s.finished) {
        int err = avcodec_receive_frame(dec, s.frame.get());
        if (err == 0) {
            const int64_t pts = s.frame_pts();
            Result<void> converted = s.converter.convert(*s.frame, out, s.path);
            av_frame_unref(s.frame.get());
            if (!converted) return std::move(converted).error();
            frame_info.pts = pts;
            frame_info.pts_s = static_cast<double>(pts) * av_q2d(s.time_base);
            frame_info.index = s.next_index++;
            s.last_pts = pts;
            return true;
        }
        if (err == AVERROR_EOF || (err == AVERROR(EAGAIN) && s.draining)) {
            s.finished = true;
            break;
        }
        if (err != AVERROR(EAGAIN)) return decode_error(err);
        err = av_read_frame(s.input.get(), s.packet.get());
        if (err == AVERROR_EOF) {
            s.draining = true;
            err = avcodec_send_packet(dec, nullptr);
            if (err < 0 && err != AVERROR_EOF) return decode_error(err);
            continue;
        }
        if (err < 0) return av_error(s.path, "cannot read", err);
        if (s.packet->stream_index == s.stream) err = avcodec_send_packet(dec, s.packet.get());
        av_packet_unref(s.packet.get());
        if (err < 0) return decode_error(err);
    }
    return false;
}

}  // namespace kizuna

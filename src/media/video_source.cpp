#include "media/video_source.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include <fmt/format.h>

extern "C" {
#include <libavutil/pixdesc.h>
}

#include "core/enum_names.hpp"
#include "media/av_error.hpp"
#include "media/decoding_stream.hpp"
#include "media/ffmpeg_log_capture.hpp"
#include "media/frame_convert.hpp"
#include "media/media_input.hpp"
#include "media/video_info.hpp"

namespace kizuna::media {

namespace fs = std::filesystem;

std::string SourceStream::describe() const {
    std::string s = fmt::format("stream #{} ({}", index, attached_picture ? "cover art" : kind);
    if (!codec.empty()) s += ", " + codec;
    if (!language.empty()) s += ", " + language;
    if (!title.empty()) s += fmt::format(", \"{}\"", title);
    return s + ")";
}

namespace {

constexpr std::pair<AVMediaType, const char*> kKinds[] = {
    {AVMEDIA_TYPE_VIDEO, "video"},
    {AVMEDIA_TYPE_AUDIO, "audio"},
    {AVMEDIA_TYPE_SUBTITLE, "subtitle"},
    {AVMEDIA_TYPE_ATTACHMENT, "attachment"},
};

std::string tag(const AVDictionary* d, const char* key) {
    const AVDictionaryEntry* e = av_dict_get(d, key, nullptr, 0);
    return e && e->value ? e->value : "";
}

// The planar layouts stage 1 takes as Y'CbCr: 8- or 10-bit, 4:2:0 / 4:2:2 / 4:4:4. False for
// anything else (which is converted to RGBA).
struct YuvLayout {
    AVPixelFormat format;
    int bits;
    ChromaSubsampling sub;
    bool full_range;
};
constexpr YuvLayout kYuvLayouts[] = {
    {AV_PIX_FMT_YUV420P, 8, ChromaSubsampling::s420, false},
    {AV_PIX_FMT_YUVJ420P, 8, ChromaSubsampling::s420, true},
    {AV_PIX_FMT_YUV422P, 8, ChromaSubsampling::s422, false},
    {AV_PIX_FMT_YUVJ422P, 8, ChromaSubsampling::s422, true},
    {AV_PIX_FMT_YUV444P, 8, ChromaSubsampling::s444, false},
    {AV_PIX_FMT_YUVJ444P, 8, ChromaSubsampling::s444, true},
    {AV_PIX_FMT_YUV420P10LE, 10, ChromaSubsampling::s420, false},
    {AV_PIX_FMT_YUV422P10LE, 10, ChromaSubsampling::s422, false},
    {AV_PIX_FMT_YUV444P10LE, 10, ChromaSubsampling::s444, false},
};
bool yuv_layout(AVPixelFormat f, int& bits, ChromaSubsampling& sub, bool& full_range) {
    for (const YuvLayout& l : kYuvLayouts) {
        if (l.format != f) continue;
        bits = l.bits;
        sub = l.sub;
        full_range = l.full_range;
        return true;
    }
    return false;
}

}  // namespace

struct VideoSource::Impl : DecodingStream {
    fs::path path;
    FrameConverter converter{/*still=*/false};
    Options options;
    AVRational time_base{0, 1};
    AVRational frame_rate{0, 1};
    int64_t default_duration = 0;  // one frame at the average frame rate, in time_base; 0 unknown
    VideoInfo info;
    std::vector<SourceStream> streams;
    int64_t next_index = 0;
    int64_t last_pts = AV_NOPTS_VALUE;
    double read_end = 0;
    double declared_end = 0;
    bool draining = false;
    bool finished = false;

    int64_t picture_pts() const {
        const int64_t pts = frame->best_effort_timestamp;
        if (pts != AV_NOPTS_VALUE) return pts;
        if (last_pts != AV_NOPTS_VALUE && frame->pkt_duration > 0) {
            return last_pts + frame->pkt_duration;
        }
        if (last_pts != AV_NOPTS_VALUE && default_duration > 0) return last_pts + default_duration;
        if (frame_rate.num > 0 && time_base.num > 0) {
            return av_rescale_q(next_index, av_inv_q(frame_rate), time_base);
        }
        return next_index;
    }

    void note_packet_end(const AVPacket& p) {
        const AVStream* st = input.get()->streams[p.stream_index];
        int64_t t = p.pts != AV_NOPTS_VALUE ? p.pts : p.dts;
        if (t == AV_NOPTS_VALUE) return;
        if (p.duration > 0) t += p.duration;
        read_end = std::max(read_end, static_cast<double>(t) * av_q2d(st->time_base));
    }

    Error decode_error(int err) const {
        // Where decoding stopped: the end of the last picture decoded (the decoder may have been
        // given later packets already, on its own threads).
        std::string at;
        if (last_pts != AV_NOPTS_VALUE) {
            at = fmt::format(" (after {:.3f} s)",
                             static_cast<double>(last_pts + default_duration) * av_q2d(time_base));
        }
        return av_error(
            Errc::corrupt_data, path,
            fmt::format("cannot decode {} frame {}{}", decoder->codec->name, next_index, at), err);
    }

    // Moves the decoded frame into `picture`, converted or as Y'CbCr planes.
    Result<void> deliver(DecodedPicture& picture) {
        const int64_t pts = picture_pts();
        picture.index = next_index;
        picture.pts = pts;
        picture.duration = frame->pkt_duration > 0 ? frame->pkt_duration : default_duration;
        int bits = 8;
        ChromaSubsampling sub = ChromaSubsampling::s420;
        bool full = false;
        const auto format = static_cast<AVPixelFormat>(frame->format);
        if (options.keep_yuv && yuv_layout(format, bits, sub, full)) {
            if (!picture.planes) picture.planes.reset(av_frame_alloc());
            if (!picture.planes)
                return make_error(Errc::out_of_memory, path.string() + ": out of memory");
            av_frame_unref(picture.planes.get());
            av_frame_move_ref(picture.planes.get(), frame.get());
            const AVFrame& f = *picture.planes;
            YuvView& v = picture.yuv;
            v.y = reinterpret_cast<const std::byte*>(f.data[0]);
            v.u = reinterpret_cast<const std::byte*>(f.data[1]);
            v.v = reinterpret_cast<const std::byte*>(f.data[2]);
            v.y_stride = f.linesize[0];
            v.u_stride = f.linesize[1];
            v.v_stride = f.linesize[2];
            v.width = f.width;
            v.height = f.height;
            v.bit_depth = bits;
            v.subsampling = sub;
            v.color = color_info_from_av(
                f.colorspace,
                full || f.color_range == AVCOL_RANGE_JPEG ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG,
                f.color_trc, f.color_primaries, f.chroma_location, /*still=*/false);
            if (v.color.matrix == ColorMatrix::unspecified) {
                v.color.matrix = untagged_video_matrix(f.height);
            }
        } else {
            picture.release_planes();
            Result<void> converted = converter.convert(*frame, picture.rgba, path);
            av_frame_unref(frame.get());
            if (!converted) return std::move(converted).error();
        }
        ++next_index;
        last_pts = pts;
        return {};
    }
};

VideoSource::VideoSource() noexcept = default;
VideoSource::VideoSource(VideoSource&&) noexcept = default;
VideoSource& VideoSource::operator=(VideoSource&&) noexcept = default;
VideoSource::~VideoSource() = default;

const fs::path& VideoSource::path() const noexcept {
    return impl_->path;
}
const VideoInfo& VideoSource::info() const noexcept {
    return impl_->info;
}
int VideoSource::video_stream() const noexcept {
    return impl_->stream;
}
const std::vector<SourceStream>& VideoSource::streams() const noexcept {
    return impl_->streams;
}
AVFormatContext* VideoSource::format_context() const noexcept {
    return impl_->input.get();
}
int64_t VideoSource::pictures_read() const noexcept {
    return impl_->next_index;
}
double VideoSource::read_end_s() const noexcept {
    return impl_->read_end;
}
double VideoSource::declared_end_s() const noexcept {
    return impl_->declared_end;
}

Result<VideoSource> VideoSource::open(const fs::path& path, const Options& options) {
    FfmpegLogCapture ffmpeg_reason;
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->options = options;
    auto opened = open_decoding_stream(
        path, {.decoder_threads = options.decoder_threads, .discard_others = options.video_only});
    if (!opened) return with_ffmpeg_reason(std::move(opened).error(), ffmpeg_reason);
    static_cast<DecodingStream&>(*impl) = std::move(*opened);
    AVFormatContext* fmt = impl->format();
    for (unsigned i = 0; i < fmt->nb_streams; ++i) {
        const AVStream& s = *fmt->streams[i];
        SourceStream d;
        d.index = static_cast<int>(i);
        d.kind = map_lookup(kKinds, s.codecpar->codec_type, "data");
        d.codec = avcodec_get_name(s.codecpar->codec_id);
        d.language = tag(s.metadata, "language");
        d.title = tag(s.metadata,
                      s.codecpar->codec_type == AVMEDIA_TYPE_ATTACHMENT ? "filename" : "title");
        d.attached_picture = (s.disposition & AV_DISPOSITION_ATTACHED_PIC) != 0;
        impl->streams.push_back(std::move(d));
    }
    const AVStream& st = impl->av_stream();
    impl->time_base = st.time_base;
    impl->frame_rate = stream_frame_rate(st);
    if (impl->frame_rate.num > 0) {
        impl->default_duration = av_rescale_q(1, av_inv_q(impl->frame_rate), st.time_base);
    }
    impl->info = video_info_of(*fmt, st, *impl->decoder);
    if (fmt->duration != AV_NOPTS_VALUE && fmt->duration > 0) {
        const int64_t start = fmt->start_time != AV_NOPTS_VALUE ? fmt->start_time : 0;
        impl->declared_end = static_cast<double>(start + fmt->duration) / AV_TIME_BASE;
    }
    VideoSource source;
    source.impl_ = std::move(impl);
    return source;
}

Result<VideoSource::Got> VideoSource::read(DecodedPicture& picture, OwnedPacket& packet) {
    if (!impl_) return make_error(Errc::invalid_argument, "read on a VideoSource that is not open");
    Impl& s = *impl_;
    AVCodecContext* dec = s.decoder.get();
    FfmpegLogCapture ffmpeg_reason;
    while (!s.finished) {
        int err = avcodec_receive_frame(dec, s.frame.get());
        if (err == 0) {
            KZ_TRY(s.deliver(picture));
            return Got::picture;
        }
        if (err == AVERROR_EOF || (err == AVERROR(EAGAIN) && s.draining)) {
            s.finished = true;
            break;
        }
        if (err != AVERROR(EAGAIN)) return with_ffmpeg_reason(s.decode_error(err), ffmpeg_reason);
        err = av_read_frame(s.input.get(), s.packet.get());
        if (err == AVERROR_EOF) {
            s.draining = true;
            err = avcodec_send_packet(dec, nullptr);
            if (err < 0 && err != AVERROR_EOF) {
                return with_ffmpeg_reason(s.decode_error(err), ffmpeg_reason);
            }
            continue;
        }
        if (err < 0) return with_ffmpeg_reason(av_error(s.path, "cannot read", err), ffmpeg_reason);
        s.note_packet_end(*s.packet);
        if (s.packet->stream_index != s.stream) {
            if (s.options.video_only) {
                av_packet_unref(s.packet.get());
                continue;
            }
            OwnedPacket out(av_packet_alloc());
            if (!out) return make_error(Errc::out_of_memory, s.path.string() + ": out of memory");
            av_packet_move_ref(out.get(), s.packet.get());
            packet = std::move(out);
            return Got::packet;
        }
        err = avcodec_send_packet(dec, s.packet.get());
        av_packet_unref(s.packet.get());
        if (err < 0) return with_ffmpeg_reason(s.decode_error(err), ffmpeg_reason);
    }
    return Got::end;
}

}  // namespace kizuna::media

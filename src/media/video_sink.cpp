#include "media/video_sink.hpp"

#include <map>
#include <mutex>

#include <fmt/format.h>

extern "C" {
#include <libavutil/pixdesc.h>
}

#include "media/audio_transcoder.hpp"
#include "media/av_error.hpp"
#include "media/ffmpeg_log_capture.hpp"
#include "media/output_color.hpp"
#include "media/video_info.hpp"

namespace kizuna::media {

namespace {

namespace fs = std::filesystem;

struct OutputContextFree {
    void operator()(AVFormatContext* p) const noexcept {
        if (p->pb && !(p->oformat->flags & AVFMT_NOFILE)) avio_closep(&p->pb);
        avformat_free_context(p);
    }
};
using OutputPtr = std::unique_ptr<AVFormatContext, OutputContextFree>;

// The name users know a container by, for messages.
std::string container_label(const std::string& muxer) {
    if (muxer == "matroska") return "MKV";
    if (muxer == "mp4") return "MP4";
    if (muxer == "webm") return "WebM";
    if (muxer == "mov") return "MOV";
    return muxer;
}

// 1: the container holds this codec; 0: it does not; < 0: it cannot say.
int holds(const AVOutputFormat& fmt, AVCodecID codec) {
    return avformat_query_codec(&fmt, codec, FF_COMPLIANCE_NORMAL);
}

// Per-stream tags that describe the encoded bits of the source's video stream and would be wrong
// for the new one (mkvmerge's statistics, the encoder's name, the source's vendor).
bool stale_video_tag(const char* key) {
    static const char* const kPrefixes[] = {
        "BPS",          "DURATION", "NUMBER_OF_FRAMES", "NUMBER_OF_BYTES",
        "_STATISTICS_", "ENCODER",  "encoder",          "vendor_id"};
    const std::string_view k(key);
    for (const char* p : kPrefixes) {
        if (k.substr(0, std::char_traits<char>::length(p)) == p) return true;
    }
    return false;
}

// The sample aspect ratio that keeps the source's display aspect ratio at the output size.
AVRational output_sample_aspect(const AVCodecParameters& src, int out_w, int out_h) {
    AVRational sar = src.sample_aspect_ratio;
    if (sar.num <= 0 || sar.den <= 0) sar = AVRational{1, 1};
    AVRational r{};
    av_reduce(&r.num, &r.den, int64_t{sar.num} * src.width * out_h,
              int64_t{sar.den} * src.height * out_w, INT32_MAX);
    if (r.num == r.den) return AVRational{1, 1};
    return r;
}

Result<std::vector<SinkStream>> plan_streams(const VideoSource& source, const SinkOptions& o,
                                             const AVOutputFormat& fmt,
                                             std::vector<std::string>* notices) {
    const AVFormatContext* in = source.format_context();
    const std::string label = container_label(o.container);
    const bool mkv = o.container == "matroska";
    const AVOutputFormat* mkv_fmt = av_guess_format("matroska", nullptr, nullptr);
    std::vector<SinkStream> plan;
    int next_output = 0;
    for (unsigned i = 0; i < in->nb_streams; ++i) {
        const AVStream& st = *in->streams[i];
        const SourceStream& d = source.streams()[i];
        SinkStream s;
        s.input_index = static_cast<int>(i);
        s.description = d.describe();
        const AVCodecID id = st.codecpar->codec_id;
        const std::string cannot =
            fmt::format("{}: {} cannot be stored in {}", o.shown.string(), s.description, label);
        const bool mkv_holds = mkv_fmt && holds(*mkv_fmt, id) != 0;
        const std::string suggest_mkv = !mkv && mkv_holds ? "; write .mkv, which holds it" : "";
        if (static_cast<int>(i) == source.video_stream()) {
            s.action = SinkStream::Action::encode;
            const AVCodec* enc = avcodec_find_encoder_by_name(o.video.codec.c_str());
            if (enc && holds(fmt, enc->id) == 0) {
                return make_error(Errc::unsupported,
                                  fmt::format("{}: {} cannot hold {} video ({}); choose another "
                                              "output.video_codec{}",
                                              o.shown.string(), label, avcodec_get_name(enc->id),
                                              o.video.codec, mkv ? "" : " or write .mkv"));
            }
            s.detail = "re-encoded";
        } else if (st.codecpar->codec_type == AVMEDIA_TYPE_ATTACHMENT) {
            // Matroska keeps attachments (fonts) in the stream's extradata; the others have no
            // place for them.
            if (!mkv) {
                return make_error(Errc::unsupported,
                                  cannot + "; write .mkv, which keeps attachments such as fonts");
            }
            s.action = SinkStream::Action::copy;
            s.extradata_bytes = static_cast<size_t>(std::max(st.codecpar->extradata_size, 0));
            s.detail = "copied";
        } else if (st.codecpar->codec_type == AVMEDIA_TYPE_AUDIO && !o.audio_codec.empty()) {
            const AVCodec* enc = avcodec_find_encoder_by_name(o.audio_codec.c_str());
            if (!enc || enc->type != AVMEDIA_TYPE_AUDIO) {
                return make_error(Errc::unsupported,
                                  fmt::format("--audio-codec: \"{}\" is not an audio encoder of "
                                              "this FFmpeg (e.g. aac, libopus, flac)",
                                              o.audio_codec));
            }
            if (holds(fmt, enc->id) == 0) {
                return make_error(
                    Errc::unsupported,
                    fmt::format("{}: {} cannot hold {} audio (--audio-codec {})", o.shown.string(),
                                label, avcodec_get_name(enc->id), o.audio_codec));
            }
            s.action = SinkStream::Action::transcode;
            s.detail = "re-encoded to " + o.audio_codec;
        } else if (holds(fmt, id) != 0) {
            s.action = SinkStream::Action::copy;
            s.detail = "copied";
        } else if (st.codecpar->codec_type == AVMEDIA_TYPE_DATA ||
                   st.codecpar->codec_type == AVMEDIA_TYPE_UNKNOWN) {
            s.action = SinkStream::Action::drop;
            s.detail = fmt::format("not copied: {} cannot hold it", label);
            if (notices) {
                notices->push_back(fmt::format("{}: {} is not copied: {} cannot hold it{}",
                                               source.path().string(), s.description, label,
                                               suggest_mkv));
            }
        } else {
            std::string hint = suggest_mkv;
            if (st.codecpar->codec_type == AVMEDIA_TYPE_AUDIO) {
                hint += mkv_holds && !mkv ? ", or re-encode it with --audio-codec"
                                          : "; re-encode it with --audio-codec";
            }
            return make_error(Errc::unsupported, cannot + hint);
        }
        if (s.action != SinkStream::Action::drop) s.output_index = next_output++;
        plan.push_back(std::move(s));
    }
    return plan;
}

Result<void> copy_chapters(const AVFormatContext& in, AVFormatContext& out) {
    if (in.nb_chapters == 0) return {};
    out.chapters = static_cast<AVChapter**>(av_calloc(in.nb_chapters, sizeof(AVChapter*)));
    if (!out.chapters) return make_error(Errc::out_of_memory, "chapters: out of memory");
    for (unsigned i = 0; i < in.nb_chapters; ++i) {
        const AVChapter& c = *in.chapters[i];
        auto* copy = static_cast<AVChapter*>(av_mallocz(sizeof(AVChapter)));
        if (!copy) return make_error(Errc::out_of_memory, "chapters: out of memory");
        out.chapters[out.nb_chapters++] = copy;
        copy->id = c.id;
        copy->time_base = c.time_base;
        copy->start = c.start;
        copy->end = c.end;
        if (av_dict_copy(&copy->metadata, c.metadata, 0) < 0) {
            return make_error(Errc::out_of_memory, "chapters: out of memory");
        }
    }
    return {};
}

}  // namespace

struct VideoSink::Impl {
    SinkOptions options;
    OutputPtr out;
    AvCodecContextPtr encoder;
    OutputColor color;
    std::vector<SinkStream> plan;
    std::vector<AVRational> in_time_base;                         // by input index
    std::map<int, std::unique_ptr<AudioTranscoder>> transcoders;  // by input index
    int video_input = -1;
    AvPacketPtr video_packet;
    std::map<int64_t, int64_t> durations;  // pts -> duration of pictures inside the encoder
    std::vector<int64_t> pts_shift;        // by output stream, in its time base
    mutable std::mutex mux;                // guards `out` writes and the counters
    bool header_written = false;
    bool finished = false;

    Error mux_error(int err) const { return av_error(options.shown, "cannot write", err); }

    // Under `mux`.
    Result<void> mux_locked(AVPacket& pkt) {
        if (const int64_t shift = pts_shift[pkt.stream_index]; shift != 0) {
            if (pkt.pts != AV_NOPTS_VALUE) pkt.pts += shift;
            if (pkt.dts != AV_NOPTS_VALUE) pkt.dts += shift;
        }
        const int err = av_interleaved_write_frame(out.get(), &pkt);
        if (err < 0) return mux_error(err);
        return {};
    }

    Result<void> drain_video() {
        const SinkStream& vs = plan[video_input];
        const AVRational out_tb = out->streams[vs.output_index]->time_base;
        for (;;) {
            int err = avcodec_receive_packet(encoder.get(), video_packet.get());
            if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return {};
            if (err < 0) {
                return av_error(options.shown,
                                fmt::format("cannot encode ({})", options.video.codec), err);
            }
            AVPacket& p = *video_packet;
            if (auto it = durations.find(p.pts); it != durations.end()) {
                if (p.duration <= 0) p.duration = it->second;
                durations.erase(durations.begin(), std::next(it));
            }
            av_packet_rescale_ts(&p, encoder->time_base, out_tb);
            p.stream_index = vs.output_index;
            std::lock_guard lock(mux);
            Result<void> r = mux_locked(p);
            av_packet_unref(&p);
            KZ_TRY(r);
        }
    }

    AudioTranscoder::Writer transcoded_writer(int input_index) {
        return [this, input_index](AVPacket& p) -> Result<void> {
            SinkStream& s = plan[input_index];
            AVStream* ost = out->streams[s.output_index];
            av_packet_rescale_ts(&p, transcoders[input_index]->time_base(), ost->time_base);
            p.stream_index = s.output_index;
            ++s.packets;
            return mux_locked(p);
        };
    }
};

VideoSink::VideoSink() noexcept = default;
VideoSink::VideoSink(VideoSink&&) noexcept = default;
VideoSink& VideoSink::operator=(VideoSink&&) noexcept = default;
VideoSink::~VideoSink() = default;

Result<void> VideoSink::check(const VideoSource& source, const SinkOptions& o,
                              std::vector<std::string>* notices) {
    const AVOutputFormat* fmt = av_guess_format(o.container.c_str(), nullptr, nullptr);
    if (!fmt) {
        return make_error(Errc::unsupported, fmt::format("{}: the {} muxer is not in this FFmpeg",
                                                         o.shown.string(), o.container));
    }
    KZ_TRY(check_video_encoder(o.video, o.width, o.height, o.shown));
    auto plan = plan_streams(source, o, *fmt, notices);
    if (!plan) return std::move(plan).error();
    return {};
}

Result<VideoSink> VideoSink::open(const VideoSource& source, const SinkOptions& o) {
    KZ_TRY(check(source, o, nullptr));
    FfmpegLogCapture ffmpeg_reason;
    auto impl = std::make_unique<Impl>();
    Impl& s = *impl;
    s.options = o;
    const AVFormatContext* in = source.format_context();
    AVFormatContext* oc = nullptr;
    int err = avformat_alloc_output_context2(&oc, nullptr, o.container.c_str(), nullptr);
    if (err < 0 || !oc) return av_error(o.shown, "cannot create the output", err);
    s.out.reset(oc);
    auto plan = plan_streams(source, o, *oc->oformat, nullptr);
    if (!plan) return std::move(plan).error();
    s.plan = std::move(*plan);
    s.video_input = source.video_stream();
    s.video_packet.reset(av_packet_alloc());
    if (!s.video_packet)
        return make_error(Errc::out_of_memory, o.shown.string() + ": out of memory");
    const bool global_header = (oc->oformat->flags & AVFMT_GLOBALHEADER) != 0;

    // The encoder first: its parameters (and extradata) go into the video stream.
    const AVStream& vin = *in->streams[s.video_input];
    const AVPixFmtDescriptor* desc =
        av_pix_fmt_desc_get(av_get_pix_fmt(o.video.pixel_format.c_str()));
    const bool subsampled = desc && (desc->log2_chroma_w > 0 || desc->log2_chroma_h > 0);
    s.color = export_output_color(*vin.codecpar, o.height, subsampled);
    VideoEncoderStream es;
    es.width = o.width;
    es.height = o.height;
    es.time_base = vin.time_base;
    es.frame_rate = stream_frame_rate(vin);
    es.sample_aspect = output_sample_aspect(*vin.codecpar, o.width, o.height);
    es.color = s.color;
    es.global_header = global_header;
    auto enc = open_video_encoder(o.video, es, o.shown);
    if (!enc) return std::move(enc).error();
    s.encoder = std::move(*enc);

    s.in_time_base.resize(in->nb_streams);
    for (SinkStream& ps : s.plan) {
        const AVStream& ist = *in->streams[ps.input_index];
        s.in_time_base[ps.input_index] = ist.time_base;
        if (ps.action == SinkStream::Action::drop) continue;
        AVStream* ost = avformat_new_stream(oc, nullptr);
        if (!ost) return make_error(Errc::out_of_memory, o.shown.string() + ": out of memory");
        if (ps.action == SinkStream::Action::encode) {
            err = avcodec_parameters_from_context(ost->codecpar, s.encoder.get());
            if (err < 0) return av_error(o.shown, "cannot set the video stream", err);
            ost->time_base = s.encoder->time_base;
            ost->sample_aspect_ratio = s.encoder->sample_aspect_ratio;
            ost->avg_frame_rate = es.frame_rate;
            if (ost->codecpar->codec_id == AV_CODEC_ID_HEVC &&
                (o.container == "mp4" || o.container == "mov")) {
                ost->codecpar->codec_tag = MKTAG('h', 'v', 'c', '1');  // what Apple players want
            }
            av_dict_copy(&ost->metadata, ist.metadata, 0);
            for (const AVDictionaryEntry* e = nullptr;
                 (e = av_dict_get(ist.metadata, "", e, AV_DICT_IGNORE_SUFFIX));) {
                if (stale_video_tag(e->key)) av_dict_set(&ost->metadata, e->key, nullptr, 0);
            }
        } else if (ps.action == SinkStream::Action::transcode) {
            auto t = AudioTranscoder::create(ist, *ost, o.audio_codec, o.audio_bitrate,
                                             global_header, o.shown);
            if (!t) return std::move(t).error();
            s.transcoders[ps.input_index] = std::move(*t);
            av_dict_copy(&ost->metadata, ist.metadata, 0);
            for (const char* k :
                 {"BPS", "DURATION", "NUMBER_OF_FRAMES", "NUMBER_OF_BYTES", "ENCODER", "encoder"}) {
                av_dict_set(&ost->metadata, k, nullptr, 0);
            }
        } else {
            err = avcodec_parameters_copy(ost->codecpar, ist.codecpar);
            if (err < 0) return av_error(o.shown, "cannot copy " + ps.description, err);
            ost->codecpar->codec_tag = 0;
            ost->time_base = ist.time_base;
            ost->avg_frame_rate = ist.avg_frame_rate;
            ost->r_frame_rate = ist.r_frame_rate;
            ost->sample_aspect_ratio = ist.sample_aspect_ratio;
            av_dict_copy(&ost->metadata, ist.metadata, 0);
        }
        ost->disposition = ist.disposition;
        if (ost->index != ps.output_index) {
            return make_error(Errc::internal, o.shown.string() + ": output stream order");
        }
    }
    av_dict_copy(&oc->metadata, in->metadata, 0);
    KZ_TRY(copy_chapters(*in, *oc));

    if (!(oc->oformat->flags & AVFMT_NOFILE)) {
        const std::string url = "file:" + o.path.string();
        err = avio_open(&oc->pb, url.c_str(), AVIO_FLAG_WRITE);
        if (err < 0) return av_error(o.shown, "cannot open for writing", err);
    }
    // Timestamps go in as they are in the source, never shifted to make them non-negative:
    // FFmpeg 5.1's Matroska muxer would shift every stream but an Opus one with a codec delay,
    // moving the video against the audio by that delay. MP4 and MOV write edit lists.
    oc->avoid_negative_ts = AVFMT_AVOID_NEG_TS_DISABLED;
    err = avformat_write_header(oc, nullptr);
    if (err < 0) {
        return with_ffmpeg_reason(av_error(o.shown, "cannot write the header", err), ffmpeg_reason);
    }
    s.header_written = true;
    // With that shift off, the Matroska muxer no longer adds an Opus stream's codec delay to its
    // block timestamps (which a demuxer subtracts again), so it is added here.
    s.pts_shift.assign(oc->nb_streams, 0);
    if (o.container == "matroska" || o.container == "webm") {
        for (unsigned i = 0; i < oc->nb_streams; ++i) {
            const AVStream& st = *oc->streams[i];
            if (st.codecpar->codec_id == AV_CODEC_ID_OPUS && st.codecpar->initial_padding > 0) {
                s.pts_shift[i] = av_rescale_q(
                    st.codecpar->initial_padding,
                    AVRational{1, st.codecpar->sample_rate > 0 ? st.codecpar->sample_rate : 48000},
                    st.time_base);
            }
        }
    }
    VideoSink sink;
    sink.impl_ = std::move(impl);
    return sink;
}

Result<YuvPacker> VideoSink::make_packer() const {
    const Impl& s = *impl_;
    return YuvPacker::create(s.options.width, s.options.height, s.encoder->pix_fmt, s.color.matrix,
                             s.color.range, s.color.chroma);
}

std::string VideoSink::describe_video() const {
    const Impl& s = *impl_;
    return fmt::format("{}, {}x{}; {}", describe_video_encoder(s.options.video), s.options.width,
                       s.options.height, s.color.describe());
}

Result<void> VideoSink::write_video(AVFrame& frame, int64_t pts, int64_t duration) {
    Impl& s = *impl_;
    frame.pts = pts;
    frame.pkt_duration = duration;
    frame.pict_type = AV_PICTURE_TYPE_NONE;
    frame.color_range = s.color.range;
    frame.colorspace = s.color.matrix;
    frame.color_primaries = s.color.primaries;
    frame.color_trc = s.color.transfer;
    frame.chroma_location = s.color.chroma;
    frame.sample_aspect_ratio = s.encoder->sample_aspect_ratio;
    if (duration > 0) s.durations[pts] = duration;
    const int err = avcodec_send_frame(s.encoder.get(), &frame);
    if (err < 0) {
        return av_error(s.options.shown, fmt::format("cannot encode ({})", s.options.video.codec),
                        err);
    }
    {
        std::lock_guard lock(s.mux);
        ++s.plan[s.video_input].packets;
    }
    return s.drain_video();
}

Result<void> VideoSink::write_packet(OwnedPacket packet) {
    Impl& s = *impl_;
    const int index = packet->stream_index;
    if (index < 0 || index >= static_cast<int>(s.plan.size())) return {};
    std::lock_guard lock(s.mux);
    SinkStream& ps = s.plan[index];
    switch (ps.action) {
        case SinkStream::Action::drop:
        case SinkStream::Action::encode:
            return {};
        case SinkStream::Action::transcode:
            return s.transcoders[index]->push(*packet, s.transcoded_writer(index));
        case SinkStream::Action::copy:
            break;
    }
    AVStream* ost = s.out->streams[ps.output_index];
    av_packet_rescale_ts(packet.get(), s.in_time_base[index], ost->time_base);
    packet->stream_index = ps.output_index;
    packet->pos = -1;
    ++ps.packets;
    return s.mux_locked(*packet);
}

Result<void> VideoSink::finish() {
    Impl& s = *impl_;
    if (s.finished) return {};
    s.finished = true;
    int err = avcodec_send_frame(s.encoder.get(), nullptr);
    if (err < 0 && err != AVERROR_EOF) {
        return av_error(s.options.shown, fmt::format("cannot encode ({})", s.options.video.codec),
                        err);
    }
    KZ_TRY(s.drain_video());
    {
        std::lock_guard lock(s.mux);
        for (auto& [index, t] : s.transcoders) KZ_TRY(t->flush(s.transcoded_writer(index)));
    }
    FfmpegLogCapture ffmpeg_reason;
    err = av_write_trailer(s.out.get());
    if (err < 0) {
        return with_ffmpeg_reason(av_error(s.options.shown, "cannot write the trailer", err),
                                  ffmpeg_reason);
    }
    if (s.out->pb && !(s.out->oformat->flags & AVFMT_NOFILE)) {
        err = avio_closep(&s.out->pb);
        if (err < 0) return av_error(s.options.shown, "cannot close", err);
    }
    return {};
}

std::vector<SinkStream> VideoSink::streams() const {
    std::lock_guard lock(impl_->mux);
    return impl_->plan;
}

}  // namespace kizuna::media

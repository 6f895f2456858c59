#include "pipeline/export/video_file_sink.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "media/output_verify.hpp"

namespace kizuna::pipeline {

namespace {

class YuvFramePacker final : public FramePacker {
public:
    explicit YuvFramePacker(media::YuvPacker packer) : packer_(std::move(packer)) {}
    Result<void> pack(const Image& scratch, OutputFrame& out) override {
        return packer_.pack(scratch.view(), *out.encoded);
    }

private:
    media::YuvPacker packer_;
};

}  // namespace

Result<std::unique_ptr<VideoFileSink>> VideoFileSink::open(const media::VideoSource& source,
                                                           const std::filesystem::path& output,
                                                           const media::SinkOptions& options) {
    std::unique_ptr<VideoFileSink> s(new VideoFileSink());
    s->output_ = output;
    auto temp = media::TempOutput::create(output);
    if (!temp) return std::move(temp).error();
    s->temp_ = std::move(*temp);
    KZ_TRY(s->temp_.close());  // the muxer reopens it by name
    media::SinkOptions o = options;
    o.path = s->temp_.temp_path();
    o.shown = output;
    auto sink = media::VideoSink::open(source, o);
    if (!sink) return std::move(sink).error();
    s->sink_ = std::move(*sink);
    auto packer = s->sink_.make_packer();
    if (!packer) return std::move(packer).error();
    s->slot_packer_ = std::move(*packer);
    s->time_base_ = source.info().time_base.to_double();
    return s;
}

Result<void> VideoFileSink::prepare(OutputFrame& slot) {
    auto frame = slot_packer_.make_frame();
    if (!frame) return std::move(frame).error();
    slot.encoded = std::move(*frame);
    return {};
}

Result<std::unique_ptr<FramePacker>> VideoFileSink::make_packer() {
    auto packer = sink_.make_packer();
    if (!packer) return std::move(packer).error();
    return std::unique_ptr<FramePacker>(new YuvFramePacker(std::move(*packer)));
}

Result<void> VideoFileSink::write(OutputFrame& f) {
    KZ_TRY(sink_.write_video(*f.encoded, f.pts, f.duration));
    if (frames_ == 0) first_pts_ = f.pts;
    end_pts_ = std::max(end_pts_, f.pts + f.duration);
    longest_ = std::max(longest_, f.duration);
    ++frames_;
    return {};
}

Result<void> VideoFileSink::write_packet(media::OwnedPacket packet) {
    return sink_.write_packet(std::move(packet));
}

double VideoFileSink::duration_s() const {
    return frames_ ? static_cast<double>(end_pts_ - first_pts_) * time_base_ : 0.0;
}

Result<void> VideoFileSink::verify() {
    media::VerifyExpectation e;
    e.video_frames = frames_;
    e.video_start_s = static_cast<double>(first_pts_) * time_base_;
    e.video_end_s = static_cast<double>(end_pts_) * time_base_;
    e.frame_s = static_cast<double>(longest_) * time_base_;
    for (const media::SinkStream& s : sink_.streams()) {
        if (s.action == media::SinkStream::Action::encode) e.video_stream = s.output_index;
        if (s.action != media::SinkStream::Action::copy) continue;
        media::VerifyExpectation::Stream vs;
        vs.index = s.output_index;
        vs.description = s.description;
        vs.packets = s.packets;
        if (s.extradata_bytes > 0) vs.extradata_bytes = static_cast<int64_t>(s.extradata_bytes);
        e.streams.push_back(std::move(vs));
    }
    return media::verify_output(temp_.temp_path(), output_, e);
}

Result<void> VideoFileSink::commit(bool verify_output) {
    Result<void> r = sink_.finish();
    if (r) r = temp_.sync();
    if (r && verify_output) {
        r = verify();
        if (!r) {
            // A mismatch keeps the file for inspection, under a name that says it is not right.
            const std::filesystem::path partial = export_partial_path(temp_.target());
            if (temp_.commit_as(partial)) {
                return make_error(r.error().code, fmt::format("{} (the file is kept as {})",
                                                              r.error().message, partial.string()));
            }
            return r;
        }
    }
    if (r) r = temp_.commit();
    if (!r) temp_.discard();
    return r;
}

std::string VideoFileSink::abandon(bool keep) {
    if (!keep) {
        temp_.discard();
        return "the partial output was removed";
    }
    const std::filesystem::path partial = export_partial_path(temp_.target());
    Result<void> r = sink_.finish();
    if (r) r = temp_.sync();
    if (r) r = temp_.commit_as(partial);
    if (!r) {
        temp_.discard();
        return fmt::format("the partial output could not be finished ({}) and was removed",
                           r.error().message);
    }
    if (frames_ == 0) {
        return fmt::format("no frame was encoded; {} holds the other streams read so far",
                           partial.string());
    }
    return fmt::format("the {} frame{} encoded {} in {}, a playable file", frames_,
                       frames_ == 1 ? "" : "s", frames_ == 1 ? "is" : "are", partial.string());
}

void VideoFileSink::discard() {
    temp_.discard();
}

std::vector<ExportStreamReport> VideoFileSink::streams() const {
    std::vector<ExportStreamReport> out;
    for (const media::SinkStream& s : sink_.streams()) {
        ExportStreamReport r;
        r.input_index = s.input_index;
        r.description = s.description;
        r.action = s.detail;
        r.packets = s.packets;
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace kizuna::pipeline

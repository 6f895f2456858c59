// FrameSink into a video file: media::VideoSink writing a temporary file beside the output,
// renamed into place once finished and verified.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "media/temp_output.hpp"
#include "media/video_sink.hpp"
#include "media/video_source.hpp"
#include "pipeline/export/frame_sink.hpp"

namespace kizuna::pipeline {

class VideoFileSink final : public FrameSink {
public:
    // Creates the temporary file and opens the muxer and encoders (header written).
    static Result<std::unique_ptr<VideoFileSink>> open(const media::VideoSource& source,
                                                       const std::filesystem::path& output,
                                                       const media::SinkOptions& options);

    bool takes_rgba() const override { return false; }
    Result<void> prepare(OutputFrame& slot) override;
    Result<std::unique_ptr<FramePacker>> make_packer() override;
    Result<void> write(OutputFrame& frame) override;
    Result<void> write_packet(media::OwnedPacket packet) override;
    Result<void> commit(bool verify) override;
    std::string abandon(bool keep) override;
    void discard() override;
    std::string describe() const override { return sink_.describe_video(); }
    std::vector<ExportStreamReport> streams() const override;
    double duration_s() const override;

private:
    VideoFileSink() = default;
    Result<void> verify();

    std::filesystem::path output_;
    media::TempOutput temp_;
    media::VideoSink sink_;
    media::YuvPacker slot_packer_;  // makes the slots' frames
    double time_base_ = 0;          // seconds per source time-base unit
    int64_t frames_ = 0;
    int64_t first_pts_ = 0;
    int64_t end_pts_ = 0;
    int64_t longest_ = 0;  // longest frame duration seen
};

}  // namespace kizuna::pipeline

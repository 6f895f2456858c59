// FrameSink into an image sequence: one file per frame (frames/000001.png, ...), numbered from 1,
// each written atomically by write_image.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kizuna/media.hpp"
#include "media/video_source.hpp"
#include "pipeline/export/frame_sink.hpp"

namespace kizuna::pipeline {

class ImageSequenceSink final : public FrameSink {
public:
    ImageSequenceSink(const media::VideoSource& source, std::filesystem::path pattern,
                      ImageWriteOptions write);

    bool takes_rgba() const override { return true; }
    Result<void> prepare(OutputFrame&) override { return {}; }
    Result<std::unique_ptr<FramePacker>> make_packer() override;
    Result<void> write(OutputFrame& frame) override;
    Result<void> write_packet(media::OwnedPacket) override { return {}; }
    Result<void> commit(bool verify) override;
    std::string abandon(bool keep) override;
    void discard() override;
    std::string describe() const override;
    std::vector<ExportStreamReport> streams() const override;
    double duration_s() const override { return duration_s_; }

private:
    std::filesystem::path pattern_;
    ImageWriteOptions write_;
    std::vector<ExportStreamReport> streams_;
    std::vector<std::filesystem::path> written_;
    double time_base_ = 0;
    int64_t first_pts_ = 0;
    double duration_s_ = 0;
};

}  // namespace kizuna::pipeline

#include "pipeline/export/image_sequence_sink.hpp"

#include <fmt/format.h>

#include "media/output_target.hpp"

namespace kizuna::pipeline {

namespace {

class NoPacker final : public FramePacker {
public:
    Result<void> pack(const Image&, OutputFrame&) override { return {}; }
};

}  // namespace

ImageSequenceSink::ImageSequenceSink(const media::VideoSource& source,
                                     std::filesystem::path pattern, ImageWriteOptions write)
    : pattern_(std::move(pattern)), write_(write) {
    time_base_ = source.info().time_base.to_double();
    for (const media::SourceStream& s : source.streams()) {
        ExportStreamReport r;
        r.input_index = s.index;
        r.description = s.describe();
        r.action = s.index == source.video_stream() ? "re-encoded"
                                                    : "not written: an image sequence holds "
                                                      "pictures only";
        streams_.push_back(std::move(r));
    }
}

Result<std::unique_ptr<FramePacker>> ImageSequenceSink::make_packer() {
    return std::unique_ptr<FramePacker>(new NoPacker());
}

Result<void> ImageSequenceSink::write(OutputFrame& f) {
    auto name = media::sequence_file_name(pattern_, f.index + 1);
    if (!name) return std::move(name).error();
    KZ_TRY(write_image(*name, f.rgba.view(), write_));
    if (written_.empty()) first_pts_ = f.pts;
    written_.push_back(std::move(*name));
    duration_s_ = static_cast<double>(f.pts + f.duration - first_pts_) * time_base_;
    for (ExportStreamReport& r : streams_) {
        if (r.action == "re-encoded") ++r.packets;
    }
    return {};
}

Result<void> ImageSequenceSink::commit(bool /*verify*/) {
    // Each file was complete when write_image renamed it into place.
    return {};
}

std::string ImageSequenceSink::abandon(bool keep) {
    if (written_.empty()) return "no frame was written";
    if (!keep) {
        std::error_code ec;
        for (const auto& p : written_) std::filesystem::remove(p, ec);
        return fmt::format("the {} files written were removed", written_.size());
    }
    return fmt::format("the {} frame{} written {} kept ({} to {})", written_.size(),
                       written_.size() == 1 ? "" : "s", written_.size() == 1 ? "is" : "are",
                       written_.front().string(), written_.back().string());
}

void ImageSequenceSink::discard() {
    // Complete files stay: each is a whole picture, and removing them would lose finished work.
}

std::string ImageSequenceSink::describe() const {
    return fmt::format("image sequence {} ({}-bit)", pattern_.string(), write_.bit_depth);
}

std::vector<ExportStreamReport> ImageSequenceSink::streams() const {
    return streams_;
}

}  // namespace kizuna::pipeline

// The shader-only FrameProcessor: the five real-time stages of kizuna::Preview. It serves
// profiles with ai.enabled = false, and AI profiles until the hybrid chain is wired in (every
// frame then reports why AI did not run).
#pragma once

#include <memory>
#include <string>

#include "kizuna/preview.hpp"
#include "kizuna/profile.hpp"
#include "pipeline/export/frame_processor.hpp"

namespace kizuna::pipeline {

class PreviewProcessor final : public FrameProcessor {
public:
    // `ai_unavailable`: when the profile asks for AI that this processor cannot give, the reason
    // each frame reports (empty when the profile does not ask for AI). Errors: Preview::create's.
    static Result<std::unique_ptr<PreviewProcessor>> create(const Profile& profile,
                                                            const PreviewOptions& options,
                                                            std::string ai_unavailable);

    Result<void> process(const DecodedFrame& in, Image& out, const FrameControl& control,
                         FrameReport& report) override;
    void output_size(int in_width, int in_height, int& out_width, int& out_height) const override;
    bool wants_ai() const override { return !ai_unavailable_.empty(); }
    std::string describe() const override;

private:
    PreviewProcessor(Preview preview, std::string ai_unavailable)
        : preview_(std::move(preview)), ai_unavailable_(std::move(ai_unavailable)) {}
    Preview preview_;
    std::string ai_unavailable_;
};

}  // namespace kizuna::pipeline

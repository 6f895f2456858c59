// The shader-only FrameProcessor: the five real-time stages of kizuna::Preview. It serves
// profiles with ai.enabled = false.
#pragma once

#include <memory>
#include <string>

#include "kizuna/preview.hpp"
#include "kizuna/profile.hpp"
#include "pipeline/export/frame_processor.hpp"

namespace kizuna::pipeline {

class PreviewProcessor final : public FrameProcessor {
public:
    // Errors: Preview::create's.
    static Result<std::unique_ptr<PreviewProcessor>> create(const Profile& profile,
                                                            const PreviewOptions& options);

    Result<void> process(const DecodedFrame& in, Image& out, const FrameControl& control,
                         FrameReport& report) override;
    void output_size(int in_width, int in_height, int& out_width, int& out_height) const override;
    bool wants_ai() const override { return false; }
    // The decoder's Y'CbCr planes go straight into stage 1 (Preview's Y'CbCr entry point): no
    // RGBA conversion on the decoder thread, and 10-bit sources keep their precision.
    bool accepts_yuv() const override { return true; }
    std::string describe() const override;

private:
    explicit PreviewProcessor(Preview preview) : preview_(std::move(preview)) {}
    Preview preview_;
};

}  // namespace kizuna::pipeline

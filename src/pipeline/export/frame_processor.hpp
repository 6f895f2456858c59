// The processing step of an export, between the decoder and the encoder: one decoded picture in,
// one processed RGBA picture out. The export chooses an implementation through
// make_frame_processor() (processor_factory.hpp), the one place where the shader-only chain and
// the hybrid AI chain are told apart.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "media/decoded_picture.hpp"

namespace kizuna::pipeline {

using DecodedFrame = media::DecodedPicture;

// False when KIZUNA_PIPELINED_FRAMES=0 in the environment: pipelined processors then keep depth
// 1 (for timing the two ways against each other).
inline bool pipelined_frames_allowed() {
    const char* v = std::getenv("KIZUNA_PIPELINED_FRAMES");
    return v == nullptr || std::strcmp(v, "0") != 0;
}

// Per-frame control handed to process().
struct FrameControl {
    // When set, AI inference that is still running at this time stops (checked between tiles)
    // and the frame gets the shader-only result; report.ai_timed_out says so.
    std::optional<std::chrono::steady_clock::time_point> deadline;
    // When set and true, the processor may stop early and return Errc::cancelled.
    const std::atomic<bool>* cancel = nullptr;
    // False once the watchdog has turned AI off for the job: the processor runs shader-only.
    bool ai_allowed = true;
};

// What happened to one frame.
struct FrameReport {
    bool ai_used = false;       // the neural upscale produced this frame's stage 3
    bool ai_timed_out = false;  // inference passed FrameControl::deadline
    // With ai_timed_out: the share of the frame's inference done by then, in (0, 1]; 0 = not
    // known. The watchdog estimates a whole frame's time from it.
    double ai_done_fraction = 0;
    // When AI was wanted (the profile enables it) but not used: why, in a few words
    // ("inference passed the 30 s limit", "model failed to load: ..."); empty otherwise.
    std::string fallback_reason;
    // Milliseconds in each part: stages 1-2, inference (including the time until it was
    // stopped), stages 3 (shader) to 5 and the final packing.
    double pre_ms = 0, ai_ms = 0, post_ms = 0;
};

class FrameProcessor {
public:
    virtual ~FrameProcessor() = default;

    // Processes `in` into `out` (reallocated only when its size or format is wrong; otherwise
    // reused). The output size is output_size(in.width(), in.height()); RGBA8 for 8-bit
    // sources, RGBA32F for deeper ones, full-range gamma-encoded R'G'B'. Frames arrive in
    // presentation order when temporal stabilization is on. Not thread safe: one processor per
    // worker thread.
    virtual Result<void> process(const DecodedFrame& in, Image& out, const FrameControl& control,
                                 FrameReport& report) = 0;

    // Pipelined processing, for processors whose work runs on a device queue: the export keeps
    // up to pipeline_depth() frames in flight per worker, so that the next frame's upload and
    // the previous frame's readback overlap the device's work on the current one.
    //  - submit() starts the work of one frame and returns without waiting for it; `in` may be
    //    released as soon as it returns. A failed submit() leaves nothing of that frame in
    //    flight (the frames before it still are, and the processor's state is as if the frame
    //    had not come): the export collects those, then runs the frame with process().
    //  - collect() waits for the oldest frame in flight and hands its output and report back:
    //    what process() would have given for it, byte for byte.
    //  - process() may be called only with no frame in flight.
    // Depth 1 (the default): only process() is used. The depth may fall during a job (to 1 when
    // the hybrid chain's model leaves the device): the export then collects the frames in flight
    // and goes on with process().
    virtual int pipeline_depth() const { return 1; }
    virtual Result<void> submit(const DecodedFrame& /*in*/, const FrameControl& /*control*/) {
        return make_error(Errc::unsupported, "this frame processor is not pipelined");
    }
    virtual Result<void> collect(Image& /*out*/, FrameReport& /*report*/) {
        return make_error(Errc::unsupported, "this frame processor is not pipelined");
    }
    // After a successful submit(): true when what that frame's report says of the AI (ai_used,
    // ai_timed_out, ai_done_fraction, fallback_reason) is final already, with the report as
    // collect() will give it less the time still to come. The export's watchdog then sees the
    // frame before the next one starts, as it does with process().
    virtual bool submitted_report(FrameReport& /*report*/) const { return false; }

    // The output size for an input of in_width x in_height.
    virtual void output_size(int in_width, int in_height, int& out_width,
                             int& out_height) const = 0;

    // True when process() takes DecodedFrame::yuv (the decoder then hands Y'CbCr planes over
    // instead of converting them to RGBA).
    virtual bool accepts_yuv() const { return false; }

    // True when the profile asks for AI (the watchdog then counts frames that fell back).
    virtual bool wants_ai() const = 0;

    // The memory the model's tiles may use, in bytes, once the export has planned its queues;
    // processors without a model ignore it.
    virtual void set_ai_memory_budget(uint64_t /*bytes*/) {}

    // What the user must be told about this processor (a model that failed to load, fallback
    // steps), in order; the export's summary lists them.
    virtual std::vector<std::string> notices() const { return {}; }

    // e.g. "shader-only, cpu backend"
    virtual std::string describe() const = 0;
};

}  // namespace kizuna::pipeline

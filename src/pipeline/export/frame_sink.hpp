// Where an export's processed frames go: a video file (VideoFileSink) or an image sequence
// (ImageSequenceSink), behind one interface so the export's threads do not care which.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/export.hpp"
#include "kizuna/image.hpp"
#include "media/av_owner.hpp"
#include "pipeline/export/frame_processor.hpp"

namespace kizuna::pipeline {

// A slot of the queue between processing and the sink.
struct OutputFrame {
    int64_t index = 0;
    int64_t pts = 0;            // source stream time base
    int64_t duration = 0;       // same unit; 0 = unknown
    Image rgba;                 // the processed picture, when the sink takes RGBA
    media::OwnedFrame encoded;  // the picture in the encoder's format, when the sink encodes
};

// Turns a worker's processed picture into an OutputFrame's payload. One per worker.
class FramePacker {
public:
    virtual ~FramePacker() = default;
    // `picture` was processed into `scratch` (video) or straight into out.rgba (sequences).
    virtual Result<void> pack(const Image& scratch, OutputFrame& out) = 0;
};

class FrameSink {
public:
    virtual ~FrameSink() = default;

    // True when workers should process straight into OutputFrame::rgba (nothing to pack).
    virtual bool takes_rgba() const = 0;
    // Gives a slot its buffers (before the threads start).
    virtual Result<void> prepare(OutputFrame& slot) = 0;
    virtual Result<std::unique_ptr<FramePacker>> make_packer() = 0;

    // Writes one frame, in presentation order. Encoder thread.
    virtual Result<void> write(OutputFrame& frame) = 0;
    // A packet of another input stream (demuxer thread, concurrent with write()).
    virtual Result<void> write_packet(media::OwnedPacket packet) = 0;

    // After the last write: finishes the output, verifies it (when `verify`) and puts it under
    // its final name. On error the output is removed.
    virtual Result<void> commit(bool verify) = 0;
    // After an interruption or an input error: finishes what was written and keeps it
    // (`keep`: NAME.partial.EXT for video; the files written for sequences) or removes it.
    // Returns a phrase for the message, e.g. "the 118 frames encoded are in out.partial.mkv, a
    // playable file" or "the partial output was removed".
    virtual std::string abandon(bool keep) = 0;
    // After another error: removes everything.
    virtual void discard() = 0;

    // e.g. "libx264 (crf 20, preset veryfast), yuv420p, 640x480; bt709 matrix, tv range ..."
    virtual std::string describe() const = 0;
    // Every stream of the input and what became of it.
    virtual std::vector<ExportStreamReport> streams() const = 0;
    // The video's time span written, for the summary.
    virtual double duration_s() const = 0;
};

}  // namespace kizuna::pipeline

// Stopping a decoder between reading a picture's header and allocating the picture.
#pragma once

#include <filesystem>
#include <optional>

#include "kizuna/media.hpp"
#include "media/av_ptr.hpp"

namespace kizuna::media {

// Hooks a decoder's get_buffer2: the first time the decoder asks for a picture buffer (it then
// knows the size and pixel format, and has allocated nothing picture-sized), records the header
// and asks `admit`; a refusal makes the decoder fail without allocating. Later buffers pass
// through. Must outlive the decoder's use of it; not movable (the decoder keeps its address).
// Not thread safe: for decoders with one thread (stills).
class DecodeAdmission {
public:
    DecodeAdmission(std::function<Result<void>(const ImageHeader&)> admit, uint64_t file_bytes)
        : admit_(std::move(admit)) {
        header_.file_bytes = file_bytes;
    }
    DecodeAdmission(const DecodeAdmission&) = delete;
    DecodeAdmission& operator=(const DecodeAdmission&) = delete;

    // Installs the hook on `ctx` (before avcodec_open2).
    void attach(AVCodecContext& ctx);

    // For a decoder that returned a picture without asking get_buffer2 for it: records the header
    // from the picture and asks `admit` after all. Returns the refusal, if any. No-op once seen.
    Result<void> admit_decoded(const AVCodecContext& ctx, const AVFrame& frame);

    bool seen() const noexcept { return seen_; }
    const ImageHeader& header() const noexcept { return header_; }
    // The admit callback's error, when it refused.
    const std::optional<Error>& refusal() const noexcept { return refusal_; }

private:
    static int get_buffer(AVCodecContext* ctx, AVFrame* frame, int flags);
    // Records the header (first call only) and asks admit_; false when it refused.
    bool admit(const AVCodecContext& ctx, const AVFrame& frame);

    std::function<Result<void>(const ImageHeader&)> admit_;
    ImageHeader header_;
    bool seen_ = false;
    std::optional<Error> refusal_;
};

}  // namespace kizuna::media

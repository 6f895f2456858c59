// Opening a decoder for one stream of an input.
#pragma once

#include <filesystem>

#include "kizuna/error.hpp"
#include "media/av_ptr.hpp"
#include "media/decode_admission.hpp"

namespace kizuna::media {

struct DecoderOptions {
    int threads = 1;  // 0 = as many as FFmpeg chooses
    // Stills: check CRCs, strict standard compliance, and for JPEG, PNG and WebP fail on any
    // damage the decoder detects instead of concealing it.
    bool strict = false;
    // FFmpeg's max_pixels: a picture of more pixels is refused by the decoder before it allocates.
    int64_t max_pixels = ImageReadOptions::default_max_pixels;
    // Optional: stops the decoder before it allocates a picture the caller does not admit.
    DecodeAdmission* admission = nullptr;
};

// A decoder for `stream`, configured from its parameters. Errors: unsupported (no decoder in
// this FFmpeg build), or the AVERROR of avcodec_open2, naming `path`.
Result<AvCodecContextPtr> open_decoder(const AVStream& stream, const DecoderOptions& opts,
                                       const std::filesystem::path& path);

}  // namespace kizuna::media

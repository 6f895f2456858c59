// Re-encoding one audio stream of an export (--audio-codec): decode, resample to what the
// encoder takes, cut into the encoder's frame size, encode. Streams are otherwise copied.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "kizuna/error.hpp"
#include "media/av_ptr.hpp"

namespace kizuna::media {

class AudioTranscoder {
public:
    // Receives each encoded packet, timestamps in time_base(); its stream_index is unset.
    using Writer = std::function<Result<void>(AVPacket& packet)>;

    // Opens a decoder for `in` and the encoder `codec` (bitrate in bits/s, 0 = the encoder's
    // default; sample format, rate and channel layout: the source's where the encoder takes
    // them, else its first supported / nearest higher rate), and fills `out`'s codec parameters
    // and time base. Errors name `shown` and the stream: unsupported (no such audio encoder in
    // this FFmpeg), or the AVERROR of the failing call.
    static Result<std::unique_ptr<AudioTranscoder>> create(const AVStream& in, AVStream& out,
                                                           const std::string& codec,
                                                           int64_t bitrate, bool global_header,
                                                           const std::filesystem::path& shown);

    ~AudioTranscoder();
    AudioTranscoder(const AudioTranscoder&) = delete;
    AudioTranscoder& operator=(const AudioTranscoder&) = delete;

    // Decodes `packet` (timestamps in the input stream's time base) and writes what the encoder
    // gives back. Not thread safe.
    Result<void> push(const AVPacket& packet, const Writer& write);
    // Drains the decoder, the resampler and the encoder (the last frame may be short).
    Result<void> flush(const Writer& write);

    AVRational time_base() const noexcept;
    const char* encoder_name() const noexcept;

private:
    AudioTranscoder();
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kizuna::media

// Opening the export's video encoder: the profile's codec, quality and speed (validated per
// encoder, core/encoder_presets.hpp), the output's colour tags, and options passed through.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "kizuna/error.hpp"
#include "media/av_ptr.hpp"
#include "media/output_color.hpp"

namespace kizuna::media {

// What the user asked for (FFmpeg-free: also the pipeline's description of the encoder).
struct VideoEncoderSettings {
    std::string codec = "libx264";  // libx264, libx265, libsvtav1, libvpx-vp9, libaom-av1, ffv1
    int crf = 18;                   // constant quality, when bitrate is 0 (range per encoder)
    int64_t bitrate = 0;            // average bits per second; 0 = constant quality (crf)
    std::string preset = "medium";  // core/encoder_presets.hpp
    std::string pixel_format = "yuv420p";  // yuv420p, yuv420p10le, yuv444p, yuv444p10le
    std::vector<std::string> options;      // "key=value" encoder options, applied last
    int threads = 0;                       // 0 = the encoder's choice
};

// The stream it encodes.
struct VideoEncoderStream {
    int width = 0;
    int height = 0;
    AVRational time_base{1, 1000};  // of the pts given to the encoder: the source stream's
    AVRational frame_rate{0, 1};    // average frame rate (a hint for rate control); 0/1 unknown
    AVRational sample_aspect{0, 1};
    OutputColor color;
    bool global_header = false;  // the container wants the codec headers out of band
};

// Checks the settings against the encoder (its existence in this FFmpeg, the pixel format and
// its chroma size rules against width x height, crf range, preset, bitrate for lossless codecs,
// each "key=value" form) without opening anything. `shown` names the output in messages.
Result<void> check_video_encoder(const VideoEncoderSettings& settings, int width, int height,
                                 const std::filesystem::path& shown);

// Opens the encoder. An option of `settings.options` the encoder does not know is an error
// naming it. Errors name `shown`.
Result<AvCodecContextPtr> open_video_encoder(const VideoEncoderSettings& settings,
                                             const VideoEncoderStream& stream,
                                             const std::filesystem::path& shown);

// e.g. "libx264 (crf 20, preset veryfast), yuv420p"
std::string describe_video_encoder(const VideoEncoderSettings& settings);

}  // namespace kizuna::media

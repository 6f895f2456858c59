// Reading a finished export back: the video frame count, its time span and every copied
// stream's packet count, compared with what was written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "kizuna/error.hpp"

namespace kizuna::media {

struct VerifyExpectation {
    int video_stream = -1;     // output stream index of the video
    int64_t video_frames = 0;  // pictures decoded from the input (and encoded)
    double video_start_s = 0;  // the first picture's presentation time
    double video_end_s = 0;    // the last picture's presentation time plus its duration
    double frame_s = 0;        // the longest picture duration: the tolerance of the time span
    struct Stream {
        int index = -1;                // output stream index
        std::string description;       // for messages, e.g. "stream #1 (audio, opus, eng)"
        int64_t packets = -1;          // expected packet count; -1 = not checked (re-encoded)
        int64_t extradata_bytes = -1;  // attachments: expected size; -1 = not checked
    };
    std::vector<Stream> streams;
};

// Opens `file` and reads every packet (nothing is decoded). Errors (corrupt_data, one line
// naming `shown`): the video has a different number of frames, or starts or ends more than one
// frame away from the expectation; a stream has a different number of packets or attachment
// bytes; the file cannot be read back.
Result<void> verify_output(const std::filesystem::path& file, const std::filesystem::path& shown,
                           const VerifyExpectation& expect);

}  // namespace kizuna::media

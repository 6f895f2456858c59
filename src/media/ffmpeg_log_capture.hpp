// FFmpeg's own reason for a failure: the warning and error lines it logs on the calling thread
// while a capture is active, collected whatever the log level, so that a one-line kizuna error can
// end with FFmpeg's specific reason ("skipping unsupported chunk: ANIM", "Picture size 65535x65535
// is invalid") instead of the generic AVERROR text alone.
//
// Lines arrive only through the callback that route_ffmpeg_log_to_kizuna() installs; a host that
// never routes FFmpeg's log gets empty reasons. Lines FFmpeg logs on its own worker threads (frame
// threading) are not captured.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kizuna/error.hpp"

namespace kizuna::media {

// Active from construction to destruction on the constructing thread; captures nest (the
// innermost gets the lines). Not movable; not shared between threads.
class FfmpegLogCapture {
public:
    FfmpegLogCapture();
    ~FfmpegLogCapture();
    FfmpegLogCapture(const FfmpegLogCapture&) = delete;
    FfmpegLogCapture& operator=(const FfmpegLogCapture&) = delete;

    // The last (up to) three distinct lines, oldest first, joined by "; "; "" when none. Each is
    // the message without FFmpeg's "[png @ 0x...]" prefix, escaped for the terminal.
    std::string reason() const;

    // Called by the log callback with the text of one av_log call of level AV_LOG_WARNING or
    // more severe; FFmpeg may build one line from several calls, so pieces are assembled here.
    void add_piece(std::string_view piece);

    // The capture active on this thread, or nullptr.
    static FfmpegLogCapture* current() noexcept;

private:
    void add_line(std::string line);

    FfmpegLogCapture* outer_;
    std::string pending_;             // an unfinished line
    std::vector<std::string> lines_;  // distinct, most recent last, at most kKeep
};

// `error` with " (<reason>)" appended to its message when `capture` holds one.
Error with_ffmpeg_reason(Error error, const FfmpegLogCapture& capture);

}  // namespace kizuna::media

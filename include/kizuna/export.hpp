// Video export: decode -> the processing chain -> encode, with every other stream of the input
// copied, timestamps kept, progress reported, and a clean stop on request.
//
// Usage:
//   kizuna::ExportOptions opts;
//   opts.profile = *kizuna::builtin_profile("balanced");
//   opts.on_progress = [](const kizuna::ExportProgress& p) { ... };
//   auto summary = kizuna::export_video("episode.mkv", "episode-2x.mkv", opts);
//
// The output is written under a temporary name in its folder and renamed when complete and
// verified; a stopped or failed export never leaves a file under the output's name. No FFmpeg
// type appears here.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/memory_budget.hpp"
#include "kizuna/preview.hpp"
#include "kizuna/profile.hpp"

namespace kizuna {

// What an output path names, from its form (nothing is opened):
//  - video: .mkv, .mp4 / .m4v, .webm, .mov (case-insensitive);
//  - image_sequence: an image extension (.png, .jpg / .jpeg, .tif / .tiff, .webp) and one number
//    field in the file name, "%d" or "%0Nd" (N 1 to 9), e.g. "frames/%06d.png"; "%%" is a '%';
//  - image: an image extension without a number field;
//  - unknown: anything else.
enum class ExportOutputKind { video, image_sequence, image, unknown };
ExportOutputKind export_output_kind(const std::filesystem::path& output);

// What happens to the output when the export is stopped through ExportOptions::cancel.
enum class InterruptAction {
    keep_partial,  // the frames encoded so far are finished into a playable NAME.partial.EXT
    remove,        // nothing is left
};

// Time spent working (not waiting) in each part of the export, in seconds, summed over its
// threads. decode: demuxing, decoding and the conversion of decoded pictures; pre: stages 1-2;
// ai: neural inference; post: stage 3 when it is the shader upscale, stages 4-5 and the
// conversion of the result into the encoder's pixel format; encode: the encoder and the muxer
// (for image sequences: writing the files).
struct ExportStageTimes {
    double decode_s = 0, pre_s = 0, ai_s = 0, post_s = 0, encode_s = 0;
    double total() const noexcept { return decode_s + pre_s + ai_s + post_s + encode_s; }
};

// One progress update. Counters only grow during an export.
struct ExportProgress {
    int64_t frames_done = 0;         // frames encoded (or written, for image sequences)
    int64_t frames_total = 0;        // frames the input declares (or duration x rate); 0 = unknown
    double elapsed_s = 0;            // wall time since the export started
    double fps = 0;                  // frames per second over the last few seconds
    double eta_s = -1;               // estimated seconds left; -1 = unknown
    ExportStageTimes busy;           // busy time so far
    int64_t ai_fallback_frames = 0;  // frames that got the shader-only result instead of AI
    bool ai_disabled = false;        // the watchdog turned AI off for the rest of the job
    enum class State { running, finishing, done, cancelled, failed };
    State state = State::running;
};

// "running", "finishing", "done", "cancelled", "failed".
const char* export_state_name(ExportProgress::State state) noexcept;

// One JSON object on one line (no newline) for frontends, e.g.
// {"state":"running","frames_done":120,"frames_total":240,"percent":50.0,"fps":23.1,
//  "eta_s":5.2,"elapsed_s":5.3,"busy_s":{"decode":0.4,"pre":1.1,"ai":0.0,"post":3.0,
//  "encode":2.2},"ai_fallback_frames":0,"ai_disabled":false}
// percent and eta_s are null when the total is unknown.
std::string export_progress_json(const ExportProgress& progress);

struct ExportOptions {
    Profile profile;  // stages, AI and output settings (output.video_codec, crf, preset, ...)
    // The shader path: backend, CPU threads (total for the job; 0 = all), and the output size
    // (scale or width/height; 0 = the profile's).
    PreviewOptions preview;

    // Encoder. The codec, crf, preset and pixel format come from profile.output.
    int64_t video_bitrate = 0;  // average bits per second; 0 = constant quality (output.crf)
    // Options passed to the video encoder as they are, "key=value" (e.g. "tune=animation"),
    // applied after kizuna's own; an option the encoder does not know is an error.
    std::vector<std::string> encoder_options;
    // Empty: audio streams are copied packet for packet. Otherwise the name of an FFmpeg audio
    // encoder ("aac", "libopus", "flac", ...) that every audio stream is re-encoded with.
    std::string audio_codec;
    int64_t audio_bitrate = 0;  // with audio_codec; 0 = the encoder's default

    // Pipeline. Frames waiting between decoding and processing, and between processing and
    // encoding, are bounded both in number and in bytes.
    static constexpr int default_queue_frames = 8;
    int queue_frames = default_queue_frames;  // [2, 256] per queue
    uint64_t queue_bytes = 0;  // per queue; 0 = a quarter of the budget, at most 1 GiB
    // Frames processed at once when temporal stabilization and AI are off (otherwise frames are
    // processed one at a time, in order). 0 = automatic: up to 4, each with an equal share of
    // the threads. [0, 64].
    int parallel_frames = 0;

    // Watchdog: a frame whose AI inference runs past this many seconds gets the shader-only
    // result; after `ai_disable_after` such frames in a row, AI is off for the rest of the job.
    double ai_frame_limit_s = 30.0;  // (0, 86400]
    int ai_disable_after = 5;        // [1, 1000]
    // Every step away from the AI (a model that cannot load, out of memory, a frame past its
    // limit) is an error that stops the export, instead of a shader-only frame with a notice.
    bool require_ai = false;

    // Memory budget the export is checked against before anything large is allocated; empty =
    // MemoryBudget::default_share of what probe_available_memory() finds.
    std::optional<MemoryBudget> budget;

    // Set (from any thread, e.g. a signal handler) to stop: no new frame is started, the frames
    // already processed are encoded, and the output is handled as `on_interrupt` says. The export
    // then returns Errc::cancelled with a message naming what was kept.
    const std::atomic<bool>* cancel = nullptr;
    InterruptAction on_interrupt = InterruptAction::keep_partial;

    // Data the output cannot hold (a data stream the container cannot store; for image
    // sequences, audio, subtitles and timing) is a notice in the summary, or, with strict, an
    // error before any work.
    bool strict = false;
    // Read the finished output back and compare frame count, duration and packet counts.
    bool verify = true;

    // Called on an internal thread every progress_interval_s (and once at the end); must be
    // thread safe and quick. May be empty.
    std::function<void(const ExportProgress&)> on_progress;
    double progress_interval_s = 0.5;
};

// One stream of the input and what became of it.
struct ExportStreamReport {
    int input_index = -1;
    std::string description;  // e.g. "stream #1 (audio, opus, eng, \"Commentary\")"
    std::string action;       // "re-encoded", "copied", "re-encoded to aac", "not written: ..."
    int64_t packets = 0;      // packets written (video: frames)
};

struct ExportSummary {
    std::filesystem::path output;  // the file (or the sequence pattern) written
    int in_width = 0, in_height = 0, out_width = 0, out_height = 0;
    int64_t frames = 0;     // frames written
    double duration_s = 0;  // of the video written
    std::string video;      // encoder, pixel format, size and colour, e.g. "libx264 (crf 20, ..."
    std::string processor;  // e.g. "shader-only, cpu backend, 2 frames at a time"
    std::vector<ExportStreamReport> streams;
    ExportStageTimes busy;  // busy time per part
    double wall_s = 0;      // wall time of the whole export
    double cpu_s = 0;       // CPU time of the process during the export (user + system)
    int threads = 0;        // hardware threads of the machine
    // AI: frames that ran it, frames that hit the watchdog's limit, frames that got the
    // shader-only result for any reason (limit, failure, AI off), and whether (and why) the
    // watchdog turned it off.
    int64_t ai_frames = 0, ai_timeouts = 0, ai_fallbacks = 0;
    bool ai_disabled = false;
    std::string ai_note;  // the watchdog's message, or why AI did not run; empty when it ran
    std::vector<std::string> notices;  // data not written, and similar
    bool verified = false;
};

// Human-readable lines of a summary (the CLI prints them): output, frames, streams, stage
// shares, AI counts and every notice.
std::vector<std::string> export_summary_lines(const ExportSummary& summary);

// Exports `input` (a video) to `output` (a video file or an image sequence, see
// export_output_kind). Everything that can be checked before work is checked first: the
// profile, the options, the output location (check_output_file: never one of the inputs), every
// stream against the container, the encoder settings and the memory budget.
// Errors (one line naming the file, stream or option): those of the checks; corrupt_data when
// decoding fails part way or the input is truncated (the frames before are finished into
// NAME.partial.EXT and the message says where it stopped); cancelled (see `cancel`);
// corrupt_data when verification finds a mismatch (the file is then kept as NAME.partial.EXT).
Result<ExportSummary> export_video(const std::filesystem::path& input,
                                   const std::filesystem::path& output,
                                   const ExportOptions& options);

// NAME.partial.EXT beside `output` ("out/ep.mkv" -> "out/ep.partial.mkv"): where an interrupted
// or failed export keeps what it finished.
std::filesystem::path export_partial_path(const std::filesystem::path& output);

}  // namespace kizuna

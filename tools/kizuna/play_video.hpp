// The video side of `kizuna play`: a thread that decodes the file (kizuna::VideoReader), drops
// the frames that would be shown late, runs the real-time preview (kizuna::Preview) on the rest
// and hands them to the player's main thread through a short queue. With the Vulkan display
// (kizuna::DisplayPreview) the preview's pictures stay on the device: each frame names the
// display slot it was processed into.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kizuna/display.hpp"
#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "kizuna/media.hpp"
#include "kizuna/preview.hpp"

namespace kizuna::cli {

// One processed frame.
struct PlayFrame {
    Image source;         // the decoded picture (RGBA), the AI's input
    Image shown;          // the preview's output (RGBA8); empty with the Vulkan display
    int slot = -1;        // with the Vulkan display: the slot holding the preview's output
    double t = 0;         // media time (seconds from the first picture)
    double duration = 0;  // until the next picture (1 / frame rate)
    int64_t index = 0;    // as VideoFrameInfo::index
    uint64_t serial = 0;  // the seek it belongs to
    PreviewTimings timings;
};

class VideoPipeline {
public:
    // Takes the opened reader (positioned at its start), whose first picture is at `origin_s`,
    // and the preview. Starts the thread. Not copyable or movable.
    VideoPipeline(VideoReader reader, Preview preview, double origin_s,
                  const std::filesystem::path& path);
    // The same with the preview of `display` (which must outlive the pipeline); frames carry a
    // slot, each PlayFrame object keeping its own (the display needs kSlots).
    VideoPipeline(VideoReader reader, DisplayPreview& display, double origin_s,
                  const std::filesystem::path& path);
    // Frames alive at once: the queue, the one being processed, the one shown, and the player's
    // first (empty) frame, which comes back to the spares once swapped out.
    static constexpr int kSlots = 6;
    ~VideoPipeline();
    VideoPipeline(const VideoPipeline&) = delete;
    VideoPipeline& operator=(const VideoPipeline&) = delete;

    // The media time of the player's clock, set by the main thread every loop: the thread drops
    // frames that would be ready after their display time. Negative: never drop (paused).
    void set_clock(double t) noexcept { clock_.store(t, std::memory_order_relaxed); }

    // Everything queued is dropped and decoding goes on from the picture shown at `t`; that
    // first picture is never dropped. Returns the serial that its frames carry.
    uint64_t seek(double t);

    // The oldest queued frame of the current serial, if any (older serials are thrown away).
    // The frame stays queued: take it with pop() or look at the one after with peek(1).
    const PlayFrame* peek(size_t i = 0);
    // Removes the front frame, into `out` when not null (what `out` held is recycled).
    void pop(PlayFrame* out = nullptr);
    // Gives images back for reuse.
    void recycle(PlayFrame&& frame);

    // The decoder reached the end of the stream for the current serial.
    bool at_end();
    // The thread stopped on an error (then at_end() is true too); "" when it did not.
    std::string error();

    uint64_t dropped() const noexcept { return dropped_.load(); }
    // Mean wall time of the preview's process() over the frames processed so far, ms.
    double mean_process_ms() const noexcept {
        const uint64_t n = processed_.load();
        return n ? static_cast<double>(process_us_.load()) / 1000.0 / static_cast<double>(n) : 0;
    }
    std::string_view backend() const noexcept { return backend_; }
    void output_size(int& w, int& h) const noexcept { w = out_w_, h = out_h_; }

private:
    void start();
    void run();
    // Runs the preview on f.source into f.shown (texture) or f's slot (Vulkan display).
    Result<void> process(PlayFrame& f);

    VideoReader reader_;
    std::optional<Preview> preview_;
    DisplayPreview* display_ = nullptr;
    int next_slot_ = 0;
    double origin_s_;
    std::filesystem::path path_;
    std::string backend_;
    int out_w_ = 0, out_h_ = 0;
    double frame_s_ = 0;  // 1 / frame rate (0 unknown)

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<PlayFrame> queue_;
    std::vector<PlayFrame> spare_;
    static constexpr size_t kQueue = 3;
    std::optional<double> seek_to_;
    uint64_t serial_ = 0;
    bool end_ = false;
    bool stop_ = false;
    std::string error_;
    std::atomic<double> clock_{-1.0};
    std::atomic<uint64_t> dropped_{0};
    std::atomic<uint64_t> processed_{0};
    std::atomic<uint64_t> process_us_{0};
    double process_ms_ = 0;  // running estimate of one preview call
    int dropped_in_row_ = 0;
    std::thread thread_;
};

}  // namespace kizuna::cli

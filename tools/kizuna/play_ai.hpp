// The AI of `kizuna play`: the hybrid chain (kizuna::Upscaler) run on a paused frame in a
// background thread, with tile progress and cancellation. The player only starts a run while
// paused and cancels it before playback resumes; the worker counts every run that starts while
// the player says it is playing, so that a player that broke the rule would show it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/upscaler.hpp"

namespace kizuna::cli {

class AiWorker {
public:
    enum class State { idle, loading, running, done, failed, cancelled };

    // `profile` with its AI stage; `options` as the preview's. `playing` is the player's state,
    // read when a run starts. The Upscaler (and its model) is created by the first run.
    AiWorker(const Profile& profile, const UpscalerOptions& options,
             const std::atomic<bool>& playing);
    ~AiWorker();
    AiWorker(const AiWorker&) = delete;
    AiWorker& operator=(const AiWorker&) = delete;

    // Starts a run on a copy of `frame` (a run in progress is cancelled first). `tag` names the
    // frame; result() gives it back.
    Result<void> start(ConstImageView frame, uint64_t tag);
    // Asks the run in progress to stop (checked between tiles) and waits until it has.
    void cancel();

    State state();
    // Tiles done and in all of the run in progress (0 / 0 before the first tile).
    void progress(int& done, int& total) const noexcept {
        done = tiles_done_.load();
        total = tiles_total_.load();
    }
    // The last finished run: its picture (RGBA8), its tag and what the chain said.
    const Image* result(uint64_t& tag, std::string& label);
    // The error or the reason the model did not run, after failed (or done without the model).
    std::string message();
    double last_ms() const noexcept { return last_ms_.load(); }

    uint64_t runs() const noexcept { return runs_.load(); }
    uint64_t runs_while_playing() const noexcept { return runs_while_playing_.load(); }

private:
    void run();

    Profile profile_;
    UpscalerOptions options_;
    const std::atomic<bool>& playing_;
    std::optional<Upscaler> upscaler_;

    std::mutex mutex_;
    std::condition_variable wake_;
    Image input_;
    uint64_t input_tag_ = 0;
    bool pending_ = false;
    bool busy_ = false;
    bool stop_ = false;
    State state_ = State::idle;
    Image output_;
    uint64_t output_tag_ = 0;
    std::string label_;
    std::string message_;
    std::atomic<bool> cancel_{false};
    std::atomic<int> tiles_done_{0};
    std::atomic<int> tiles_total_{0};
    std::atomic<double> last_ms_{0};
    std::atomic<uint64_t> runs_{0};
    std::atomic<uint64_t> runs_while_playing_{0};
    std::thread thread_;
};

// Why `profile` keeps the model from running ("" when it does not).
std::string ai_disabled_reason(const Profile& profile);

}  // namespace kizuna::cli

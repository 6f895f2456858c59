// The clock `kizuna play` presents video by: the audio device's position when audio plays (the
// master), else the wall clock. Media time in seconds from the video's first picture.
#pragma once

#include <chrono>

namespace kizuna::cli {

class AudioOutput;

class PlayClock {
public:
    // `audio` may be null (no audio): the wall clock. Not owned; outlives the clock.
    explicit PlayClock(AudioOutput* audio) : audio_(audio) {}

    // The media time now. While audio plays this is the audio position, and the wall clock is
    // kept on it so that when the audio ends (a shorter audio stream) time goes on from there.
    double now();
    // Stops or restarts time (and the audio device).
    void set_paused(bool paused);
    bool paused() const noexcept { return paused_; }
    // Jumps to `t` (a seek). The audio, when there is some, must be moved by the caller.
    void set(double t);
    // True while the audio device drives the clock.
    bool audio_master();

private:
    using Clock = std::chrono::steady_clock;
    double wall_now() const;

    AudioOutput* audio_;
    bool paused_ = false;
    Clock::time_point base_time_ = Clock::now();
    double base_media_ = 0;
};

}  // namespace kizuna::cli

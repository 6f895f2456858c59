#include "play_clock.hpp"

#include "play_audio.hpp"

namespace kizuna::cli {

double PlayClock::wall_now() const {
    if (paused_) return base_media_;
    return base_media_ + std::chrono::duration<double>(Clock::now() - base_time_).count();
}

bool PlayClock::audio_master() {
    return audio_ != nullptr && audio_->running();
}

double PlayClock::now() {
    if (audio_master()) {
        const double t = audio_->position();
        base_media_ = t;
        base_time_ = Clock::now();
        return t;
    }
    return wall_now();
}

void PlayClock::set_paused(bool paused) {
    if (paused == paused_) return;
    base_media_ = wall_now();
    base_time_ = Clock::now();
    paused_ = paused;
    if (audio_ != nullptr) audio_->set_paused(paused);
}

void PlayClock::set(double t) {
    base_media_ = t;
    base_time_ = Clock::now();
}

}  // namespace kizuna::cli

// The audio of `kizuna play`: the file's audio decoded (kizuna::AudioReader) and queued to an
// SDL audio device, whose position is the player's master clock. Used from the player's main
// thread only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/media.hpp"

namespace kizuna::cli {

class AudioOutput {
public:
    // Opens the file's audio and the default audio device (SDL's audio subsystem is initialised
    // here). `origin_s` is the time of the video's first picture: media time 0. On failure
    // (no audio stream, no device) the returned output is inactive and `why` says why, in words
    // for the user; errors of the file itself are errors.
    static Result<AudioOutput> open(const std::filesystem::path& path, double origin_s,
                                    std::string& why);

    AudioOutput() = default;
    AudioOutput(AudioOutput&& other) noexcept;
    AudioOutput& operator=(AudioOutput&& other) noexcept;
    AudioOutput(const AudioOutput&) = delete;
    AudioOutput& operator=(const AudioOutput&) = delete;
    ~AudioOutput();

    bool active() const noexcept { return device_ != 0; }
    // True while the device has samples to play (or will get more): the clock follows it.
    bool running() const noexcept;
    // Media time of the sample the device is playing now.
    double position() const;

    // Keeps about `ahead_s` seconds queued on the device; call often. Errors are the file's
    // (undecodable audio).
    Result<void> feed(double ahead_s = 0.25);
    void set_paused(bool paused);
    // Drops what is queued and goes on from media time `t`.
    Result<void> seek(double t);

    int sample_rate() const noexcept { return rate_; }
    int channels() const noexcept { return channels_; }
    const std::string& codec() const noexcept { return reader_.info().codec_name; }

private:
    double queued_s() const;

    AudioReader reader_;
    uint32_t device_ = 0;
    int rate_ = 0;
    int channels_ = 0;
    int device_buffer_frames_ = 0;
    double origin_s_ = 0;
    double queued_end_ = 0;  // media time of the end of what has been queued
    bool eof_ = false;
    std::vector<float> chunk_;
};

}  // namespace kizuna::cli

#include "play_audio.hpp"

#include <SDL.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace kizuna::cli {

AudioOutput::AudioOutput(AudioOutput&& other) noexcept {
    *this = std::move(other);
}

AudioOutput& AudioOutput::operator=(AudioOutput&& other) noexcept {
    if (this == &other) return *this;
    if (device_ != 0) SDL_CloseAudioDevice(device_);
    reader_ = std::move(other.reader_);
    device_ = std::exchange(other.device_, 0);
    rate_ = other.rate_;
    channels_ = other.channels_;
    device_buffer_frames_ = other.device_buffer_frames_;
    origin_s_ = other.origin_s_;
    queued_end_ = other.queued_end_;
    eof_ = other.eof_;
    chunk_ = std::move(other.chunk_);
    return *this;
}

AudioOutput::~AudioOutput() {
    if (device_ != 0) SDL_CloseAudioDevice(device_);
}

Result<AudioOutput> AudioOutput::open(const std::filesystem::path& path, double origin_s,
                                      std::string& why) {
    AudioOutput out;
    // The file first: a file without audio never touches the audio system.
    auto probe = AudioReader::open(path, 48000, 2);
    if (!probe) {
        if (probe.error().code == Errc::not_found) {
            why = "the file has no audio";
            return out;
        }
        return std::move(probe).error();
    }
    // Without a sound card libasound prints its own lines on stderr while SDL tries it; SDL's
    // error says why in one line, so they are silenced while the device opens.
    const int saved_stderr = ::dup(STDERR_FILENO);
    if (saved_stderr >= 0) {
        const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (null_fd >= 0) {
            ::dup2(null_fd, STDERR_FILENO);
            ::close(null_fd);
        }
    }
    const auto restore_stderr = [&] {
        if (saved_stderr >= 0) {
            ::dup2(saved_stderr, STDERR_FILENO);
            ::close(saved_stderr);
        }
    };
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        restore_stderr();
        why = fmt::format("no audio system ({})", SDL_GetError());
        return out;
    }
    SDL_AudioSpec want{};
    want.freq = probe->info().source_sample_rate > 0 ? probe->info().source_sample_rate : 48000;
    want.format = AUDIO_F32SYS;
    want.channels = static_cast<Uint8>(std::clamp(probe->info().source_channels, 1, 2));
    want.samples = 1024;
    SDL_AudioSpec have{};
    const SDL_AudioDeviceID dev =
        SDL_OpenAudioDevice(nullptr, 0, &want, &have,
                            SDL_AUDIO_ALLOW_FREQUENCY_CHANGE | SDL_AUDIO_ALLOW_CHANNELS_CHANGE);
    restore_stderr();
    if (dev == 0) {
        why = fmt::format("no audio device opens ({})", SDL_GetError());
        return out;
    }
    auto reader = AudioReader::open(path, have.freq, have.channels);
    if (!reader) {
        SDL_CloseAudioDevice(dev);
        return std::move(reader).error();
    }
    out.reader_ = std::move(*reader);
    out.device_ = dev;
    out.rate_ = have.freq;
    out.channels_ = have.channels;
    out.device_buffer_frames_ = have.samples;
    out.origin_s_ = origin_s;
    SDL_PauseAudioDevice(dev, 0);
    return out;
}

double AudioOutput::queued_s() const {
    const double bytes_per_s = static_cast<double>(rate_) * channels_ * sizeof(float);
    return static_cast<double>(SDL_GetQueuedAudioSize(device_)) / bytes_per_s;
}

bool AudioOutput::running() const noexcept {
    return device_ != 0 && (!eof_ || SDL_GetQueuedAudioSize(device_) > 0);
}

double AudioOutput::position() const {
    // What is still queued, and about one device buffer that SDL has taken but not played.
    const double in_device = static_cast<double>(device_buffer_frames_) / rate_;
    return queued_end_ - queued_s() - (eof_ ? 0.0 : in_device);
}

Result<void> AudioOutput::feed(double ahead_s) {
    if (device_ == 0) return {};
    while (!eof_ && queued_s() < ahead_s) {
        double start_s = 0;
        auto got = reader_.read(chunk_, start_s);
        if (!got) return std::move(got).error();
        if (!*got) {
            eof_ = true;
            break;
        }
        if (chunk_.empty()) continue;
        if (SDL_QueueAudio(device_, chunk_.data(),
                           static_cast<Uint32>(chunk_.size() * sizeof(float))) != 0) {
            return make_error(Errc::io_error, fmt::format("audio device: {}", SDL_GetError()));
        }
        const double frames = static_cast<double>(chunk_.size() / channels_);
        queued_end_ = start_s - origin_s_ + frames / rate_;
    }
    return {};
}

void AudioOutput::set_paused(bool paused) {
    if (device_ != 0) SDL_PauseAudioDevice(device_, paused ? 1 : 0);
}

Result<void> AudioOutput::seek(double t) {
    if (device_ == 0) return {};
    SDL_ClearQueuedAudio(device_);
    KZ_TRY(reader_.seek(origin_s_ + t));
    eof_ = false;
    queued_end_ = t;
    return feed();
}

}  // namespace kizuna::cli

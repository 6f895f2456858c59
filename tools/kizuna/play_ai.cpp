#include "play_ai.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include <fmt/format.h>

namespace kizuna::cli {

std::string ai_disabled_reason(const Profile& p) {
    if (!p.ai.enabled) return fmt::format("profile {} has no AI stage (ai.enabled false)", p.name);
    if (p.ai.strength == 0.0f) return "ai.strength is 0";
    if (p.ai.backend == BackendPreference::none) return "ai.backend is \"none\"";
    return {};
}

AiWorker::AiWorker(const Profile& profile, const UpscalerOptions& options,
                   const std::atomic<bool>& playing)
    : profile_(profile), options_(options), playing_(playing) {
    thread_ = std::thread([this] { run(); });
}

AiWorker::~AiWorker() {
    cancel_.store(true);
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

Result<void> AiWorker::start(ConstImageView frame, uint64_t tag) {
    cancel();
    std::lock_guard lock(mutex_);
    if (input_.width() != frame.width || input_.height() != frame.height ||
        input_.format() != frame.format) {
        auto img = Image::create(frame.width, frame.height, frame.format);
        if (!img) return std::move(img).error();
        input_ = std::move(*img);
    }
    const size_t row = static_cast<size_t>(frame.width) * bytes_per_pixel(frame.format);
    for (int y = 0; y < frame.height; ++y) {
        std::copy_n(frame.row(y), row, input_.view().row(y));
    }
    input_tag_ = tag;
    pending_ = true;
    tiles_done_.store(0);
    tiles_total_.store(0);
    state_ = upscaler_ ? State::running : State::loading;
    wake_.notify_all();
    return {};
}

void AiWorker::cancel() {
    std::unique_lock lock(mutex_);
    if (!pending_ && !busy_) return;
    cancel_.store(true);
    pending_ = false;
    wake_.notify_all();
    wake_.wait(lock, [this] { return !busy_; });
    cancel_.store(false);
    if (state_ == State::loading || state_ == State::running) state_ = State::cancelled;
}

AiWorker::State AiWorker::state() {
    std::lock_guard lock(mutex_);
    return state_;
}

const Image* AiWorker::result(uint64_t& tag, std::string& label) {
    std::lock_guard lock(mutex_);
    if (output_.empty()) return nullptr;
    tag = output_tag_;
    label = label_;
    return &output_;
}

std::string AiWorker::message() {
    std::lock_guard lock(mutex_);
    return message_;
}

void AiWorker::run() {
    std::unique_lock lock(mutex_);
    Image work_out;
    for (;;) {
        wake_.wait(lock, [this] { return stop_ || pending_; });
        if (stop_) return;
        pending_ = false;
        busy_ = true;
        const uint64_t tag = input_tag_;
        lock.unlock();

        const auto t0 = std::chrono::steady_clock::now();
        Result<void> r;
        if (!upscaler_) {
            auto up = Upscaler::create(profile_, options_);
            if (up) {
                upscaler_.emplace(std::move(*up));
            } else {
                r = std::move(up).error();
            }
        }
        UpscaleReport report;
        if (r && !cancel_.load()) {
            {
                std::lock_guard l(mutex_);
                state_ = State::running;
            }
            // One picture on its own, as `kizuna compare` renders it: no temporal history.
            upscaler_->reset_history();
            runs_.fetch_add(1);
            if (playing_.load()) runs_while_playing_.fetch_add(1);
            UpscaleControl control;
            control.cancel = &cancel_;
            control.on_progress = [this](const TileProgress& p) {
                tiles_done_.store(p.tiles_done);
                tiles_total_.store(p.tiles_total);
            };
            int ow = 0, oh = 0;
            upscaler_->output_size(input_.width(), input_.height(), ow, oh);
            if (work_out.width() != ow || work_out.height() != oh) {
                auto img = Image::create(ow, oh, PixelFormat::rgba8);
                if (!img) {
                    r = std::move(img).error();
                } else {
                    work_out = std::move(*img);
                }
            }
            if (r) r = upscaler_->process(input_.view(), work_out, control, &report);
        } else if (r) {
            r = make_error(Errc::cancelled, "cancelled");
        }
        last_ms_.store(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count());

        lock.lock();
        busy_ = false;
        if (!r) {
            state_ = r.error().code == Errc::cancelled ? State::cancelled : State::failed;
            message_ = r.error().message;
        } else {
            std::swap(output_, work_out);
            output_tag_ = tag;
            if (report.ai_used) {
                label_ = fmt::format("AI {} ({}, {})", upscaler_->ai_model(),
                                     upscaler_->ai_backend(), upscaler_->ai_precision());
                message_.clear();
            } else {
                label_ = "AI unavailable";
                message_ = report.ai_note.empty() && !upscaler_->notices().empty()
                               ? upscaler_->notices().back()
                               : report.ai_note;
            }
            state_ = State::done;
        }
        wake_.notify_all();
    }
}

}  // namespace kizuna::cli

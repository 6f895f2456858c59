#include "play_video.hpp"

#include <chrono>
#include <utility>

namespace kizuna::cli {

namespace {

// After this many dropped frames in a row one is shown anyway, so that a machine too slow for
// the file still shows pictures.
constexpr int kMaxDropsInRow = 12;

}  // namespace

VideoPipeline::VideoPipeline(VideoReader reader, Preview preview, double origin_s,
                             const std::filesystem::path& path)
    : reader_(std::move(reader)),
      preview_(std::move(preview)),
      origin_s_(origin_s),
      path_(path),
      backend_(preview_->backend_name()) {
    const VideoInfo& info = reader_.info();
    preview_->output_size(info.width, info.height, out_w_, out_h_);
    start();
}

VideoPipeline::VideoPipeline(VideoReader reader, DisplayPreview& display, double origin_s,
                             const std::filesystem::path& path)
    : reader_(std::move(reader)),
      display_(&display),
      origin_s_(origin_s),
      path_(path),
      backend_(display.backend_name()) {
    const VideoInfo& info = reader_.info();
    display.output_size(info.width, info.height, out_w_, out_h_);
    start();
}

void VideoPipeline::start() {
    const VideoInfo& info = reader_.info();
    const double rate = info.frame_rate.to_double();
    frame_s_ = rate > 0 ? 1.0 / rate : 1.0 / 25;
    thread_ = std::thread([this] { run(); });
}

VideoPipeline::~VideoPipeline() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

uint64_t VideoPipeline::seek(double t) {
    std::lock_guard lock(mutex_);
    while (!queue_.empty()) {
        spare_.push_back(std::move(queue_.front()));
        queue_.pop_front();
    }
    seek_to_ = t;
    end_ = false;
    ++serial_;
    wake_.notify_all();
    return serial_;
}

const PlayFrame* VideoPipeline::peek(size_t i) {
    std::lock_guard lock(mutex_);
    return i < queue_.size() ? &queue_[i] : nullptr;
}

void VideoPipeline::pop(PlayFrame* out) {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) return;
    if (out != nullptr) {
        std::swap(*out, queue_.front());
    }
    spare_.push_back(std::move(queue_.front()));
    queue_.pop_front();
    wake_.notify_all();
}

void VideoPipeline::recycle(PlayFrame&& frame) {
    std::lock_guard lock(mutex_);
    spare_.push_back(std::move(frame));
}

bool VideoPipeline::at_end() {
    std::lock_guard lock(mutex_);
    return end_ && !seek_to_ && queue_.empty();
}

std::string VideoPipeline::error() {
    std::lock_guard lock(mutex_);
    return error_;
}

Result<void> VideoPipeline::process(PlayFrame& f) {
    if (display_ != nullptr) {
        if (f.slot < 0) {
            if (next_slot_ >= kSlots) {
                return make_error(Errc::internal, "play: more frames alive than display slots");
            }
            f.slot = next_slot_++;
        }
        KZ_TRY(display_->process(f.source.view(), f.slot));
        f.timings = display_->last_timings();
        return {};
    }
    if (f.shown.empty() || f.shown.width() != out_w_ || f.shown.height() != out_h_) {
        auto img = Image::create(out_w_, out_h_, PixelFormat::rgba8);
        if (!img) return std::move(img).error();
        f.shown = std::move(*img);
    }
    KZ_TRY(preview_->process(f.source.view(), f.shown));
    f.timings = preview_->last_timings();
    return {};
}

void VideoPipeline::run() {
    std::unique_lock lock(mutex_);
    bool fresh = true;  // the next frame is the first after a seek (or the start): always shown
    while (!stop_) {
        if (seek_to_) {
            const double t = *seek_to_;
            seek_to_.reset();
            lock.unlock();
            auto r = reader_.seek(origin_s_ + t);
            if (display_ != nullptr) {
                display_->reset_history();
            } else {
                preview_->reset_history();
            }
            lock.lock();
            if (!r) {
                error_ = r.error().message;
                end_ = true;
            }
            fresh = true;
            continue;
        }
        if (end_ || queue_.size() >= kQueue) {
            wake_.wait(lock);
            continue;
        }
        const uint64_t serial = serial_;
        PlayFrame f;
        if (!spare_.empty()) {
            f = std::move(spare_.back());
            spare_.pop_back();
        }
        lock.unlock();

        VideoFrameInfo info;
        auto got = reader_.read_frame(f.source, info);
        Result<void> processed;
        bool keep = got && *got;
        if (keep) {
            f.t = info.pts_s - origin_s_;
            f.duration = frame_s_;
            f.index = info.index;
            f.serial = serial;
            // Dropped when it would be ready only after its time on screen has passed.
            const double clock = clock_.load(std::memory_order_relaxed);
            const bool late = !fresh && clock >= 0 && dropped_in_row_ < kMaxDropsInRow &&
                              f.t + f.duration < clock + process_ms_ / 1000.0;
            if (late) {
                dropped_.fetch_add(1);
                ++dropped_in_row_;
                keep = false;
            } else {
                dropped_in_row_ = 0;
                fresh = false;
                const auto t0 = std::chrono::steady_clock::now();
                processed = process(f);
                if (processed) {
                    const double ms = std::chrono::duration<double, std::milli>(
                                          std::chrono::steady_clock::now() - t0)
                                          .count();
                    process_ms_ = process_ms_ == 0 ? ms : 0.8 * process_ms_ + 0.2 * ms;
                    processed_.fetch_add(1);
                    process_us_.fetch_add(static_cast<uint64_t>(ms * 1000));
                }
            }
        }

        lock.lock();
        if (!got || !processed) {
            error_ = !got ? got.error().message : processed.error().message;
            end_ = true;
        } else if (!*got && serial == serial_ && !seek_to_) {
            end_ = true;
        }
        if (keep && processed && serial == serial_ && !seek_to_) {
            queue_.push_back(std::move(f));
        } else {
            spare_.push_back(std::move(f));
        }
    }
}

}  // namespace kizuna::cli

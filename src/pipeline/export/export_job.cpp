#include "pipeline/export/export_job.hpp"

#include <sys/resource.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "core/bounded_queue.hpp"
#include "kizuna/log.hpp"
#include "kizuna/memory_budget.hpp"
#include "media/video_source.hpp"
#include "pipeline/export/export_plan.hpp"
#include "pipeline/export/image_sequence_sink.hpp"
#include "pipeline/export/progress_meter.hpp"
#include "pipeline/export/reorder_buffer.hpp"
#include "pipeline/export/slot_pool.hpp"
#include "pipeline/export/video_file_sink.hpp"
#include "pipeline/export/watchdog.hpp"

namespace kizuna::pipeline {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double cpu_seconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const auto s = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
    };
    return s(ru.ru_utime) + s(ru.ru_stime);
}

// What stops the threads, and why.
class JobState {
public:
    JobState(SlotPool<DecodedFrame>& in, BoundedQueue<DecodedFrame*>& work,
             SlotPool<OutputFrame>& out, ReorderBuffer<OutputFrame>& reorder)
        : in_(in), work_(work), out_(out), reorder_(reorder) {}

    // A failure that ends the job: every thread stops, the output is removed.
    void fail(Error e) {
        {
            std::lock_guard lock(mutex_);
            if (!fatal_) fatal_ = std::move(e);
        }
        stop_.store(true);
        in_.close();
        work_.close();
        out_.close();
        reorder_.close();
    }
    // No new frame is decoded or started; what is processed is still encoded.
    void stop_intake() {
        stop_.store(true);
        in_.close();
        work_.close();
    }
    // Decoding stopped part way: the frames before it are finished.
    void input_failed(Error e) {
        std::lock_guard lock(mutex_);
        if (!input_error_) input_error_ = std::move(e);
    }
    bool stopping() const noexcept { return stop_.load(); }
    // A frame of a pipelined processor that ran on its own after its submission failed.
    void note_fallback(const std::string& step) {
        std::lock_guard lock(mutex_);
        if (fallbacks_++ == 0) first_fallback_ = step;
    }
    // What the summary says about those frames; empty when there were none.
    std::string fallback_notice() const {
        std::lock_guard lock(mutex_);
        if (fallbacks_ == 0) return {};
        return fmt::format(
            "{} frame{} ran one at a time after a failed pipelined submission; "
            "first: {}",
            fallbacks_, fallbacks_ == 1 ? "" : "s", first_fallback_);
    }
    std::optional<Error> fatal() const {
        std::lock_guard lock(mutex_);
        return fatal_;
    }
    std::optional<Error> input_error() const {
        std::lock_guard lock(mutex_);
        return input_error_;
    }

private:
    SlotPool<DecodedFrame>& in_;
    BoundedQueue<DecodedFrame*>& work_;
    SlotPool<OutputFrame>& out_;
    ReorderBuffer<OutputFrame>& reorder_;
    mutable std::mutex mutex_;
    std::optional<Error> fatal_;
    std::optional<Error> input_error_;
    std::atomic<bool> stop_{false};
    int fallbacks_ = 0;
    std::string first_fallback_;
};

bool cancelled(const ExportOptions& o) {
    return o.cancel && o.cancel->load(std::memory_order_relaxed);
}

template <class T>
std::vector<std::unique_ptr<T>> make_slots(int n) {
    std::vector<std::unique_ptr<T>> v;
    for (int i = 0; i < n; ++i) v.push_back(std::make_unique<T>());
    return v;
}

// Calls on_progress every interval until stop().
class ProgressThread {
public:
    ProgressThread(const ExportOptions& o, ProgressMeter& meter, const Watchdog& watchdog)
        : o_(o), meter_(meter), watchdog_(watchdog) {
        if (o_.on_progress) thread_ = std::thread([this] { loop(); });
    }
    ~ProgressThread() { stop(); }
    void set_state(ExportProgress::State s) { state_.store(s); }
    void stop() {
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        cv_.notify_all();
        if (thread_.joinable()) thread_.join();
    }
    void report(ExportProgress::State s) {
        if (!o_.on_progress) return;
        const WatchdogCounts c = watchdog_.counts();
        o_.on_progress(meter_.snapshot(s, c.ai_fallbacks, c.ai_disabled));
    }

private:
    void loop() {
        const auto interval = std::chrono::duration<double>(o_.progress_interval_s);
        std::unique_lock lock(mutex_);
        while (!cv_.wait_for(lock, interval, [&] { return done_; })) {
            lock.unlock();
            report(state_.load());
            lock.lock();
        }
    }
    const ExportOptions& o_;
    ProgressMeter& meter_;
    const Watchdog& watchdog_;
    std::atomic<ExportProgress::State> state_{ExportProgress::State::running};
    std::mutex mutex_;
    std::condition_variable cv_;
    bool done_ = false;
    std::thread thread_;
};

// The demuxer/decoder thread: pictures into the work queue, other packets into the sink.
void decode_loop(media::VideoSource& source, FrameSink& sink, SlotPool<DecodedFrame>& in_pool,
                 BoundedQueue<DecodedFrame*>& work, JobState& state, ProgressMeter& meter,
                 const ExportOptions& o) {
    int width = 0, height = 0;
    DecodedFrame* slot = nullptr;
    media::OwnedPacket packet;
    while (!state.stopping()) {
        if (cancelled(o)) {
            state.stop_intake();
            break;
        }
        if (!slot && !(slot = in_pool.acquire())) break;
        const auto t0 = Clock::now();
        auto got = source.read(*slot, packet);
        meter.add_busy(Part::decode, t0);
        if (!got) {
            state.input_failed(std::move(got).error());
            break;
        }
        if (*got == media::VideoSource::Got::end) {
            // A file that ends well before the end it declares was cut short.
            const double declared = source.declared_end_s();
            const double read = source.read_end_s();
            if (declared > 0 && read + std::max(1.0, 0.02 * declared) < declared) {
                state.input_failed(make_error(
                    Errc::corrupt_data,
                    fmt::format("{}: the file ends at {:.3f} s but declares {:.3f} s: it is "
                                "truncated (stopped after frame {})",
                                source.path().string(), read, declared, source.pictures_read())));
            }
            break;
        }
        if (*got == media::VideoSource::Got::packet) {
            const auto t1 = Clock::now();
            Result<void> r = sink.write_packet(std::move(packet));
            meter.add_busy(Part::encode, t1);
            if (!r) {
                state.fail(std::move(r).error());
                break;
            }
            continue;
        }
        if (width == 0) {
            width = slot->width();
            height = slot->height();
        } else if (slot->width() != width || slot->height() != height) {
            state.input_failed(make_error(
                Errc::unsupported,
                fmt::format("{}: the picture size changes from {}x{} to {}x{} at frame {}; an "
                            "export keeps one size",
                            source.path().string(), width, height, slot->width(), slot->height(),
                            slot->index)));
            break;
        }
        if (!work.push(slot)) break;
        slot = nullptr;
    }
    if (slot) {
        slot->release_planes();
        in_pool.release(slot);
    }
    work.close();
}

// A worker thread: decoded picture -> processor -> packer -> reorder buffer. A pipelined
// processor (pipeline_depth() > 1) keeps up to that many frames in flight.
class Worker {
public:
    Worker(FrameProcessor& processor, FramePacker& packer, bool into_slot,
           SlotPool<DecodedFrame>& in_pool, BoundedQueue<DecodedFrame*>& work,
           SlotPool<OutputFrame>& out_pool, ReorderBuffer<OutputFrame>& reorder, Watchdog& watchdog,
           JobState& state, ProgressMeter& meter, const ExportOptions& o)
        : processor_(processor),
          packer_(packer),
          into_slot_(into_slot),
          in_pool_(in_pool),
          work_(work),
          out_pool_(out_pool),
          reorder_(reorder),
          watchdog_(watchdog),
          state_(state),
          meter_(meter),
          o_(o) {}

    void run() {
        if (processor_.pipeline_depth() > 1) {
            pipelined();
        } else {
            one_at_a_time();
        }
        reorder_.producer_done();
    }

private:
    // A frame taken from the queue: where it goes, and what the encoder needs of its input.
    struct Frame {
        OutputFrame* out = nullptr;
        int64_t index = 0, pts = 0, duration = 0;
        double host_ms = 0;    // in submit() so far
        bool watched = false;  // the watchdog saw its report at submission
    };

    // The output slot first: the frame popped next is then sure to have one, so the frame the
    // encoder waits for is always being worked on. False when the job ends. With wait false
    // (frames are in flight: waiting here could hold the frame the encoder waits for), gives up
    // when no slot or no frame is ready now.
    bool take(OutputFrame*& out, DecodedFrame*& in, bool wait) {
        out = wait ? out_pool_.acquire() : out_pool_.try_acquire();
        if (!out) return false;
        if (!wait && work_.size() == 0) {
            out_pool_.release(out);
            return false;
        }
        std::optional<DecodedFrame*> item = work_.pop();
        if (!item) {
            out_pool_.release(out);
            return false;
        }
        in = *item;
        return true;
    }

    static Frame frame_of(const DecodedFrame& in, OutputFrame* out) {
        return Frame{out, in.index, in.pts, in.duration, 0, false};
    }

    void release_input(DecodedFrame* in) {
        in->release_planes();
        in_pool_.release(in);
    }

    // After process() or collect() of f (r its result, busy_ms its time): packs it, counts its
    // time, reports it to the watchdog and hands it to the encoder; on failure releases its
    // slot and stops the job. False when the worker must stop.
    bool deliver(Result<void> r, const Frame& f, Image& target, const FrameReport& report,
                 double busy_ms) {
        OutputFrame* out = f.out;
        const auto t1 = Clock::now();
        if (r) r = packer_.pack(target, *out);
        const double pack_ms = std::chrono::duration<double, std::milli>(Clock::now() - t1).count();
        out->index = f.index;
        out->pts = f.pts;
        out->duration = f.duration;
        if (!r) {
            out_pool_.release(out);
            if (r.error().code == Errc::cancelled) {
                state_.stop_intake();
            } else {
                state_.fail(make_error(r.error().code,
                                       fmt::format("frame {}: {}", f.index, r.error().message)));
            }
            return false;
        }
        // Whatever the processor did not attribute counts as post-processing.
        const double attributed = report.pre_ms + report.ai_ms + report.post_ms;
        meter_.add_busy(Part::pre, report.pre_ms);
        meter_.add_busy(Part::ai, report.ai_ms);
        meter_.add_busy(Part::post, report.post_ms + std::max(0.0, busy_ms - attributed) + pack_ms);
        if (!f.watched) watch(f.index, report);
        reorder_.put(f.index, out);
        return true;
    }

    void watch(int64_t index, const FrameReport& report) {
        const std::string message = watchdog_.record(index, report);
        if (!message.empty()) log(LogLevel::warn, message);
    }

    // process() on one frame, which releases its input.
    bool process_one(DecodedFrame* in, const Frame& f) {
        const FrameControl control = watchdog_.control(o_.cancel);
        FrameReport report;
        Image& target = into_slot_ ? f.out->rgba : scratch_;
        const auto t0 = Clock::now();
        Result<void> r = processor_.process(*in, target, control, report);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        release_input(in);
        return deliver(std::move(r), f, target, report, f.host_ms + ms);
    }

    void one_at_a_time() {
        for (;;) {
            if (cancelled(o_)) {
                state_.stop_intake();
                break;
            }
            OutputFrame* out = nullptr;
            DecodedFrame* in = nullptr;
            if (!take(out, in, true)) break;
            if (!process_one(in, frame_of(*in, out))) break;
        }
    }

    // Collects the oldest frame in flight. False when the worker must stop.
    bool collect_oldest() {
        const Frame f = in_flight_.front();
        in_flight_.pop_front();
        FrameReport report;
        Image& target = into_slot_ ? f.out->rgba : scratch_;
        const auto t0 = Clock::now();
        Result<void> r = processor_.collect(target, report);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        return deliver(std::move(r), f, target, report, f.host_ms + ms);
    }

    // Frames in flight after the job failed: their slots go back (the processor waits for their
    // work when it is destroyed).
    void drop_in_flight() {
        for (const Frame& f : in_flight_) out_pool_.release(f.out);
        in_flight_.clear();
    }

    // Up to pipeline_depth() frames in flight: frame N+1 is submitted before frame N is
    // collected. The frames in flight are finished and encoded at the end of the stream and on
    // cancel, as a frame being processed is in one_at_a_time(). When the depth falls to 1 (the
    // hybrid chain's model left the device), the frames in flight are collected and the rest
    // go one at a time. A frame whose AI part is final at submission is shown to the watchdog
    // then, so that the next frame's control follows from it as with process().
    void pipelined() {
        for (;;) {
            const size_t depth = static_cast<size_t>(processor_.pipeline_depth());
            if (depth < 2 && in_flight_.empty()) {
                one_at_a_time();
                return;
            }
            if (cancelled(o_)) state_.stop_intake();
            OutputFrame* out = nullptr;
            DecodedFrame* in = nullptr;
            const bool room = in_flight_.size() < depth && !cancelled(o_);
            if (!room || !take(out, in, in_flight_.empty())) {
                if (in_flight_.empty()) break;
                if (!collect_oldest()) break;
                continue;
            }
            Frame f = frame_of(*in, out);
            const FrameControl control = watchdog_.control(o_.cancel);
            const auto t0 = Clock::now();
            Result<void> r = processor_.submit(*in, control);
            f.host_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            if (r) {
                release_input(in);
                FrameReport early;
                if (processor_.submitted_report(early)) {
                    watch(f.index, early);
                    f.watched = true;
                }
                in_flight_.push_back(f);
                continue;
            }
            if (r.error().code == Errc::cancelled) {
                // As in one_at_a_time(); the frames in flight are still finished.
                release_input(in);
                out_pool_.release(out);
                state_.stop_intake();
                continue;
            }
            // The frame did not start: the frames before it are finished, then it runs on its
            // own (process()), so that none is lost and the order stays.
            const std::string step = fmt::format(
                "frame {}: the pipelined submission failed ({}); the frame ran on its "
                "own",
                f.index, r.error().message);
            log(LogLevel::warn, step);
            state_.note_fallback(step);
            bool ok = true;
            while (ok && !in_flight_.empty()) ok = collect_oldest();
            if (!ok) {
                release_input(in);
                out_pool_.release(out);
                break;
            }
            if (!process_one(in, f)) break;
        }
        drop_in_flight();
    }

    FrameProcessor& processor_;
    FramePacker& packer_;
    const bool into_slot_;
    SlotPool<DecodedFrame>& in_pool_;
    BoundedQueue<DecodedFrame*>& work_;
    SlotPool<OutputFrame>& out_pool_;
    ReorderBuffer<OutputFrame>& reorder_;
    Watchdog& watchdog_;
    JobState& state_;
    ProgressMeter& meter_;
    const ExportOptions& o_;
    Image scratch_;
    std::deque<Frame> in_flight_;
};

std::string describe_error_stop(const Error& e, const std::string& kept) {
    return fmt::format("{}; {}", e.message, kept);
}

}  // namespace

Result<ExportSummary> run_export(const fs::path& input, const fs::path& output,
                                 const ExportOptions& o, const ProcessorFactory& factory) {
    const auto wall0 = Clock::now();
    const double cpu0 = cpu_seconds();
    auto target = check_export_request(input, output, o);
    if (!target) return std::move(target).error();
    const bool sequence = target->form == media::OutputTarget::Form::sequence;

    // The processors (one per worker), the input, then the plan.
    const WorkerSplit split = split_workers(o);
    ProcessorConfig pc;
    pc.profile = o.profile;
    pc.preview = o.preview;
    pc.preview.threads = split.threads_each;
    pc.require_ai = o.require_ai;
    std::vector<std::unique_ptr<FrameProcessor>> processors;
    auto first = factory(pc);
    if (!first) return std::move(first).error();
    processors.push_back(std::move(*first));
    media::VideoSource::Options so;
    so.keep_yuv = processors[0]->accepts_yuv();
    so.video_only = sequence;
    auto source = media::VideoSource::open(input, so);
    if (!source) return std::move(source).error();
    auto plan = plan_export(output, o, *target, *source, *processors[0], split);
    if (!plan) return std::move(plan).error();
    for (const std::string& n : plan->notices) log(LogLevel::warn, "notice: " + n);
    for (int i = 1; i < split.workers; ++i) {
        auto p = factory(pc);
        if (!p) return std::move(p).error();
        processors.push_back(std::move(*p));
    }
    for (auto& p : processors) p->set_ai_memory_budget(plan->ai_memory_bytes / split.workers);

    // The sink, its packers and the slots.
    std::unique_ptr<FrameSink> sink;
    if (sequence) {
        sink = std::make_unique<ImageSequenceSink>(*source, output, plan->image_write);
    } else {
        auto vs = VideoFileSink::open(*source, output, plan->sink);
        if (!vs) return std::move(vs).error();
        sink = std::move(*vs);
    }
    std::vector<std::unique_ptr<FramePacker>> packers;
    for (int i = 0; i < split.workers; ++i) {
        auto pk = sink->make_packer();
        if (!pk) {
            sink->discard();
            return std::move(pk).error();
        }
        packers.push_back(std::move(*pk));
    }
    SlotPool<DecodedFrame> in_pool(make_slots<DecodedFrame>(plan->in_slots));
    SlotPool<OutputFrame> out_pool(make_slots<OutputFrame>(plan->out_slots));
    for (const auto& slot : out_pool.slots()) {
        if (auto r = sink->prepare(*slot); !r) {
            sink->discard();
            return std::move(r).error();
        }
    }
    BoundedQueue<DecodedFrame*> work(static_cast<size_t>(plan->in_slots));
    ReorderBuffer<OutputFrame> reorder(split.workers);
    JobState state(in_pool, work, out_pool, reorder);
    Watchdog watchdog(o.ai_frame_limit_s, o.ai_disable_after, processors[0]->wants_ai());
    ProgressMeter meter(source->info().frame_count);

    const VideoInfo& vi = source->info();
    log(LogLevel::info,
        fmt::format("{}: {}x{} {} {:.3f} fps, {} frames -> {}: {}; {} ({} frame{} at a time), "
                    "queues of {} and {} frames",
                    input.string(), vi.width, vi.height, vi.codec_name, vi.frame_rate.to_double(),
                    vi.frame_count, output.string(), sink->describe(), processors[0]->describe(),
                    split.workers, split.workers == 1 ? "" : "s", plan->in_slots, plan->out_slots));

    // The threads. The calling thread is the encoder thread.
    ProgressThread progress(o, meter, watchdog);
    std::thread decoder([&] { decode_loop(*source, *sink, in_pool, work, state, meter, o); });
    std::vector<std::thread> workers;
    for (int i = 0; i < split.workers; ++i) {
        workers.emplace_back([&, i] {
            Worker(*processors[i], *packers[i], sink->takes_rgba(), in_pool, work, out_pool,
                   reorder, watchdog, state, meter, o)
                .run();
        });
    }
    int64_t next = 0;
    for (;;) {
        OutputFrame* f = reorder.take(next);
        if (!f) break;
        const auto t0 = Clock::now();
        Result<void> r = sink->write(*f);
        meter.add_busy(Part::encode, t0);
        out_pool.release(f);
        if (!r) {
            state.fail(std::move(r).error());
            break;
        }
        meter.frame_done();
        ++next;
    }
    // Whatever made the loop end, nothing more is taken; wake and join everyone.
    state.stop_intake();
    out_pool.close();
    reorder.close();
    decoder.join();
    for (std::thread& t : workers) t.join();
    reorder.drain([](OutputFrame*) {});

    // Finishing.
    progress.set_state(ExportProgress::State::finishing);
    const bool was_cancelled = cancelled(o);
    std::optional<Error> fatal = state.fatal();
    std::optional<Error> input_error = state.input_error();
    const WatchdogCounts counts = watchdog.counts();
    const auto end_with = [&](ExportProgress::State s) {
        progress.stop();
        progress.report(s);
    };
    if (fatal) {
        sink->discard();
        end_with(ExportProgress::State::failed);
        return *fatal;
    }
    if (was_cancelled || input_error) {
        const std::string kept =
            sink->abandon(!input_error ? o.on_interrupt == InterruptAction::keep_partial : true);
        if (input_error) {
            end_with(ExportProgress::State::failed);
            return make_error(input_error->code, describe_error_stop(*input_error, kept));
        }
        end_with(ExportProgress::State::cancelled);
        return make_error(
            Errc::cancelled,
            fmt::format("{}: interrupted after {} of {} frames; {}", output.string(), next,
                        vi.frame_count > 0 ? std::to_string(vi.frame_count) : std::string("?"),
                        kept));
    }
    if (auto r = sink->commit(o.verify); !r) {
        end_with(ExportProgress::State::failed);
        return std::move(r).error();
    }
    end_with(ExportProgress::State::done);

    ExportSummary s;
    s.output = output;
    s.in_width = vi.width;
    s.in_height = vi.height;
    s.out_width = plan->out_width;
    s.out_height = plan->out_height;
    s.frames = next;
    s.duration_s = sink->duration_s();
    s.video = sink->describe();
    s.processor = fmt::format("{}, {} frame{} at a time", processors[0]->describe(), split.workers,
                              split.workers == 1 ? "" : "s");
    s.streams = sink->streams();
    s.busy = meter.busy();
    s.wall_s = std::chrono::duration<double>(Clock::now() - wall0).count();
    s.cpu_s = cpu_seconds() - cpu0;
    s.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    s.ai_frames = counts.ai_frames;
    s.ai_timeouts = counts.ai_timeouts;
    s.ai_fallbacks = counts.ai_fallbacks;
    s.ai_disabled = counts.ai_disabled;
    s.ai_note = counts.note;
    s.notices = plan->notices;
    for (const std::string& n : processors[0]->notices()) s.notices.push_back(n);
    if (std::string n = state.fallback_notice(); !n.empty()) s.notices.push_back(std::move(n));
    s.verified = o.verify && !sequence;
    return s;
}

}  // namespace kizuna::pipeline

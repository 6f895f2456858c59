#include "pipeline/export/export_plan.hpp"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "kizuna/job_memory.hpp"
#include "kizuna/log.hpp"
#include "kizuna/output_file.hpp"

namespace kizuna::pipeline {

namespace fs = std::filesystem;

namespace {

Error invalid(std::string message) {
    return make_error(Errc::invalid_argument, std::move(message));
}

int hardware_threads() {
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace

Result<media::OutputTarget> check_export_request(const fs::path& input, const fs::path& output,
                                                 const ExportOptions& o) {
    if (o.queue_frames < 2 || o.queue_frames > 256) {
        return invalid(fmt::format("queue frames: {} is outside [2, 256]", o.queue_frames));
    }
    if (o.parallel_frames < 0 || o.parallel_frames > 64) {
        return invalid(fmt::format("parallel frames: {} is outside [0, 64]", o.parallel_frames));
    }
    if (!(o.ai_frame_limit_s > 0 && o.ai_frame_limit_s <= 86400)) {
        return invalid(
            fmt::format("AI frame limit: {} s is outside (0, 86400]", o.ai_frame_limit_s));
    }
    if (o.ai_disable_after < 1 || o.ai_disable_after > 1000) {
        return invalid(
            fmt::format("AI disable after: {} is outside [1, 1000]", o.ai_disable_after));
    }
    if (o.video_bitrate < 0 || o.audio_bitrate < 0) {
        return invalid("bit rates must not be negative");
    }
    if (!(o.progress_interval_s > 0)) {
        return invalid(
            fmt::format("progress interval: {} s is not positive", o.progress_interval_s));
    }
    KZ_TRY(validate_profile(o.profile));
    const media::OutputTarget target = media::classify_output(output);
    const std::vector<fs::path> inputs{input};
    switch (target.form) {
        case media::OutputTarget::Form::unknown:
            return make_error(Errc::unsupported,
                              fmt::format("{}: not a video name (.mkv, .mp4, .webm, .mov) or an "
                                          "image sequence pattern (e.g. frames/%06d.png)",
                                          output.string()));
        case media::OutputTarget::Form::image:
            return invalid(fmt::format(
                "{}: a video exports to a video (.mkv, .mp4, .webm, .mov) or to an image "
                "sequence (e.g. frames/%06d.png), not to a single image; pick one frame with "
                "--at TIME",
                output.string()));
        case media::OutputTarget::Form::sequence: {
            auto first = media::sequence_file_name(output, 1);
            if (!first) return std::move(first).error();
            KZ_TRY(check_image_output(*first, inputs));
            break;
        }
        case media::OutputTarget::Form::video:
            KZ_TRY(check_output_file(output, inputs));
            // The partial file of an interruption must not be the input either.
            KZ_TRY(check_output_file(export_partial_path(output), inputs));
            break;
    }
    return target;
}

WorkerSplit split_workers(const ExportOptions& o) {
    const int total = o.preview.threads > 0 ? o.preview.threads : hardware_threads();
    WorkerSplit w;
    const bool gpu = preview_backend_for(o.preview.backend) == PreviewBackendKind::vulkan;
    // AI chains use every core for one frame, and a second frame would hold a second model's
    // memory; with temporal stabilization each frame needs the one before.
    if (o.profile.temporal.enabled || o.profile.ai.enabled || gpu) {
        w.workers = 1;
    } else if (o.parallel_frames > 0) {
        w.workers = o.parallel_frames;
    } else {
        w.workers = std::clamp(total, 1, 4);
    }
    w.threads_each = w.workers == 1 ? o.preview.threads : std::max(1, total / w.workers);
    return w;
}

Result<ExportPlan> plan_export(const fs::path& output, const ExportOptions& o,
                               const media::OutputTarget& target, const media::VideoSource& source,
                               const FrameProcessor& processor, const WorkerSplit& split) {
    ExportPlan p;
    p.target = target;
    p.sequence = target.form == media::OutputTarget::Form::sequence;
    p.split = split;
    const VideoInfo& vi = source.info();
    p.in_width = vi.width;
    p.in_height = vi.height;
    processor.output_size(vi.width, vi.height, p.out_width, p.out_height);
    if (p.out_width > Image::max_side || p.out_height > Image::max_side || p.out_width < 1 ||
        p.out_height < 1) {
        return invalid(
            fmt::format("{}: the output would be {}x{}, more than {} pixels a side; "
                        "use a smaller --scale or --size",
                        source.path().string(), p.out_width, p.out_height, Image::max_side));
    }
    const bool deep = vi.bits_per_channel > 8;
    if (p.sequence) {
        auto first = media::sequence_file_name(output, 1);
        if (!first) return std::move(first).error();
        auto caps = image_output_capabilities(*first);
        if (!caps) return std::move(caps).error();
        p.image_write.bit_depth = std::min(o.profile.output.image_bit_depth, caps->max_bit_depth);
        if (deep && p.image_write.bit_depth <= 8) {
            p.notices.push_back(fmt::format(
                "{}: {}-bit video is written as 8-bit images{}", source.path().string(),
                vi.bits_per_channel,
                caps->max_bit_depth >= 16 ? " (--set output.image_bit_depth=16 keeps the bits)"
                                          : " (write .png or .tif to keep the bits)"));
        }
        int others = 0;
        for (const media::SourceStream& s : source.streams())
            others += s.index != source.video_stream();
        if (others > 0) {
            p.notices.push_back(
                fmt::format("{}: {} other stream{} (audio, subtitles, ...) {} not "
                            "written: an image sequence holds pictures only",
                            source.path().string(), others, others == 1 ? "" : "s",
                            others == 1 ? "is" : "are"));
        }
        p.notices.push_back(
            fmt::format("{}: the frames' timestamps are not kept by an image "
                        "sequence (frame N is file N)",
                        source.path().string()));
    } else {
        media::SinkOptions& s = p.sink;
        s.shown = output;
        s.container = target.container;
        s.width = p.out_width;
        s.height = p.out_height;
        s.video.codec = o.profile.output.video_codec;
        s.video.crf = o.profile.output.crf;
        s.video.bitrate = o.video_bitrate;
        s.video.preset = o.profile.output.preset;
        s.video.pixel_format = o.profile.output.pixel_format;
        s.video.options = o.encoder_options;
        s.audio_codec = o.audio_codec;
        s.audio_bitrate = o.audio_bitrate;
        KZ_TRY(media::VideoSink::check(source, s, &p.notices));
        if (deep && s.video.pixel_format.find("10") == std::string::npos) {
            p.notices.push_back(fmt::format(
                "{}: {}-bit video is encoded as 8-bit {} (--set output.pixel_format=yuv420p10le "
                "keeps the bits)",
                source.path().string(), vi.bits_per_channel, s.video.pixel_format));
        }
    }
    if (o.strict && !p.notices.empty()) {
        return make_error(Errc::unsupported, p.notices.front() + " (--strict)");
    }

    // Memory: the queues are sized in frames and in bytes, then the whole job is checked.
    const MemoryBudget budget =
        o.budget ? *o.budget : MemoryBudget::from_available(probe_available_memory());
    ExportJob job;
    job.in_width = vi.width;
    job.in_height = vi.height;
    job.in_bits = vi.bits_per_channel;
    job.yuv_input = processor.accepts_yuv();
    job.out_width = p.out_width;
    job.out_height = p.out_height;
    job.workers = split.workers;
    job.frames_in_flight = std::max(processor.pipeline_depth(), 1);
    job.preview.in_width = vi.width;
    job.preview.in_height = vi.height;
    job.preview.in_format = deep ? PixelFormat::rgba32f : PixelFormat::rgba8;
    job.preview.out_width = p.out_width;
    job.preview.out_height = p.out_height;
    job.preview.backend = preview_backend_for(o.preview.backend);
    job.preview.upscale_stage = o.profile.upscale.enabled;
    job.preview.temporal = o.profile.temporal.enabled;
    job.image_sequence = p.sequence;
    job.sequence_write = p.image_write;
    if (p.sequence) job.sequence_name = output;
    job.video_codec = o.profile.output.video_codec;
    job.preset = o.profile.output.preset;
    job.pixel_format = o.profile.output.pixel_format;
    p.queue_bytes =
        o.queue_bytes ? o.queue_bytes : std::min<uint64_t>(budget.bytes() / 4, uint64_t{1} << 30);
    const auto slots = [&](uint64_t frame_bytes) {
        const uint64_t by_bytes = frame_bytes ? p.queue_bytes / frame_bytes : 256;
        const int n =
            static_cast<int>(std::min<uint64_t>(by_bytes, static_cast<uint64_t>(o.queue_frames)));
        return std::max(n, split.workers + 1);
    };
    p.in_slots = slots(export_decoded_frame_bytes(job));
    p.out_slots = slots(export_output_frame_bytes(job));
    job.in_slots = p.in_slots;
    job.out_slots = p.out_slots;
    p.memory_need = estimate_export_bytes(job);
    log(LogLevel::debug,
        fmt::format("memory: this export needs about {} ({} bytes: {} + {} queued frames of {} "
                    "and {}); the budget is {}",
                    format_bytes(p.memory_need), p.memory_need, p.in_slots, p.out_slots,
                    format_bytes(export_decoded_frame_bytes(job)),
                    format_bytes(export_output_frame_bytes(job)), budget.describe()));
    KZ_TRY(budget.check(p.memory_need,
                        fmt::format("{}: exporting {}x{} to {}x{} ({} frame{} at a time)",
                                    source.path().string(), vi.width, vi.height, p.out_width,
                                    p.out_height, split.workers, split.workers == 1 ? "" : "s"),
                        "give it more with --memory, or export smaller (--scale, --size) or with "
                        "fewer frames in flight (--parallel-frames 1, --queue-frames 2)"));
    p.ai_memory_bytes = budget.bytes_left(p.memory_need);
    return p;
}

}  // namespace kizuna::pipeline

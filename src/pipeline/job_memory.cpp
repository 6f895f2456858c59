// Peak-memory estimates (kizuna/job_memory.hpp).
//
// Each term follows what the code allocates; the constants were checked against the "Maximum
// resident set size" of /usr/bin/time -v for `kizuna upscale` and `kizuna models run` on this
// project's CI machine (x86-64, 2 threads, Release build), on generated pictures of 250^2 to
// 2000^2 pixels (testsrc2, which compresses well, and random noise, which does not; RGB24, RGBA
// and 16-bit RGBA PNG; PNG, JPEG, TIFF and WebP output). Measured against estimated peaks:
//   upscale, cpu, x2 (fused), RGB noise 2000^2 -> PNG          379 MiB measured
//   upscale, cpu, x2, RGBA noise 2000^2 (alpha: not fused)     730 MiB
//   upscale, cpu, x2, 16-bit RGBA noise 2000^2 (RGBA32F)       960 MiB
//   upscale, cpu, x3 / x4, testsrc 2000^2                      1177 / 1883 MiB
//   upscale, reference, x2, noise 2000^2                       759 MiB
//   upscale, vulkan (lavapipe), x2, testsrc 1000^2 / 1400^2    304 / 497 MiB
//   models run realesr-animevideov3-x2, xnnpack, 500^2/1000^2  207 / 707 MiB
//   the same at 2000^2 / 4000^2                                2710 / 10721 MiB
//   models run realesrgan-x4plus-anime, xnnpack, 375^2         1226 MiB
//   models run realcugan-up2x / waifu2x-cunet, ref, 375^2      686 MiB
//   export, performance, 1280x720 -> 2560x1440 x264 veryfast / medium   586 / 648 MiB
//   the same from 10-bit into yuv420p10le (RGBA32F pictures)            1079 MiB
//   export 1920x1080 -> 3840x2160 x264 ultrafast                         579 MiB
//   export 1280x720 -> PNG sequence 2560x1440                            300 MiB
// tests/unit/pipeline/job_memory_test.cpp and export_memory_test.cpp hold these figures as the
// floor each estimate must stay above (and a ceiling it must stay under, so that the budget does
// not refuse jobs that fit).
#include "kizuna/job_memory.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <thread>

namespace kizuna {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;

uint64_t pixels(int w, int h) {
    return static_cast<uint64_t>(std::max(w, 0)) * static_cast<uint64_t>(std::max(h, 0));
}

// An Image: rows padded to 64 bytes.
uint64_t image_bytes(int w, int h, PixelFormat f) {
    const uint64_t row =
        (static_cast<uint64_t>(std::max(w, 0)) * bytes_per_pixel(f) + 63) / 64 * 64;
    return row * static_cast<uint64_t>(std::max(h, 0));
}

// A planar float frame (stages' PlanarFrame): rows padded to 16 floats plus 32 floats of margin.
uint64_t plane_bytes(int w, int h) {
    const uint64_t row = (static_cast<uint64_t>(std::max(w, 0)) + 15) / 16 * 16 + 32;
    return 4 * row * static_cast<uint64_t>(std::max(h, 0));
}

// Stage 2's feature map: two gradient planes, a magnitude plane (the reference writes it) and a
// class byte per pixel.
uint64_t feature_bytes(int w, int h) {
    return 3 * plane_bytes(w, h) + pixels(w, h);
}

// Stage 3's chain: n = floor(log2(out / in)) edge-directed x2 steps, then a resample when the
// output is not exactly in * 2^n. Every intermediate frame and the features of each step's
// input are kept (buffers persist between frames).
uint64_t upscale_chain_bytes(const PreviewJob& j, int planes) {
    int steps = 0;
    int w = j.in_width, h = j.in_height;
    uint64_t bytes = 0;
    while (int64_t{w} * 2 <= j.out_width && int64_t{h} * 2 <= j.out_height && steps < 8) {
        if (steps > 0) bytes += feature_bytes(w, h);
        w *= 2;
        h *= 2;
        ++steps;
        const bool exact = w == j.out_width && h == j.out_height;
        if (!exact) bytes += 3 * plane_bytes(w, h);  // an intermediate (the last one is `out`)
    }
    return bytes + planes * plane_bytes(j.out_width, j.out_height);
}

bool extension_is(const std::filesystem::path& p, std::initializer_list<const char*> exts) {
    std::string e = p.extension().string();
    for (char& c : e) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    for (const char* x : exts) {
        if (e == x) return true;
    }
    return false;
}

}  // namespace

uint64_t program_base_bytes() noexcept {
    // kizuna on a 16x16 picture: 37-40 MiB with the CPU backends, 88 MiB once the Vulkan devices
    // have been probed (the loader and lavapipe's LLVM), which `upscale` does by default.
    return 96 * kMiB;
}

PixelFormat read_image_format(const ImageHeader& header) noexcept {
    return header.bits_per_channel > 8 ? PixelFormat::rgba32f : PixelFormat::rgba8;
}

uint64_t estimate_image_read_bytes(const ImageHeader& h) noexcept {
    const PixelFormat f = read_image_format(h);
    // The compressed bytes are held up to three times (the I/O buffer, the parser's assembly
    // buffer, the packet); deep sources go through an RGBA64 scratch for swscale.
    const uint64_t scratch = f == PixelFormat::rgba32f ? 8 * pixels(h.width, h.height) : 0;
    return 3 * h.file_bytes + h.decoded_bytes + scratch + image_bytes(h.width, h.height, f) +
           2 * kMiB;
}

uint64_t estimate_image_write_bytes(int width, int height, const ImageWriteOptions& options,
                                    const std::filesystem::path& format_of) noexcept {
    const uint64_t px = pixels(width, height);
    const bool jpeg = extension_is(format_of, {".jpg", ".jpeg", ".jfif"});
    const bool lossless_file = extension_is(format_of, {".png", ".tif", ".tiff"});
    const bool webp = !jpeg && !lossless_file;  // and any unknown extension: the dearest
    // The picture packed for the encoder (RGBA, 16 bits when asked; an opaque picture is packed
    // as RGB, costed here as RGBA), the encoder's output packet and its copy into the file's
    // bytes: random pixels do not compress, so each is up to the packed size.
    const uint64_t packed = px * (options.bit_depth == 16 && lossless_file ? 8 : 4);
    uint64_t bytes = 3 * packed + kMiB;
    if (jpeg) bytes += 3 * px;  // the YCbCr picture (4:4:4 at most)
    if (webp) bytes += 9 * px;  // libwebp's own ARGB and YUVA copies
    return bytes;
}

uint64_t estimate_preview_bytes(const PreviewJob& job) noexcept {
    const int planes = job.alpha ? 4 : 3;
    const uint64_t out_image = image_bytes(job.out_width, job.out_height, job.in_format);
    // Stages 1 and 2 at the input size: the normalized frame and the feature map.
    const uint64_t in_frames = planes * plane_bytes(job.in_width, job.in_height) +
                               feature_bytes(job.in_width, job.in_height);
    const uint64_t out_plane = plane_bytes(job.out_width, job.out_height);
    const uint64_t history = job.temporal ? 2 * 3 * out_plane / 2 : 0;  // two fp16 frames
    const bool single_x2 = job.out_width == 2 * job.in_width && job.out_height == 2 * job.in_height;
    uint64_t out_frames = 0;
    switch (job.backend) {
        case PreviewBackendKind::cpu:
            // A single x2 step without alpha is computed row by row inside the fused pass: no
            // upscaled frame is stored. Otherwise stage 3's chain (or a plain resample).
            // A resample (alpha, a size that is not in * 2^n, stage 3 off) keeps the horizontal
            // pass of each of its two filters in a frame of out_width x in_height.
            if (!(single_x2 && !job.alpha && job.upscale_stage)) {
                out_frames =
                    job.upscale_stage ? upscale_chain_bytes(job, planes) : planes * out_plane;
                out_frames += 2 * plane_bytes(job.out_width, job.in_height);
            }
            break;
        case PreviewBackendKind::reference:
            // Upscaled, enhanced and stabilized frames, each at the output size.
            out_frames = upscale_chain_bytes(job, planes) + 2 * planes * out_plane;
            break;
        case PreviewBackendKind::vulkan:
        case PreviewBackendKind::auto_select:
            // Device buffers for every stage plus upload and readback staging; on lavapipe all of
            // it is host memory (53 bytes per output pixel at x2 measured), which bounds what a
            // discrete GPU's driver keeps on the host. The driver itself: about 64 MiB more.
            out_frames = (3 * planes + 1) * out_plane + 64 * kMiB;
            break;
    }
    return in_frames + out_frames + history + out_image;
}

uint64_t estimate_model_run_bytes(const ModelInfo& info, int width, int height,
                                  NnBackendKind backend) noexcept {
    // run_model pads by input_padding and rounds up to an accepted size.
    const auto accepted = [&](int64_t n) {
        const int64_t m = std::max(info.min_input_size, 1);
        const int64_t step = std::max(info.input_multiple, 1);
        return n <= m ? m : m + (n - m + step - 1) / step * step;
    };
    const int64_t ph = accepted(int64_t{height} + 2 * std::max(info.input_padding, 0));
    const int64_t pw = accepted(int64_t{width} + 2 * std::max(info.input_padding, 0));
    const double padded = static_cast<double>(ph) * static_cast<double>(pw);
    const double measured = std::max(info.measured_size, 1);
    // Activations grow with the picture: the plan's peak at measured_size, per pixel. The
    // backends hold more than the plan: the reference runs global pooling and channel attention
    // (Real-CUGAN, cunet) on temporaries of a full activation (x1.65 measured), XNNPACK adds
    // indirection buffers and packed copies.
    const double per_px = static_cast<double>(info.peak_activation_bytes) / (measured * measured);
    const double factor = backend == NnBackendKind::reference ? (info.global_context ? 1.8 : 1.15)
                                                              : (info.global_context ? 1.3 : 1.15);
    const double held_px =
        backend == NnBackendKind::xnnpack
            ? static_cast<double>(info.xnnpack_held_bytes) / (measured * measured)
            : 0.0;
    const auto acts = static_cast<uint64_t>((per_px * factor + held_px) * padded);
    const uint64_t s2 = static_cast<uint64_t>(info.scale) * static_cast<uint64_t>(info.scale);
    const auto padded_px = static_cast<uint64_t>(padded);
    const uint64_t in_tensor = 4ull * static_cast<uint64_t>(info.input_channels) * padded_px;
    const uint64_t out_tensor = 4ull * static_cast<uint64_t>(info.output_channels) * s2 * padded_px;
    // Weights: the file's bytes, the graph's fp32 copy and the backend's packed copy.
    const uint64_t weights = 12 * static_cast<uint64_t>(info.parameter_count);
    // The output tensor of the backend and run_model's cropped copy of it.
    return in_tensor + acts + 2 * out_tensor + weights + 16 * kMiB;
}

uint64_t estimate_still_preview_bytes(const ImageHeader& input, const PreviewJob& job,
                                      const ImageWriteOptions& write,
                                      const std::filesystem::path& output) noexcept {
    // Every phase's memory summed (reading, the stages, writing): freed memory is not always
    // given back to the system between phases, so a sum is the honest bound.
    return program_base_bytes() + estimate_image_read_bytes(input) + estimate_preview_bytes(job) +
           estimate_image_write_bytes(job.out_width, job.out_height, write, output);
}

uint64_t estimate_still_model_bytes(const ImageHeader& input, const ModelInfo& info,
                                    NnBackendKind backend, const ImageWriteOptions& write,
                                    const std::filesystem::path& output) noexcept {
    const PixelFormat f = read_image_format(input);
    const int64_t ow = int64_t{input.width} * info.scale, oh = int64_t{input.height} * info.scale;
    const int w = static_cast<int>(std::min<int64_t>(ow, INT32_MAX));
    const int h = static_cast<int>(std::min<int64_t>(oh, INT32_MAX));
    const uint64_t in_tensor = 12 * pixels(input.width, input.height);
    return program_base_bytes() + estimate_image_read_bytes(input) + in_tensor +
           estimate_model_run_bytes(info, input.width, input.height, backend) +
           image_bytes(w, h, f) + estimate_image_write_bytes(w, h, write, output);
}

namespace {

// Bytes per sample of an encoder pixel format and its samples per pixel.
void yuv_layout_of(const std::string& pixel_format, double& bytes_per_sample,
                   double& samples_per_pixel) {
    bytes_per_sample = pixel_format.find("10") != std::string::npos ? 2.0 : 1.0;
    samples_per_pixel = pixel_format.find("444") != std::string::npos ? 3.0 : 1.5;
}

// Resident bytes per output pixel of each encoder, beyond the frames it is given: measured
// (peak RSS less the same run with -c:v rawvideo) on 1280x720 and 3840x2160 testsrc2, 2 threads:
//   x264 ultrafast 20 / 11, veryfast 100, medium 210 / 103, slow 247; x265 medium 205;
//   svt-av1 preset 8 245; vp9 good cpu-used 2 149; aom cpu-used 6 199; ffv1 139 (720p / 4K).
// Every encoder also keeps about a frame per thread: 4 bytes per pixel per hardware thread.
double encoder_bytes_per_pixel(const std::string& codec, const std::string& preset) {
    if (codec == "libx264") {
        if (preset == "ultrafast" || preset == "superfast") return 30;
        if (preset == "veryfast" || preset == "faster" || preset == "fast") return 130;
        if (preset == "medium") return 240;
        return 340;
    }
    if (codec == "libx265") return 280;
    if (codec == "libsvtav1") return 330;
    if (codec == "libvpx-vp9") return 240;
    if (codec == "libaom-av1") return 280;
    return 180;  // ffv1 and anything else
}

}  // namespace

uint64_t export_decoded_frame_bytes(const ExportJob& j) noexcept {
    const uint64_t px = pixels(j.in_width, j.in_height);
    if (j.yuv_input) {
        // A reference to the decoder's picture: up to 4:4:4, 2 bytes per sample, padded.
        return (j.in_bits > 8 ? 2 : 1) * 3 * px + 256 * 1024;
    }
    return image_bytes(j.in_width, j.in_height,
                       j.in_bits > 8 ? PixelFormat::rgba32f : PixelFormat::rgba8);
}

uint64_t export_frame_slot_bytes(const ExportJob& j) noexcept {
    const uint64_t in_px = pixels(j.in_width, j.in_height);
    const bool deep = j.in_bits > 8;
    // The readback buffer: the packed output, RGBA8 or RGBA32F (tight rows).
    const uint64_t readback = (deep ? 16 : 4) * pixels(j.out_width, j.out_height);
    // The input: its staging and device copies; from Y'CbCr, the planes (up to 4:4:4 at 2 bytes
    // per sample) twice and stage 1's two frames of the slot (4 channels, fp32 at most).
    const uint64_t input =
        j.yuv_input ? 2 * (deep ? 6 : 3) * in_px + 2 * 16 * in_px : 2 * (deep ? 16 : 4) * in_px;
    return readback + input;
}

uint64_t export_output_frame_bytes(const ExportJob& j) noexcept {
    if (j.image_sequence) {
        return image_bytes(j.out_width, j.out_height,
                           j.in_bits > 8 ? PixelFormat::rgba32f : PixelFormat::rgba8);
    }
    double bps = 1, spp = 1.5;
    yuv_layout_of(j.pixel_format, bps, spp);
    return static_cast<uint64_t>(bps * spp *
                                 static_cast<double>(pixels(j.out_width, j.out_height))) +
           256 * 1024;
}

uint64_t estimate_export_bytes(const ExportJob& j) noexcept {
    const int threads = j.threads > 0
                            ? j.threads
                            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const uint64_t in_px = pixels(j.in_width, j.in_height);
    const uint64_t out_px = pixels(j.out_width, j.out_height);
    // The decoder: a picture per frame thread plus up to 16 references, 4:4:4 at 2 bytes per
    // sample at most, and the packets the demuxer holds.
    const uint64_t decoder =
        static_cast<uint64_t>(threads + 16) * (j.in_bits > 8 ? 6 : 3) * in_px + 32 * kMiB;
    // Each worker: its chain, the frame slots of its frames in flight beyond the first (the
    // first is in the chain's figure), its processed picture (the chain's output format) and, for
    // video, the packer's 16-bit scratch of deep pictures. (A hybrid frame during which the model
    // leaves the device also holds its output picture until its turn: once, while the model's
    // device memory goes back; not counted.)
    const PixelFormat work_format = j.in_bits > 8 ? PixelFormat::rgba32f : PixelFormat::rgba8;
    uint64_t per_worker = estimate_preview_bytes(j.preview);
    per_worker +=
        static_cast<uint64_t>(std::max(j.frames_in_flight - 1, 0)) * export_frame_slot_bytes(j);
    if (!j.image_sequence) {
        per_worker += image_bytes(j.out_width, j.out_height, work_format);
        if (j.in_bits > 8) per_worker += 8 * out_px;
    }
    uint64_t sink = 0;
    if (j.image_sequence) {
        sink = estimate_image_write_bytes(j.out_width, j.out_height, j.sequence_write,
                                          j.sequence_name);
    } else {
        const double k = encoder_bytes_per_pixel(j.video_codec, j.preset) + 4.0 * threads;
        double bps = 1, spp = 1.5;
        yuv_layout_of(j.pixel_format, bps, spp);
        sink = static_cast<uint64_t>(k * bps * static_cast<double>(out_px)) + 32 * kMiB;
    }
    return program_base_bytes() + decoder +
           static_cast<uint64_t>(std::max(j.in_slots, 1)) * export_decoded_frame_bytes(j) +
           static_cast<uint64_t>(std::max(j.workers, 1)) * per_worker +
           static_cast<uint64_t>(std::max(j.out_slots, 1)) * export_output_frame_bytes(j) + sink;
}

}  // namespace kizuna

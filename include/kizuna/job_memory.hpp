// Peak-memory estimates of the jobs KizunaSR runs, made from a picture's header, the settings and
// the model before anything large is allocated, to be checked against a MemoryBudget
// (kizuna/memory_budget.hpp). Every figure is in bytes of resident memory; the formulas and the
// measurements they were calibrated on are stated in src/pipeline/job_memory.cpp. They err on the
// high side: a job under its estimate has been measured, not assumed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "kizuna/image.hpp"
#include "kizuna/media.hpp"
#include "kizuna/models.hpp"
#include "kizuna/preview.hpp"

namespace kizuna {

// The resident memory of the program itself before a job (code, libraries, allocator, thread
// stacks): added once to every whole-command estimate below.
uint64_t program_base_bytes() noexcept;

// The pixel format read_image returns for a picture with this header: RGBA8 for up to 8 bits per
// channel, RGBA32F above.
PixelFormat read_image_format(const ImageHeader& header) noexcept;

// read_image at its peak: the file's bytes, the decoded picture in its coded format, the
// conversion scratch (deep sources) and the returned image.
uint64_t estimate_image_read_bytes(const ImageHeader& header) noexcept;

// write_image at its peak, beyond the image it is given: the packed picture, its YCbCr copy
// (JPEG, lossy WebP), the encoder's own buffers and the encoded bytes. `format_of` is the output
// path (the format comes from its extension; an unknown one is costed as the dearest).
uint64_t estimate_image_write_bytes(int width, int height, const ImageWriteOptions& options,
                                    const std::filesystem::path& format_of) noexcept;

// One Preview::process call at its peak, beyond its input image: the stages' frames and the
// output image (same pixel format as the input).
struct PreviewJob {
    int in_width = 0;
    int in_height = 0;
    PixelFormat in_format = PixelFormat::rgba8;
    bool alpha = false;  // the input carries alpha (stages then keep an alpha plane)
    int out_width = 0;
    int out_height = 0;
    // The backend that will run: auto_select is costed as vulkan (the dearest in host memory);
    // resolve it first with preview_backend_for() for a closer figure.
    PreviewBackendKind backend = PreviewBackendKind::auto_select;
    bool upscale_stage = true;  // stage 3 on (off: a plain resample into a full frame)
    bool temporal = false;      // temporal stabilization on (two fp16 history frames)
};
uint64_t estimate_preview_bytes(const PreviewJob& job) noexcept;

// run_model on a whole width x height picture at its peak, beyond the caller's input tensor:
// the padded input, the activations (ModelInfo::peak_activation_bytes scaled from
// measured_size to the padded size), the backend's own working memory and the output tensors.
uint64_t estimate_model_run_bytes(const ModelInfo& info, int width, int height,
                                  NnBackendKind backend) noexcept;

// Whole commands, the program itself included.
// `kizuna upscale` on a still: read, preview, write (the input image lives throughout).
uint64_t estimate_still_preview_bytes(const ImageHeader& input, const PreviewJob& job,
                                      const ImageWriteOptions& write,
                                      const std::filesystem::path& output) noexcept;
// `kizuna models run`: read, image -> tensor, run_model, tensor -> image, write.
uint64_t estimate_still_model_bytes(const ImageHeader& input, const ModelInfo& info,
                                    NnBackendKind backend, const ImageWriteOptions& write,
                                    const std::filesystem::path& output) noexcept;

// An export (kizuna/export.hpp) at its peak: the decoder and its reference pictures, the
// queue of decoded pictures, each worker's chain and buffers (with the frame slots of the
// frames it keeps in flight), the queue of pictures for the encoder, the encoder (its
// look-ahead and reference frames, per output pixel as measured for each codec and preset) and
// the muxer.
struct ExportJob {
    int in_width = 0;
    int in_height = 0;
    int in_bits = 8;         // bits per channel of the coded source
    bool yuv_input = false;  // decoded pictures go to processing as Y'CbCr (no RGBA copy)
    int out_width = 0;
    int out_height = 0;
    int workers = 1;  // frames processed at once
    // Frames each worker keeps in flight (FrameProcessor::pipeline_depth(): 2 for the Vulkan
    // stage backend's shader-only chain and for the hybrid chain on the device-resident path).
    // Each one beyond the first holds one more frame slot of the Vulkan chain: the input's
    // staging and device copies (Y'CbCr: the planes and stage 1's frames) and the readback
    // buffer of the output.
    int frames_in_flight = 1;
    int in_slots = 2;    // decoded pictures queued (including those being processed)
    int out_slots = 2;   // processed pictures queued (including the one being encoded)
    PreviewJob preview;  // one worker's chain
    bool image_sequence = false;
    ImageWriteOptions sequence_write;      // image sequences: how each file is written
    std::filesystem::path sequence_name;   // image sequences: a file name (for its format)
    std::string video_codec = "libx264";   // video: the encoder
    std::string preset = "medium";         // video: output.preset
    std::string pixel_format = "yuv420p";  // video: output.pixel_format
    int threads = 0;                       // hardware threads (0: read from the machine)
};
// The bytes of one more frame in flight of one worker (ExportJob::frames_in_flight).
uint64_t export_frame_slot_bytes(const ExportJob& job) noexcept;
// The bytes of one slot of each queue.
uint64_t export_decoded_frame_bytes(const ExportJob& job) noexcept;
uint64_t export_output_frame_bytes(const ExportJob& job) noexcept;
uint64_t estimate_export_bytes(const ExportJob& job) noexcept;

}  // namespace kizuna

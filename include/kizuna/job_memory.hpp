// Peak-memory estimates of the jobs KizunaSR runs, made from a picture's header, the settings and
// the model before anything large is allocated, to be checked against a MemoryBudget
// (kizuna/memory_budget.hpp). Every figure is in bytes of resident memory; the formulas and the
// measurements they were calibrated on are stated in src/pipeline/job_memory.cpp. They err on the
// high side: a job under its estimate has been measured, not assumed.
#pragma once

#include <cstdint>

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

}  // namespace kizuna

// Runs one Vulkan stage at a time on host data: upload, the stage, download, in one command
// buffer, waiting for it. For tests and tools that compare a stage against its reference; the
// preview chain (vk/preview.cpp) records all stages into one command buffer instead.
// Same contracts as the reference functions named on each method, except that output frames
// always get an alpha plane (all 1 when the reference's output has none).
#pragma once

#include <memory>

#include "kizuna/image.hpp"
#include "stages/planar.hpp"
#include "stages/stage_params.hpp"
#include "stages/vk/stages.hpp"

namespace kizuna::stages::vk {

class VkStageRunner {
public:
    static Result<std::unique_ptr<VkStageRunner>> create(gpu::Context& context,
                                                         gpu::StoragePrecision precision);

    // normalize_ref
    Result<void> normalize(ConstImageView in, const NormalizeParams& p, PlanarFrame& out);
    // reconstruct_ref (enabled) or reconstruct_disabled
    Result<void> reconstruct(const PlanarFrame& in, const ReconstructParams& p, bool enabled,
                             FeatureMap& out);
    // upscale_ref (enabled) or plain_resample_ref
    Result<void> upscale(const PlanarFrame& in, const FeatureMap& features, const UpscaleParams& p,
                         bool enabled, PlanarFrame& out);
    // enhance_ref (features must be non-null here)
    Result<void> enhance(const PlanarFrame& in, const FeatureMap& features, const EnhanceParams& p,
                         bool linear_input, PlanarFrame& out);
    // temporal_ref, with the history kept on the device
    Result<void> temporal(const PlanarFrame& in, const TemporalParams& p, PlanarFrame& out);
    void reset_temporal() noexcept { temporal_.reset(); }
    // pack_ref
    Result<void> pack(const PlanarFrame& in, bool encode_srgb, ImageView out);

    VkKernels& kernels() noexcept { return *kernels_; }

private:
    VkStageRunner() = default;
    Result<void> upload_frame(const PlanarFrame& in, GpuFrame& dst);
    Result<void> upload_features(const FeatureMap& in, GpuFeatures& dst);
    // begin + queued uploads
    Result<void> begin();
    // Copies src (bytes) to the download buffer, submits and waits.
    Result<void> finish(std::initializer_list<std::pair<const gpu::Buffer*, size_t>> downloads);
    // One submission: sizes the download buffer for `downloads`, begin(), `record` (records the
    // stage's dispatches; returns Result<void>), finish(downloads).
    template <class Record>
    Result<void> round_trip(std::initializer_list<std::pair<const gpu::Buffer*, size_t>> downloads,
                            Record&& record);
    Result<void> download_frame(const GpuFrame& frame, size_t offset, PlanarFrame& out);

    std::unique_ptr<VkKernels> kernels_;
    gpu::CommandBuffer cmd_;
    gpu::Buffer raw_, download_;
    GpuFrame in_frame_;
    GpuFeatures in_features_;
    VkNormalize normalize_;
    VkReconstruct reconstruct_;
    VkUpscale upscale_;
    VkEnhance enhance_;
    VkTemporal temporal_;
    VkPack pack_;
};

}  // namespace kizuna::stages::vk

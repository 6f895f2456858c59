// The tiler's pixel moves on the Vulkan device, for a frame whose model input and AI picture
// live in device buffers (the hybrid chain with its stages on Vulkan): each tile's input copied
// out of the picture through the edge tables (shaders/tile_gather.comp), each tile's output
// feather-blended into the AI picture (tile_blend.comp), and the nearest-upscaled input added
// for models that add it (tile_add_nearest.comp). Same tables, weights and arithmetic as the CPU
// tiler (tiler.cpp), so the result is the same up to the model's own float rounding.
//
// The pictures are fp32; the activation arena holds the NN backend's storage precision (fp32, or
// fp16 for its fp16 precision: the gather rounds to nearest even as the backend's host staging
// does, the blend widens exactly). Commands are recorded into the Vulkan NN backend's command
// buffer through its VulkanDeviceIo hooks. Move-only; one thread at a time, like its gpu::Context.
#pragma once

#include <cstdint>
#include <vector>

#include "gpu/buffer.hpp"
#include "gpu/command_buffer.hpp"
#include "gpu/compute_pipeline.hpp"
#include "gpu/shader_library.hpp"
#include "kizuna/error.hpp"
#include "nn/tile/tile_grid.hpp"

namespace kizuna::nn::tile {

// Where the frame's pictures are: fp32 planes, tight, in device buffers.
struct DevicePictures {
    const gpu::Buffer* input = nullptr;  // channels x height x width
    int channels = 0, height = 0, width = 0;
    const gpu::Buffer* output = nullptr;  // channels x (scale * height) x (scale * width)
    int scale = 1;
};

class DeviceTiles {
public:
    // Compiles the three pipelines on `context`, the gather and the blend for an arena of
    // `arena` precision (f16 needs context.fp16_enabled()). Errors: device_error, out_of_memory.
    static Result<DeviceTiles> create(gpu::Context& context,
                                      gpu::StoragePrecision arena = gpu::StoragePrecision::f32);
    DeviceTiles() = default;

    // Takes a new layout: the edge tables (canonical row / column -> source row / column) and
    // every tile's blend weights, uploaded by the next record_tables(). Allocates only when the
    // tables grow.
    Result<void> set_layout(const Axis& ax, const Axis& ay, const std::vector<int>& row_src,
                            const std::vector<int>& col_src);
    // Records a barrier behind everything submitted before (the stages that wrote the input
    // picture and read the output picture of the previous frame, in other submissions).
    void record_entry_barrier(gpu::CommandBuffer& cmd);
    // Records the tables' upload when set_layout() gave new ones (then a barrier).
    void record_tables(gpu::CommandBuffer& cmd);
    // Records the zeroing of the output picture (then a barrier): before the first tile's blend.
    void record_clear(gpu::CommandBuffer& cmd, const DevicePictures& p);
    // Records tile (ix, iy)'s input into the arena at byte offset `offset` (a multiple of the
    // arena's value size).
    Result<void> record_gather(gpu::CommandBuffer& cmd, const DevicePictures& p,
                               const gpu::Buffer& arena, size_t offset, int ix, int iy);
    // Records the blend of tile (ix, iy)'s raw output (raw_w x raw_h planes at byte offset
    // `offset` of the arena) into the output picture, then a barrier.
    Result<void> record_blend(gpu::CommandBuffer& cmd, const DevicePictures& p,
                              const gpu::Buffer& arena, size_t offset, int raw_w, int raw_h, int ix,
                              int iy);
    // Records out += nearest-upscaled input over the whole picture, then a barrier.
    Result<void> record_add_nearest(gpu::CommandBuffer& cmd, const DevicePictures& p);

private:
    gpu::Context* context_ = nullptr;
    size_t arena_value_bytes_ = sizeof(float);  // 2 for an fp16 arena
    gpu::ComputePipeline gather_, blend_, add_nearest_;
    gpu::DescriptorSet gather_set_, blend_set_, add_nearest_set_;
    gpu::Buffer tables_;     // device: the uint32 words of words_
    gpu::Buffer tables_up_;  // upload: their staging
    std::vector<uint32_t> words_;
    bool dirty_ = false;
    const Axis* ax_ = nullptr;  // the layout's axes (the tiler's, alive while it is used)
    const Axis* ay_ = nullptr;
    int rows_off_ = 0, cols_off_ = 0;
    std::vector<int> wx_off_, wy_off_;  // per x / y tile: its weights in words_
};

}  // namespace kizuna::nn::tile

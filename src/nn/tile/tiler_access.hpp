// What the library reaches inside a kizuna::Tiler beyond its public API (friend of Tiler): making
// one on a shared Vulkan device, and running it on pictures that stay on that device, for the
// hybrid chain whose stages run on Vulkan.
#pragma once

#include <memory>

#include "kizuna/nn_tiler.hpp"
#include "nn/tile/device_tiles.hpp"

namespace kizuna::gpu {
class Context;
}
namespace kizuna::nn {
class VulkanDevice;
}

namespace kizuna::nn::tile {

struct TilerAccess {
    // Tiler::create, with the Vulkan backend (session.backend == vulkan) on `device` (null: a
    // device of its own, as Tiler::create). Other backends ignore `device`.
    static Result<Tiler> create(const Model& model, const SessionOptions& session,
                                const TileSettings& settings, std::shared_ptr<VulkanDevice> device);

    // True when the tiler runs on the Vulkan backend on `context` (in either precision: the
    // device tile shaders move fp32 pictures into and out of an fp32 or fp16 arena), so
    // run_device() can take pictures in that context's buffers.
    static bool runs_on(const Tiler& tiler, const gpu::Context& context);

    // The number format the tiler's model runs in: the Vulkan backend's precision (fp32 or
    // fp16), fp32 for every other backend.
    static NnPrecision precision(const Tiler& tiler);

    // Tiler::run with the pictures in device buffers of the context runs_on() names (fp32
    // planes, tight; the model's input and output channels must both be p.channels): each
    // tile's input is gathered and its output feather-blended on the device, with the CPU
    // tiler's tables and weights; only the statistics of global pooling (tiled runs) come
    // back to the host, as they do there. The output picture is complete when this returns.
    // Out of memory halves the tile as run() does. Errors: those of run(); unsupported when
    // the backend is not Vulkan.
    static Result<void> run_device(Tiler& tiler, const DevicePictures& pictures,
                                   const TileControl& control = {});
};

}  // namespace kizuna::nn::tile

// What the library reaches inside a kizuna::Tiler beyond its public API (friend of Tiler): making
// one on a shared Vulkan device, for the hybrid chain whose stages run on that device.
#pragma once

#include <memory>

#include "kizuna/nn_tiler.hpp"

namespace kizuna::nn {
class VulkanDevice;
}

namespace kizuna::nn::tile {

struct TilerAccess {
    // Tiler::create, with the Vulkan backend (session.backend == vulkan) on `device` (null: a
    // device of its own, as Tiler::create). Other backends ignore `device`.
    static Result<Tiler> create(const Model& model, const SessionOptions& session,
                                const TileSettings& settings, std::shared_ptr<VulkanDevice> device);
};

}  // namespace kizuna::nn::tile

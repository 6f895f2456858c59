// The shader stages' backend for a job: the one place that turns PreviewBackendKind into a
// running stages::PreviewBackend (the preview and the hybrid chain both start theirs here).
#pragma once

#include <memory>

#include "kizuna/error.hpp"
#include "kizuna/preview.hpp"
#include "stages/preview_backend.hpp"

namespace kizuna::pipeline {

// auto_select takes Vulkan when a real GPU exists (preview_backend_for). Vulkan, chosen or asked
// for, falls back to the CPU backend when it cannot start (no loader, no usable device),
// logging why. threads: the CPU backend's, 0 = all hardware threads. Errors: the CPU or
// reference backend's.
Result<std::unique_ptr<stages::PreviewBackend>> make_stage_backend(PreviewBackendKind kind,
                                                                   int threads);

}  // namespace kizuna::pipeline

// The five stages and output packing on Vulkan, as device-side steps, one header each
// (vk/normalize.hpp ... vk/pack.hpp; Y'CbCr input: vk/normalize_yuv.hpp). Each stage owns its
// device outputs and intermediates. Use in two phases per frame: prepare() for every stage
// (allocation, on size changes only, and table uploads), then record() for every stage into one
// command buffer (dispatches and barriers only: nothing is allocated while recording, so no
// buffer named by recorded commands can be re-allocated before they are submitted).
//
// Each record() leaves a compute -> compute barrier after its last write, so the next stage may
// read its output. The rules are those of the stage headers (normalize.hpp, reconstruct.hpp,
// upscale.hpp, resample.hpp, enhance.hpp, temporal.hpp, pack.hpp), with one difference in form:
// device frames always carry an alpha plane (1 where the input had none), which changes no
// value of R, G, B or packed output.
#pragma once

#include "stages/vk/enhance.hpp"
#include "stages/vk/normalize.hpp"
#include "stages/vk/pack.hpp"
#include "stages/vk/reconstruct.hpp"
#include "stages/vk/temporal.hpp"
#include "stages/vk/upscale.hpp"

// What this machine offers KizunaSR: CPU features, Vulkan devices, models, FFmpeg.
#pragma once

#include <string>
#include <vector>

#include "kizuna/error.hpp"

namespace kizuna {

struct CpuInfo {
    std::string model;  // e.g. "Intel(R) Xeon(R) Processor @ 2.50GHz"
    int threads = 0;    // hardware threads available to this process
    bool sse41 = false;
    bool avx2 = false;
    bool fma = false;
    bool f16c = false;
    bool avx512f = false;
    bool avx512bw = false;
    bool avx512vnni = false;
};

enum class GpuDeviceType { other, integrated, discrete, virtual_gpu, cpu };

struct GpuDeviceInfo {
    std::string name;                           // e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"
    GpuDeviceType type = GpuDeviceType::other;  // a software rasterizer reports cpu
    std::string api_version;                    // e.g. "1.3.230"
    std::string driver;                         // driver name and info, e.g. "llvmpipe Mesa 22.3.6"
    bool fp16_storage = false;                  // VK_KHR_16bit_storage storageBuffer16BitAccess
    bool timestamps = false;                    // compute queue supports timestamp queries
};

const char* gpu_device_type_name(GpuDeviceType type) noexcept;

CpuInfo probe_cpu();

// Vulkan devices, best first (discrete, integrated, virtual, cpu). An error says why none can be
// listed (no loader, no driver, instance creation failed).
Result<std::vector<GpuDeviceInfo>> probe_vulkan_devices();

struct MediaLibraryInfo {
    std::vector<std::string> library_versions;  // e.g. "libavcodec 59.37.100"
    std::vector<std::string> video_encoders;    // e.g. "libx264 (H.264 / AVC)"
};
MediaLibraryInfo probe_media_libraries();

}  // namespace kizuna

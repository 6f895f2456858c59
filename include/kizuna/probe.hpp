// What this machine offers KizunaSR: CPU features, Vulkan devices, models, FFmpeg.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kizuna/error.hpp"

namespace kizuna {

// Instruction-set levels of the fast CPU code, in increasing order. Each implies the ones below
// it: ssse3 = SSSE3; sse4 = SSE4.1/4.2; avx2 = AVX2 + FMA + F16C; avx512 = AVX-512 F/BW/DQ/VL.
enum class CpuLevel { scalar, ssse3, sse4, avx2, avx512 };

// "scalar", "ssse3", "sse4", "avx2", "avx512".
const char* cpu_level_name(CpuLevel level) noexcept;
// The inverse of cpu_level_name (case-sensitive); nullopt for anything else.
std::optional<CpuLevel> parse_cpu_level(std::string_view name) noexcept;

// The cap on the fast CPU code, in the spirit of dav1d's --cpumask: every fast path of KizunaSR
// (the stage kernels, the NN direct convolution, the FMA peak probe) runs at most at the cap,
// so a lower level can be tested or timed on a better CPU, or a CPU-specific bug worked around.
// XNNPACK picks its own micro-kernels from its own CPU detection and is not capped.
// The cap starts from the environment variable KIZUNA_CPU_MAX (one of the names above; an
// invalid value is reported once through the log and ignored), else none (= avx512).
// set_cpu_max changes it for the whole process; call it before processing starts (kernels that
// are running keep their level). Thread safe.
void set_cpu_max(CpuLevel level) noexcept;
CpuLevel cpu_max() noexcept;
// The level the fast code runs at now: the CPU's best level, capped by cpu_max().
CpuLevel cpu_level() noexcept;

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
    CpuLevel detected = CpuLevel::scalar;  // the best level this CPU runs
    CpuLevel in_force = CpuLevel::scalar;  // min(detected, cpu_max()): what the fast code uses
    bool capped = false;                   // a cap below the detected level is in force
};

enum class GpuDeviceType { other, integrated, discrete, virtual_gpu, cpu };

struct GpuDeviceInfo {
    std::string name;                           // e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"
    GpuDeviceType type = GpuDeviceType::other;  // a software rasterizer reports cpu
    std::string api_version;                    // e.g. "1.3.230"
    std::string driver;                         // driver name and info, e.g. "llvmpipe Mesa 22.3.6"
    bool fp16_storage = false;                  // VK_KHR_16bit_storage storageBuffer16BitAccess
    bool timestamps = false;                    // compute queue supports timestamp queries
    bool usable = false;  // Vulkan >= 1.1 and a compute queue: KizunaSR can run on it
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

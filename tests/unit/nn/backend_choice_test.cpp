// `ai.backend: auto`: a real GPU (discrete or integrated, usable) takes the Vulkan NN backend;
// a software device, a virtual one, an unusable GPU, no device or no loader leave the model on
// the CPU, and the reason names what was found.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kizuna/nn_backend_choice.hpp"

namespace kizuna {
namespace {

GpuDeviceInfo device(std::string name, GpuDeviceType type, bool usable = true) {
    GpuDeviceInfo d;
    d.name = std::move(name);
    d.type = type;
    d.api_version = "1.3.230";
    d.usable = usable;
    return d;
}

NnBackendChoice choose(std::vector<GpuDeviceInfo> devices) {
    return choose_auto_nn_backend(Result<std::vector<GpuDeviceInfo>>(std::move(devices)));
}

void expect_cpu(const NnBackendChoice& c, const std::string& reason) {
    EXPECT_EQ(c.backend, NnBackendKind::xnnpack) << c.label;
    EXPECT_TRUE(c.device.empty()) << c.device;
    EXPECT_EQ(c.label.rfind("cpu (", 0), 0u) << c.label;
    EXPECT_EQ(c.reason, reason);
}

const char* kLavapipe = "llvmpipe (LLVM 15.0.6, 256 bits)";

TEST(NnBackendChoice, ADiscreteGpuTakesVulkanAheadOfLavapipe) {
    const auto c = choose(
        {device("Radeon RX 6600", GpuDeviceType::discrete), device(kLavapipe, GpuDeviceType::cpu)});
    EXPECT_EQ(c.backend, NnBackendKind::vulkan);
    EXPECT_EQ(c.device, "Radeon RX 6600");
    EXPECT_EQ(c.label, "vulkan on 'Radeon RX 6600' (discrete GPU)");
    EXPECT_EQ(c.reason, "Radeon RX 6600 is a usable discrete GPU (Vulkan 1.3.230)");
}

TEST(NnBackendChoice, AnIntegratedGpuTakesVulkan) {
    const auto c = choose({device("Intel UHD 770", GpuDeviceType::integrated),
                           device(kLavapipe, GpuDeviceType::cpu)});
    EXPECT_EQ(c.backend, NnBackendKind::vulkan);
    EXPECT_EQ(c.label, "vulkan on 'Intel UHD 770' (integrated GPU)");
}

TEST(NnBackendChoice, AnUnusableGpuIsSkippedForTheNextOne) {
    const auto c = choose({device("Old GPU", GpuDeviceType::discrete, false),
                           device("Intel UHD 770", GpuDeviceType::integrated)});
    EXPECT_EQ(c.backend, NnBackendKind::vulkan);
    EXPECT_EQ(c.device, "Intel UHD 770");
}

TEST(NnBackendChoice, LavapipeAloneIsNeverTaken) {
    expect_cpu(choose({device(kLavapipe, GpuDeviceType::cpu)}),
               std::string("the only Vulkan device is ") + kLavapipe + ", a CPU rasterizer");
}

TEST(NnBackendChoice, VirtualAndUnusableDevicesAreNamedWithTheirReason) {
    expect_cpu(choose({device("Old GPU", GpuDeviceType::discrete, false),
                       device("virtio-gpu", GpuDeviceType::virtual_gpu),
                       device(kLavapipe, GpuDeviceType::cpu)}),
               std::string("no Vulkan device is a usable GPU: Old GPU (discrete GPU, Vulkan "
                           "1.3.230) lacks Vulkan 1.1 or a compute queue; virtio-gpu, a virtual "
                           "GPU; ") +
                   kLavapipe + ", a CPU rasterizer");
}

TEST(NnBackendChoice, NoDeviceMeansTheCpu) {
    expect_cpu(choose({}), "the Vulkan loader lists no device");
}

TEST(NnBackendChoice, NoLoaderMeansTheCpuAndSaysWhy) {
    const std::string why =
        "no Vulkan loader (libvulkan.so.1: cannot open shared object file: No such file or "
        "directory)";
    expect_cpu(choose_auto_nn_backend(make_error(Errc::unsupported, why)), why);
}

// The label names the CPU backend and the convolution kernel the CPU level in force gives it.
TEST(NnBackendChoice, TheCpuLabelFollowsTheCpuLevel) {
    const auto c = choose({});
    if (cpu_level() >= CpuLevel::avx2)
        EXPECT_EQ(c.label,
                  std::string("cpu (xnnpack + direct ") + cpu_level_name(cpu_level()) + ")");
    else
        EXPECT_EQ(c.label, "cpu (xnnpack)");
}

}  // namespace
}  // namespace kizuna

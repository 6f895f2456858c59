// A machine without the Vulkan loader: KIZUNA_VULKAN_LOADER points at a file that does not
// exist, as if libvulkan.so.1 were not installed. The CLI starts, says "no Vulkan loader (...)"
// wherever Vulkan would be used, and does the job on the CPU with the same bytes as a CPU run.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "cli_runner.hpp"

namespace kizuna::test {
namespace {

constexpr const char* kMissingLoader = "/nonexistent/libvulkan.so.1";

// Sets KIZUNA_VULKAN_LOADER for the CLI runs of its lifetime (children inherit it).
class NoVulkanLoader {
public:
    NoVulkanLoader() { ::setenv("KIZUNA_VULKAN_LOADER", kMissingLoader, 1); }
    ~NoVulkanLoader() { ::unsetenv("KIZUNA_VULKAN_LOADER"); }
};

const std::string kReason =
    std::string("no Vulkan loader (") + kMissingLoader + ": cannot open shared object file";

TEST(CliNoVulkan, TheProgramDoesNotLinkTheVulkanLoader) {
    const std::string deps = capture(std::string("ldd '") + KIZUNA_CLI + "'");
    ASSERT_NE(deps.find("libc.so"), std::string::npos) << "ldd failed:\n" << deps;
    EXPECT_EQ(deps.find("libvulkan"), std::string::npos) << deps;
}

TEST(CliNoVulkan, ProbeSaysThereIsNoLoader) {
    const NoVulkanLoader env;
    auto r = run_cli("probe");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Vulkan devices\n  none: " + kReason), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Models"), std::string::npos) << "probe stopped early:\n" << r.out;
    EXPECT_NE(r.out.find("AI precision (ai.precision auto): fp32"), std::string::npos) << r.out;
}

// Upscales a 48x32 still with `vulkan_options` without the loader, then with `cpu_options`:
// the first run must say that the Vulkan stage backend cannot start and why, and give the CPU
// run's picture byte for byte. Its stderr goes to `err`.
void upscale_without_loader(const std::string& vulkan_options, const std::string& cpu_options,
                            std::string* err) {
    TempDir dir;
    const std::string in = dir / "in.png", vk = dir / "vk.png", cpu = dir / "cpu.png";
    ASSERT_TRUE(make_test_still(in, "48x32"));
    CliResult r;
    {
        const NoVulkanLoader env;
        r = run_cli("upscale '" + in + "' -o '" + vk + "' " + vulkan_options);
    }
    *err = r.err;
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("the Vulkan stage backend cannot start (" + kReason), std::string::npos)
        << r.err;
    ASSERT_EQ(run_cli("-q upscale '" + in + "' -o '" + cpu + "' " + cpu_options).exit_code, 0);
    EXPECT_EQ(read_file(vk), read_file(cpu));
}

// The shader stages and the model asked for on Vulkan: each says why it runs on the CPU, and
// the picture is the CPU run's, byte for byte.
TEST(CliNoVulkan, AnUpscaleAskedForOnVulkanRunsOnTheCpu) {
    std::string err;
    upscale_without_loader("-b vulkan --set ai.backend=vulkan", "-b cpu --set ai.backend=cpu",
                           &err);
    EXPECT_NE(err.find("the vulkan backend cannot run the model (" + kReason), std::string::npos)
        << err;
    EXPECT_NE(err.find("on xnnpack"), std::string::npos) << err;
}

TEST(CliNoVulkan, AShaderOnlyPreviewOnVulkanRunsOnTheCpu) {
    std::string err;
    upscale_without_loader("-p performance -b vulkan", "-p performance -b cpu", &err);
}

}  // namespace
}  // namespace kizuna::test

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
}

// The shader stages and the model asked for on Vulkan: each says why it runs on the CPU, and
// the picture is the CPU run's, byte for byte.
TEST(CliNoVulkan, AnUpscaleAskedForOnVulkanRunsOnTheCpu) {
    TempDir dir;
    const std::string in = dir / "in.png", vk = dir / "vk.png", cpu = dir / "cpu.png";
    ASSERT_TRUE(make_test_still(in, "48x32"));
    CliResult r;
    {
        const NoVulkanLoader env;
        r = run_cli("upscale '" + in + "' -o '" + vk + "' -b vulkan --set ai.backend=vulkan");
    }
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("the Vulkan stage backend cannot start (" + kReason), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("the vulkan backend cannot run the model (" + kReason), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("on xnnpack"), std::string::npos) << r.err;
    ASSERT_EQ(
        run_cli("-q upscale '" + in + "' -o '" + cpu + "' -b cpu --set ai.backend=cpu").exit_code,
        0);
    EXPECT_EQ(read_file(vk), read_file(cpu));
}

TEST(CliNoVulkan, AShaderOnlyPreviewOnVulkanRunsOnTheCpu) {
    TempDir dir;
    const std::string in = dir / "in.png", vk = dir / "vk.png", cpu = dir / "cpu.png";
    ASSERT_TRUE(make_test_still(in, "48x32"));
    CliResult r;
    {
        const NoVulkanLoader env;
        r = run_cli("upscale '" + in + "' -o '" + vk + "' -p performance -b vulkan");
    }
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("the Vulkan stage backend cannot start (" + kReason), std::string::npos)
        << r.err;
    ASSERT_EQ(run_cli("-q upscale '" + in + "' -o '" + cpu + "' -p performance -b cpu").exit_code,
              0);
    EXPECT_EQ(read_file(vk), read_file(cpu));
}

}  // namespace
}  // namespace kizuna::test

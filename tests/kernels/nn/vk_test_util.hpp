// Helpers for the Vulkan NN backend tests: one backend per fault kind shared by the tests of a
// program (creating a device and compiling its pipelines is the slow part on lavapipe), and the
// check that skips only when the machine has no Vulkan device at all.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "gpu/instance.hpp"
#include "nn/vulkan/vk_backend.hpp"

namespace kizuna::nn::test {

// Empty when some Vulkan device exists; else why there is none (the reason to skip).
inline std::string no_vulkan_device() {
    auto instance = gpu::Instance::create();
    if (!instance) return "no Vulkan device: " + instance.error().message;
    auto devices = gpu::enumerate_devices(*instance);
    if (!devices || devices->empty())
        return "no Vulkan device: " +
               (devices ? std::string("none enumerated") : devices.error().message);
    return {};
}

// The shared backend with `fault` injected (none: the real one); nullptr after a failure the
// caller reports (creation must succeed wherever a device exists).
inline VulkanBackend* shared_vulkan_backend(vk::Fault fault = vk::Fault::none,
                                            std::string* error = nullptr) {
    static std::map<vk::Fault, std::unique_ptr<VulkanBackend>> backends;
    auto& slot = backends[fault];
    if (!slot) {
        VulkanBackendOptions o;
        o.fault = fault;
        auto b = VulkanBackend::create(o);
        if (!b) {
            if (error != nullptr) *error = b.error().message;
            return nullptr;
        }
        slot = std::move(*b);
    }
    return slot.get();
}

}  // namespace kizuna::nn::test

// Skips the test when the machine has no Vulkan device at all, saying so; otherwise sets
// `var` to the shared backend (fault as given) and fails the test if it cannot be created.
#define KZ_VULKAN_BACKEND_OR_SKIP(var, fault)                                       \
    ::kizuna::nn::VulkanBackend* var = nullptr;                                     \
    do {                                                                            \
        const std::string kz_why_ = ::kizuna::nn::test::no_vulkan_device();         \
        if (!kz_why_.empty()) GTEST_SKIP() << kz_why_;                              \
        std::string kz_err_;                                                        \
        var = ::kizuna::nn::test::shared_vulkan_backend(fault, &kz_err_);           \
        ASSERT_NE(var, nullptr) << "a Vulkan device exists, yet the backend could " \
                                   "not be created: "                               \
                                << kz_err_;                                         \
    } while (0)

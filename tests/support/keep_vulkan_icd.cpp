// Sanitizer builds only (tests/CMakeLists.txt adds this file to every test program there).
// Mesa's lavapipe ICD leaves two 128-byte blocks behind when the Vulkan loader unloads it at
// vkDestroyInstance. LeakSanitizer then reports them from an unloaded, nameless module, which no
// suppression can name, and every test that probes Vulkan fails. Holding the ICD loaded for the
// whole process (RTLD_NODELETE) keeps those blocks reachable from its globals, so LSan sees no
// leak there and still sees every leak of ours.
#include <dlfcn.h>

namespace {

[[maybe_unused]] const bool kHeld = [] {
    // Absent (no Mesa Vulkan driver installed): nothing to hold.
    return dlopen("libvulkan_lvp.so", RTLD_LAZY | RTLD_NODELETE) != nullptr;
}();

}  // namespace

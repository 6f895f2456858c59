// A VkBuffer with its own memory. Device-local buffers hold stage data; host buffers are
// persistently mapped for staging uploads and downloads.
#pragma once

#include "gpu/vk_api.hpp"

#include <cstddef>
#include <cstdint>

#include "gpu/handle.hpp"
#include "kizuna/error.hpp"

namespace kizuna::gpu {

class Context;

enum class BufferKind {
    device,    // device-local storage buffer, also a transfer source/destination
    upload,    // host-visible, mapped; a transfer source (host writes, GPU reads)
    download,  // host-visible, mapped, cached if possible; a transfer destination
};

struct BufferParams {
    size_t size = 0;  // bytes, > 0
    BufferKind kind = BufferKind::device;
};

// Move-only. Destruction is deferred until in-flight work that may use it has completed.
class Buffer {
public:
    static Result<Buffer> create(Context& context, const BufferParams& params);
    Buffer() = default;

    VkBuffer get() const noexcept { return buffer_.get(); }
    size_t size() const noexcept { return size_; }
    BufferKind kind() const noexcept { return kind_; }
    // Host pointer for upload/download buffers (nullptr for device buffers). For download
    // buffers call invalidate() after the GPU wrote and before reading.
    void* mapped() const noexcept { return mapped_; }
    // Makes GPU writes visible to the host on non-coherent memory (no-op when coherent).
    Result<void> invalidate();
    // Makes host writes visible to the GPU on non-coherent memory (no-op when coherent).
    Result<void> flush();
    explicit operator bool() const noexcept { return static_cast<bool>(buffer_); }

private:
    Context* context_ = nullptr;
    DeviceHandle<VkDeviceMemory> memory_;  // declared first: freed after the buffer
    DeviceHandle<VkBuffer> buffer_;
    size_t size_ = 0;
    BufferKind kind_ = BufferKind::device;
    void* mapped_ = nullptr;
    bool coherent_ = true;
};

// Makes *buffer a buffer of at least size bytes, re-creating it only when it is missing or too
// small (steady state allocates nothing).
Result<void> ensure_buffer(Context& context, Buffer* buffer, size_t size, BufferKind kind);

}  // namespace kizuna::gpu

#include "nn/tile/device_tiles.hpp"

#include <bit>
#include <cstring>

#include "gpu/context.hpp"
#include "gpu/shader_pipeline.hpp"

namespace kizuna::nn::tile {
namespace {

constexpr uint32_t kLocal = 16;

struct GatherPush {
    int32_t dst_off, x0, y0, tile_w, tile_h, src_w, src_h, channels, rows_off, cols_off;
};
struct BlendPush {
    int32_t raw_off, raw_w, raw_h, raw_x, raw_y, begin_x, begin_y, cols, rows, out_w, out_h, wx_off,
        wy_off, channels;
};
struct AddNearestPush {
    int32_t out_w, out_h, src_w, src_h, scale, channels;
};

Result<gpu::ComputePipeline> make_pipeline(
    gpu::Context& context, const char* shader, uint32_t buffers, uint32_t push_size,
    gpu::StoragePrecision precision = gpu::StoragePrecision::f32) {
    return gpu::make_shader_pipeline(context, shader, buffers, push_size, kLocal, 1, precision);
}

// Points the set's bindings 0.. at `buffers` (whole range). The set must not be in use by
// pending work: the NN backend waits for each run before recording the next.
void write_set(gpu::Context& context, const gpu::DescriptorSet& set,
               std::initializer_list<VkBuffer> buffers) {
    VkDescriptorBufferInfo infos[3];
    VkWriteDescriptorSet writes[3];
    uint32_t n = 0;
    for (VkBuffer b : buffers) {
        infos[n] = {b, 0, VK_WHOLE_SIZE};
        writes[n] = {};
        writes[n].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
        writes[n].dstSet = set.get();
        writes[n].dstBinding = n;
        writes[n].descriptorCount = 1;
        writes[n].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        writes[n].pBufferInfo = &infos[n];
        ++n;
    }
    vkUpdateDescriptorSets(context.device(), n, writes, 0, nullptr);
}

template <class Push>
std::span<const std::byte> bytes_of(const Push& p) {
    return std::as_bytes(std::span(&p, 1));
}

int32_t elements(size_t byte_offset, size_t value_bytes) {
    return static_cast<int32_t>(byte_offset / value_bytes);
}

}  // namespace

Result<DeviceTiles> DeviceTiles::create(gpu::Context& context, gpu::StoragePrecision arena) {
    DeviceTiles t;
    t.context_ = &context;
    t.arena_value_bytes_ = arena == gpu::StoragePrecision::f16 ? 2 : sizeof(float);
    // The pictures are fp32 in both: only the shaders that touch the arena take its variant.
    auto gather = make_pipeline(context, "tile_gather", 3, sizeof(GatherPush), arena);
    KZ_TRY(gather);
    auto blend = make_pipeline(context, "tile_blend", 3, sizeof(BlendPush), arena);
    KZ_TRY(blend);
    auto add = make_pipeline(context, "tile_add_nearest", 2, sizeof(AddNearestPush));
    KZ_TRY(add);
    t.gather_ = std::move(*gather);
    t.blend_ = std::move(*blend);
    t.add_nearest_ = std::move(*add);
    // The sets' buffers are written before each use; a placeholder names a real buffer now.
    KZ_TRY(gpu::ensure_buffer(context, &t.tables_, 64, gpu::BufferKind::device));
    const VkBuffer b = t.tables_.get();
    const VkBuffer three[] = {b, b, b};
    auto gs = t.gather_.allocate_set(three);
    KZ_TRY(gs);
    auto bs = t.blend_.allocate_set(three);
    KZ_TRY(bs);
    auto as = t.add_nearest_.allocate_set(std::span(three, 2));
    KZ_TRY(as);
    t.gather_set_ = std::move(*gs);
    t.blend_set_ = std::move(*bs);
    t.add_nearest_set_ = std::move(*as);
    return t;
}

Result<void> DeviceTiles::set_layout(const Axis& ax, const Axis& ay,
                                     const std::vector<int>& row_src,
                                     const std::vector<int>& col_src) {
    words_.clear();
    rows_off_ = 0;
    for (int r : row_src) words_.push_back(static_cast<uint32_t>(r));
    cols_off_ = static_cast<int>(words_.size());
    for (int c : col_src) words_.push_back(static_cast<uint32_t>(c));
    auto add_weights = [&](const Axis& a, std::vector<int>& offsets) {
        offsets.clear();
        for (const AxisTile& t : a.tiles) {
            offsets.push_back(static_cast<int>(words_.size()));
            for (float w : t.weight) words_.push_back(std::bit_cast<uint32_t>(w));
        }
    };
    add_weights(ax, wx_off_);
    add_weights(ay, wy_off_);
    const size_t bytes = words_.size() * sizeof(uint32_t);
    KZ_TRY(gpu::ensure_buffer(*context_, &tables_, bytes, gpu::BufferKind::device));
    KZ_TRY(gpu::ensure_buffer(*context_, &tables_up_, bytes, gpu::BufferKind::upload));
    std::memcpy(tables_up_.mapped(), words_.data(), bytes);
    KZ_TRY(tables_up_.flush());
    ax_ = &ax;
    ay_ = &ay;
    dirty_ = true;
    return {};
}

void DeviceTiles::record_entry_barrier(gpu::CommandBuffer& cmd) {
    VkMemoryBarrier b{};
    b.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
    b.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    b.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                      VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    vkCmdPipelineBarrier(cmd.get(), VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                         VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0, 1, &b, 0, nullptr, 0, nullptr);
}

void DeviceTiles::record_tables(gpu::CommandBuffer& cmd) {
    if (!dirty_) return;
    cmd.copy(tables_up_, tables_, words_.size() * sizeof(uint32_t));
    cmd.barrier_transfer_to_compute();
    dirty_ = false;
}

void DeviceTiles::record_clear(gpu::CommandBuffer& cmd, const DevicePictures& p) {
    const size_t bytes =
        sizeof(float) * static_cast<size_t>(p.channels) * p.scale * p.height * p.scale * p.width;
    vkCmdFillBuffer(cmd.get(), p.output->get(), 0, bytes, 0);
    cmd.barrier_transfer_to_compute();
}

Result<void> DeviceTiles::record_gather(gpu::CommandBuffer& cmd, const DevicePictures& p,
                                        const gpu::Buffer& arena, size_t offset, int ix, int iy) {
    write_set(*context_, gather_set_, {p.input->get(), arena.get(), tables_.get()});
    const GatherPush push{elements(offset, arena_value_bytes_),
                          ax_->tiles[static_cast<size_t>(ix)].pos,
                          ay_->tiles[static_cast<size_t>(iy)].pos,
                          ax_->tile,
                          ay_->tile,
                          p.width,
                          p.height,
                          p.channels,
                          rows_off_,
                          cols_off_};
    cmd.dispatch(gather_, gather_set_, bytes_of(push), static_cast<uint32_t>(ax_->tile),
                 static_cast<uint32_t>(ay_->tile * p.channels));
    return {};
}

Result<void> DeviceTiles::record_blend(gpu::CommandBuffer& cmd, const DevicePictures& p,
                                       const gpu::Buffer& arena, size_t offset, int raw_w,
                                       int raw_h, int ix, int iy) {
    const AxisTile& tx = ax_->tiles[static_cast<size_t>(ix)];
    const AxisTile& ty = ay_->tiles[static_cast<size_t>(iy)];
    if (tx.begin == tx.end || ty.begin == ty.end) return {};
    write_set(*context_, blend_set_, {arena.get(), p.output->get(), tables_.get()});
    const int cols = tx.end - tx.begin, rows = ty.end - ty.begin;
    const BlendPush push{elements(offset, arena_value_bytes_),
                         raw_w,
                         raw_h,
                         tx.raw_offset,
                         ty.raw_offset,
                         tx.begin,
                         ty.begin,
                         cols,
                         rows,
                         p.scale * p.width,
                         p.scale * p.height,
                         wx_off_[static_cast<size_t>(ix)],
                         wy_off_[static_cast<size_t>(iy)],
                         p.channels};
    cmd.dispatch(blend_, blend_set_, bytes_of(push), static_cast<uint32_t>(cols),
                 static_cast<uint32_t>(rows * p.channels));
    cmd.barrier_compute_to_compute();
    return {};
}

Result<void> DeviceTiles::record_add_nearest(gpu::CommandBuffer& cmd, const DevicePictures& p) {
    write_set(*context_, add_nearest_set_, {p.input->get(), p.output->get()});
    const AddNearestPush push{p.scale * p.width, p.scale * p.height, p.width, p.height,
                              p.scale,           p.channels};
    cmd.dispatch(add_nearest_, add_nearest_set_, bytes_of(push),
                 static_cast<uint32_t>(p.scale * p.width),
                 static_cast<uint32_t>(p.scale * p.height * p.channels));
    cmd.barrier_compute_to_compute();
    return {};
}

}  // namespace kizuna::nn::tile

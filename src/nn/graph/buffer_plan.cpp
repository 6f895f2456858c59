// Liveness-based memory planning: blobs whose lifetimes do not overlap share arena memory.
#include <algorithm>
#include <numeric>

#include "nn/graph/graph.hpp"
#include "nn/layers/registry.hpp"

namespace kizuna::nn {
namespace {

constexpr size_t kAlign = 64;

size_t align_up(size_t n) {
    return (n + kAlign - 1) / kAlign * kAlign;
}

struct Group {
    int first = 0;  // layer index writing it
    int last = 0;   // last layer index reading it (inclusive)
    size_t bytes = 0;
    size_t offset = 0;
    bool placed = false;
};

// Whether layer `index` may share its input's memory (see make_plan's in_place).
Placement placement_of(const std::vector<Placement>* placement, const Graph& graph, int index) {
    if (placement == nullptr || static_cast<size_t>(index) >= placement->size()) {
        return Placement::own;
    }
    const Placement p = (*placement)[static_cast<size_t>(index)];
    const Layer& l = graph.layers[static_cast<size_t>(index)];
    if (p == Placement::elided) {
        for (int b : l.outputs)
            if (b == graph.output_blob) return Placement::own;
    }
    return p;
}

bool aliases_input(const Graph& graph, const std::vector<Shape>& shapes,
                   const std::vector<Placement>* placement, int index) {
    if (placement_of(placement, graph, index) != Placement::in_place) return false;
    const Layer& l = graph.layers[static_cast<size_t>(index)];
    if (l.inputs.size() != 1 || l.outputs.size() != 1) return false;
    const int in = l.inputs[0];
    const Blob& src = graph.blobs[static_cast<size_t>(in)];
    const Shape& a = shapes[static_cast<size_t>(in)];
    const Shape& b = shapes[static_cast<size_t>(l.outputs[0])];
    // A split output shares storage with its siblings, which other layers may still read.
    const bool split_output =
        src.producer >= 0 &&
        layer_def(graph.layers[static_cast<size_t>(src.producer)].type).aliases_input;
    return src.consumers.size() == 1 && in != graph.input_blob && !split_output && a.c == b.c &&
           a.h == b.h && a.w == b.w;
}

}  // namespace

Result<Plan> make_plan(const Graph& graph, int channels, int height, int width,
                       const std::vector<Placement>* placement) {
    auto shapes = infer_shapes(graph, channels, height, width);
    KZ_TRY(shapes);
    Plan plan;
    plan.input_channels = channels;
    plan.input_height = height;
    plan.input_width = width;
    plan.shapes = std::move(*shapes);
    const int nblobs = static_cast<int>(graph.blobs.size());
    const int nlayers = static_cast<int>(graph.layers.size());

    // How long each blob must live: to its last reader, and for the inputs of an elided layer
    // to the last reader of that layer's outputs (who reads the inputs in its place).
    std::vector<int> needed(nblobs, -1);
    plan.last_use.assign(nblobs, -1);
    for (int b = 0; b < nblobs; ++b) {
        const Blob& blob = graph.blobs[b];
        plan.last_use[b] = blob.consumers.empty() ? -1 : blob.consumers.back();
        needed[b] = plan.last_use[b];
    }
    for (int l = nlayers - 1; l >= 0; --l) {
        if (placement_of(placement, graph, l) != Placement::elided) continue;
        const Layer& layer = graph.layers[l];
        for (int out : layer.outputs)
            for (int in : layer.inputs) needed[in] = std::max(needed[in], needed[out]);
    }

    // Split outputs (and in-place layers' outputs) alias their input: blob -> storage group.
    std::vector<int> group_of(nblobs, -1);
    std::vector<Group> groups;
    for (int b = 0; b < nblobs; ++b) {
        const Blob& blob = graph.blobs[b];
        const Layer& producer = graph.layers[blob.producer];
        int g;
        if (layer_def(producer.type).aliases_input ||
            aliases_input(graph, plan.shapes, placement, blob.producer)) {
            g = group_of[producer.inputs[0]];
        } else {
            const bool elided = placement_of(placement, graph, blob.producer) == Placement::elided;
            g = static_cast<int>(groups.size());
            groups.push_back(
                Group{blob.producer, blob.producer,
                      elided ? 0 : align_up(plan.shapes[b].elements() * sizeof(float))});
        }
        group_of[b] = g;
        int last = std::max(groups[g].last, needed[b]);
        if (b == graph.output_blob) last = nlayers;  // read out after the last layer
        groups[g].last = last;
    }

    // Greedy: biggest first, lowest offset that avoids every placed group alive at the same time.
    std::vector<int> order(groups.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return groups[a].bytes > groups[b].bytes; });
    std::vector<const Group*> live;
    for (int gi : order) {
        Group& g = groups[gi];
        live.clear();
        for (const Group& o : groups)
            if (o.placed && o.first <= g.last && g.first <= o.last) live.push_back(&o);
        std::sort(live.begin(), live.end(),
                  [](const Group* a, const Group* b) { return a->offset < b->offset; });
        size_t offset = 0;
        for (const Group* o : live) {
            if (offset + g.bytes <= o->offset) break;
            offset = std::max(offset, o->offset + o->bytes);
        }
        g.offset = offset;
        g.placed = true;
        plan.arena_bytes = std::max(plan.arena_bytes, offset + g.bytes);
    }
    plan.offsets.resize(nblobs);
    for (int b = 0; b < nblobs; ++b) plan.offsets[b] = groups[group_of[b]].offset;
    return plan;
}

}  // namespace kizuna::nn

#include "nn/tile/tile_grid.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

namespace kizuna::nn::tile {

ModelGeometry ModelGeometry::of(const ModelInfo& info) {
    ModelGeometry g;
    g.scale = info.scale;
    g.output_border = info.output_border;
    g.input_padding = info.input_padding;
    g.receptive_radius = info.receptive_radius;
    g.min_input_size = std::max(1, info.min_input_size);
    g.input_multiple = std::max(1, info.input_multiple);
    return g;
}

int ModelGeometry::margin() const noexcept {
    return std::max(receptive_radius, input_padding);
}

int ModelGeometry::accepted_at_least(int n) const noexcept {
    if (n <= min_input_size) return min_input_size;
    const int k = (n - min_input_size + input_multiple - 1) / input_multiple;
    return min_input_size + k * input_multiple;
}

int ModelGeometry::accepted_at_most(int n) const noexcept {
    if (n < min_input_size) return 0;
    return min_input_size + (n - min_input_size) / input_multiple * input_multiple;
}

int auto_overlap(const ModelGeometry& g, int feather) noexcept {
    const int o = 2 * g.margin() + std::max(feather, 0);
    return (o + g.input_multiple - 1) / g.input_multiple * g.input_multiple;
}

int canonical_length(const ModelGeometry& g, int frame) noexcept {
    return g.accepted_at_least(frame + 2 * g.margin());
}

namespace {

float ramp_value(Ramp ramp, float t) {
    return ramp == Ramp::linear ? t : 0.5f - 0.5f * std::cos(std::numbers::pi_v<float> * t);
}

// Tile positions: evenly spread over [0, L - T], each a multiple of the input step, with the
// fewest tiles whose neighbours overlap by at least `overlap`.
std::vector<int> positions(int length, int tile, int overlap, int step) {
    if (tile >= length) return {0};
    const int span = length - tile;  // a multiple of step: both are accepted sizes
    const int stride = tile - overlap;
    const int n = 1 + (span + stride - 1) / stride;
    std::vector<int> pos(static_cast<size_t>(n));
    const int units = span / step;
    for (int i = 0; i < n; ++i) {
        // Round down to whole steps; the last tile sits exactly at the end.
        pos[static_cast<size_t>(i)] =
            static_cast<int>(static_cast<long long>(units) * i / (n - 1)) * step;
    }
    return pos;
}

}  // namespace

Result<Axis> layout_axis(const ModelGeometry& g, int frame, int tile, int overlap, int feather,
                         Ramp ramp) {
    const int margin = g.margin();
    Axis a;
    a.frame = frame;
    a.canonical = canonical_length(g, frame);
    a.tile = std::min(g.accepted_at_most(tile), a.canonical);
    if (frame < 1 || a.tile < g.min_input_size)
        return make_error(Errc::invalid_argument,
                          fmt::format("tile size {} is below the model's smallest input {}", tile,
                                      g.min_input_size));
    const bool single = a.tile == a.canonical;
    if (!single) {
        if (overlap < 2 * g.input_padding || 2 * overlap >= a.tile)
            return make_error(Errc::invalid_argument,
                              fmt::format("tile overlap {} must be at least {} and less than half "
                                          "the tile ({})",
                                          overlap, 2 * g.input_padding, a.tile));
    }
    const std::vector<int> pos = positions(a.canonical, a.tile, overlap, g.input_multiple);
    a.overlap = single ? 0 : a.canonical;
    for (size_t i = 1; i < pos.size(); ++i)
        a.overlap = std::min(a.overlap, pos[i - 1] + a.tile - pos[i]);

    // Work in canonical output coordinates u = scale * (canonical input position); the final
    // picture is u in [scale * P, scale * (P + frame)).
    const int s = g.scale;
    const int out_begin = s * margin;
    const int out_end = s * (margin + frame);
    // Unnormalised weights per tile over the tile's raw output range, then normalised.
    struct Span {
        int u0, u1;  // the tile's raw output range in u
        std::vector<float> w;
    };
    std::vector<Span> spans(pos.size());
    for (size_t i = 0; i < pos.size(); ++i) {
        Span& sp = spans[i];
        sp.u0 = s * pos[i] + g.output_border;
        sp.u1 = s * (pos[i] + a.tile) - g.output_border;
        sp.w.assign(static_cast<size_t>(sp.u1 - sp.u0), 1.0f);
    }
    // The band between tiles i and i + 1.
    for (size_t i = 0; i + 1 < pos.size(); ++i) {
        const int o = pos[i] + a.tile - pos[i + 1];
        const int m = std::clamp((o - feather) / 2, g.input_padding, margin);
        const int b0 = s * (pos[i + 1] + m);
        const int b1 = s * (pos[i] + a.tile - m);
        a.seams.push_back((b0 + b1) / 2 - out_begin);
        for (int u = spans[i].u0; u < spans[i].u1; ++u) {
            float& wl = spans[i].w[static_cast<size_t>(u - spans[i].u0)];
            if (u >= b1) {
                wl = 0.0f;
            } else if (u >= b0) {
                wl *= 1.0f - ramp_value(ramp, (static_cast<float>(u - b0) + 0.5f) /
                                                  static_cast<float>(b1 - b0));
            }
        }
        for (int u = spans[i + 1].u0; u < spans[i + 1].u1; ++u) {
            float& wr = spans[i + 1].w[static_cast<size_t>(u - spans[i + 1].u0)];
            if (u < b0) {
                wr = 0.0f;
            } else if (u < b1) {
                wr *= ramp_value(ramp,
                                 (static_cast<float>(u - b0) + 0.5f) / static_cast<float>(b1 - b0));
            }
        }
    }
    // Normalise, and keep each tile's non-zero part inside the final picture.
    std::vector<float> total(static_cast<size_t>(out_end - out_begin), 0.0f);
    for (const Span& sp : spans)
        for (int u = std::max(sp.u0, out_begin); u < std::min(sp.u1, out_end); ++u)
            total[static_cast<size_t>(u - out_begin)] += sp.w[static_cast<size_t>(u - sp.u0)];
    for (size_t k = 0; k < total.size(); ++k)
        if (!(total[k] > 0.0f))
            return make_error(Errc::internal,
                              fmt::format("tile layout leaves output pixel {} uncovered (frame "
                                          "{}, tile {}, overlap {})",
                                          k, frame, a.tile, overlap));
    for (size_t i = 0; i < spans.size(); ++i) {
        const Span& sp = spans[i];
        int b = std::max(sp.u0, out_begin), e = std::min(sp.u1, out_end);
        while (b < e && sp.w[static_cast<size_t>(b - sp.u0)] == 0.0f) ++b;
        while (e > b && sp.w[static_cast<size_t>(e - 1 - sp.u0)] == 0.0f) --e;
        AxisTile t;  // kept even when it adds no output (b == e): global statistics need it
        t.pos = pos[i];
        if (b >= e) e = b;
        t.begin = b - out_begin;
        t.end = e - out_begin;
        t.raw_offset = b - sp.u0;
        t.weight.resize(static_cast<size_t>(e - b));
        for (int u = b; u < e; ++u)
            t.weight[static_cast<size_t>(u - b)] =
                sp.w[static_cast<size_t>(u - sp.u0)] / total[static_cast<size_t>(u - out_begin)];
        a.tiles.push_back(std::move(t));
    }
    return a;
}

}  // namespace kizuna::nn::tile

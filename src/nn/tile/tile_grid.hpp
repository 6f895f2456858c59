// Where the tiles of a frame lie and how their outputs are blended: pure geometry, no pixels.
//
// The canonical frame. A frame of H x W input pixels is extended on every side by P = margin()
// pixels with the model's edge padding (replicate or reflect), then on the bottom and right up to
// the next size the model accepts. Running the model once on that canonical frame and cropping
// [P, P + H) x [P, P + W) is the definition of the untiled result: no output pixel then depends
// on a convolution's zero padding. A tiled run covers the canonical frame with equal tiles and
// gives the same output (see Axis).
//
// Per axis (tiles are separable: a tile is one x-tile times one y-tile):
//  - tiles of T input pixels at positions x_0 = 0 < x_1 < ... < x_{n-1} = L - T, each a multiple
//    of the model's input step (so strided layers sample the same pixels as the untiled run), with
//    neighbours overlapping by at least the requested overlap O;
//  - a tile's output is exact (equal to the untiled run's) where the model saw M = margin() input
//    pixels of real context, i.e. everywhere but the M pixels next to a tile edge that is not a
//    canonical frame edge;
//  - in the overlap of tiles i and i+1, output pixels nearer than m input pixels to either tile's
//    edge take the other tile only, and a band of the remaining width is blended with a raised
//    cosine (or linear) ramp: m = M when O >= 2M + F (F = feather), so only exact values are
//    blended and the tiled output equals the untiled one; a smaller forced overlap shrinks m
//    (never below the model's own output border) and the ramp hides what a hard cut would show.
#pragma once

#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/models.hpp"

namespace kizuna::nn::tile {

enum class Ramp { raised_cosine, linear };

// The model facts the geometry needs (from ModelInfo).
struct ModelGeometry {
    int scale = 1;
    int output_border = 0;  // output pixels the model drops on each side
    int input_padding = 0;  // ceil(output_border / scale)
    int receptive_radius = 0;
    int min_input_size = 1;  // accepted sizes: min_input_size + k * input_multiple
    int input_multiple = 1;

    static ModelGeometry of(const ModelInfo& info);
    // Input pixels of context a tile needs on each inner edge: max(receptive_radius,
    // input_padding). Also the canonical frame's padding P.
    int margin() const noexcept;
    // Smallest accepted size >= n.
    int accepted_at_least(int n) const noexcept;
    // Largest accepted size <= n, or 0 when n < min_input_size.
    int accepted_at_most(int n) const noexcept;
};

// One tile's share of an axis, in output pixels of the final (cropped) picture.
struct AxisTile {
    int pos = 0;    // first input pixel of the tile in the canonical frame
    int begin = 0;  // output pixels [begin, end) of the final picture this tile contributes to
    int end = 0;    // (empty for a tile that lies in the padding only)
    // Weight of each of those output pixels (end - begin values, in (0, 1]); the weights of all
    // tiles at one output pixel sum to 1.
    std::vector<float> weight;
    // The tile's raw model output index (before the model's border) of output pixel `begin`.
    int raw_offset = 0;
};

struct Axis {
    int frame = 0;                // input pixels of the picture on this axis
    int canonical = 0;            // L: the canonical frame's length (an accepted size)
    int tile = 0;                 // T: input pixels per tile (an accepted size, <= canonical)
    int overlap = 0;              // the smallest overlap between neighbours, input pixels
    std::vector<AxisTile> tiles;  // every tile covering the canonical frame, in order
    std::vector<int> seams;       // output pixel at the centre of each blend band, in order
};

// Lays out one axis. frame: the picture's input pixels. tile: the wanted tile size (rounded down
// to an accepted size; >= canonical gives one tile). overlap: wanted input pixels shared by
// neighbours, >= 2 * input_padding and < tile / 2. feather: the ramp's width in input
// pixels when the overlap allows it. Errors: invalid_argument (a tile too small for the overlap
// or the model).
Result<Axis> layout_axis(const ModelGeometry& g, int frame, int tile, int overlap, int feather,
                         Ramp ramp);

// The overlap the "auto" setting uses: 2 * margin() + feather, rounded up to the input step.
int auto_overlap(const ModelGeometry& g, int feather) noexcept;

// Canonical frame length for a picture of `frame` input pixels.
int canonical_length(const ModelGeometry& g, int frame) noexcept;

}  // namespace kizuna::nn::tile

// Stage 2 reference: plain C++, pixel by pixel, exactly as reconstruct.hpp states it.
#include "stages/ref/reconstruct.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "stages/color.hpp"

namespace kizuna::stages {

namespace {

struct LumaImage {
    int w, h;
    std::vector<float> v;
    float at(int x, int y) const {
        x = std::clamp(x, 0, w - 1);
        y = std::clamp(y, 0, h - 1);
        return v[static_cast<size_t>(y) * w + x];
    }
};

}  // namespace

Result<void> reconstruct_ref(const PlanarFrame& in, const ReconstructParams& params,
                             FeatureMap& out) {
    const int w = in.width(), h = in.height();
    KZ_TRY(out.ensure(w, h));
    LumaImage L{w, h, std::vector<float>(static_cast<size_t>(w) * h)};
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            L.v[static_cast<size_t>(y) * w + x] =
                color::luma_of(in.r.row(y)[x], in.g.row(y)[x], in.b.row(y)[x]);
        }
    }
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const float gx = (L.at(x + 1, y - 1) + 2.0f * L.at(x + 1, y) + L.at(x + 1, y + 1) -
                              L.at(x - 1, y - 1) - 2.0f * L.at(x - 1, y) - L.at(x - 1, y + 1)) *
                             0.125f;
            const float gy = (L.at(x - 1, y + 1) + 2.0f * L.at(x, y + 1) + L.at(x + 1, y + 1) -
                              L.at(x - 1, y - 1) - 2.0f * L.at(x, y - 1) - L.at(x + 1, y - 1)) *
                             0.125f;
            out.gx.row(y)[x] = gx;
            out.gy.row(y)[x] = gy;
            out.magnitude.row(y)[x] = std::sqrt(gx * gx + gy * gy);
        }
    }
    static constexpr int dirs[4][2] = {{1, 0}, {0, 1}, {1, 1}, {1, -1}};
    const float weak = params.edge_threshold * 0.25f;
    for (int y = 0; y < h; ++y) {
        uint8_t* cls = out.cls_row(y);
        for (int x = 0; x < w; ++x) {
            const float c = L.at(x, y);
            float darkness = -1.0f;
            for (const auto& d : dirs) {
                const float sp =
                    std::max(L.at(x + d[0], y + d[1]), L.at(x + 2 * d[0], y + 2 * d[1]));
                const float sm =
                    std::max(L.at(x - d[0], y - d[1]), L.at(x - 2 * d[0], y - 2 * d[1]));
                darkness = std::max(darkness, std::min(sp, sm) - c);
            }
            PixelClass k = PixelClass::flat;
            if (darkness > params.line_threshold) {
                k = PixelClass::line_art;
            } else if (out.magnitude.row(y)[x] > params.edge_threshold) {
                k = PixelClass::edge;
            } else {
                int active = 0;
                float sx = 0, sy = 0, sm = 0;
                for (int dy = -1; dy <= 1; ++dy) {
                    const int yy = std::clamp(y + dy, 0, h - 1);
                    for (int dx = -1; dx <= 1; ++dx) {
                        const int xx = std::clamp(x + dx, 0, w - 1);
                        const float m = out.magnitude.row(yy)[xx];
                        active += m > weak ? 1 : 0;
                        sx += out.gx.row(yy)[xx];
                        sy += out.gy.row(yy)[xx];
                        sm += m;
                    }
                }
                if (active >= 5 && std::sqrt(sx * sx + sy * sy) < 0.5f * sm)
                    k = PixelClass::texture;
            }
            cls[x] = static_cast<uint8_t>(k);
        }
    }
    return {};
}

}  // namespace kizuna::stages

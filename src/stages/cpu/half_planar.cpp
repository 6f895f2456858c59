#include "stages/cpu/half_planar.hpp"

namespace kizuna::stages {

Result<void> HalfFrame::ensure(int width, int height) {
    KZ_TRY(r.ensure(width, height));
    KZ_TRY(g.ensure(width, height));
    KZ_TRY(b.ensure(width, height));
    return {};
}

}  // namespace kizuna::stages

#include "stages/cpu/simd_pow.hpp"

#include <cmath>
#include <utility>

namespace kizuna::stages {

namespace {

// Coefficients (in t) of the cubic through (t_i, y_i), i = 0..3: Gaussian elimination with
// partial pivoting on the 4x4 Vandermonde system, in double.
void solve_cubic(const double t[4], const double y[4], double coef[4]) {
    double a[4][5];
    for (int i = 0; i < 4; ++i) {
        double p = 1.0;
        for (int j = 0; j < 4; ++j) {
            a[i][j] = p;
            p *= t[i];
        }
        a[i][4] = y[i];
    }
    for (int col = 0; col < 4; ++col) {
        int pivot = col;
        for (int r = col + 1; r < 4; ++r) {
            if (std::fabs(a[r][col]) > std::fabs(a[pivot][col])) pivot = r;
        }
        for (int j = 0; j < 5; ++j) std::swap(a[col][j], a[pivot][j]);
        for (int r = 0; r < 4; ++r) {
            if (r == col) continue;
            const double f = a[r][col] / a[col][col];
            for (int j = col; j < 5; ++j) a[r][j] -= f * a[col][j];
        }
    }
    for (int i = 0; i < 4; ++i) coef[i] = a[i][4] / a[i][i];
}

PowTable make_table(double p, double multiplier) {
    PowTable table{};
    constexpr double kPi = 3.14159265358979323846;
    constexpr double h = 1.0 / 16.0;
    for (int k = 0; k < 16; ++k) {
        const double m0 = 1.0 + k * h;
        double t[4], y[4], c[4];
        for (int i = 0; i < 4; ++i) {
            // Chebyshev nodes of [0, h].
            t[i] = 0.5 * h * (1.0 - std::cos((2 * i + 1) * kPi / 8.0));
            y[i] = std::pow(m0 + t[i], p);
        }
        solve_cubic(t, y, c);
        table.c0[k] = static_cast<float>(c[0]);
        table.c1[k] = static_cast<float>(c[1]);
        table.c2[k] = static_cast<float>(c[2]);
        table.c3[k] = static_cast<float>(c[3]);
    }
    for (int i = 0; i < 16; ++i) {
        table.scale[i] = static_cast<float>(multiplier * std::exp2(p * (i - 15)));
    }
    return table;
}

SrgbDecodePoly make_decode_poly() {
    constexpr int kN = 9;  // nodes; degree kN - 1
    constexpr double kPi = 3.14159265358979323846;
    constexpr double lo = 0.04045, hi = 1.0;
    // Chebyshev coefficients a_j of the interpolant at the Chebyshev nodes of [-1, 1].
    double a[kN] = {};
    for (int k = 0; k < kN; ++k) {
        const double theta = kPi * (k + 0.5) / kN;
        const double c = 0.5 * (lo + hi) + 0.5 * (hi - lo) * std::cos(theta);
        const double f = std::pow((c + 0.055) / 1.055, 2.4);
        for (int j = 0; j < kN; ++j) a[j] += 2.0 / kN * f * std::cos(j * theta);
    }
    a[0] *= 0.5;
    // Power coefficients: sum_j a_j T_j(t), with T_{j+1} = 2 t T_j - T_{j-1}.
    double prev[kN] = {1.0}, cur[kN] = {0.0, 1.0}, power[kN] = {};
    power[0] += a[0];
    power[1] += a[1];
    for (int j = 2; j < kN; ++j) {
        double next[kN] = {};
        for (int i = 0; i + 1 < kN; ++i) next[i + 1] += 2.0 * cur[i];
        for (int i = 0; i < kN; ++i) next[i] -= prev[i];
        for (int i = 0; i < kN; ++i) {
            prev[i] = cur[i];
            cur[i] = next[i];
            power[i] += a[j] * next[i];
        }
    }
    SrgbDecodePoly poly{};
    poly.scale = static_cast<float>(2.0 / (hi - lo));
    poly.offset = static_cast<float>(-(hi + lo) / (hi - lo));
    for (int i = 0; i < kN; ++i) poly.c[i] = static_cast<float>(power[i]);
    return poly;
}

}  // namespace

const SrgbDecodePoly& srgb_decode_poly() noexcept {
    static const SrgbDecodePoly poly = make_decode_poly();
    return poly;
}

const PowTable& pow_table_inv_2_4() noexcept {
    static const PowTable table = make_table(1.0 / 2.4, 1.055);
    return table;
}

const PowTable& pow_table_cbrt() noexcept {
    static const PowTable table = make_table(1.0 / 3.0, 1.0);
    return table;
}

}  // namespace kizuna::stages

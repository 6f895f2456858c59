// Median, minimum and maximum of a benchmark's timings (or of any other sample). Header-only;
// pure functions of their arguments.
#pragma once

#include <algorithm>
#include <vector>

namespace kizuna::bench {

struct Stats {
    double median = 0, min = 0, max = 0;
};

// Of a sample (an even count: the mean of the two middle values); all 0 for an empty one.
inline Stats stats(std::vector<double> v) {
    if (v.empty()) return {};
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    const double median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    return {median, v.front(), v.back()};
}

}  // namespace kizuna::bench

// Per-enumerator values kept as tables (names, sizes, codes, the codes of another library),
// where each small enum had its own switch of `case X: return ...;` lines.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

namespace kizuna {

// The entry of `value` in `table`, which lists one entry per enumerator, in order, from the
// enumerator 0 up to `Last` (the enum's last one): a table that misses a new enumerator does not
// compile. A value outside the enum gives `fallback`.
template <auto Last, typename T, std::size_t N>
constexpr T enum_lookup(decltype(Last) value, const T (&table)[N], T fallback) noexcept {
    using E = decltype(Last);
    static_assert(std::is_enum_v<E>, "enum_lookup takes an enumeration");
    static_assert(N == static_cast<std::size_t>(Last) + 1, "one entry per enumerator, in order");
    const auto i = static_cast<std::size_t>(static_cast<std::underlying_type_t<E>>(value));
    return i < N ? table[i] : fallback;
}

// The same for names.
template <auto Last, std::size_t N>
constexpr const char* enum_name(decltype(Last) value, const char* const (&names)[N],
                                const char* fallback = "?") noexcept {
    return enum_lookup<Last, const char*, N>(value, names, fallback);
}

// The value paired with `key` in a table of {key, value} entries (the first match), or
// `fallback`: for mappings between code sets, such as FFmpeg's colour codes and ours.
template <typename K, typename V, std::size_t N>
constexpr V map_lookup(const std::pair<K, V> (&table)[N], K key, V fallback) noexcept {
    for (const auto& [k, v] : table) {
        if (k == key) return v;
    }
    return fallback;
}

}  // namespace kizuna

// The key=value parameters of one ncnn layer line.
//
// Forms (ncnn .param text): `id=int`, `id=float` (a value with '.', 'e' or 'E', e.g. 1.5e-3,
// -0.25, inf is rejected), and arrays `-(23300+id)=n,v1,...,vn` whose elements are ints or
// floats. Keys 0..31 only (ncnn's limit); arrays hold at most kMaxArrayLength values.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kizuna/error.hpp"

namespace kizuna::nn {

class ParamDict {
public:
    static constexpr int kMaxKey = 31;
    static constexpr int kMaxArrayLength = 4096;

    // Parses one token `key=value`. The error message says what is wrong with the token; the
    // caller adds the file, line and layer.
    Result<void> parse_token(std::string_view token);

    bool has(int key) const {
        return key >= 0 && key <= kMaxKey && entries_[key].kind != Kind::none;
    }

    // Integer value of `key`, or `fallback` when absent. An error when the value is a float
    // with a fraction, an array, or outside int range.
    Result<int> get_int(int key, int fallback) const;
    // Float value of `key` (ints convert), or `fallback` when absent. An error for arrays.
    Result<float> get_float(int key, float fallback) const;
    // Array value of `key`, or empty when absent. An error for scalars.
    Result<std::vector<float>> get_float_array(int key) const;
    Result<std::vector<int>> get_int_array(int key) const;

    // Keys present, ascending, for "unsupported parameter" checks.
    std::vector<int> keys() const;

private:
    enum class Kind { none, scalar, array };
    struct Entry {
        Kind kind = Kind::none;
        bool is_float = false;
        double value = 0;
        std::vector<double> array;
    };
    // The entry of `key` when it holds `kind`; nullptr when absent; an error naming the key when
    // it holds the other kind.
    Result<const Entry*> find(int key, Kind kind) const;
    // The values of array `key`; empty when absent; an error for a scalar.
    Result<std::span<const double>> array_values(int key) const;

    Entry entries_[kMaxKey + 1];
};

}  // namespace kizuna::nn

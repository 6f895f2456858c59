// Declarative decoding of ncnn layer parameters (the key=value part of a .param line).
//
// A layer type lists its parameters once, as a table of ParamField: the ncnn key, the name used
// in messages, the default (a constant, or the value of an earlier key, as ncnn's kernel_h
// defaults to kernel_w), the accepted range and the field of the params struct it fills.
// decode_layout() then does for every layer line, in this order:
//   1. the input and output counts against the layout's IoRange;
//   2. every key present must be in the table (an ignored key would change the output silently);
//   3. every field is read in table order (type errors, keys that must be absent or 0);
//   4. every ranged field is checked in table order ("kernel_w = 0 is out of range [1, 255]");
//   5. the layout's finish hook: checks across fields, derived fields, the weight arrays.
// Errors carry no location; the .param reader prefixes file, line, type and name.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "kizuna/error.hpp"
#include "nn/graph/layer.hpp"
#include "nn/ncnn/ncnn_reader.hpp"
#include "nn/ncnn/param_dict.hpp"

namespace kizuna::nn {

// Limits shared by the layer tables.
inline constexpr int kMaxKernel = 255;
inline constexpr int kMaxStride = 64;
inline constexpr int kMaxPad = 4096;
inline constexpr int kMaxChannels = 1 << 16;

Error corrupt_param(std::string message);
Error unsupported_param(std::string message);
// "<what> = <v> is out of range [<lo>, <hi>]" (corrupt_data) when v is outside [lo, hi].
Result<void> check_range(const char* what, int v, int lo, int hi);
// "has <n> inputs, expected <lo>..<hi>" (corrupt_data), likewise for outputs.
Result<void> check_io(int inputs, int outputs, int min_in, int max_in, int min_out, int max_out);
// ncnn activation_type (key 9) and activation_params (array key 10) of fused activations.
Result<ActivationParams> decode_activation(const ParamDict& pd);

enum class FieldKind {
    integer,      // int key; stored into an int, bool (!= 0) or enum member
    real,         // float key
    int_list,     // array key of integers
    real_list,    // array key of floats
    activation,   // keys 9 and 10 together (decode_activation)
    must_be_off,  // an int key this reader does not implement: absent or 0, else unsupported
    ignored,      // a key ncnn defines that does not change the result here
};

// The values read for one layer line, by key (defaults applied), for finish hooks and for
// defaults that name an earlier key.
struct FieldValues {
    int ints[ParamDict::kMaxKey + 1] = {};
    float reals[ParamDict::kMaxKey + 1] = {};
};

// One value as read, before it is stored into the params struct.
struct RawValue {
    int i = 0;
    float f = 0.f;
    std::vector<int> ints;
    std::vector<float> reals;
    ActivationParams activation;
};

template <class P>
struct ParamField {
    int key = 0;
    const char* name = "";  // ncnn's name, for messages; for must_be_off the whole message
    FieldKind kind = FieldKind::integer;
    int int_default = 0;
    float real_default = 0.f;
    int default_key = -1;  // >= 0: the default is the value read for this earlier key
    bool ranged = false;
    int lo = 0;
    int hi = 0;
    bool has_sentinel = false;  // a value accepted outside the range (ncnn's -233 markers)
    int sentinel = 0;
    bool (*applies)(const P&) = nullptr;     // range checked only when true (nullptr = always)
    void (*store)(P&, RawValue&) = nullptr;  // nullptr: read and checked, kept in FieldValues

    constexpr ParamField range(int min, int max) const {
        ParamField f = *this;
        f.ranged = true;
        f.lo = min;
        f.hi = max;
        return f;
    }
    constexpr ParamField or_value(int v) const {
        ParamField f = *this;
        f.has_sentinel = true;
        f.sentinel = v;
        return f;
    }
    constexpr ParamField default_from(int earlier_key) const {
        ParamField f = *this;
        f.default_key = earlier_key;
        return f;
    }
    constexpr ParamField checked_if(bool (*predicate)(const P&)) const {
        ParamField f = *this;
        f.applies = predicate;
        return f;
    }
};

// Builders of table rows for params struct P. M is a pointer to a member of P.
template <class P>
struct Fields {
    template <auto M>
    static constexpr ParamField<P> integer(int key, const char* name, int def = 0) {
        ParamField<P> f{key, name, FieldKind::integer};
        f.int_default = def;
        f.store = [](P& p, RawValue& v) {
            using T = std::remove_cvref_t<decltype(p.*M)>;
            if constexpr (std::is_same_v<T, bool>)
                p.*M = v.i != 0;
            else
                p.*M = static_cast<T>(v.i);
        };
        return f;
    }
    template <auto M>
    static constexpr ParamField<P> real(int key, const char* name, float def = 0.f) {
        ParamField<P> f{key, name, FieldKind::real};
        f.real_default = def;
        f.store = [](P& p, RawValue& v) { p.*M = v.f; };
        return f;
    }
    template <auto M>
    static constexpr ParamField<P> int_list(int key, const char* name) {
        ParamField<P> f{key, name, FieldKind::int_list};
        f.store = [](P& p, RawValue& v) { p.*M = std::move(v.ints); };
        return f;
    }
    template <auto M>
    static constexpr ParamField<P> real_list(int key, const char* name) {
        ParamField<P> f{key, name, FieldKind::real_list};
        f.store = [](P& p, RawValue& v) { p.*M = std::move(v.reals); };
        return f;
    }
    // Keys 9 (activation_type) and 10 (activation_params).
    template <auto M>
    static constexpr ParamField<P> activation() {
        ParamField<P> f{9, "activation_type", FieldKind::activation};
        f.store = [](P& p, RawValue& v) { p.*M = v.activation; };
        return f;
    }
    // Read and range-checked but not stored (the finish hook reads it from FieldValues).
    static constexpr ParamField<P> value(int key, const char* name, int def = 0) {
        ParamField<P> f{key, name, FieldKind::integer};
        f.int_default = def;
        return f;
    }
    // A key whose non-zero value asks for something unimplemented; `message` is the error.
    static constexpr ParamField<P> must_be_off(int key, const char* message) {
        return ParamField<P>{key, message, FieldKind::must_be_off};
    }
    static constexpr ParamField<P> ignored(int key, const char* name) {
        return ParamField<P>{key, name, FieldKind::ignored};
    }
    // The pads of a windowed layer (P::pad_left, pad_right, pad_top, pad_bottom) at the given
    // keys, with ncnn's defaults: right and top default to left, bottom to top. Range [0, max],
    // checked only when `checked` holds (nullptr = always).
    static constexpr std::array<ParamField<P>, 4> pads(int left, int right, int top, int bottom,
                                                       int max, bool (*checked)(const P&)) {
        const auto pad = [&](ParamField<P> f, int default_key) {
            if (default_key >= 0) f = f.default_from(default_key);
            return f.range(0, max).checked_if(checked);
        };
        return {pad(integer<&P::pad_left>(left, "pad_left"), -1),
                pad(integer<&P::pad_right>(right, "pad_right"), left),
                pad(integer<&P::pad_top>(top, "pad_top"), left),
                pad(integer<&P::pad_bottom>(bottom, "pad_bottom"), top)};
    }
};

// The rows of each part in turn, for tables built from shared parts (Convolution and
// Deconvolution, the pads of Fields::pads).
template <class P, size_t... N>
constexpr std::array<ParamField<P>, (N + ...)> join(const std::array<ParamField<P>, N>&... parts) {
    std::array<ParamField<P>, (N + ...)> out{};
    size_t i = 0;
    ((std::copy(parts.begin(), parts.end(), out.begin() + i), i += N), ...);
    return out;
}

struct IoRange {
    int min_inputs = 1;
    int max_inputs = 1;
    int min_outputs = 1;
    int max_outputs = 1;
};

// The actual input and output counts of the line being decoded.
struct LayerIo {
    int inputs = 0;
    int outputs = 0;
};

// How one ncnn layer type decodes into P.
template <class P>
struct NcnnLayout {
    IoRange io;
    std::span<const ParamField<P>> fields;
    // Sets what the ncnn type name implies before the fields are read (e.g. ReLU's activation
    // type). nullptr = none.
    void (*preset)(P&) = nullptr;
    // After the fields: checks across fields, derived fields, the weight arrays the .bin holds.
    // nullptr = nothing more.
    Result<void> (*finish)(P&, const FieldValues&, const LayerIo&,
                           std::vector<WeightSpec>&) = nullptr;
};

// Reads `key` of kind `kind` from pd into v (and vals). Errors name the key.
Result<void> read_field(const ParamDict& pd, int key, FieldKind kind, int int_default,
                        float real_default, const char* name, RawValue& v, FieldValues& vals);
// Fails with unsupported "unsupported parameter key K" for a key of pd not in `known`.
Result<void> check_known_keys(const ParamDict& pd, const bool (&known)[ParamDict::kMaxKey + 1]);

template <class P>
Result<LayerSpec> decode_layout(const void* layout, const ParamDict& pd, int inputs, int outputs) {
    const NcnnLayout<P>& l = *static_cast<const NcnnLayout<P>*>(layout);
    KZ_TRY(check_io(inputs, outputs, l.io.min_inputs, l.io.max_inputs, l.io.min_outputs,
                    l.io.max_outputs));
    bool known[ParamDict::kMaxKey + 1] = {};
    for (const ParamField<P>& f : l.fields) {
        known[f.key] = true;
        if (f.kind == FieldKind::activation) known[10] = true;
    }
    KZ_TRY(check_known_keys(pd, known));
    P p{};
    if (l.preset) l.preset(p);
    FieldValues vals;
    RawValue v;
    for (const ParamField<P>& f : l.fields) {
        const int def = f.default_key >= 0 ? vals.ints[f.default_key] : f.int_default;
        const float fdef = f.default_key >= 0 ? vals.reals[f.default_key] : f.real_default;
        KZ_TRY(read_field(pd, f.key, f.kind, def, fdef, f.name, v, vals));
        if (f.store) f.store(p, v);
    }
    for (const ParamField<P>& f : l.fields) {
        if (!f.ranged || (f.applies && !f.applies(p))) continue;
        const int x = vals.ints[f.key];
        if (f.has_sentinel && x == f.sentinel) continue;
        KZ_TRY(check_range(f.name, x, f.lo, f.hi));
    }
    LayerSpec spec;
    if (l.finish) KZ_TRY(l.finish(p, vals, LayerIo{inputs, outputs}, spec.weights));
    spec.params = std::move(p);
    return spec;
}

// One ncnn layer type name and how it decodes (type-erased NcnnLayout<P>).
struct NcnnForm {
    std::string_view type;  // e.g. "ConvolutionDepthWise"
    const void* layout;
    Result<LayerSpec> (*decode)(const void* layout, const ParamDict&, int inputs, int outputs);
};

template <class P>
constexpr NcnnForm ncnn_form(std::string_view type, const NcnnLayout<P>& layout) {
    return NcnnForm{type, &layout, &decode_layout<P>};
}

}  // namespace kizuna::nn

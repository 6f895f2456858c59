#include "nn/ncnn/param_table.hpp"

#include <fmt/format.h>

namespace kizuna::nn {

Error corrupt_param(std::string message) {
    return make_error(Errc::corrupt_data, std::move(message));
}

Error unsupported_param(std::string message) {
    return make_error(Errc::unsupported, std::move(message));
}

Result<void> check_range(const char* what, int v, int lo, int hi) {
    if (v < lo || v > hi)
        return corrupt_param(fmt::format("{} = {} is out of range [{}, {}]", what, v, lo, hi));
    return {};
}

Result<void> check_io(int inputs, int outputs, int min_in, int max_in, int min_out, int max_out) {
    if (inputs < min_in || inputs > max_in)
        return corrupt_param(fmt::format("has {} inputs, expected {}..{}", inputs, min_in, max_in));
    if (outputs < min_out || outputs > max_out)
        return corrupt_param(
            fmt::format("has {} outputs, expected {}..{}", outputs, min_out, max_out));
    return {};
}

Result<ActivationParams> decode_activation(const ParamDict& pd) {
    auto type = pd.get_int(9, 0);
    KZ_TRY(type);
    auto args = pd.get_float_array(10);
    KZ_TRY(args);
    if (*type < 0 || *type > static_cast<int>(ActivationType::hard_swish))
        return unsupported_param(fmt::format("unsupported activation_type {}", *type));
    ActivationParams a;
    a.type = static_cast<ActivationType>(*type);  // the enumerators are ncnn's numbers
    const std::vector<float>& v = *args;
    // Parameter i, or ncnn's default when the array is shorter.
    const auto arg = [&v](size_t i, float def) { return i < v.size() ? v[i] : def; };
    switch (a.type) {
        case ActivationType::leaky_relu:
            a.alpha = arg(0, 0.f);
            break;
        case ActivationType::clip:
            if (v.size() < 2) return corrupt_param("clip activation needs 2 parameters (min, max)");
            a.alpha = v[0];
            a.beta = v[1];
            break;
        case ActivationType::hard_swish:
            a.alpha = arg(0, 0.2f);
            a.beta = arg(1, 0.5f);
            break;
        default:
            break;
    }
    return a;
}

Result<void> check_known_keys(const ParamDict& pd, const bool (&known)[ParamDict::kMaxKey + 1]) {
    for (int k = 0; k <= ParamDict::kMaxKey; ++k)
        if (pd.has(k) && !known[k])
            return unsupported_param(fmt::format("unsupported parameter key {}", k));
    return {};
}

Result<void> read_field(const ParamDict& pd, int key, FieldKind kind, int int_default,
                        float real_default, const char* name, RawValue& v, FieldValues& vals) {
    switch (kind) {
        case FieldKind::integer: {
            auto r = pd.get_int(key, int_default);
            KZ_TRY(r);
            v.i = vals.ints[key] = *r;
            return {};
        }
        case FieldKind::real: {
            auto r = pd.get_float(key, real_default);
            KZ_TRY(r);
            v.f = vals.reals[key] = *r;
            return {};
        }
        case FieldKind::int_list: {
            auto r = pd.get_int_array(key);
            KZ_TRY(r);
            v.ints = std::move(*r);
            return {};
        }
        case FieldKind::real_list: {
            auto r = pd.get_float_array(key);
            KZ_TRY(r);
            v.reals = std::move(*r);
            return {};
        }
        case FieldKind::activation: {
            auto r = decode_activation(pd);
            KZ_TRY(r);
            v.activation = *r;
            return {};
        }
        case FieldKind::must_be_off: {
            auto r = pd.get_int(key, 0);
            KZ_TRY(r);
            if (*r != 0) return unsupported_param(name);
            return {};
        }
        case FieldKind::ignored:
            return {};
    }
    return {};
}

}  // namespace kizuna::nn

#include "options.hpp"

#include <CLI/CLI.hpp>

#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "kizuna/log.hpp"
#include "kizuna/parse_number.hpp"

namespace kizuna::cli {

std::optional<PreviewBackendKind> parse_preview_backend(const std::string& text) {
    if (text == "auto") return PreviewBackendKind::auto_select;
    if (text == "cpu") return PreviewBackendKind::cpu;
    if (text == "vulkan") return PreviewBackendKind::vulkan;
    if (text == "reference") return PreviewBackendKind::reference;
    return std::nullopt;
}

Result<NnPrecision> precision_option(const std::string& text, NnBackendKind backend) {
    NnPrecision p = NnPrecision::automatic;
    if (!parse_nn_precision(text, &p))
        return make_error(Errc::invalid_argument,
                          fmt::format("--precision: \"{}\" is not one of auto, fp32, fp16", text));
    if (p == NnPrecision::fp16 && backend != NnBackendKind::vulkan)
        log(LogLevel::warn, fmt::format("--precision fp16: the {} backend computes in fp32; "
                                        "only the vulkan backend has fp16",
                                        nn_backend_name(backend)));
    return p;
}

bool NumberOption::given() const {
    return option != nullptr && option->count() > 0;
}

CLI::Option* add_number_option(CLI::App* cmd, const std::string& flags, NumberOption& out,
                               const std::string& help) {
    out.option = cmd->add_option(flags, out.text, help);
    return out.option;
}

namespace {

std::string name_of(const NumberOption& o) {
    if (!o.option->get_lnames().empty()) return "--" + o.option->get_lnames().front();
    if (!o.option->get_snames().empty()) return "-" + o.option->get_snames().front();
    return o.option->get_name();
}

}  // namespace

std::vector<std::string> split_fields(const std::string& text, char separator) {
    std::vector<std::string> fields;
    size_t start = 0;
    for (;;) {
        const size_t at = text.find(separator, start);
        fields.push_back(text.substr(start, at == std::string::npos ? at : at - start));
        if (at == std::string::npos) return fields;
        start = at + 1;
    }
}

Result<int> int_option(const NumberOption& o, int min, int max, int fallback) {
    if (!o.given()) return fallback;
    auto v = parse_integer(o.text, min, max, name_of(o));
    if (!v) return std::move(v).error();
    return static_cast<int>(*v);
}

Result<double> decimal_option(const NumberOption& o, double min, double max, double fallback) {
    if (!o.given()) return fallback;
    return parse_decimal(o.text, min, max, name_of(o));
}

Result<double> parse_time_option(const std::string& text, const std::string& name) {
    // Split on ':' into at most three fields; the last may have a fraction.
    const std::vector<std::string> fields = split_fields(text, ':');
    const auto bad = [&] {
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: \"{}\" is not a time (seconds such as 12.5, or "
                                      "[HH:]MM:SS such as 1:02.5)",
                                      name, text));
    };
    if (fields.size() > 3) return bad();
    if (fields.size() == 1) {
        auto s = parse_decimal(fields[0], 0, 1e9, name);
        if (!s) return std::move(s).error();
        return *s;
    }
    double total = 0;
    for (size_t i = 0; i + 1 < fields.size(); ++i) {
        auto v = parse_integer(fields[i], 0, i == 0 && fields.size() == 3 ? 1000000 : 59, name);
        if (!v) return bad();
        total = total * 60 + static_cast<double>(*v);
    }
    auto sec = parse_decimal(fields.back(), 0, 59.999999, name);
    if (!sec || fields.back().empty() || fields.back()[0] == '-' || fields.back()[0] == '+') {
        return bad();
    }
    return total * 60 + *sec;
}

Result<int64_t> parse_bit_rate(const std::string& text, int64_t min, int64_t max,
                               const std::string& name) {
    std::string number = text;
    double factor = 1;
    if (!number.empty()) {
        const char last =
            static_cast<char>(std::tolower(static_cast<unsigned char>(number.back())));
        if (last == 'k' || last == 'm' || last == 'g') {
            factor = last == 'k' ? 1e3 : last == 'm' ? 1e6 : 1e9;
            number.pop_back();
        }
    }
    auto v = parse_decimal(number, 0, 1e15, name);
    if (!v) {
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: \"{}\" is not a bit rate (bits per second, e.g. 8M, "
                                      "2500k)",
                                      name, text));
    }
    const double bits = *v * factor;
    if (bits < static_cast<double>(min) || bits > static_cast<double>(max)) {
        return make_error(
            Errc::invalid_argument,
            fmt::format("{}: \"{}\" is outside [{}, {}] bits per second", name, text, min, max));
    }
    return static_cast<int64_t>(std::llround(bits));
}

}  // namespace kizuna::cli

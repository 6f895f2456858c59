#include "options.hpp"

#include <CLI/CLI.hpp>

#include "kizuna/parse_number.hpp"

namespace kizuna::cli {

std::optional<PreviewBackendKind> parse_preview_backend(const std::string& text) {
    if (text == "auto") return PreviewBackendKind::auto_select;
    if (text == "cpu") return PreviewBackendKind::cpu;
    if (text == "vulkan") return PreviewBackendKind::vulkan;
    if (text == "reference") return PreviewBackendKind::reference;
    return std::nullopt;
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

}  // namespace kizuna::cli

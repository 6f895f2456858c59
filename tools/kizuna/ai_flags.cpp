#include "ai_flags.hpp"

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include "kizuna/models.hpp"
#include "kizuna/parse_number.hpp"
#include "kizuna/text.hpp"

namespace kizuna::cli {

void add_ai_flags(CLI::App* cmd, AiFlags& f) {
    const char* group = "AI (shorthands for the profile's ai.* keys)";
    cmd->add_option("--model", f.model,
                    "Neural model: a catalogue id (kizuna models) or a .param file; turns the AI "
                    "stage on")
        ->group(group)
        ->each([&f](const std::string&) { f.model_given = true; });
    cmd->add_option("--tile", f.tile,
                    "AI tile size in input pixels (32 to 2048), or auto (from the memory budget)")
        ->group(group)
        ->each([&f](const std::string&) { f.tile_given = true; });
    cmd->add_option("--overlap", f.overlap,
                    "Input pixels shared by neighbouring AI tiles (0 to 512), or auto (from the "
                    "model's receptive field: seam-free)")
        ->group(group)
        ->each([&f](const std::string&) { f.overlap_given = true; });
    cmd->add_option("--precision", f.precision,
                    "Number format of the model on the Vulkan NN backend: auto (fp16 where the "
                    "device has 16-bit storage), fp32 or fp16; the CPU backends run fp32")
        ->group(group)
        ->each([&f](const std::string&) { f.precision_given = true; });
    add_number_option(cmd, "--ai-strength", f.strength,
                      "Blend of the AI picture with the shader upscale, 0 to 1 (1 = AI only)")
        ->group(group);
    cmd->add_flag("--require-ai", f.require_ai,
                  "Fail instead of falling back to the shader-only result when the model cannot "
                  "run (load failure, out of memory, a frame past its limit)")
        ->group(group);
}

namespace {

// "auto" -> automatic, else an integer in [min, max].
Result<int> auto_or_int(const std::string& text, int min, int max, int automatic,
                        const char* name) {
    if (text == "auto") return automatic;
    auto v = parse_integer(text, min, max, name);
    if (!v) {
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: \"{}\" is not auto or a whole number from {} to {}",
                                      name, text, min, max));
    }
    return static_cast<int>(*v);
}

}  // namespace

Result<void> apply_ai_flags(const AiFlags& f, Profile& p) {
    if (f.model_given) {
        if (f.model.empty()) return make_error(Errc::invalid_argument, "--model: empty name");
        p.ai.enabled = true;
        p.ai.model = f.model;
        // The model's own scale; a model that cannot be read keeps the profile's and fails to
        // load later with its reason (a notice, or an error under --require-ai).
        if (auto info = inspect_model(f.model)) p.ai.scale = info->scale;
    }
    const bool any =
        f.tile_given || f.overlap_given || f.strength.given() || f.precision_given || f.require_ai;
    if (any && !p.ai.enabled) {
        const char* flag = f.tile_given         ? "--tile"
                           : f.overlap_given    ? "--overlap"
                           : f.strength.given() ? "--ai-strength"
                           : f.precision_given  ? "--precision"
                                                : "--require-ai";
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: the profile \"{}\" has no AI stage (ai.enabled is "
                                      "false); choose one with AI (-p balanced) or add --model",
                                      flag, p.name));
    }
    if (f.tile_given) {
        auto v = auto_or_int(f.tile, 32, 2048, 0, "--tile");
        if (!v) return std::move(v).error();
        p.ai.tile_size = *v;
    }
    if (f.overlap_given) {
        auto v = auto_or_int(f.overlap, 0, 512, -1, "--overlap");
        if (!v) return std::move(v).error();
        p.ai.tile_overlap = *v;
    }
    if (f.precision_given) {
        if (f.precision == "auto") {
            p.ai.precision = AiPrecision::automatic;
        } else if (f.precision == "fp32") {
            p.ai.precision = AiPrecision::fp32;
        } else if (f.precision == "fp16") {
            p.ai.precision = AiPrecision::fp16;
        } else {
            return make_error(Errc::invalid_argument,
                              fmt::format("--precision: \"{}\" is not one of auto, fp32, fp16",
                                          escape_for_terminal(f.precision)));
        }
    }
    if (f.strength.given()) {
        KZ_TRY(store_decimal_option(f.strength, 0, 1, 1, p.ai.strength));
    }
    if (p.ai.tile_size != 0 && p.ai.tile_overlap >= 0 && 2 * p.ai.tile_overlap >= p.ai.tile_size) {
        return make_error(Errc::invalid_argument,
                          fmt::format("--overlap {} leaves no room in a {}-pixel tile: it must be "
                                      "less than half the tile",
                                      p.ai.tile_overlap, p.ai.tile_size));
    }
    return validate_profile(p);
}

}  // namespace kizuna::cli

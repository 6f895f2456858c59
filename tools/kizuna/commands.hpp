// Each subcommand registers itself on the CLI11 app and sets `run` to its action, which returns
// the process exit code (0 success, 1 failure; usage errors are CLI11's).
#pragma once

#include <functional>

#include "cli_fwd.hpp"

namespace kizuna::cli {

using Action = std::function<int()>;

void register_probe(CLI::App& app, Action& run);
void register_profiles(CLI::App& app, Action& run);
void register_upscale(CLI::App& app, Action& run);
void register_compare(CLI::App& app, Action& run);
void register_models(CLI::App& app, Action& run);
void register_bench(CLI::App& app, Action& run);
void register_shaders(CLI::App& app, Action& run);
void register_play(CLI::App& app, Action& run);

}  // namespace kizuna::cli

// kizuna: the command-line front end of KizunaSR. It uses the public API only.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "commands.hpp"
#include "console.hpp"
#include "kizuna/media.hpp"
#include "kizuna/probe.hpp"
#include "kizuna/temp_files.hpp"
#include "kizuna/text.hpp"
#include "kizuna/version.hpp"

int main(int argc, char** argv) {
    using namespace kizuna::cli;
    // SIGINT, SIGTERM and SIGHUP remove the temporary files of writes in progress and exit with
    // 128 + the signal number.
    if (auto r = kizuna::install_signal_cleanup(); !r) {
        std::fprintf(stderr, "kizuna: error: %s\n", r.error().message.c_str());
        return 1;
    }
    CLI::App app{"KizunaSR: anime upscaling (real-time shaders and neural export)", "kizuna"};
    app.set_version_flag("--version", std::string("kizuna ") + kizuna::version());
    bool verbose = false;
    bool quiet = false;
    app.add_flag("-v,--verbose", verbose, "Log debug messages, including FFmpeg's");
    app.add_flag("-q,--quiet", quiet, "Log errors only")->excludes("--verbose");
    std::string cpu_max;
    app.add_option("--cpu-max", cpu_max,
                   "Cap the fast CPU code at scalar, ssse3, sse4, avx2 or avx512 "
                   "(default: KIZUNA_CPU_MAX, else the CPU's best)");
    app.require_subcommand(1);

    Action run;
    register_probe(app, run);
    register_profiles(app, run);
    register_upscale(app, run);
    register_compare(app, run);
    register_models(app, run);
    register_bench(app, run);
    register_shaders(app, run);
    register_play(app, run);

    // CLI11 reports an unknown command as "A subcommand is required"; name it instead.
    auto known = [&app](const std::string& name) {
        return !app.get_subcommands([&](CLI::App* sub) { return sub->get_name() == name; }).empty();
    };
    if (argc > 1 && argv[1][0] != '-' && !known(argv[1])) {
        std::fprintf(stderr,
                     "kizuna: error: unknown command '%s' (commands: probe, profiles, upscale, "
                     "compare, models, bench, shaders, play; see --help)\n",
                     kizuna::escape_for_terminal(argv[1]).c_str());
        return 2;
    }
    CLI11_PARSE(app, argc, argv);
    Console::instance().install(verbose ? kizuna::LogLevel::debug
                                : quiet ? kizuna::LogLevel::error
                                        : kizuna::LogLevel::info);
    if (!cpu_max.empty()) {
        const auto level = kizuna::parse_cpu_level(cpu_max);
        if (!level) {
            std::fprintf(
                stderr, "kizuna: error: --cpu-max: not one of scalar, ssse3, sse4, avx2, avx512\n");
            return 2;
        }
        kizuna::set_cpu_max(*level);
    }
    kizuna::route_ffmpeg_log_to_kizuna(verbose ? kizuna::LogLevel::error : kizuna::LogLevel::debug);
    if (!run) {
        std::fputs(app.help().c_str(), stderr);
        return 2;
    }
    return run();
}

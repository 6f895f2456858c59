// kizuna profiles [list] | check FILE | show NAME|FILE
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include "commands.hpp"
#include "console.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/text.hpp"

namespace kizuna::cli {
namespace {

// A subcommand taking one required positional argument that names a profile.
struct ProfileSubcommand {
    const char* name;
    const char* help;
    const char* arg;
    const char* arg_help;
};

// Adds `sub`; when chosen, the command loads the profile its argument names with `load` (an
// error is printed and exits 1) and prints it with `print` (exit 0).
void add_profile_subcommand(CLI::App* cmd, Action& run, const ProfileSubcommand& sub,
                            Result<Profile> (*load)(const std::string& arg),
                            void (*print)(const std::string& arg, const Profile&)) {
    auto value = std::make_shared<std::string>();
    auto* app = cmd->add_subcommand(sub.name, sub.help);
    app->add_option(sub.arg, *value, sub.arg_help)->required();
    app->callback([&run, value, load, print] {
        run = [value, load, print] {
            auto p = load(*value);
            if (!p) {
                Console::instance().error(p.error().message);
                return 1;
            }
            print(*value, *p);
            return 0;
        };
    });
}

}  // namespace

void register_profiles(CLI::App& app, Action& run) {
    auto* cmd = app.add_subcommand("profiles", "List, check or show processing profiles");
    cmd->callback([&run, cmd] {
        if (!cmd->get_subcommands().empty()) return;
        run = [] {
            std::printf("Built-in profiles:\n");
            for (const auto& name : builtin_profile_names()) {
                auto p = builtin_profile(name);
                if (!p) {
                    Console::instance().error(p.error().message);
                    return 1;
                }
                std::printf("  %-12s %s\n", name.c_str(),
                            escape_for_terminal(p->description).c_str());
            }
            std::printf(
                "\nUse --profile NAME or --profile FILE.json; 'kizuna profiles show NAME' "
                "prints one as JSON.\n");
            return 0;
        };
    });

    add_profile_subcommand(
        cmd, run, {"check", "Validate a profile file", "file", "Profile JSON file"},
        [](const std::string& file) { return load_profile(file); },
        [](const std::string& file, const Profile& p) {
            // The name comes from the file: escaped, and whole even with a NUL inside.
            std::printf("%s: valid profile \"%s\"\n", escape_for_terminal(file).c_str(),
                        escape_for_terminal(p.name).c_str());
        });
    add_profile_subcommand(
        cmd, run,
        {"show", "Print a profile (built-in name or file) as JSON", "profile",
         "Built-in name or JSON file"},
        [](const std::string& name) { return resolve_profile(name); },
        [](const std::string&, const Profile& p) {
            // profile_to_json escapes every control character inside strings (JSON \u escapes).
            const std::string json = profile_to_json(p);
            std::fwrite(json.data(), 1, json.size(), stdout);
            std::fputc('\n', stdout);
        });
}

}  // namespace kizuna::cli

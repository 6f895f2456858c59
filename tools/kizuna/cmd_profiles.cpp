// kizuna profiles [list] | check FILE | show NAME|FILE
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "console.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/text.hpp"

namespace kizuna::cli {

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

    auto file = std::make_shared<std::string>();
    auto* check = cmd->add_subcommand("check", "Validate a profile file");
    check->add_option("file", *file, "Profile JSON file")->required();
    check->callback([&run, file] {
        run = [file] {
            auto p = load_profile(*file);
            if (!p) {
                Console::instance().error(p.error().message);
                return 1;
            }
            // The name comes from the file: escaped, and whole even with a NUL inside.
            std::printf("%s: valid profile \"%s\"\n", escape_for_terminal(*file).c_str(),
                        escape_for_terminal(p->name).c_str());
            return 0;
        };
    });

    auto name = std::make_shared<std::string>();
    auto* show = cmd->add_subcommand("show", "Print a profile (built-in name or file) as JSON");
    show->add_option("profile", *name, "Built-in name or JSON file")->required();
    show->callback([&run, name] {
        run = [name] {
            auto p = resolve_profile(*name);
            if (!p) {
                Console::instance().error(p.error().message);
                return 1;
            }
            // profile_to_json escapes every control character inside strings (JSON \u escapes).
            const std::string json = profile_to_json(*p);
            std::fwrite(json.data(), 1, json.size(), stdout);
            std::fputc('\n', stdout);
            return 0;
        };
    });
}

}  // namespace kizuna::cli

// Declarations of the CLI11 types that the command headers name, so that those headers need not
// include CLI/CLI.hpp (their .cpp files do).
#pragma once

namespace CLI {
class App;
class Option;
}  // namespace CLI

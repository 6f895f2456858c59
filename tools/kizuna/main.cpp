#include <cstdio>

#include "kizuna/version.hpp"

int main() {
    std::printf("kizuna %s\n", kizuna::version());
    return 0;
}

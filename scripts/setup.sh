#!/usr/bin/env bash
# Sets up a Debian 12 machine for KizunaSR and builds it. Idempotent: packages already present
# are skipped by apt, the models are fetched once, the test clip is rendered once, and the build
# is incremental.
#
#   scripts/setup.sh [--no-build] [--build-dir DIR] [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
build_dir=build
cmake_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-build) build=0 ;;
        --build-dir) build_dir="$2"; shift ;;
        *) cmake_args+=("$1") ;;
    esac
    shift
done

packages=(
    # toolchain
    build-essential cmake ninja-build pkg-config git clang-format ca-certificates openssl
    # tests, fuzzing and benchmarks
    libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-14-dev
    # libraries
    nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
    libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev libavfilter-dev
    libzimg-dev libhwy-dev libxnnpack-dev libpthreadpool-dev
    # Vulkan: headers, loader, glslc, and Mesa's software device (lavapipe) for machines without a GPU
    libvulkan-dev glslc mesa-vulkan-drivers vulkan-tools
    # peers and fixtures: ffmpeg/ffprobe, real anime stills and music (renpy-thequestion), a real
    # 2D character animation and the renderer that draws it (synfig, synfig-examples: the export
    # test clip), a TrueType font for the attachment tests
    ffmpeg renpy-thequestion synfig synfig-examples fonts-dejavu-core
    libsdl2-dev xvfb xdotool x11-apps xauth  # kizuna play (SDL2) and its tests: X server, keys, xwd
)

sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm comes from Debian unless a node/npm is already on the machine.
command -v npm >/dev/null || missing+=(npm)
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
    "${sudo_cmd[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

scripts/fetch-models.sh
# The export's real test clip: prologue_kid.sif drawn by synfig at 288x504, 5 s, with music
# (~/.cache/kizuna/media/prologue_kid-288x504.mkv; about a minute, once).
scripts/render-clip.sh >/dev/null

if [[ $build -eq 1 ]]; then
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "${cmake_args[@]}"
    cmake --build "$build_dir"
fi

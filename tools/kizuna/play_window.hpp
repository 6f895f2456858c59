// The window of `kizuna play`: an SDL2 window, either with a renderer showing one RGBA8 picture
// through a streaming texture, letterboxed to the window (the texture path), or made for Vulkan
// (SDL_WINDOW_VULKAN), whose surface the library's DisplayPreview draws into (the swapchain
// path). Main thread only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"

struct SDL_Window;
struct SDL_Renderer;
struct SDL_Texture;

namespace kizuna::cli {

class PlayWindow {
public:
    // Initialises SDL's video, opens a window for a picture of width x height, scaled down (aspect
    // kept) to fit the screen's usable area. Errors: unsupported ("cannot open a window: ..."
    // when there is no display).
    // vulkan: a window for a Vulkan surface, with no renderer (present() is then an error).
    static Result<PlayWindow> create(const std::string& title, int width, int height,
                                     bool vulkan = false);

    PlayWindow() = default;
    PlayWindow(PlayWindow&& other) noexcept;
    PlayWindow& operator=(PlayWindow&& other) noexcept;
    PlayWindow(const PlayWindow&) = delete;
    PlayWindow& operator=(const PlayWindow&) = delete;
    ~PlayWindow();

    // Shows `picture` (RGBA8 of the size given to create), letterboxed.
    Result<void> present(ConstImageView picture);
    // Full screen (SDL's desktop full screen, and the display's bounds borderless for X servers
    // without a window manager) and back to the window's previous geometry.
    void toggle_fullscreen();
    bool fullscreen() const noexcept { return fullscreen_; }
    bool vulkan() const noexcept { return renderer_ == nullptr; }

    // Vulkan windows: the instance extensions SDL needs, a surface on `instance` (a VkInstance;
    // the handle's bits are returned) and the drawable size in pixels.
    Result<std::vector<std::string>> vulkan_instance_extensions() const;
    Result<uint64_t> create_vulkan_surface(void* instance) const;
    void drawable_size(int& w, int& h) const;
    // The horizontal position in the picture, a fraction in [0, 1], of window x coordinate `x`.
    double picture_fraction_x(int x) const;
    // The window's size now, and the picture's.
    void window_size(int& w, int& h) const;
    uint32_t id() const;

private:
    void release() noexcept;

    SDL_Window* window_ = nullptr;
    SDL_Renderer* renderer_ = nullptr;
    SDL_Texture* texture_ = nullptr;
    int width_ = 0, height_ = 0;
    bool fullscreen_ = false;
    struct {
        int x = 0, y = 0, w = 0, h = 0;
    } windowed_;  // the geometry to go back to from full screen
};

}  // namespace kizuna::cli

// The window of `kizuna play`: an SDL2 window and renderer showing one RGBA8 picture through a
// streaming texture, letterboxed to the window. Main thread only.
#pragma once

#include <cstdint>
#include <string>

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
    static Result<PlayWindow> create(const std::string& title, int width, int height);

    PlayWindow() = default;
    PlayWindow(PlayWindow&& other) noexcept;
    PlayWindow& operator=(PlayWindow&& other) noexcept;
    PlayWindow(const PlayWindow&) = delete;
    PlayWindow& operator=(const PlayWindow&) = delete;
    ~PlayWindow();

    // Shows `picture` (RGBA8 of the size given to create), letterboxed.
    Result<void> present(ConstImageView picture);
    void toggle_fullscreen();
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
};

}  // namespace kizuna::cli

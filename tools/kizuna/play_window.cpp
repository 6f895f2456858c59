#include "play_window.hpp"

#include <SDL.h>
#include <SDL_vulkan.h>

#include <algorithm>
#include <bit>
#include <utility>

#include <fmt/format.h>

namespace kizuna::cli {

namespace {

// Where a width x height picture goes in a window of ww x wh: centred, aspect kept.
SDL_Rect letterbox(int width, int height, int ww, int wh) {
    const double s = std::min(static_cast<double>(ww) / width, static_cast<double>(wh) / height);
    const int w = std::max(1, static_cast<int>(width * s + 0.5));
    const int h = std::max(1, static_cast<int>(height * s + 0.5));
    return SDL_Rect{(ww - w) / 2, (wh - h) / 2, w, h};
}

}  // namespace

PlayWindow::PlayWindow(PlayWindow&& other) noexcept {
    *this = std::move(other);
}

PlayWindow& PlayWindow::operator=(PlayWindow&& other) noexcept {
    if (this == &other) return *this;
    release();
    window_ = std::exchange(other.window_, nullptr);
    renderer_ = std::exchange(other.renderer_, nullptr);
    texture_ = std::exchange(other.texture_, nullptr);
    width_ = other.width_;
    height_ = other.height_;
    fullscreen_ = other.fullscreen_;
    windowed_ = other.windowed_;
    return *this;
}

PlayWindow::~PlayWindow() {
    release();
}

void PlayWindow::release() noexcept {
    if (texture_ != nullptr) SDL_DestroyTexture(texture_);
    if (renderer_ != nullptr) SDL_DestroyRenderer(renderer_);
    if (window_ != nullptr) SDL_DestroyWindow(window_);
    texture_ = nullptr;
    renderer_ = nullptr;
    window_ = nullptr;
}

Result<PlayWindow> PlayWindow::create(const std::string& title, int width, int height,
                                      bool vulkan) {
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        return make_error(Errc::unsupported,
                          fmt::format("cannot open a window: {}", SDL_GetError()));
    }
    // SDL falls back to drivers that draw nowhere; a user who did not ask for one (through
    // SDL_VIDEODRIVER) has no screen.
    const std::string driver = SDL_GetCurrentVideoDriver();
    if ((driver == "offscreen" || driver == "dummy" || driver == "evdev") &&
        SDL_getenv("SDL_VIDEODRIVER") == nullptr) {
        return make_error(Errc::unsupported,
                          "cannot open a window: no display (DISPLAY and WAYLAND_DISPLAY are "
                          "not set)");
    }
    // Scaled down to fit the usable area of the screen, never up.
    int ww = width, wh = height;
    SDL_Rect usable{};
    if (SDL_GetDisplayUsableBounds(0, &usable) == 0 && usable.w > 0 && usable.h > 0 &&
        (width > usable.w || height > usable.h)) {
        const SDL_Rect fit = letterbox(width, height, usable.w, usable.h);
        ww = fit.w;
        wh = fit.h;
    }
    PlayWindow w;
    w.width_ = width;
    w.height_ = height;
    w.window_ = SDL_CreateWindow(title.c_str(), SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, ww,
                                 wh, SDL_WINDOW_RESIZABLE | (vulkan ? SDL_WINDOW_VULKAN : 0));
    if (w.window_ == nullptr) {
        return make_error(Errc::unsupported, fmt::format("cannot open a {}window: {}",
                                                         vulkan ? "Vulkan " : "", SDL_GetError()));
    }
    if (vulkan) return w;
    // Smooth scaling when the window is not the picture's size; 1:1 copies pixels as they are.
    SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
    w.renderer_ = SDL_CreateRenderer(w.window_, -1, 0);
    if (w.renderer_ == nullptr) {
        return make_error(Errc::unsupported,
                          fmt::format("cannot draw in the window: {}", SDL_GetError()));
    }
    // Bytes R, G, B, A in memory, as kizuna's RGBA8.
    w.texture_ = SDL_CreateTexture(w.renderer_, SDL_PIXELFORMAT_RGBA32, SDL_TEXTUREACCESS_STREAMING,
                                   width, height);
    if (w.texture_ == nullptr) {
        return make_error(Errc::unsupported, fmt::format("cannot create a {}x{} texture: {}", width,
                                                         height, SDL_GetError()));
    }
    SDL_SetTextureBlendMode(w.texture_, SDL_BLENDMODE_NONE);
    return w;
}

Result<std::vector<std::string>> PlayWindow::vulkan_instance_extensions() const {
    unsigned n = 0;
    if (!SDL_Vulkan_GetInstanceExtensions(window_, &n, nullptr)) {
        return make_error(Errc::unsupported,
                          fmt::format("SDL has no Vulkan surface extensions: {}", SDL_GetError()));
    }
    std::vector<const char*> names(n);
    if (!SDL_Vulkan_GetInstanceExtensions(window_, &n, names.data())) {
        return make_error(Errc::unsupported,
                          fmt::format("SDL has no Vulkan surface extensions: {}", SDL_GetError()));
    }
    return std::vector<std::string>(names.begin(), names.begin() + n);
}

Result<uint64_t> PlayWindow::create_vulkan_surface(void* instance) const {
    VkSurfaceKHR surface{};
    if (!SDL_Vulkan_CreateSurface(window_, static_cast<VkInstance>(instance), &surface)) {
        return make_error(Errc::unsupported,
                          fmt::format("SDL made no Vulkan surface: {}", SDL_GetError()));
    }
    return std::bit_cast<uint64_t>(surface);
}

void PlayWindow::drawable_size(int& w, int& h) const {
    if (renderer_ != nullptr) {
        SDL_GetRendererOutputSize(renderer_, &w, &h);
    } else {
        SDL_Vulkan_GetDrawableSize(window_, &w, &h);
    }
}

Result<void> PlayWindow::present(ConstImageView picture) {
    if (renderer_ == nullptr) {
        return make_error(Errc::internal, "PlayWindow::present: a Vulkan window has no renderer");
    }
    if (picture.width != width_ || picture.height != height_ ||
        picture.format != PixelFormat::rgba8) {
        return make_error(Errc::internal, "PlayWindow::present: picture of the wrong size");
    }
    if (SDL_UpdateTexture(texture_, nullptr, picture.data, static_cast<int>(picture.stride)) != 0) {
        return make_error(Errc::unsupported, fmt::format("texture update: {}", SDL_GetError()));
    }
    int ww = 0, wh = 0;
    SDL_GetRendererOutputSize(renderer_, &ww, &wh);
    const SDL_Rect dst = letterbox(width_, height_, ww, wh);
    SDL_SetRenderDrawColor(renderer_, 0, 0, 0, 255);
    SDL_RenderClear(renderer_);
    SDL_RenderCopy(renderer_, texture_, nullptr, &dst);
    SDL_RenderPresent(renderer_);
    return {};
}

void PlayWindow::toggle_fullscreen() {
    fullscreen_ = !fullscreen_;
    // The window is also given the display's bounds, borderless, by hand: X servers without a
    // window manager (Xvfb, kiosks) ignore the full-screen request SDL sends to the manager.
    if (fullscreen_) {
        SDL_GetWindowPosition(window_, &windowed_.x, &windowed_.y);
        SDL_GetWindowSize(window_, &windowed_.w, &windowed_.h);
        SDL_Rect bounds{};
        const int display = SDL_GetWindowDisplayIndex(window_);
        if (SDL_GetDisplayBounds(display < 0 ? 0 : display, &bounds) == 0) {
            SDL_SetWindowBordered(window_, SDL_FALSE);
            SDL_SetWindowPosition(window_, bounds.x, bounds.y);
            SDL_SetWindowSize(window_, bounds.w, bounds.h);
        }
        SDL_SetWindowFullscreen(window_, SDL_WINDOW_FULLSCREEN_DESKTOP);
    } else {
        SDL_SetWindowFullscreen(window_, 0);
        SDL_SetWindowBordered(window_, SDL_TRUE);
        if (windowed_.w > 0) {
            SDL_SetWindowSize(window_, windowed_.w, windowed_.h);
            SDL_SetWindowPosition(window_, windowed_.x, windowed_.y);
        }
    }
}

double PlayWindow::picture_fraction_x(int x) const {
    int ww = 0, wh = 0;
    SDL_GetWindowSize(window_, &ww, &wh);
    const SDL_Rect dst = letterbox(width_, height_, ww, wh);
    return std::clamp(static_cast<double>(x - dst.x) / dst.w, 0.0, 1.0);
}

void PlayWindow::window_size(int& w, int& h) const {
    SDL_GetWindowSize(window_, &w, &h);
}

uint32_t PlayWindow::id() const {
    return SDL_GetWindowID(window_);
}

}  // namespace kizuna::cli

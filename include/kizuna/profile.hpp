// Processing profiles: every tunable of the five stages, the AI upscaler and the output, read from
// JSON (schema 1, documented in docs/profiles.md), validated, and overridable key by key.
//
// All functions are thread-safe (they touch no shared mutable state) and never throw; every
// failure is a Result carrying a one-line message that names the source (file, built-in or
// "--set"), the JSON path and the reason, e.g.
//   "balanced.json: stages.enhance.saturation: 3.5 is outside [0, 2]".
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kizuna/error.hpp"

namespace kizuna {

enum class BackendPreference {
    auto_select,
    vulkan,
    cpu,
    none
};  // JSON "auto"|"vulkan"|"cpu"|"none"

// JSON name of a backend preference: "auto", "vulkan", "cpu" or "none".
const char* backend_preference_name(BackendPreference backend) noexcept;

// Number format of the model's weights and activations on the Vulkan neural backend (the CPU
// backends compute in fp32 whatever is asked). automatic: fp16 where the Vulkan device has 16-bit
// storage buffers, else fp32; fp16: fp16 where it can, else fp32 with a notice saying why.
enum class AiPrecision { automatic, fp32, fp16 };  // JSON "auto"|"fp32"|"fp16"

// JSON name of a precision: "auto", "fp32" or "fp16".
const char* ai_precision_name(AiPrecision precision) noexcept;

// Ranges are inclusive. "identity" marks the neutral value at which a stage leaves the picture
// unchanged. The defaults below are the values a key takes when a profile leaves it out.
struct NormalizeSettings {
    bool enabled = true;
    float denoise_strength = 0.0f;  // [0, 1]; 0 = no denoise (identity)
    int denoise_radius = 2;         // [1, 4] pixels
    bool linear_light = false;      // output linear light instead of gamma-encoded
    bool operator==(const NormalizeSettings&) const = default;
};
struct ReconstructSettings {
    bool enabled = true;
    float edge_threshold = 0.06f;  // [0, 1] luma gradient magnitude above which a pixel is an edge
    float line_threshold =
        0.04f;  // [0, 1] how much darker than its neighbourhood a line-art pixel is
    bool operator==(const ReconstructSettings&) const = default;
};
struct UpscaleSettings {
    bool enabled = true;
    float anti_ringing = 1.0f;    // [0, 1] clamp strength to the local min/max; 1 = full clamp
    float edge_sharpness = 1.0f;  // [0, 2] how strongly interpolation follows edge direction
    bool operator==(const UpscaleSettings&) const = default;
};
struct EnhanceSettings {
    bool enabled = true;
    float contrast = 0.0f;     // [0, 1] S-curve strength around mid grey; 0 = identity
    float line_darken = 0.0f;  // [0, 1] darkening of line-art pixels; 0 = identity
    float saturation = 1.0f;   // [0, 2] OKLab chroma scale; 1 = identity
    float sharpen = 0.0f;      // [0, 2] adaptive sharpening amount; 0 = identity
    bool operator==(const EnhanceSettings&) const = default;
};
struct TemporalSettings {
    bool enabled = false;
    float strength = 0.6f;              // [0, 1] max weight of the previous output in still areas
    float motion_threshold = 0.03f;     // [0.001, 1] local difference at which blending stops
    float scene_cut_threshold = 0.25f;  // [0, 1] mean abs luma difference that resets history
    bool operator==(const TemporalSettings&) const = default;
};
struct AiSettings {
    bool enabled = false;
    std::string model =
        "realesr-animevideov3-x2";  // model id or a path to a .param file; not empty
    int scale = 2;                  // {1, 2, 3, 4}: the model's native scale
    int tile_size = 0;              // 0 = automatic, else [32, 2048] input pixels per side
    int tile_overlap = -1;          // -1 (JSON "auto") = 2 x the model's context margin + a
                                    // feather band, so tiles blend only exact values; else
                                    // [0, 512] input pixels shared by neighbouring tiles;
                                    // 2 * tile_overlap < tile_size when tile_size != 0
    float strength = 1.0f;  // [0, 1] blend of AI output with the shader upscale; 1 = AI only
    BackendPreference backend = BackendPreference::auto_select;
    int threads = 0;  // 0 = all hardware threads, else [1, 256]
    AiPrecision precision = AiPrecision::automatic;
    bool operator==(const AiSettings&) const = default;
};
struct OutputSettings {
    float scale = 2.0f;  // [1, 8] used when width and height are 0
    int width = 0;       // 0 = from scale; else [16, 16384]; non-zero only together with height
    int height = 0;      // 0 = from scale; else [16, 16384]; non-zero only together with width
    std::string video_codec = "libx264";  // libx264, libx265, libsvtav1, libvpx-vp9, libaom-av1
    int crf = 18;                         // [0, 63]; [0, 51] for libx264 and libx265
    std::string preset = "medium";  // passed to the encoder; for libx264/libx265 one of ultrafast,
                                    // superfast, veryfast, faster, fast, medium, slow, slower,
                                    // veryslow, placebo; otherwise any non-empty text
    std::string pixel_format = "yuv420p";  // yuv420p, yuv420p10le, yuv444p, yuv444p10le
                                           // (libsvtav1: the two 4:2:0 formats only)
    int image_bit_depth = 8;               // {8, 16} for PNG/TIFF stills
    bool operator==(const OutputSettings&) const = default;
};
struct Profile {
    std::string name;  // "performance", "balanced", "quality", or the file name without extension
    std::string description;
    NormalizeSettings normalize;      // JSON "stages.normalize"
    ReconstructSettings reconstruct;  // JSON "stages.reconstruct"
    UpscaleSettings upscale;          // JSON "stages.upscale"
    EnhanceSettings enhance;          // JSON "stages.enhance"
    TemporalSettings temporal;        // JSON "stages.temporal"
    AiSettings ai;                    // JSON "ai"
    OutputSettings output;            // JSON "output"
    bool operator==(const Profile&) const = default;
};

// Parses and validates a profile from JSON text. `source_name` prefixes every error message and,
// when the JSON has no "name", gives the profile its name (the file name without directory and
// extension). Errors: Errc::invalid_argument, e.g.
//   "my.json: line 3, column 5: syntax error while parsing object - ..."
//   "my.json: stages.enhnce: unknown key (did you mean \"enhance\"?)"
Result<Profile> parse_profile(std::string_view json_text, std::string_view source_name);

// Reads and parses a profile file; messages start with the path as given. Errc::not_found for a
// missing file, Errc::io_error for a directory, an unreadable or oversized (> 1 MiB) file,
// Errc::invalid_argument for bad content.
Result<Profile> load_profile(const std::filesystem::path& path);

// The built-in profiles, embedded in the library at build time from profiles/*.json.
// Names in display order: "performance", "balanced", "quality" (then any others, sorted).
std::vector<std::string> builtin_profile_names();
// Errc::not_found for an unknown name, with the nearest built-in name suggested.
Result<Profile> builtin_profile(std::string_view name);
// The embedded JSON text of a built-in profile, or an empty view for an unknown name.
std::string_view builtin_profile_json(std::string_view name);

// A built-in name if `name_or_path` is one (a built-in wins over a file of the same name in the
// current directory; write "./balanced" for the file), else a profile file path.
Result<Profile> resolve_profile(std::string_view name_or_path);

// Applies one "path=value" assignment, e.g. "stages.enhance.saturation=1.2", "ai.backend=cpu",
// "stages.temporal.enabled=false", "ai.model=my model.param". The value is converted to the key's
// type ("true", "1.2", "4"; strings may be given bare or as a JSON string) and checked exactly
// like the same key in a file; messages start with "--set: ". Cross-field rules (width with
// height, tile overlap against tile size, codec-specific limits) are NOT checked here, so that
// assignments can be applied one at a time in any order: call validate_profile() after the last
// one, or use apply_overrides(). On error the profile is left unchanged.
Result<void> apply_override(Profile& profile, std::string_view assignment);

// Applies every assignment in order, then validate_profile(profile, "--set"). On error the
// profile is left unchanged.
Result<void> apply_overrides(Profile& profile, std::span<const std::string> assignments);

// Checks every field's range and the cross-field rules. Messages start with `source_name`, or
// with the profile's name when it is empty.
Result<void> validate_profile(const Profile& profile, std::string_view source_name = {});

// Pretty JSON (4-space indent, keys in schema order, every key present, "schema": 1, no trailing
// newline) that parse_profile() reads back into an equal profile.
std::string profile_to_json(const Profile& profile);

}  // namespace kizuna

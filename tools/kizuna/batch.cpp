#include "batch.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "console.hpp"
#include "kizuna/log.hpp"
#include "still_upscale.hpp"

namespace kizuna::cli {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

const std::set<std::string> image_outputs{".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff"};
const std::set<std::string> video_outputs{".mkv", ".mp4", ".webm", ".mov"};
// What a folder contributes: pictures and videos FFmpeg reads, by extension.
const std::set<std::string> folder_inputs{".png", ".jpg", ".jpeg", ".webp", ".tif",  ".tiff",
                                          ".bmp", ".gif", ".mkv",  ".mp4",  ".webm", ".mov",
                                          ".avi", ".m4v", ".ts",   ".m2ts", ".y4m"};
const std::set<std::string> still_names{".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff", ".bmp"};

std::string output_extension(const fs::path& input) {
    const std::string ext = lower(input.extension().string());
    if (image_outputs.count(ext) || video_outputs.count(ext)) return input.extension().string();
    return still_names.count(ext) ? ".png" : ".mkv";
}

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string format_duration(double s) {
    const int t = static_cast<int>(s + 0.5);
    if (t >= 3600) return fmt::format("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60);
    return fmt::format("{}:{:02}", t / 60, t % 60);
}

}  // namespace

bool is_batch(const std::vector<std::string>& inputs, const std::string& output) {
    std::error_code ec;
    return inputs.size() > 1 || (inputs.size() == 1 && fs::is_directory(inputs[0], ec)) ||
           fs::is_directory(output, ec);
}

Result<std::vector<BatchItem>> plan_batch(const std::vector<std::string>& inputs,
                                          const std::string& out_dir) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const std::string& in : inputs) {
        if (fs::is_directory(in, ec)) {
            std::vector<fs::path> found;
            for (const auto& e : fs::directory_iterator(in, ec)) {
                if (e.is_regular_file(ec) &&
                    folder_inputs.count(lower(e.path().extension().string()))) {
                    found.push_back(e.path());
                }
            }
            if (ec) {
                return make_error(Errc::io_error,
                                  fmt::format("{}: cannot list the folder: {}", in, ec.message()));
            }
            if (found.empty()) {
                return make_error(Errc::invalid_argument,
                                  fmt::format("{}: the folder holds no picture or video", in));
            }
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else if (fs::exists(in, ec)) {
            files.emplace_back(in);
        } else {
            return make_error(Errc::not_found, fmt::format("{}: no such file or folder", in));
        }
    }
    const std::string out_ext = lower(fs::path(out_dir).extension().string());
    if ((fs::exists(out_dir, ec) && !fs::is_directory(out_dir, ec)) ||
        (!fs::exists(out_dir, ec) &&
         (image_outputs.count(out_ext) || video_outputs.count(out_ext)))) {
        return make_error(Errc::invalid_argument,
                          fmt::format("-o {}: with several inputs or a folder, -o names the "
                                      "output folder, not a file",
                                      out_dir));
    }
    std::vector<BatchItem> items;
    std::map<std::string, std::string> taken;  // output -> input
    for (const fs::path& f : files) {
        if (fs::exists(out_dir, ec) &&
            fs::equivalent(f.parent_path().empty() ? "." : f.parent_path(), out_dir, ec)) {
            return make_error(Errc::invalid_argument,
                              fmt::format("-o {}: the output folder holds the input {}; choose "
                                          "another folder so no input is replaced",
                                          out_dir, f.string()));
        }
        BatchItem item;
        item.input = f.string();
        item.output = (fs::path(out_dir) / f.stem()).string() + output_extension(f);
        auto [it, fresh] = taken.emplace(item.output, item.input);
        if (!fresh) {
            return make_error(Errc::invalid_argument,
                              fmt::format("{} and {} would both be written to {}; rename one",
                                          it->second, item.input, item.output));
        }
        items.push_back(std::move(item));
    }
    return items;
}

int run_batch(const UpscaleArgs& a) {
    Console& console = Console::instance();
    if (a.at_option && a.at_option->count() > 0) {
        console.error("--at picks a frame of one video; it does not apply to several inputs");
        return 1;
    }
    auto items = plan_batch(a.inputs, a.output);
    if (!items) return fail(items.error());
    auto still = StillUpscaler::create(a);
    if (!still) return fail(still.error());
    std::error_code ec;
    fs::create_directories(a.output, ec);
    if (ec) {
        return fail(make_error(Errc::io_error, fmt::format("-o {}: cannot create the folder: {}",
                                                           a.output, ec.message())));
    }

    const size_t n = items->size();
    log(LogLevel::info,
        fmt::format("{} files -> {}/, profile {}", n, a.output, still->profile().name));
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::string> failed;
    for (size_t i = 0; i < n; ++i) {
        const BatchItem& item = (*items)[i];
        log(LogLevel::info, fmt::format("[{}/{}] {} -> {}", i + 1, n, item.input, item.output));
        int status = 0;
        auto kind = probe_media_kind(item.input);
        if (!kind) {
            console.error(kind.error().message);
            status = 1;
        } else if (*kind == MediaKind::still) {
            auto r = still->run(item.input, item.output, false);
            if (!r) {
                console.error(r.error().message);
                status = r.error().code == Errc::cancelled && still->signal()
                             ? 128 + still->signal()
                             : 1;
            }
        } else {
            UpscaleArgs one = a;
            one.input = item.input;
            one.output = item.output;
            status = run_video_export(one);
        }
        if (status > 128) {
            console.error(
                fmt::format("interrupted at file {} of {}; {} left undone", i + 1, n, n - i - 1));
            return status;
        }
        if (status != 0) failed.push_back(item.input);
        const double spent = seconds_since(t0);
        if (i + 1 < n) {
            log(LogLevel::info,
                fmt::format("[{}/{}] {} elapsed, about {} left", i + 1, n, format_duration(spent),
                            format_duration(spent / static_cast<double>(i + 1) *
                                            static_cast<double>(n - i - 1))));
        }
    }
    log(LogLevel::info, fmt::format("{} of {} files written to {}/ in {}", n - failed.size(), n,
                                    a.output, format_duration(seconds_since(t0))));
    if (failed.empty()) return 0;
    std::string list;
    for (const std::string& f : failed) list += (list.empty() ? "" : ", ") + f;
    console.error(fmt::format("{} of {} files failed: {}", failed.size(), n, list));
    return 1;
}

}  // namespace kizuna::cli

#include "media/output_target.hpp"

#include <cctype>

#include <fmt/format.h>

namespace kizuna::media {

namespace {

std::string lower_extension(const std::filesystem::path& p) {
    std::string e = p.extension().string();
    for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return e;
}

bool image_extension(const std::string& e) {
    return e == ".png" || e == ".jpg" || e == ".jpeg" || e == ".tif" || e == ".tiff" ||
           e == ".webp";
}

// Fills the one number field of `name`; false when it has none, several, or a stray '%'.
bool fill(const std::string& name, int64_t number, std::string& out, bool& has_field) {
    out.clear();
    has_field = false;
    for (size_t i = 0; i < name.size(); ++i) {
        if (name[i] != '%') {
            out += name[i];
            continue;
        }
        if (i + 1 < name.size() && name[i + 1] == '%') {
            out += '%';
            ++i;
            continue;
        }
        size_t j = i + 1;
        int width = 0;
        if (j < name.size() && name[j] == '0') {
            ++j;
            if (j < name.size() && name[j] >= '1' && name[j] <= '9')
                width = name[j++] - '0';
            else
                return false;
        } else if (j < name.size() && name[j] >= '1' && name[j] <= '9') {
            width = name[j++] - '0';
        }
        if (j >= name.size() || name[j] != 'd' || has_field) return false;
        has_field = true;
        out += fmt::format("{:0{}d}", number, width);
        i = j;
    }
    return true;
}

}  // namespace

OutputTarget classify_output(const std::filesystem::path& path) {
    const std::string e = lower_extension(path);
    OutputTarget t;
    if (e == ".mkv")
        t.container = "matroska";
    else if (e == ".mp4" || e == ".m4v")
        t.container = "mp4";
    else if (e == ".webm")
        t.container = "webm";
    else if (e == ".mov")
        t.container = "mov";
    if (!t.container.empty()) {
        t.form = OutputTarget::Form::video;
        return t;
    }
    if (!image_extension(e)) return t;
    std::string filled;
    bool field = false;
    const std::string name = path.filename().string();
    if (name.find('%') != std::string::npos && fill(name, 0, filled, field) && field) {
        t.form = OutputTarget::Form::sequence;
    } else {
        t.form = OutputTarget::Form::image;
    }
    return t;
}

Result<std::filesystem::path> sequence_file_name(const std::filesystem::path& pattern,
                                                 int64_t number) {
    std::string filled;
    bool field = false;
    if (!fill(pattern.filename().string(), number, filled, field) || !field) {
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: an image sequence name needs exactly one number "
                                      "field such as %06d (write %% for a '%')",
                                      pattern.string()));
    }
    return pattern.parent_path() / filled;
}

}  // namespace kizuna::media

// Fixtures and ffprobe readers for the video export tests: small media made by the ffmpeg tool,
// raw Y'CbCr written here, and what ffprobe says about streams, packets and chapters.
#pragma once

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_runner.hpp"

namespace kizuna::test {

inline const char* kFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// ffmpeg with the given arguments; true on success.
inline bool ffmpeg_ok(const std::string& args) {
    return shell("ffmpeg -nostdin -hide_banner -loglevel error -y " + args) == 0;
}

inline std::vector<std::string> split_lines(const std::string& s) {
    std::vector<std::string> lines;
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) lines.push_back(line);
    }
    return lines;
}

inline std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
}

// `ffprobe -v error <args> 'file'`, its stdout.
inline std::string probe(const std::string& args, const std::string& file) {
    return capture("ffprobe -v error " + args + " '" + file + "'");
}

// One line per packet of stream `spec` (e.g. "a:0"): "pts,hash" (MD5 of the packet's bytes).
inline std::vector<std::string> packet_hashes(const std::string& file, const std::string& spec) {
    return split_lines(probe("-select_streams " + spec +
                                 " -show_entries packet=pts,data_hash -show_data_hash MD5 -of "
                                 "csv=p=0",
                             file));
}

// The presentation timestamps of a stream's packets, sorted (presentation order).
inline std::vector<int64_t> packet_pts(const std::string& file, const std::string& spec) {
    std::vector<int64_t> pts;
    for (const std::string& l : split_lines(
             probe("-select_streams " + spec + " -show_entries packet=pts -of csv=p=0", file))) {
        if (l != "N/A") pts.push_back(std::stoll(l));
    }
    std::sort(pts.begin(), pts.end());
    return pts;
}

// One field of one stream, e.g. stream_field(f, "v:0", "color_space").
inline std::string stream_field(const std::string& file, const std::string& spec,
                                const std::string& field) {
    return trimmed(probe(
        "-select_streams " + spec + " -show_entries stream=" + field + " -of default=nw=1:nk=1",
        file));
}

// Every stream as "index|type|codec|language|title|filename|dispositions" lines.
inline std::vector<std::string> stream_list(const std::string& file) {
    return split_lines(
        probe("-show_entries stream=index,codec_type,codec_name:stream_tags="
              "language,title,filename,mimetype:stream_disposition=default,forced,"
              "comment -of compact=p=0",
              file));
}

inline std::vector<std::string> chapter_list(const std::string& file) {
    return split_lines(probe("-show_chapters -of compact=p=0", file));
}

inline int64_t count_packets(const std::string& file, const std::string& spec) {
    const std::string s = trimmed(probe("-count_packets -select_streams " + spec +
                                            " -show_entries stream=nb_read_packets -of "
                                            "csv=p=0",
                                        file));
    return s.empty() ? -1 : std::stoll(s);
}

// Raw planar Y'CbCr 4:2:0 at 8 bits: `frames` copies of a picture whose luma and chroma come
// from the callbacks (x, y in luma / chroma coordinates).
template <class Y, class U, class V>
std::string raw_yuv420(int w, int h, int frames, Y y, U u, V v) {
    std::string one;
    for (int j = 0; j < h; ++j)
        for (int i = 0; i < w; ++i) one += static_cast<char>(y(i, j));
    for (int j = 0; j < h / 2; ++j)
        for (int i = 0; i < w / 2; ++i) one += static_cast<char>(u(i, j));
    for (int j = 0; j < h / 2; ++j)
        for (int i = 0; i < w / 2; ++i) one += static_cast<char>(v(i, j));
    std::string all;
    for (int f = 0; f < frames; ++f) all += one;
    return all;
}

inline void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

// The first frame of `file` decoded by ffmpeg to raw `pix_fmt` bytes.
inline std::string decode_first_frame(const std::string& file, const std::string& pix_fmt,
                                      const std::string& scratch) {
    if (!ffmpeg_ok("-i '" + file + "' -frames:v 1 -f rawvideo -pix_fmt " + pix_fmt + " '" +
                   scratch + "'")) {
        return {};
    }
    return read_file(scratch);
}

}  // namespace kizuna::test

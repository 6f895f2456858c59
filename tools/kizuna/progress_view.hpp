// How an export's progress is shown: a live line on the terminal (redrawn in place, never broken
// by log lines; on a pipe, a plain line every 5% or 30 s), or one JSON object per update on
// stderr for frontends, plus optionally JSON lines in a file.
#pragma once

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "kizuna/error.hpp"
#include "kizuna/export.hpp"

namespace kizuna::cli {

enum class ProgressMode { line, json, none };

class ProgressView {
public:
    // `file`: where to write JSON lines as well (empty: nowhere); created or truncated.
    static Result<std::unique_ptr<ProgressView>> create(ProgressMode mode, const std::string& file);
    ~ProgressView();

    // Thread safe (called from the export's progress thread).
    void update(const ExportProgress& p);
    // Ends the live line.
    void finish();

    // "frame 120/240 (50%), 23.1 fps, ETA 0:05 | decode 5% pre 10% ai 0% post 60% encode 25%"
    static std::string line_text(const ExportProgress& p);

private:
    ProgressView(ProgressMode mode, std::FILE* file) : mode_(mode), file_(file) {}
    ProgressMode mode_;
    std::FILE* file_;
    std::mutex mutex_;
    int last_step_ = -1;  // pipe: the last 5% step printed
    std::chrono::steady_clock::time_point last_print_{};
};

}  // namespace kizuna::cli

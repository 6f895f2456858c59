// `kizuna upscale` on several inputs or on a folder: every picture and video into one output
// folder (-o DIR), one after the other, with a line per file, the time left, and a file that
// fails skipped (reported, and the exit status is 1 at the end).
#pragma once

#include <string>
#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/media.hpp"
#include "upscale_args.hpp"

namespace kizuna::cli {

struct BatchItem {
    std::string input;
    std::string output;  // in the output folder
};

// True when the command names more than one input or a folder, or its output is an existing
// folder.
bool is_batch(const std::vector<std::string>& inputs, const std::string& output);

// The files of `inputs` (a folder stands for its pictures and videos, by extension, sorted by
// name; not its sub-folders) and the output of each in `out_dir`: the input's name with its
// extension kept when the output can be written in that format (.png, .jpg, .webp, .tif; .mkv,
// .mp4, .webm, .mov), else .png for pictures and .mkv for other files. Errors: a missing input,
// an empty folder, two inputs with one output name, an output folder that holds an input.
Result<std::vector<BatchItem>> plan_batch(const std::vector<std::string>& inputs,
                                          const std::string& out_dir);

// Runs the batch; returns the exit status (0 when every file was written).
int run_batch(const UpscaleArgs& args);

}  // namespace kizuna::cli

// What the user must be told about a job, in order: each notice is logged once as a warning when
// it is added, and kept for the job's summary.
#pragma once

#include <string>
#include <vector>

namespace kizuna::pipeline {

class Notices {
public:
    // Logs `text` as a warning and keeps it. A notice equal to one already kept is not repeated.
    void add(std::string text);
    const std::vector<std::string>& all() const noexcept { return items_; }

private:
    std::vector<std::string> items_;
};

}  // namespace kizuna::pipeline

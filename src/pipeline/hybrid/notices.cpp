#include "pipeline/hybrid/notices.hpp"

#include <algorithm>

#include "kizuna/log.hpp"

namespace kizuna::pipeline {

void Notices::add(std::string text) {
    if (std::find(items_.begin(), items_.end(), text) != items_.end()) return;
    log(LogLevel::warn, text);
    items_.push_back(std::move(text));
}

}  // namespace kizuna::pipeline

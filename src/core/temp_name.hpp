// Names of the temporary files written beside a destination before it is replaced.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kizuna::core {

// Characters the random part of a temporary name adds.
inline constexpr size_t kTempRandomChars = 6;

// ".<name>.kizuna-tmp-" with <name> cut from its end (at a UTF-8 character boundary) so that the
// prefix plus kTempRandomChars fits in `name_max` bytes: a destination whose own name is near the
// file system's limit still gets a temporary name the file system accepts.
std::string temp_name_prefix(std::string_view name, size_t name_max);

// kTempRandomChars characters of [a-z0-9], different on every call (per process and thread);
// the caller creates the file with O_EXCL and retries on a collision. Thread safe.
std::string random_temp_suffix();

// NAME_MAX of the folder `dir` (pathconf), or 255 when it cannot be read.
size_t name_max_of(const char* dir);

}  // namespace kizuna::core

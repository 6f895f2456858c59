// Counts calls to the global allocation functions (every form of operator new, aligned ones
// included) of a test program that links tests/support/alloc_counter.cpp, to show that steady
// state allocates nothing through C++.
#pragma once

namespace kizuna::test {

// Allocations since the program started. Thread safe.
long allocation_count() noexcept;

}  // namespace kizuna::test
